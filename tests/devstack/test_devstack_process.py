"""Running the embedded Synapse: start, failure report, stop, restart with reuse."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from busbaan.devstack import (
    SynapseProcess,
    SynapseSettings,
    SynapseStartError,
    start_homeserver,
    stop_stale,
    write_config,
)

pytestmark = pytest.mark.synapse


def test_failed_start_reports_the_log_tail(tmp_path: Path) -> None:
    """When Synapse cannot start (port taken) the error says so and quotes its log."""
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        config = write_config(tmp_path, SynapseSettings(port=port, profile="test"))
        process = SynapseProcess(config, startup_timeout=60)
        with pytest.raises(SynapseStartError) as caught:
            process.start()
    message = caught.value.message("en")
    assert "did not start" in message
    assert "Address already in use" in caught.value.log_tail
    assert not process.running
    assert not (tmp_path / "busbaan-synapse.pid").exists()


def test_sync_context_manager_starts_and_stops(tmp_path: Path) -> None:
    """``with SynapseProcess(...)`` answers on the client API inside and is gone after."""
    config = write_config(tmp_path, SynapseSettings(profile="test"))
    with SynapseProcess(config) as process:
        assert process.running
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"{config.url}/_matrix/client/versions", timeout=5) as response:
            assert response.status == 200
        assert process.startup_seconds is not None
    assert not process.running
    assert process.pid is None


async def test_restart_reuses_database_port_and_admin(tmp_path: Path) -> None:
    """A second start on the same directory keeps port, users and the admin's token."""
    first = await start_homeserver(tmp_path, profile="test")
    try:
        user = await first.register("herstart", "een-wachtwoord", display_name="Herstart")
        admin_token = first.admin_token
    finally:
        await first.stop()
    assert not first.process.running

    second = await start_homeserver(tmp_path, profile="test")
    try:
        assert second.url == first.url
        assert second.admin_token == admin_token
        again = await second.register("herstart", "een-wachtwoord")
        assert again.user_id == user.user_id
        assert not again.created
    finally:
        await second.stop()


def _sleeper(*argv: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", *argv])


def test_stale_synapse_of_this_directory_is_stopped(tmp_path: Path) -> None:
    """A leftover process named by the pid file and running this config is stopped."""
    config = write_config(tmp_path)
    orphan = _sleeper("-c", str(config.config_path))
    try:
        time.sleep(0.2)  # let exec replace the command line
        (tmp_path / "busbaan-synapse.pid").write_text(f"{orphan.pid}\n")
        assert stop_stale(tmp_path, grace=5)
        assert orphan.wait(5) is not None
        assert not (tmp_path / "busbaan-synapse.pid").exists()
    finally:
        orphan.kill()
        orphan.wait()


def test_unrelated_process_in_pid_file_is_left_alone(tmp_path: Path) -> None:
    """A pid file pointing at a process that does not run this config kills nothing."""
    write_config(tmp_path)
    other = _sleeper()
    try:
        (tmp_path / "busbaan-synapse.pid").write_text(f"{other.pid}\n")
        assert not stop_stale(tmp_path, grace=5)
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()

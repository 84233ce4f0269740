"""The generated Synapse configuration: loopback only, private secrets, reuse."""

from __future__ import annotations

import socket
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from structlog.testing import capture_logs

from busbaan.devstack import (
    SynapseConfigError,
    SynapseSettings,
    free_port,
    read_config,
    write_config,
)

GATE = {"module": "busbaan.gate.BusbaanGate", "config": {"policies": "policies/"}}


def _yaml(directory: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((directory / "homeserver.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_listens_on_loopback_only_without_federation(tmp_path: Path) -> None:
    """Every listener binds 127.0.0.1 only, serves no federation API (only the OpenID
    userinfo check, Synapse's "openid" resource, for the case panel), and federates
    nowhere."""
    config = write_config(tmp_path)
    homeserver = _yaml(tmp_path)
    assert homeserver["listeners"], "one listener expected"
    for listener in homeserver["listeners"]:
        assert listener["bind_addresses"] == ["127.0.0.1"]
        assert listener["tls"] is False
        names = {n for r in listener["resources"] for n in r["names"]}
        assert names == {"client", "openid"}
    assert homeserver["federation_domain_whitelist"] == []
    assert homeserver["trusted_key_servers"] == []
    assert config.url == f"http://127.0.0.1:{config.port}"


def test_fixed_choices_are_written(tmp_path: Path) -> None:
    """Registration is closed, no stats, room version 12, SQLite and media under the dir."""
    homeserver = _yaml(write_config(tmp_path).directory)
    assert homeserver["enable_registration"] is False
    assert homeserver["report_stats"] is False
    assert homeserver["suppress_key_server_warning"] is True
    assert homeserver["default_room_version"] == "12"
    assert homeserver["database"]["name"] == "sqlite3"
    assert Path(homeserver["database"]["args"]["database"]).parent == tmp_path
    assert Path(homeserver["media_store_path"]).parent == tmp_path
    log_config = yaml.safe_load(Path(homeserver["log_config"]).read_text())
    assert set(log_config["handlers"]) == {"file"}, "Synapse must not log to the console"
    assert Path(log_config["handlers"]["file"]["filename"]).parent == tmp_path


def test_secrets_are_private(tmp_path: Path) -> None:
    """homeserver.yaml (with the shared secret) and the signing key have mode 0600."""
    config = write_config(tmp_path)
    assert len(config.registration_shared_secret) >= 32
    assert _yaml(tmp_path)["registration_shared_secret"] == config.registration_shared_secret
    assert _mode(config.config_path) == 0o600
    assert _mode(config.signing_key_path) == 0o600
    assert _mode(tmp_path) == 0o700
    assert config.registration_shared_secret not in repr(config)


def test_second_run_reuses_secrets_key_and_port(tmp_path: Path) -> None:
    """A second generation in the same directory keeps secrets, signing key and port."""
    first = write_config(tmp_path)
    key = first.signing_key_path.read_text()
    macaroon = _yaml(tmp_path)["macaroon_secret_key"]
    second = write_config(tmp_path, SynapseSettings(modules=[GATE]))
    assert second.reused and not first.reused
    assert second.registration_shared_secret == first.registration_shared_secret
    assert second.signing_key_path.read_text() == key
    assert _yaml(tmp_path)["macaroon_secret_key"] == macaroon
    assert second.port == first.port
    assert _yaml(tmp_path)["modules"] == [GATE], "the settings of this run are applied"
    assert read_config(tmp_path) == second


def test_taken_port_is_replaced_on_reuse(tmp_path: Path) -> None:
    """When the previous port is taken now, a second run picks another free one."""
    first = write_config(tmp_path)
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", first.port))
        blocker.listen()
        second = write_config(tmp_path)
    assert second.port != first.port


def test_given_port_and_server_name_are_used(tmp_path: Path) -> None:
    """An explicit port and server name end up in the listener and the config."""
    port = free_port()
    config = write_config(tmp_path, SynapseSettings(server_name="wpi.test", port=port))
    homeserver = _yaml(tmp_path)
    assert homeserver["server_name"] == "wpi.test"
    assert homeserver["listeners"][0]["port"] == port == config.port
    assert config.signing_key_path.name == "wpi.test.signing.key"


def test_changing_server_name_of_a_directory_is_refused(tmp_path: Path) -> None:
    """Reusing a directory with another server name fails with a message naming both."""
    write_config(tmp_path)
    with pytest.raises(SynapseConfigError) as caught:
        write_config(tmp_path, SynapseSettings(server_name="other.test"))
    assert "localhost" in caught.value.message("en")
    assert "other.test" in caught.value.message("en")


def test_modules_are_written_as_given(tmp_path: Path) -> None:
    """The modules list is written to homeserver.yaml verbatim; the default is none."""
    write_config(tmp_path / "a")
    assert _yaml(tmp_path / "a")["modules"] == []
    write_config(tmp_path / "b", SynapseSettings(modules=[GATE]))
    assert _yaml(tmp_path / "b")["modules"] == [GATE]


def test_rate_limits_lifted_in_test_profile_only(tmp_path: Path) -> None:
    """The test profile lifts Synapse's rate limits; dev keeps Synapse's defaults except
    for logins, which the demo accounts make from loopback without waiting, and messages,
    which are limited as in production (outside check s5: the eleventh quick message of a
    person got 429 in `make dev`, not with the deploy configuration)."""
    dev = _yaml(write_config(tmp_path / "dev").directory)
    assert [key for key in dev if key.startswith("rc_")] == ["rc_message", "rc_login"]
    deploy_config = Path(__file__).resolve().parents[2] / "deploy" / "synapse" / "homeserver.yaml"
    deploy = yaml.safe_load(deploy_config.read_text())
    assert dev["rc_message"] == deploy["rc_message"]
    assert dev["rc_login"]["address"]["burst_count"] >= 50
    assert dev["rc_login"]["account"]["burst_count"] >= 50
    assert dev["rc_login"]["failed_attempts"]["burst_count"] <= 10
    assert dev["listeners"][0]["bind_addresses"] == ["127.0.0.1"]
    assert "bcrypt_rounds" not in dev
    test = _yaml(write_config(tmp_path / "test", SynapseSettings(profile="test")).directory)
    for key in ("rc_message", "rc_login", "rc_registration", "rc_joins", "rc_invites"):
        assert key in test, key
    assert test["rc_message"]["per_second"] >= 1000
    assert test["rc_login"]["address"]["burst_count"] >= 1000


def test_rate_limits_are_configurable(tmp_path: Path) -> None:
    """Explicit rate limits replace the profile's."""
    mine = {"rc_message": {"per_second": 5, "burst_count": 50}}
    settings = SynapseSettings(profile="test", ratelimits=mine)
    homeserver = _yaml(write_config(tmp_path, settings).directory)
    assert homeserver["rc_message"] == mine["rc_message"]
    assert "rc_login" not in homeserver


def test_synapse_accepts_the_configuration(tmp_path: Path) -> None:
    """Synapse's own config loader parses the generated file with the intended values."""
    from synapse.config.homeserver import HomeServerConfig
    from synapse.config.server import TCPListenerConfig

    config = write_config(tmp_path, SynapseSettings(profile="test"))
    parsed = HomeServerConfig.load_config("busbaan-test", ["-c", str(config.config_path)])
    assert parsed.server.default_room_version.identifier == "12"
    (listener,) = parsed.server.listeners
    assert isinstance(listener, TCPListenerConfig)
    assert listener.bind_addresses == ["127.0.0.1"]
    assert parsed.registration.enable_registration is False
    assert parsed.registration.registration_shared_secret == config.registration_shared_secret
    assert parsed.ratelimiting.rc_message.per_second == 1000
    assert parsed.federation.federation_domain_whitelist == {}


def test_secret_is_never_logged(tmp_path: Path) -> None:
    """Writing the configuration logs no secret."""
    with capture_logs() as logs:
        config = write_config(tmp_path)
    assert logs, "the config write is logged"
    assert config.registration_shared_secret not in repr(logs)

"""``busbaan dev --federated`` (what ``make dev ARGS=--federated`` runs), as a process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nio
import pytest

from busbaan.cli.dev_federated import parse_ports
from busbaan.devstack.people import Person
from busbaan.errors import UsageError

pytestmark = [pytest.mark.synapse, pytest.mark.federation]
BUSBAAN = str(Path(sys.executable).with_name("busbaan"))


def test_federation_ports_are_checked() -> None:
    """``--federation-ports`` takes two ports (0: any free one); anything else is a
    usage error naming the option."""
    assert parse_ports("8448,8449") == (8448, 8449)
    assert parse_ports("0,0") == (None, None)
    for bad in ("8448", "a,b", "8448,70000", ""):
        with pytest.raises(UsageError) as exc:
            parse_ports(bad)
        assert "--federation-ports" in exc.value.nl


async def _login(user: dict[str, Any]) -> Person:
    client = nio.AsyncClient(user["homeserver"], user["user_id"],
                             config=nio.AsyncClientConfig(store_sync_tokens=False))
    resp = await client.login(user["password"])
    assert isinstance(resp, nio.LoginResponse), resp
    person = Person(user["user_id"], client)
    await person.start()
    return person


async def test_dev_federated_runs_both_homeservers_and_a_professional_on_each_works(
    tmp_path: Path,
) -> None:
    """The federated stack writes dev.json (the usual fields, plus each user's
    homeserver and the federation), a POH-GGZ on the care provider's server talks to
    the municipal bot, and Ctrl-C stops everything and removes dev.json."""
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [BUSBAAN, "dev", "--federated", "--state-dir", str(tmp_path), "--web-port", "0",
         "--federation-ports", "0,0"],
        stdout=subprocess.DEVNULL, stderr=(tmp_path / "dev.log").open("wb"), env=env)
    dev_json = tmp_path / "dev.json"
    try:
        deadline = time.monotonic() + 180
        while not dev_json.exists():
            assert proc.poll() is None, (tmp_path / "dev.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "dev.json did not appear in 180 s"
            await asyncio.sleep(0.5)
        data = json.loads(dev_json.read_text())
        assert oct(dev_json.stat().st_mode & 0o777) == "0o600"
        servers = {s["key"]: s for s in data["federation"]["homeservers"]}
        assert set(servers) == {"gemeente", "zorg"}
        assert data["server_name"] == servers["gemeente"]["server_name"]
        assert data["homeserver"] == servers["gemeente"]["homeserver"]
        assert sorted(data["federation"]["whitelist"]) == sorted(
            s["server_name"] for s in servers.values())
        assert Path(data["federation"]["ca_certificate"]).exists()
        gp = [u for u in data["users"] if u["organisation"] == "huisartsen"]
        assert len(gp) >= 2 and all(
            u["user_id"].endswith(":" + servers["zorg"]["server_name"])
            and u["homeserver"] == servers["zorg"]["homeserver"] for u in gp)
        assert all(u["homeserver"] == data["homeserver"]
                   for u in data["users"] if u["organisation"] != "huisartsen")

        poh = await _login(gp[0])
        try:
            # The invite and the bot's join cross the federation (two homeservers, TLS):
            # on a loaded 2-core CI machine that took more than 15 s once (session 8).
            dm = await poh.dm(data["bots"]["casus"], timeout=60.0)
            reply = await poh.command(dm, "!help", timeout=30)
            assert reply["nl.busbaan.reply"]["ok"] is True
        finally:
            await poh.stop()
            await poh.client.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, (tmp_path / "dev.log").read_text()[-3000:]
    assert not dev_json.exists()

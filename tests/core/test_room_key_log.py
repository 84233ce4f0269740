"""``bot.room_key_renewed`` names a room only as the bot's dispatcher allows (session 12,
privacy15): the wegwijzer's lane rooms name an asker and a team, so its runner's line
carries no room id; the casus bot's case rooms keep theirs (one rule,
:meth:`busbaan.matrix.dispatch.Dispatcher.log_room`)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from structlog.testing import capture_logs

from busbaan.matrix.crypto import renew_room_key
from busbaan.matrix.dispatch import Dispatcher
from busbaan.matrix.runner import BotAccount, BotRunner

ROOM = "!laneroom:busbaan.test"


def _runner(tmp_path: Path, name: str, room_in_logs: bool) -> BotRunner:
    account = BotAccount(name, "http://127.0.0.1:1", f"@{name}:busbaan.test", password="x")
    return BotRunner(account, tmp_path, Dispatcher(name, room_in_logs=room_in_logs),
                     encryption=False)


def _renewed(runner: BotRunner) -> list[dict[str, object]]:
    """A member who holds the room key leaves; the log lines of the renewal."""
    session = SimpleNamespace(users_shared_with={("@anna:busbaan.test", "DEV")})
    runner.client.olm = SimpleNamespace(outbound_group_sessions={ROOM: session})
    with capture_logs() as logs:
        runner.leaving_room_key(ROOM, ["@anna:busbaan.test"])
    assert ROOM not in runner.client.olm.outbound_group_sessions  # the key was renewed
    return [e for e in logs if e["event"] == "bot.room_key_renewed"]


@pytest.mark.parametrize(("name", "room_in_logs"), [("wegwijzer", False), ("casus", True)])
def test_room_key_renewed_names_the_room_as_the_dispatcher_allows(
        tmp_path: Path, name: str, room_in_logs: bool) -> None:
    lines = _renewed(_runner(tmp_path, name, room_in_logs))
    assert len(lines) == 1
    assert ("room_id" in lines[0]) is room_in_logs
    assert (ROOM in repr(lines[0])) is room_in_logs


def test_a_client_without_a_rule_still_names_the_room() -> None:
    """A plain nio client (no BotClient, as in the e2e tools) logs as before."""
    session = SimpleNamespace(users_shared_with={("@anna:busbaan.test", "DEV")})
    client = SimpleNamespace(olm=SimpleNamespace(outbound_group_sessions={ROOM: session}))
    with capture_logs() as logs:
        assert renew_room_key(client, ROOM, ["@anna:busbaan.test"])
    assert [e.get("room_id") for e in logs if e["event"] == "bot.room_key_renewed"] == [ROOM]

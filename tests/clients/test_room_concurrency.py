"""A bot handles the stored commands of different rooms side by side, and those of one
room in order (issue 12): a slow command in one room no longer holds up the next
command in another room — on the real test homeserver, with the crash-safe inbox."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest
from clients_testkit import plain_person, reply_to

from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import REPLY_KEY, Person
from busbaan.matrix.dispatch import CommandContext, Dispatcher, Reply, command
from busbaan.matrix.runner import BotAccount, BotRunner
from busbaan.store import make_engine
from busbaan.store.inbox import Inbox

pytestmark = pytest.mark.synapse


class SlowAndFast:
    """!traag waits until the test releases it; !snel answers at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started: list[str] = []

    @command("traag")
    async def slow(self, ctx: CommandContext) -> Reply:
        self.started.append(f"traag {ctx.args}")
        await self.release.wait()
        return Reply(f"traag {ctx.args}")

    @command("snel")
    async def fast(self, ctx: CommandContext) -> Reply:
        self.started.append(f"snel {ctx.args}")
        return Reply(f"snel {ctx.args}")


async def _person(homeserver: Homeserver) -> Person:
    return await plain_person(homeserver, "p-conc")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_slow_command_holds_up_its_own_room_only(
        homeserver: Homeserver, tmp_path: Path, db_url: str) -> None:
    """While ``!traag`` waits in room A, ``!snel`` in room B is answered; ``!snel`` in
    room A waits for ``!traag`` and is answered after it (order within a room)."""
    password = new_password()
    creds = await homeserver.register(f"bot-conc-{secrets.token_hex(3)}", password,
                                      lift_ratelimit=True)
    engine = make_engine(db_url)
    runner = BotRunner(BotAccount("conctest", homeserver.url, creds.user_id,
                                  password=password),
                       tmp_path, Dispatcher("conctest"), inbox=Inbox(engine, "conctest"))
    handlers = SlowAndFast()
    runner.dispatcher.bind(handlers)
    await runner.start(attempts=1)
    person = await _person(homeserver)
    try:
        room_a = await person.dm(creds.user_id)
        room_b = await person.dm(creds.user_id)
        slow = await person.say(room_a, "!traag 1")
        after_slow = await person.say(room_a, "!snel 2")
        other_room = await person.say(room_b, "!snel 3")

        _, reply_b = await person.wait_for(reply_to(room_b, other_room), timeout=15)
        assert reply_b["content"][REPLY_KEY]["ok"] is True
        assert "traag 1" in handlers.started and "snel 2" not in handlers.started

        handlers.release.set()
        _, first = await person.wait_for(reply_to(room_a, slow), timeout=15)
        _, second = await person.wait_for(reply_to(room_a, after_slow), timeout=15)
        assert first["origin_server_ts"] <= second["origin_server_ts"]
        assert handlers.started.index("traag 1") < handlers.started.index("snel 2")
        await runner.drain()
        assert await asyncio.to_thread(runner.inbox.pending) == []  # type: ignore[union-attr]
    finally:
        handlers.release.set()
        await person.stop()
        await person.client.close()
        await runner.stop()
        engine.dispose()

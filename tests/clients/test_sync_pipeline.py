"""The bot's sync does not wait for its inbox (issue 12, session 5): while the store
holds up the write of one sync's commands, the bot keeps syncing; nothing runs before it
is stored; once the store answers, every command is answered once, in order — also
when the bot stops with commands it had synced but not yet stored (real Synapse, real
PostgreSQL; the store is held up by a row lock another connection takes)."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from clients_testkit import plain_person, reply_to

from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import Person
from busbaan.matrix.dispatch import CommandContext, Dispatcher, Reply, command
from busbaan.matrix.runner import BotAccount, BotRunner
from busbaan.store import make_engine
from busbaan.store.inbox import Inbox
from busbaan.store.service_tables import bot_sync_table

pytestmark = [pytest.mark.synapse, pytest.mark.postgres]


async def _person(homeserver: Homeserver) -> Person:
    return await plain_person(homeserver, "p-pipe")


class Echo:
    def __init__(self) -> None:
        self.ran: list[str] = []

    @command("echo")
    async def echo(self, ctx: CommandContext) -> Reply:
        self.ran.append(ctx.args)
        return Reply(f"echo {ctx.args}")


async def _until(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _waiting_for(held: sa.Connection, terminate: bool = False) -> bool:
    """Whether a transaction waits for the lock ``held`` holds (within 10 s); with
    ``terminate``, its connection is ended (its transaction never commits)."""
    query = ("SELECT " + ("pg_terminate_backend(pid)" if terminate else "pid")
             + " FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))")
    for _ in range(200):
        # pg_stat_activity is read once per transaction unless its snapshot is cleared.
        held.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        if list(held.execute(sa.text(query)).scalars()):
            return True
        await asyncio.sleep(0.05)
    return False


def _replies(person: Person, room: str, event_id: str) -> int:
    match = reply_to(room, event_id)
    return sum(1 for rid, ev in person.events if match(rid, ev))


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_syncs_go_on_while_the_inbox_write_waits_and_nothing_is_lost(
        homeserver: Homeserver, tmp_path: Path, db_url: str) -> None:
    """With the bot's sync-token row locked by another transaction, two commands sent
    one after the other are both synced (the bot's sync token moves past the second)
    but neither runs; after the lock goes, both are answered once and in order, and
    the stored token is the newest. Then, locked again: a command synced but not stored
    when the bot stops (its write then ended, as in a crash) is answered once by the
    next start, which syncs again from the older stored token."""
    password = new_password()
    creds = await homeserver.register(f"bot-pipe-{secrets.token_hex(3)}", password,
                                      lift_ratelimit=True)
    engine = make_engine(db_url)
    handlers = Echo()

    def runner_for() -> BotRunner:
        runner = BotRunner(BotAccount("pipetest", homeserver.url, creds.user_id,
                                      password=password),
                           tmp_path, Dispatcher("pipetest"), inbox=Inbox(engine, "pipetest"),
                           encryption=False)
        runner.dispatcher.bind(handlers)
        return runner

    def lock() -> sa.Connection:
        conn = engine.connect()
        conn.begin()
        t = bot_sync_table
        conn.execute(sa.select(t.c.next_batch).where(t.c.bot == "pipetest").with_for_update())
        return conn

    runner = runner_for()
    await runner.start(attempts=1)
    person = await _person(homeserver)
    held: sa.Connection | None = None
    try:
        room = await person.dm(creds.user_id)
        first = await person.say(room, "!echo 0")
        await person.wait_for(reply_to(room, first))
        await runner.drain()

        held = lock()
        one = await person.say(room, "!echo 1")
        assert await _waiting_for(held), "the bot's inbox write of !echo 1 never started"
        synced_one = runner.client.next_batch
        two = await person.say(room, "!echo 2")
        # The bot syncs again although the first write still waits for the lock.
        await _until(lambda: runner.client.next_batch != synced_one)
        await asyncio.sleep(0.5)
        assert handlers.ran == ["0"], "nothing runs before it is stored"

        held.rollback()
        held.close()
        held = None
        await person.wait_for(reply_to(room, one))
        await person.wait_for(reply_to(room, two))
        await runner.drain()
        assert handlers.ran == ["0", "1", "2"]
        assert await asyncio.to_thread(runner.inbox.pending) == []  # type: ignore[union-attr]
        # The token catches up with the sync loop (which goes on: the bot's own replies
        # make new syncs, so compare until both stand still).
        await _until(lambda: runner.inbox.token() == runner.client.next_batch)  # type: ignore[union-attr]

        # Stopped with a command synced but not stored: the next start answers it.
        held = lock()
        three = await person.say(room, "!echo 3")
        assert await _waiting_for(held), "the bot's inbox write of !echo 3 never started"
        await runner.stop()
        # As a crash would: the write that waits for the lock never commits.
        assert await _waiting_for(held, terminate=True), "no inbox write was waiting"
        held.rollback()
        held.close()
        held = None
        assert await asyncio.to_thread(runner.inbox.status, three) is None  # type: ignore[union-attr]
        runner = runner_for()
        await runner.start(attempts=1)
        await person.wait_for(reply_to(room, three), timeout=20)
        await runner.drain()
        await asyncio.sleep(1.0)  # a second answer would come by now
        assert handlers.ran == ["0", "1", "2", "3"]
        assert [_replies(person, room, e) for e in (first, one, two, three)] == [1, 1, 1, 1]
    finally:
        if held is not None:
            held.rollback()
            held.close()
        await person.stop()
        await person.client.close()
        await runner.stop()
        engine.dispose()

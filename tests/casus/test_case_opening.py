"""!casus nieuw survives a crash between creating the case room and recording it
(issue 9): the command run again adopts that room; a store that refuses leaves no room
behind. Against the real Synapse with the gate."""

from __future__ import annotations

import secrets
from typing import Any

import nio
import pytest
import sqlalchemy as sa

from busbaan.consent.state import CASE_EVENT
from busbaan.errors import Unavailable
from busbaan.matrix.dispatch import CommandContext
from busbaan.service import Service
from busbaan.store.inbox import CommandMark, current_command
from busbaan.store.service_tables import case_opening_table
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse


class Crash(BaseException):
    """The process dying (nothing after it runs in this call)."""


def _context(dm: str, sender: str, event_id: str) -> CommandContext:
    return CommandContext(room_id=dm, event_id=event_id, sender=sender,
                          command="casus nieuw", args="", lang="nl", is_direct=True)


def _cases_of(service: Service, regie: str) -> list[Any]:
    with service.casus.engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT case_id, room_id, status FROM case_record WHERE regie = :r"),
            {"r": regie}))


async def _rooms_with_case(service: Service, case_id: str) -> list[str]:
    client = service.casus.runner.client
    joined = await client.joined_rooms()
    assert isinstance(joined, nio.JoinedRoomsResponse)
    found = []
    for room_id in joined.rooms:
        st = await client.room_get_state_event(room_id, CASE_EVENT, "")
        if getattr(st, "content", {}).get("case_id") == case_id:
            found.append(room_id)
    return found


async def test_a_crash_after_the_room_is_made_is_adopted_when_the_command_runs_again(
    service: Service, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after the room is created and before the store records it; the
    same command run again (as the inbox does after a restart) gives the same case and
    that room: one case, one room with its state, the regie invited, no opening left."""
    bot = service.casus
    regie = await make_person("buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot.user_id)
    real = bot.service.attach_room
    calls = {"n": 0}

    def crash_once(*args: Any, **kw: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise Crash
        real(*args, **kw)

    monkeypatch.setattr(bot.service, "attach_room", crash_once)
    mark = CommandMark("casus", f"$opening-{secrets.token_hex(6)}")
    ctx = _context(dm, regie.user_id, mark.event_id)
    token = current_command.set(mark)
    try:
        with pytest.raises(Crash):
            await bot.cmd_new_case(ctx)
        [(case_id, room_id, status)] = _cases_of(service, regie.user_id)
        assert status == "opening" and room_id is None
        reply = await bot.cmd_new_case(ctx)  # the command, run again
    finally:
        current_command.reset(token)
    assert reply.ok and reply.data["case_id"] == case_id
    room = reply.data["room_id"]
    assert await _rooms_with_case(service, case_id) == [room]
    assert _cases_of(service, regie.user_id) == [(case_id, room, "open")]
    with bot.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(case_opening_table)
                            .where(case_opening_table.c.case_id == case_id)).scalar() == 0
    assert isinstance(await regie.join(room), nio.JoinResponse)
    await bot.settle()
    scope = (await regie.command(room, "!toestemming"))["nl.busbaan.reply"]
    assert scope["ok"] is True and scope["data"]["case_id"] == case_id


async def test_a_store_that_refuses_the_new_case_leaves_no_room_behind(
    service: Service, make_person: MakePerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the store cannot record the new case's room, the answer says nothing
    changed and it is true: the regie's invitation is taken back, the bot has left the
    room, and no case is kept."""
    bot = service.casus
    regie = await make_person("buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot.user_id)

    def refuse(*_args: Any, **_kw: Any) -> None:
        raise Unavailable("opslag weg", "store away", errcode="BB_STORE_UNAVAILABLE")

    monkeypatch.setattr(bot.service, "attach_room", refuse)
    made: list[str] = []
    create = bot.runner.client.room_create

    async def watched_create(**kw: Any) -> Any:  # passes through; notes the room id
        resp = await create(**kw)
        made.append(resp.room_id)
        return resp

    monkeypatch.setattr(bot.runner.client, "room_create", watched_create)
    mark = CommandMark("casus", f"$opening-{secrets.token_hex(6)}")
    token = current_command.set(mark)
    try:
        with pytest.raises(Unavailable):
            await bot.cmd_new_case(_context(dm, regie.user_id, mark.event_id))
    finally:
        current_command.reset(token)
    assert _cases_of(service, regie.user_id) == []
    [room] = made
    joined = await bot.runner.client.joined_rooms()
    assert isinstance(joined, nio.JoinedRoomsResponse) and room not in joined.rooms
    assert isinstance(await regie.client.join(room), nio.JoinError)  # invitation taken back

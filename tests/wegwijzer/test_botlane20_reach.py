"""Session 20 (botlane; speed19's lead): the intake reach reads Synapse off the answers'
path. The map's intake rooms are learned at start (:meth:`IntakeReach.warm`); answers
that ask for a room being read wait for that one read; rooms answers used are read again
before they expire (:meth:`IntakeReach.refresh_due`); a membership change drops what was
known at once and reads it again in the background, and a read that began before the
change is never kept. Before, each answer on the benchmark map asked Synapse up to three
times (fresh aliases, a miss kept 60 s). A fake nio client, a fake clock: no sleeping on
time, no Synapse."""

from __future__ import annotations

import asyncio
from typing import Any

import nio

from bots.wegwijzer.intake import INTAKE_EMPTY, INTAKE_UNREACHABLE, IntakeReach
from tests.wegwijzer.test_lanes8_reach import _Client, _Service

BOT = "@wegwijzer:localhost"


class _Slow(_Client):
    """Each alias look-up waits until ``go`` is set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.go = asyncio.Event()

    async def room_resolve_alias(self, alias: str) -> Any:
        await self.go.wait()
        return await super().room_resolve_alias(alias)


class _SlowState(_Client):
    """A room's members are read as they are when asked, answered once ``go`` is set
    (a read that began before a change answers what was before)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.go = asyncio.Event()

    async def room_get_state(self, room_id: str) -> Any:
        self.calls.append(f"state {room_id}")
        members = list(self.members[room_id])
        await self.go.wait()
        events = [{"type": "m.room.member", "state_key": m,
                   "content": {"membership": "join"}} for m in members]
        return nio.RoomGetStateResponse(events, room_id)


async def test_the_maps_rooms_are_learned_at_start_and_answers_ask_nothing() -> None:
    client = _Client({"#intake-a:localhost": "!a"}, {"!a": [BOT, "@ann:localhost"]},
                     joinable={"!a"})
    now = [0.0]
    reach = IntakeReach(lambda: client, lambda: BOT,  # type: ignore[arg-type,return-value]
                        clock=lambda: now[0])
    await reach.warm(["#intake-a:localhost", "#intake-b:localhost", "#intake-a:localhost"])
    assert sorted(client.calls) == ["join !a", "resolve #intake-a:localhost",
                                    "resolve #intake-b:localhost", "state !a"]
    client.calls.clear()
    services = [_Service("a", "#intake-a:localhost"), _Service("b", "#intake-b:localhost")]
    assert await reach.blocks(services, "@x:localhost") == {"b": INTAKE_UNREACHABLE}
    assert client.calls == []


async def test_answers_at_once_share_one_read_and_a_timeout_does_not_stop_it() -> None:
    client = _Slow({}, {}, joinable=set())
    reach = IntakeReach(lambda: client, lambda: BOT,  # type: ignore[arg-type,return-value]
                        timeout=0.05)
    service = _Service("b", "#intake-b:localhost")
    # two answers while the read waits: both give up after `timeout` (offered as open)
    first, second = await asyncio.gather(reach.blocks([service], "@x:localhost"),
                                         reach.blocks([service], "@y:localhost"))
    assert first == second == {}
    client.go.set()
    assert await reach.blocks([service], "@x:localhost") == {"b": INTAKE_UNREACHABLE}
    assert client.calls == ["resolve #intake-b:localhost"]  # one read for all three


async def test_used_rooms_are_read_again_before_they_expire_unused_ones_are_not() -> None:
    client = _Client({"#intake-a:localhost": "!a"}, {"!a": [BOT, "@ann:localhost"]},
                     joinable={"!a"})
    now = [0.0]
    reach = IntakeReach(lambda: client, lambda: BOT,  # type: ignore[arg-type,return-value]
                        clock=lambda: now[0])
    used, unused = _Service("a", "#intake-a:localhost"), "#intake-c:localhost"
    await reach.warm([used.matrix_room, unused])
    await reach.blocks([used], "@x:localhost")  # an answer uses room a
    client.calls.clear()
    now[0] = 0.5 * reach.absent
    assert reach.refresh_due() == 0  # nothing due yet
    now[0] = 0.9 * reach.ttl  # a's keep time mostly spent; c's miss expired long ago
    assert reach.refresh_due() == 1
    await asyncio.gather(*reach._background)
    assert client.calls == ["resolve #intake-a:localhost", "state !a"]
    client.calls.clear()
    now[0] = 1.5 * reach.ttl  # read at 0.9 ttl: still fresh, the answer asks nothing
    assert await reach.blocks([used], "@x:localhost") == {}
    assert client.calls == []
    assert reach.refresh_due() == 0  # used again, but not yet due


async def test_a_read_from_before_a_membership_change_is_not_kept() -> None:
    client = _SlowState({"#intake-a:localhost": "!a"}, {"!a": [BOT, "@ann:localhost"]},
                        joinable={"!a"})
    now = [0.0]
    reach = IntakeReach(lambda: client, lambda: BOT,  # type: ignore[arg-type,return-value]
                        clock=lambda: now[0], timeout=5.0)
    service = _Service("a", "#intake-a:localhost")
    answer = asyncio.ensure_future(reach.blocks([service], "@x:localhost"))
    while "state !a" not in client.calls:  # the read has asked for the members
        await asyncio.sleep(0)
    # Ann leaves while the read waits: it is not kept, and a new one reads the change
    client.members["!a"] = [BOT]
    room = nio.MatrixRoom("!a", BOT)
    room.canonical_alias = "#intake-a:localhost"
    await reach.on_member(room, None)  # type: ignore[arg-type]
    client.go.set()
    assert await answer == {}  # this answer's read began before: Ann counted
    await asyncio.gather(*reach._background)
    assert client.calls.count("state !a") == 2
    assert await reach.blocks([service], "@x:localhost") == {"a": INTAKE_EMPTY}

"""aliascache (session 17), through a real Synapse: an answer no longer looks up the
intake-room alias of each shown service every time. A "does not resolve" is kept
``absent`` seconds (an injected clock, no sleeping), so an intake room made after a
miss is offered once that passes; a lane accepted after its alias moved goes to the
room the alias names now, never to the one the answer's cache remembered."""

from __future__ import annotations

from typing import Any

import nio

from bots.wegwijzer.intake import INTAKE_UNREACHABLE, IntakeReach, team_members
from busbaan.devstack.people import REPLY_KEY
from busbaan.service import Service
from tests.wegwijzer.conftest import ROUTE_KEY, Intake, MakePerson, ask_dm

ADDICTION = ("jongen van 17 gebruikt veel cannabis en gokt, hij wil hulp bij zijn "
             "verslaving")


class _Counting:
    """``client`` as the reach under test sees it, counting its alias look-ups. Its own
    proxy, not a patch of the bot's client: the bot's own reach reads the rooms its
    answers used again in the background (botlane, session 20), on the same client."""

    def __init__(self, client: nio.AsyncClient, calls: list[str]) -> None:
        self._client, self._calls = client, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def room_resolve_alias(self, alias: str) -> Any:
        self._calls.append(alias)
        return await self._client.room_resolve_alias(alias)


async def test_an_intake_room_made_after_a_miss_is_offered_once_absent_passes(
        make_person: MakePerson, wegwijzer_service: Service) -> None:
    bot = wegwijzer_service.wegwijzer
    service = bot.social_map.service("wsnp")
    assert service is not None and service.matrix_room
    now = [1000.0]
    resolves: list[str] = []
    counting = _Counting(bot.client, resolves)
    reach = IntakeReach(lambda: counting,  # type: ignore[arg-type,return-value]
                        lambda: bot.user_id, clock=lambda: now[0])
    asker = "@asker:localhost"

    assert await reach.blocks([service], asker) == {"wsnp": INTAKE_UNREACHABLE}
    assert await reach.blocks([service], asker) == {"wsnp": INTAKE_UNREACHABLE}
    assert len(resolves) == 1  # the second answer asked Synapse nothing

    # the team makes its intake room (public, so the bot can join it) after the miss
    member = await make_person()
    made = await member.client.room_create(alias=service.matrix_room.split(":")[0][1:],
                                           preset=nio.RoomPreset.public_chat)
    assert isinstance(made, nio.RoomCreateResponse), made
    now[0] += reach.absent - 1  # not yet: the miss is still kept
    assert await reach.blocks([service], asker) == {"wsnp": INTAKE_UNREACHABLE}
    assert len(resolves) == 1
    now[0] += 2  # `absent` passed: asked again, found, the lane is offered
    assert await reach.blocks([service], asker) == {}
    assert len(resolves) == 2
    found = await reach.reach(service.matrix_room)
    assert found is not None and found.room_id == made.room_id
    assert found.team == {member.user_id}
    assert await reach.blocks([service], asker) == {}
    assert len(resolves) == 2  # kept (`ttl`) once found


async def test_a_lane_accepted_after_its_alias_moved_goes_to_the_new_room(
        make_person: MakePerson, bot_id: str, wegwijzer_service: Service,
        intake: Intake) -> None:
    bot = wegwijzer_service.wegwijzer
    service = bot.social_map.service("verslavingszorg")
    assert service is not None and service.matrix_room
    alias = service.matrix_room
    asker, anna, ben = await make_person(), await make_person(), await make_person()
    room_a = await intake("verslavingszorg", [anna])
    dm = await asker.dm(bot_id)
    _, answer = await ask_dm(asker, dm, ADDICTION)
    first = answer[ROUTE_KEY]["results"][0]
    assert first["service_id"] == "verslavingszorg" and first["lane_offered"] is True
    known = await bot.lanes.reach.reach(alias)
    assert known is not None and known.room_id == room_a  # the answer's cache: room A

    # the alias moves to Ben's room B (room A and Anna stay as they were)
    deleted = await bot.client.room_delete_alias(alias)
    assert isinstance(deleted, nio.RoomDeleteAliasResponse), deleted
    made = await ben.client.room_create(alias=alias.split(":")[0][1:],
                                        preset=nio.RoomPreset.public_chat)
    assert isinstance(made, nio.RoomCreateResponse), made
    room_b = made.room_id

    opened = await asker.command(dm, "!baan 1")
    assert opened[REPLY_KEY]["ok"] is True, opened["body"]
    data = opened[REPLY_KEY]["data"]
    assert data["service_id"] == "verslavingszorg" and data["invited"] == 1
    lane_room = data["room_id"]
    in_lane = await team_members(bot.client, lane_room, exclude=(bot.user_id, asker.user_id))
    assert in_lane == [ben.user_id]  # Ben's team, not Anna's
    state = await bot.client.room_get_state(lane_room)
    assert isinstance(state, nio.RoomGetStateResponse)
    rules = next(e["content"] for e in state.events if e["type"] == "m.room.join_rules")
    assert [a["room_id"] for a in rules["allow"]] == [room_b]
    known = await bot.lanes.reach.reach(alias)
    assert known is not None and known.room_id == room_b  # the cache learned it too

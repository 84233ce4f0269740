"""Case rooms are the bot's: planted rooms are ordinary rooms, planted "direct chats"
never receive another person's handover (issue 9, part 4)."""

from __future__ import annotations

import asyncio
from typing import Any

import nio
import pytest

from busbaan.devstack.people import NOTICE_KEY, eventually
from busbaan.service import Service
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case

pytestmark = pytest.mark.synapse

PLANTED_ID = "Jan Jansen, Dorpsstraat 1"


def _case_content(case_id: str, regie: str) -> dict[str, Any]:
    return {"case_id": case_id, "home_organisation": "buurtteam", "regie": regie,
            "regie_since": "2026-01-01T00:00:00Z", "status": "open", "policy_version": "x"}


async def test_planted_case_room_is_an_ordinary_room(service: Service,
                                                     make_person: MakePerson) -> None:
    """A member's own room with nl.busbaan.case state whose case id is a name and an
    address is no case room: the gate lets an invite through as in any room and
    nothing about that "case" reaches the audit log."""
    planter = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    created = await planter.client.room_create(name="gewoon")
    assert isinstance(created, nio.RoomCreateResponse), created
    room = created.room_id
    put = await planter.client.room_put_state(room, "nl.busbaan.case",
                                              _case_content(PLANTED_ID, planter.user_id))
    assert isinstance(put, nio.RoomPutStateResponse), put
    # A well-formed id does not make it a case room either: the bot did not create it.
    put = await planter.client.room_put_state(room, "nl.busbaan.consent", {
        "grant_id": "G-PLANTED1", "organisation": "ggd", "roles": [], "categories": ["x"],
        "legal_bases": ["y"], "valid_from": "2020-01-01T00:00:00Z",
        "valid_until": "2099-01-01T00:00:00Z", "given_by": planter.user_id}, "G-PLANTED1")
    assert isinstance(put, nio.RoomPutStateResponse), put
    invite = await planter.client.room_invite(room, outsider.user_id)
    assert isinstance(invite, nio.RoomInviteResponse), invite  # ordinary room: no scope
    assert isinstance(await outsider.join(room), nio.JoinResponse)
    await service.casus.settle()
    await asyncio.sleep(0.5)  # the gate's recorder writes in the background
    log = service.audit.log()
    leaked = [e for e in log.query() if e.entry.case_id == PLANTED_ID
              or e.entry.details.get("room_id") == room]
    assert leaked == []


async def test_planted_case_state_by_a_member_does_not_count(service: Service,
                                                             make_person: MakePerson) -> None:
    """In a real case room, consent state sent by anyone but the bot is refused by
    the gate (power levels) and, even if it were there, ignored by the scope."""
    from busbaan.consent.state import scope_from_room_state

    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    case_id, room = await open_case(regie, bot)
    resp = await regie.client.room_get_state(room)
    assert isinstance(resp, nio.RoomGetStateResponse)
    events = [(e["type"], e["state_key"], e["sender"], e["content"]) for e in resp.events]
    scope = scope_from_room_state(room, events, bot)
    assert scope is not None and scope.case_id == case_id
    forged = [*events, ("nl.busbaan.consent", "G-FORGED12", regie.user_id, {
        "grant_id": "G-FORGED12", "organisation": "ggd", "roles": [], "categories": ["x"],
        "legal_bases": ["y"], "valid_from": "2020-01-01T00:00:00Z",
        "valid_until": "2099-01-01T00:00:00Z", "given_by": regie.user_id})]
    again = scope_from_room_state(room, forged, bot)
    assert again is not None and again.grants == scope.grants


async def test_planted_direct_chat_gets_no_handover(service: Service,
                                                     make_person: MakePerson) -> None:
    """A room someone else set up, in which the addressee is the only other member,
    never receives the addressee's handover proposal: the bot uses a direct chat it
    created itself."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    attacker = await make_person("buurtteam", "buurtteammedewerker")
    target = await make_person("buurtteam", "buurtteammedewerker")
    planted = await attacker.client.room_create(
        is_direct=True, invite=[bot, target.user_id],
        initial_state=[{"type": "m.room.join_rules", "state_key": "",
                        "content": {"join_rule": "public"}}])
    assert isinstance(planted, nio.RoomCreateResponse), planted

    async def bot_joined() -> bool:
        resp = await attacker.client.joined_members(planted.room_id)
        return isinstance(resp, nio.JoinedMembersResponse) and any(
            m.user_id == bot for m in resp.members)

    await eventually(bot_joined, timeout=10)
    assert isinstance(await attacker.client.room_leave(planted.room_id),
                      nio.RoomLeaveResponse)
    await asyncio.sleep(0.5)  # the bot's sync sees: only the target (invited) is left

    _, room = await open_case(regie, bot)
    reply = await regie.command(room, f"!overdracht {target.user_id} wil graag overnemen, "
                                      "zij kent de situatie goed")
    data = reply["nl.busbaan.reply"]
    assert data["ok"] is True, reply["body"]
    dm = data["data"]["dm_room_id"]
    assert dm is not None and dm != planted.room_id
    await service.casus.settle()
    # The attacker rejoins the public room they planted: no proposal is there.
    assert isinstance(await attacker.client.join(planted.room_id), nio.JoinResponse)
    messages = await attacker.client.room_messages(planted.room_id, limit=50)
    assert isinstance(messages, nio.RoomMessagesResponse)
    kinds = [getattr(e, "source", {}).get("content", {}).get(NOTICE_KEY, {}).get("kind")
             for e in messages.chunk]
    assert "handover.proposed" not in kinds
    # And the bot remembers its own direct chat for the next time.
    assert await asyncio.to_thread(service.casus.dms.get, target.user_id) == dm

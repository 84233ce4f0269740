"""lanes (session 23), against the real Synapse harness with the gate: someone who tries
to join another team's lane (a ``restricted`` room) read Synapse's fixed English "You do
not belong to any of the required rooms/spaces to join this room." (outside26, finding
12). The gate's join callback now says it in the user's language, with what to do —
only where Synapse refuses anyway: a team member who joins the intake room later still
gets in (busbaan.gate.restricted).
"""

from __future__ import annotations

from typing import Any

import nio
import pytest

from busbaan.devstack import Homeserver
from busbaan.devstack.people import REPLY_KEY, Person
from busbaan.gate.restricted import LANE_CODE
from busbaan.language import LANGUAGE_ACCOUNT_DATA
from tests.clients.jssdk import run_js_sdk
from tests.wegwijzer.conftest import Intake, MakePerson, ask_dm

pytestmark = pytest.mark.synapse

SYNAPSE_TEXT = "You do not belong to any of the required rooms/spaces"
QUESTION = ("Cliënt (52) in Noord heeft een huurachterstand van drie maanden en een brief "
            "van de woningcorporatie gekregen.")


async def open_lane(asker: Person, bot_id: str) -> str:
    dm = await asker.dm(bot_id)
    await ask_dm(asker, dm, QUESTION)
    reply = await asker.command(dm, "!baan 1")
    assert reply[REPLY_KEY]["ok"] is True, reply["body"]
    return str(reply[REPLY_KEY]["data"]["room_id"])


def refused(result: dict[str, Any], code: str) -> str:
    """matrix-js-sdk (under Element Web) raised a 403 whose `error` is busbaan's reason,
    not Synapse's English; the reason."""
    assert result["ok"] is False and result["matrixError"] is True, result
    assert result["httpStatus"] == 403 and result["errcode"] == "M_FORBIDDEN", result
    assert result["data"]["nl.busbaan.code"] == code, result["data"]
    assert SYNAPSE_TEXT not in result["message"], result["message"]
    assert result["error"] in result["message"]
    return str(result["error"])


async def test_another_teams_lane_is_refused_in_dutch_with_what_to_do(
        homeserver: Homeserver, make_person: MakePerson, bot_id: str,
        intake: Intake) -> None:
    """A member of another team's intake room who joins a lane by its room id is refused
    with a Dutch reason that says what is wrong and what to do (English once she chose
    English); the team's invited member still joins."""
    asker, member, other = await make_person(), await make_person(), await make_person()
    await intake("crisis-schulden", [member])
    await intake("bijstand", [other])
    lane = await open_lane(asker, bot_id)

    results = await run_js_sdk(homeserver.url, other.user_id, other.client.access_token, [
        {"op": "join", "roomId": lane},
        {"op": "setAccountData", "type": LANGUAGE_ACCOUNT_DATA, "content": {"language": "en"}},
        {"op": "join", "roomId": lane},
    ])
    dutch = refused(results[0], LANE_CODE)
    assert dutch.startswith("Je kunt deze baan niet in: alleen wie in de intakekamer")
    assert "!baan <nummer>" in dutch and "uit te nodigen" in dutch
    assert results[1]["ok"] is True, results[1]
    english = refused(results[2], LANE_CODE)
    assert english.startswith("You cannot join this lane") and "!lane <number>" in english

    joined = await member.join(lane)  # invited by the bot: never refused here
    assert isinstance(joined, nio.JoinResponse), joined


async def test_a_team_member_who_joins_the_intake_room_later_gets_into_the_lane(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    """Never locked out: someone refused while outside the intake room joins the lane
    (uninvited, by the restricted rule) once she is in the team's intake room; an invited
    member who left the intake room still joins (the invitation admits her); someone who
    was in the intake room and left it is refused, in Dutch (Synapse refuses her too)."""
    asker, member, late = await make_person(), await make_person(), await make_person()
    quitter = await make_person()
    intake_room = await intake("crisis-schulden", [member])
    lane = await open_lane(asker, bot_id)

    before = await late.join(lane)
    assert isinstance(before, nio.JoinError) and before.status_code == "M_FORBIDDEN", before
    assert before.message.startswith("Je kunt deze baan niet in"), before.message

    await intake("crisis-schulden", [late, quitter])  # the team takes them in
    after = await late.join(lane)
    assert isinstance(after, nio.JoinResponse), after

    for person in (member, quitter):
        left = await person.client.room_leave(intake_room)
        assert isinstance(left, nio.RoomLeaveResponse), left
    invited = await member.join(lane)
    assert isinstance(invited, nio.JoinResponse), invited
    out = await quitter.join(lane)
    assert isinstance(out, nio.JoinError) and out.status_code == "M_FORBIDDEN", out
    assert out.message.startswith("Je kunt deze baan niet in"), out.message


async def test_a_room_dressed_as_a_lane_gets_the_plain_text(make_person: MakePerson) -> None:
    """A restricted room of someone's own with ``nl.busbaan.lane`` state (anyone may
    write it) gets the plain text, not the lane's; its owner's members still join."""
    owner, friend, stranger = await make_person(), await make_person(), await make_person()
    club = await owner.client.room_create(invite=[friend.user_id])
    assert isinstance(club, nio.RoomCreateResponse), club
    assert isinstance(await friend.join(club.room_id), nio.JoinResponse)
    fake = await owner.client.room_create(initial_state=[
        {"type": "m.room.join_rules", "state_key": "",
         "content": {"join_rule": "restricted",
                     "allow": [{"type": "m.room_membership", "room_id": club.room_id}]}},
        {"type": "nl.busbaan.lane", "state_key": "", "content": {"lane_id": "L-fake"}},
    ])
    assert isinstance(fake, nio.RoomCreateResponse), fake

    refusal = await stranger.join(fake.room_id)
    assert isinstance(refusal, nio.JoinError) and refusal.status_code == "M_FORBIDDEN"
    assert refusal.message.startswith("Je kunt deze kamer niet in: alleen wie in een "
                                      "bepaalde andere kamer zit"), refusal.message
    assert "baan" not in refusal.message
    assert isinstance(await friend.join(fake.room_id), nio.JoinResponse)


async def test_a_joined_member_changes_her_name_and_joins_again_unrefused(
        make_person: MakePerson, bot_id: str, intake: Intake) -> None:
    """A member already in the lane is never refused by the restricted-join text: not when
    she changes her display name in it (a join membership again, through Synapse's
    membership path), nor when she joins it again — also after she left the intake room
    (she is in none of the allowed rooms any more, but in the lane itself)."""
    asker, member, late = await make_person(), await make_person(), await make_person()
    intake_room = await intake("crisis-schulden", [member, late])
    lane = await open_lane(asker, bot_id)
    assert isinstance(await member.join(lane), nio.JoinResponse)  # invited
    assert isinstance(await late.join(lane), nio.JoinResponse)  # by the restricted rule
    for person in (member, late):
        left = await person.client.room_leave(intake_room)
        assert isinstance(left, nio.RoomLeaveResponse), left

    for n, person in enumerate((member, late)):
        renamed = await person.client.room_put_state(
            lane, "m.room.member", {"membership": "join", "displayname": f"Collega {n}"},
            state_key=person.user_id)
        assert isinstance(renamed, nio.RoomPutStateResponse), renamed
        again = await person.join(lane)
        assert isinstance(again, nio.JoinResponse), again
        profile = await person.client.set_displayname(f"Teamlid {n}")
        assert isinstance(profile, nio.ProfileSetDisplayNameResponse), profile
    state = await member.client.room_get_state_event(lane, "m.room.member", late.user_id)
    assert isinstance(state, nio.RoomGetStateEventResponse), state
    assert state.content["membership"] == "join"

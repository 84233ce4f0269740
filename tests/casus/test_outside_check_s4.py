"""Findings of the outside check (session 4): what a professional with a plain Matrix
client could leave in a case room's state, or miss in the bot's answers — against the
real Synapse with the busbaan gate and the casus bot."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp
import nio
import pytest

from busbaan.devstack import Homeserver
from busbaan.devstack.people import Person
from busbaan.service import Service
from tests.casus.conftest import MakePerson

pytestmark = pytest.mark.synapse

REPLY = "nl.busbaan.reply"
PERSONAL = "cliënt Jan Jansen 123456782"


async def _open_case(regie: Person, bot: str) -> tuple[str, str]:
    dm = await regie.dm(bot)
    data = (await regie.command(dm, "!casus nieuw schulden"))[REPLY]
    assert data["ok"] is True, data
    room_id = data["data"]["room_id"]
    assert isinstance(await regie.join(room_id), nio.JoinResponse)
    return data["data"]["case_id"], room_id


async def _post(homeserver: Homeserver, person: Person, path: str,
                body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.post(
        f"{homeserver.url}/_matrix/client/v3/{path}", json=body,
        headers={"Authorization": f"Bearer {person.client.access_token}"},
    ) as response:
        return response.status, await response.json(content_type=None)


async def _reasons(person: Person, room: str) -> list[str]:
    state = await person.client.room_get_state(room)
    assert isinstance(state, nio.RoomGetStateResponse), state
    return [str(e["content"]["reason"]) for e in state.events
            if e["type"] == "m.room.member" and "reason" in e["content"]]


async def test_a_membership_reason_with_personal_data_is_refused_in_a_case_room(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """The ``reason`` of an invitation, a join or a leave is room state every member
    reads and keeps, like a display name: one with a BSN or a name is refused in a case
    room, with busbaan's code and a reason that says what to do; without a reason (or
    with a neutral one) the same step goes through. Leaving stays always possible."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    q = quote(room)

    status, body = await _post(homeserver, regie, f"rooms/{q}/invite",
                               {"user_id": colleague.user_id, "reason": PERSONAL})
    assert status == 403, body
    assert body["nl.busbaan.code"] == "refused.personal_data_in_reason", body
    assert "zonder reden" in body["error"] and "123456782" not in body["error"], body
    status, body = await _post(homeserver, regie, f"rooms/{q}/invite",
                               {"user_id": colleague.user_id, "reason": "meekijken"})
    assert status == 200, body

    status, body = await _post(homeserver, colleague, f"rooms/{q}/join", {"reason": PERSONAL})
    assert status == 403 and body["nl.busbaan.code"] == "refused.personal_data_in_reason", body
    status, body = await _post(homeserver, colleague, f"rooms/{q}/join", {})
    assert status == 200, body

    status, body = await _post(homeserver, colleague, f"rooms/{q}/leave", {"reason": PERSONAL})
    assert status == 403 and body["nl.busbaan.code"] == "refused.personal_data_in_reason", body
    status, body = await _post(homeserver, colleague, f"rooms/{q}/leave",
                               {"reason": "klaar met mijn deel"})
    assert status == 200, body

    assert all("123456782" not in r and "Jansen" not in r
               for r in await _reasons(regie, room)), await _reasons(regie, room)
    assert await _reasons(regie, room) == ["klaar met mijn deel"]

    # An ordinary room is not busbaan's business: a reason there is the members' own.
    plain = await regie.client.room_create(invite=[])
    assert isinstance(plain, nio.RoomCreateResponse), plain
    status, body = await _post(homeserver, regie, f"rooms/{quote(plain.room_id)}/leave",
                               {"reason": PERSONAL})
    assert status == 200, body


async def test_a_mistyped_command_in_a_case_room_is_answered(
    service: Service, make_person: MakePerson
) -> None:
    """A typo in a command in the case room (``!toestemmign geef …``) got no answer at
    all, so the regie could believe the consent was given. It now gets a notice naming
    the command it most likely meant; free text there stays the professionals' own."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)

    async def answer(text: str) -> dict[str, Any]:
        event_id = await regie.say(room, text)
        _, ev = await regie.wait_for(
            lambda rid, e: rid == room
            and e.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {}).get(
                "event_id") == event_id)
        content: dict[str, Any] = ev["content"]
        return content

    typo = await answer("!toestemmign geef schuldhulp contact grondslag=wgs tot=2027-03-31")
    assert "Dat commando ken ik niet" in typo["body"], typo
    assert "Bedoelt u !toestemming geef?" in typo["body"], typo
    alone = await answer("!casus")
    assert "!casus nieuw" in alone["body"] and "!casus sluiten" in alone["body"], alone
    english = await answer("!consnet give schuldhulp")
    assert "!consent give" in english["body"], english
    # Free text (also with an exclamation mark) stays unanswered: the next reply is the
    # one to the command after it.
    chat = await regie.say(room, "!! let op: afspraak verzet")
    assert (await regie.command(room, "!status"))[REPLY]["ok"] is True
    assert not [e for rid, e in regie.events if rid == room
                and e.get("content", {}).get("m.relates_to", {}).get(
                    "m.in_reply_to", {}).get("event_id") == chat]


async def test_an_edited_command_is_not_met_with_silence(
    service: Service, make_person: MakePerson
) -> None:
    """Element fixes a typo by editing the message (``m.replace``, body ``* …``). The
    edit was met with silence, the consent not given. It is still not run (that could
    run a command twice, or late), but the bot says to send it again; nothing changed."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    typo = await regie.say(room, "!toestemmign geef schuldhulp contact,schulden "
                                 "grondslag=wgs tot=2027-03-31")
    fixed = "!toestemming geef schuldhulp contact,schulden grondslag=wgs tot=2027-03-31"
    sent = await regie.client.room_send(room, "m.room.message", {
        "msgtype": "m.text", "body": f"* {fixed}",
        "m.new_content": {"msgtype": "m.text", "body": fixed},
        "m.relates_to": {"rel_type": "m.replace", "event_id": typo}})
    assert isinstance(sent, nio.RoomSendResponse), sent
    _, ev = await regie.wait_for(
        lambda rid, e: rid == room
        and e.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {}).get(
            "event_id") == sent.event_id)
    assert "stuur het commando opnieuw" in ev["content"]["body"], ev["content"]
    assert fixed in ev["content"]["body"]
    shown = (await regie.command(room, "!toestemming"))[REPLY]
    assert shown["ok"] is True and "schuldhulp" not in str(shown["data"]), shown


async def test_an_edit_without_the_star_fallback_is_not_run(
    service: Service, make_person: MakePerson
) -> None:
    """The ``* `` in an edit's body is a convention, not a rule: a client may send the
    edit's body as the plain new text. Such an edit is not a new command either (it
    would open a second case here); it gets the same "send it again" notice."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    dm = await regie.dm(bot)
    first = await regie.command(dm, "!casus nieuw")
    assert first[REPLY]["ok"] is True, first
    original = first["m.relates_to"]["m.in_reply_to"]["event_id"]
    sent = await regie.client.room_send(dm, "m.room.message", {
        "msgtype": "m.text", "body": "!casus nieuw",
        "m.new_content": {"msgtype": "m.text", "body": "!casus nieuw"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    assert isinstance(sent, nio.RoomSendResponse), sent
    _, ev = await regie.wait_for(
        lambda rid, e: rid == dm
        and e.get("content", {}).get("m.relates_to", {}).get("m.in_reply_to", {}).get(
            "event_id") == sent.event_id)
    assert REPLY not in ev["content"], ev["content"]  # no command's reply: not run
    assert "stuur het commando opnieuw" in ev["content"]["body"], ev["content"]
    mine = (await regie.command(dm, "!mijn-casussen"))[REPLY]
    assert len(mine["data"]["cases"]) == 1, mine

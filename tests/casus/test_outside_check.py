"""Findings of the outside check (session 3): what a professional of another
organisation, with a plain Matrix client, could learn or plant around a case room —
against the real Synapse with the busbaan gate and the casus bot."""

from __future__ import annotations

import secrets
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


async def _open_case(regie: Person, bot: str) -> tuple[str, str]:
    dm = await regie.dm(bot)
    data = (await regie.command(dm, "!casus nieuw schulden"))[REPLY]
    assert data["ok"] is True, data
    room_id = data["data"]["room_id"]
    assert isinstance(await regie.join(room_id), nio.JoinResponse)
    return data["data"]["case_id"], room_id


async def test_a_case_id_in_a_direct_message_tells_an_outsider_nothing(
    service: Service, make_person: MakePerson
) -> None:
    """Someone outside a case who types `!accepteer C-…` / `!weiger C-…` in a direct chat
    learns neither that the case exists nor to whom it is being handed over: the answer
    is the same as for a case id that does not exist. The addressee still can."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("inkomen", "klantmanager")
    case_id, room = await _open_case(regie, bot)
    proposal = (await regie.command(room, f"!overdracht {colleague.user_id} werk loopt vast"))
    assert proposal[REPLY]["ok"] is True, proposal

    dm = await outsider.dm(bot)
    answers = []
    for text in (f"!accepteer {case_id}", f"!weiger {case_id} geen tijd",
                 "!accepteer C-ZZZZZZZZ", f"!accept {case_id}"):
        reply = await outsider.command(dm, text)
        answers.append(reply)
        assert reply[REPLY]["errcode"] == "BB_NO_OPEN_HANDOVER", (text, reply)
        assert colleague.user_id not in reply["body"]
        assert "buurtteam" not in reply["body"]
    # The real case and the made-up one read alike (but for the id itself).
    assert (answers[0]["body"].replace(case_id, "X")
            == answers[2]["body"].replace("C-ZZZZZZZZ", "X"))
    assert "no handover proposal" in answers[3]["body"]  # the English alias in English

    # The addressee, in their own direct chat with the case id, takes over as before.
    dm_c = await colleague.dm(bot)
    accepted = await colleague.command(dm_c, f"!accepteer {case_id}")
    assert accepted[REPLY]["ok"] is True, accepted
    assert accepted[REPLY]["data"]["regie"] == colleague.user_id


async def _put(homeserver: Homeserver, person: Person, path: str,
               body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.put(
        f"{homeserver.url}/_matrix/client/v3/{path}", json=body,
        headers={"Authorization": f"Bearer {person.client.access_token}"},
    ) as response:
        return response.status, await response.json(content_type=None)


async def test_a_third_party_invite_is_refused_in_a_case_room(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """The regie cannot leave a pending invitation of an e-mail address in a case room
    (an `m.room.third_party_invite`): nobody the directory knows, and its display name
    would be personal data in the room's state. The gate refuses it with its reason."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    status, body = await _put(
        homeserver, regie,
        f"rooms/{quote(room)}/state/m.room.third_party_invite/tok{secrets.token_hex(4)}",
        {"display_name": "j.jansen@example.org", "key_validity_url": "https://id.example/v",
         "public_key": "ed25519base64"})
    assert status == 403, body
    state = await regie.client.room_get_state(room)
    assert isinstance(state, nio.RoomGetStateResponse), state
    assert not [e for e in state.events if e["type"] == "m.room.third_party_invite"]


async def test_a_room_alias_with_personal_data_is_refused(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """A room address (alias) is resolvable by anyone on the server and kept in its
    database: one that holds a BSN or a name is refused, in the user's language, with
    busbaan's code; a neutral one is made as usual."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    server = homeserver.server_name
    tag = secrets.token_hex(3)
    for localpart in (f"jan-jansen-123456782-{tag}", f"mevrouw-jansen-{tag}"):
        status, body = await _put(homeserver, regie,
                                  f"directory/room/{quote(f'#{localpart}:{server}')}",
                                  {"room_id": room})
        assert status == 403, (localpart, body)
        assert body["nl.busbaan.code"] == "refused.personal_data_in_alias", body
        assert "kameradres" in body["error"], body  # Dutch, busbaan's own reason
        assert localpart not in body["error"]
    status, body = await _put(homeserver, regie,
                              f"directory/room/{quote(f'#intake-schulden-{tag}:{server}')}",
                              {"room_id": room})
    assert status == 200, body


async def _panel(homeserver: Homeserver, service: Service, person: Person,
                 room: str) -> tuple[int, dict[str, Any]]:
    """The case panel as Element's widget opens it: an OpenID token of ``person``."""
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{homeserver.url}/_matrix/client/v3/user/{quote(person.user_id)}/openid/"
            "request_token", json={},
            headers={"Authorization": f"Bearer {person.client.access_token}"},
        ) as resp:
            token = await resp.json()
        assert service.web is not None
        async with http.post(f"{service.web.url}/casus/paneel/sessie",
                             json={"room_id": room, "openid": token}) as resp:
            return resp.status, await resp.json()


async def test_the_case_panel_opens_for_a_member_and_not_for_an_outsider(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """The "Casus" widget works on the embedded homeserver (it answers OpenID userinfo):
    the regie reads the case's facts; a professional outside the scope, with a real
    token of their own, is refused with the scope's reason."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    case_id, room = await _open_case(regie, bot)
    status, body = await _panel(homeserver, service, regie, room)
    assert status == 200 and body["ok"] is True and body["case_id"] == case_id, body
    status, body = await _panel(homeserver, service, outsider, room)
    assert status == 403 and body["errcode"] == "BB_PANEL_NOT_IN_SCOPE", body
    assert case_id not in str(body)


async def test_the_case_panel_is_for_members_only(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """A colleague in the regie's own organisation who is not in the case room (never
    invited) does not read the case's facts through the panel: the widget lives only in
    the room, so only its members have a reason to open it."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    status, body = await _panel(homeserver, service, colleague, room)
    assert status == 403, body
    assert body["errcode"] == "BB_PANEL_NOT_A_MEMBER", body
    status, body = await _panel(homeserver, service, regie, room)
    assert status == 200, body  # the member still reads it


async def test_a_display_name_with_a_bsn_is_refused_in_a_case_room(
    homeserver: Homeserver, service: Service, make_person: MakePerson
) -> None:
    """A member cannot put a BSN into the case room's state through a per-room display
    name (every member reads and keeps it); the gate refuses it with its reason and
    the name stays as it was. A display name without one is changed as usual."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await _open_case(regie, bot)
    path = f"rooms/{quote(room)}/state/m.room.member/{quote(regie.user_id)}"
    status, body = await _put(homeserver, regie, path,
                              {"membership": "join", "displayname": "cliënt 123456782"})
    assert status == 403, body
    assert body["nl.busbaan.code"] == "refused.personal_data_in_displayname", body
    assert "123456782" not in body["error"]
    status, body = await _put(homeserver, regie, path,
                              {"membership": "join", "displayname": "Anouk (buurtteam)"})
    assert status == 200, body
    state = await regie.client.room_get_state(room)
    assert isinstance(state, nio.RoomGetStateResponse), state
    names = [e["content"].get("displayname") for e in state.events
             if e["type"] == "m.room.member" and e["state_key"] == regie.user_id]
    assert names == ["Anouk (buurtteam)"]


async def test_a_label_typed_in_a_room_with_others_is_refused(
    service: Service, make_person: MakePerson
) -> None:
    """In a room the professional shares with a colleague and the bot (a team room),
    `!casus nieuw <label>` and `!label C-… <tekst>` are refused (`BB_NOT_DIRECT`):
    the colleague reads the text, so the bot neither stores it as "visible to you
    alone" nor ties it to a case id there. Without a label a case opens as before."""
    from tests.casus.test_labels import labels_of

    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    case_id, _ = await _open_case(regie, bot)
    before = await labels_of(regie)
    made = await regie.client.room_create(invite=[bot, colleague.user_id])
    assert isinstance(made, nio.RoomCreateResponse), made
    team = made.room_id
    assert isinstance(await colleague.join(team), nio.JoinResponse)
    await regie.wait_for(lambda rid, ev: rid == team and ev.get("type") == "m.room.member"
                         and ev.get("state_key") == bot
                         and ev.get("content", {}).get("membership") == "join")
    for text in ("!casus nieuw mevrouw Jansen huurschuld", f"!label {case_id} mevrouw Jansen"):
        reply = await regie.command(team, text)
        assert reply[REPLY]["errcode"] == "BB_NOT_DIRECT", (text, reply)
        assert "Jansen" not in reply["body"]
    assert await labels_of(regie) == before  # nothing stored
    dm = await regie.dm(bot)
    listed = (await regie.command(dm, "!mijn-casussen"))[REPLY]["data"]
    assert listed["total"] == 1  # no second case was opened
    # Arabic-Indic digits are a search word, not a page number (Python's int() takes them).
    searched = (await regie.command(dm, "!mijn-casussen \u0661\u0662"))[REPLY]
    assert searched["ok"] is True and searched["data"]["query"] == "\u0661\u0662", searched
    wrong_page = await regie.command(dm, "!mijn-casussen pagina 7")
    assert wrong_page[REPLY]["errcode"] == "BB_USAGE"
    assert wrong_page["body"].startswith("Er is maar 1 pagina; kies pagina 1.")
    reply = await regie.command(team, "!casus nieuw")
    assert reply[REPLY]["ok"] is True, reply

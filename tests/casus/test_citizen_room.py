"""The citizen's decisions through the real casus bot and Synapse (issue 10): a link
from ``!burgerlink`` in a direct chat, a withdrawal on "Mijn hulpvraag" that removes
the organisation's member from the room at once and tells the regie, no re-grant by a
professional, and a proposal the citizen approves."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiohttp
import nio
import pytest

from busbaan.citizen import DATA_SUBJECT
from busbaan.devstack.people import NOTICE_KEY, eventually, members
from busbaan.service import Service
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case

pytestmark = pytest.mark.synapse

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_FORM = re.compile(r'name="form" value="([^"]+)"')


def _until(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


def _notice(kind: str, room_id: str | None = None) -> Any:
    def match(rid: str, ev: dict[str, Any]) -> bool:
        return ((room_id is None or rid == room_id)
                and ev.get("content", {}).get(NOTICE_KEY, {}).get("kind") == kind)
    return match


async def _citizen_logs_in(web: str, url: str, code: str) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    path = url[url.index("/burger/"):]
    async with session.get(web + path) as r:
        assert r.status == 200, await r.text()
        csrf = _CSRF.search(await r.text()).group(1)  # type: ignore[union-attr]
    async with session.post(web + path, data={"csrf": csrf, "code": code},
                            allow_redirects=False) as r:
        assert r.status == 303, await r.text()
    return session


async def _page(session: aiohttp.ClientSession, web: str) -> str:
    async with session.get(web + "/burger/") as r:
        assert r.status == 200
        return await r.text()


async def test_citizen_withdraws_approves_and_only_the_citizen_regrants(
        service: Service, make_person: MakePerson) -> None:
    """End to end: link in a DM with QR PNG and PDF; the citizen withdraws the humanitas
    consent and the volunteer is removed from the room, the regie told; the regie cannot
    give it again; the regie proposes, the citizen approves, and the volunteer can be
    invited again."""
    bot = service.runners["casus"].user_id
    web = service.web.url
    regie = await make_person("buurtteam", "buurtteammedewerker")
    volunteer = await make_person("humanitas", "vrijwilliger")
    colleague = await make_person("buurtteam", "buurtteammedewerker")
    case_id, room = await open_case(regie, bot)

    # Only the regie makes a link; the link goes to a direct chat, never the room.
    await regie.command(room, f"!uitnodigen {colleague.user_id}")
    assert isinstance(await colleague.join(room), nio.JoinResponse)
    refused = (await colleague.command(room, "!burgerlink"))["nl.busbaan.reply"]
    assert refused["ok"] is False and refused["errcode"] == "BB_NOT_REGIE"
    reply = await regie.command(room, "!burgerlink bereikbaar=020 555 0101")
    data = reply["nl.busbaan.reply"]["data"]
    assert reply["nl.busbaan.reply"]["ok"] is True and "code" not in data
    dm = data["dm_room_id"]
    assert isinstance(await regie.join(dm), nio.JoinResponse)  # the bot's own direct room
    _, link_event = await regie.wait_for(_notice("citizen.link", dm))
    link = link_event["content"][NOTICE_KEY]
    assert case_id not in link["url"] and "/burger/l/" in link["url"]
    for mime in ("image/png", "application/pdf"):
        await regie.wait_for(lambda rid, ev, m=mime: rid == dm and ev.get("content", {})
                             .get("info", {}).get("mimetype") == m)
    assert not any(link["code"] in str(ev) for rid, ev in colleague.events if rid == room)

    # A consent grant for humanitas; the volunteer joins.
    r = (await regie.command(room, f"!toestemming geef humanitas contact "
                                   f"grondslag=toestemming tot={_until(60)}"))["nl.busbaan.reply"]
    assert r["ok"] is True, r
    grant_id = r["data"]["grants"][0]["grant_id"]
    await regie.command(room, f"!uitnodigen {volunteer.user_id}")
    assert isinstance(await volunteer.join(room), nio.JoinResponse)

    citizen = await _citizen_logs_in(web, link["url"], link["code"])
    try:
        html = await _page(citizen, web)
        assert "Zo bereikt u" in html and "020 555 0101" in html
        form = next(f for f in _FORM.findall(html) if f.endswith(grant_id))
        async with citizen.post(web + "/burger/intrekken", data={
                "csrf": _CSRF.search(html).group(1), "form": form,  # type: ignore[union-attr]
                "grant": grant_id}) as resp:
            done = await resp.text()
        assert "U heeft de toestemming voor Humanitas Thuisadministratie ingetrokken." in done

        async def gone() -> bool:
            return (await members(regie.client, room)).get(volunteer.user_id) != "join"
        await eventually(gone, timeout=10.0, interval=0.05)  # speed: bench/citizen.py
        _, told = await regie.wait_for(_notice("citizen.withdrew", room))
        assert regie.user_id in told["content"]["m.mentions"]["user_ids"]
        assert "1 deelnemer(s) van humanitas" in told["content"]["body"]
        assert "!toestemming voorstel" in told["content"]["body"]

        # The regie cannot give it again; only the citizen can.
        again = (await regie.command(room, f"!toestemming geef humanitas contact "
                                           f"grondslag=toestemming tot={_until(60)}"))
        assert again["nl.busbaan.reply"]["errcode"] == "BB_CITIZEN_WITHDREW"
        law = (await regie.command(room, f"!toestemming voorstel schuldhulp schulden "
                                         f"grondslag=wgs tot={_until(60)}"))
        assert law["nl.busbaan.reply"]["errcode"] == "BB_USAGE"
        proposed = (await regie.command(room, f"!toestemming voorstel humanitas contact "
                                              f"grondslag=toestemming tot={_until(60)}"))
        proposal_id = proposed["nl.busbaan.reply"]["data"]["proposal_id"]

        html = await _page(citizen, web)
        form = next(f for f in _FORM.findall(html) if f.endswith(proposal_id))
        async with citizen.post(web + "/burger/beslis", data={
                "csrf": _CSRF.search(html).group(1), "form": form,  # type: ignore[union-attr]
                "voorstel": proposal_id, "keuze": "ja"}) as resp:
            assert "U gaf Humanitas Thuisadministratie toestemming." in await resp.text()
        await regie.wait_for(_notice("citizen.decided", room))
        scope = service.casus.service.scope_by_room(room)
        assert scope is not None
        mine = [g for g in scope.grants if g.given_by == DATA_SUBJECT]
        assert len(mine) == 1 and mine[0].organisation == "humanitas"
        invited = (await regie.command(room, f"!uitnodigen {volunteer.user_id}"))
        assert invited["nl.busbaan.reply"]["ok"] is True, invited["body"]
        assert invited["nl.busbaan.reply"]["data"]["grant_id"] == mine[0].grant_id
    finally:
        await citizen.close()

    codes = [i.entry.event_code for i in service.audit.log().query(case_id=case_id)]
    for code in ("citizen.link_created", "citizen.login", "citizen.viewed", "consent.withdrawn",
                 "consent.proposed", "consent.granted", "consent.receipt_issued"):
        assert code in codes, code


async def test_revoking_links_is_for_the_regie(service: Service, make_person: MakePerson,
                                               ) -> None:
    """!burgerlink intrekken revokes the case's links; the link page then says so."""
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    data = (await regie.command(room, "!burgerlink"))["nl.busbaan.reply"]["data"]
    assert isinstance(await regie.join(data["dm_room_id"]), nio.JoinResponse)
    _, ev = await regie.wait_for(_notice("citizen.link", data["dm_room_id"]))
    url = ev["content"][NOTICE_KEY]["url"]
    r = (await regie.command(room, "!burgerlink intrekken"))["nl.busbaan.reply"]
    assert r["ok"] is True and r["data"]["revoked"] == [data["link_id"]]
    page = service.web.url + url[url.index("/burger/"):]
    async with aiohttp.ClientSession() as s, s.get(page) as resp:
        assert resp.status == 410 and "stopgezet" in await resp.text()


async def test_a_locked_link_is_told_to_the_regie_in_the_room(
        service: Service, make_person: MakePerson) -> None:
    """Five wrong codes lock the link: the regie is told in the case room (mentioned,
    with what to do), the citizen gets the locked page, and the right code no longer
    opens anything."""
    bot = service.runners["casus"].user_id
    web = service.web.url
    regie = await make_person("buurtteam", "buurtteammedewerker")
    _, room = await open_case(regie, bot)
    data = (await regie.command(room, "!burgerlink"))["nl.busbaan.reply"]["data"]
    assert isinstance(await regie.join(data["dm_room_id"]), nio.JoinResponse)
    _, ev = await regie.wait_for(_notice("citizen.link", data["dm_room_id"]))
    link = ev["content"][NOTICE_KEY]
    path = link["url"][link["url"].index("/burger/"):]
    wrong = "ZZZZZZ" if link["code"] != "ZZZZZZ" else "YYYYYY"
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        async with s.get(web + path) as r:
            csrf = _CSRF.search(await r.text()).group(1)  # type: ignore[union-attr]
        for attempt in range(1, 6):
            async with s.post(web + path, data={"csrf": csrf, "code": wrong}) as r:
                text = await r.text()
                assert r.status == (410 if attempt == 5 else 400), (attempt, r.status)
        assert "te vaak fout ingevuld" in text and "Uw hulpverlener weet dit nu" in text
        async with s.post(web + path, data={"csrf": csrf, "code": link["code"]}) as r:
            assert r.status == 410
    _, told = await regie.wait_for(_notice("citizen.link_locked", room))
    assert regie.user_id in told["content"]["m.mentions"]["user_ids"]
    assert "5 keer fout" in told["content"]["body"] and "!burgerlink" in told["content"]["body"]
    assert link["code"] not in str(told)


async def test_each_new_case_room_gets_the_case_panel(service: Service, make_person: MakePerson,
                                                      homeserver: Any) -> None:
    """A new case room carries the panel widget. Through the widget's OpenID flow,
    checked against the real homeserver's userinfo endpoint (as `make dev` runs it),
    the panel shows the case's facts to a member (recorded as a view) and refuses an
    outsider; a token meant for another homeserver is refused before any call, and an
    unknown token for ours is refused after asking the homeserver."""
    from busbaan.web.panel.routes import WIDGET_ID, panel_facts

    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("ggd", "arts")
    case_id, room = await open_case(regie, bot)

    async def widget() -> Any:
        resp = await regie.client.room_get_state_event(room, "im.vector.modular.widgets",
                                                       WIDGET_ID)
        return getattr(resp, "content", None) or None
    content = await eventually(widget, timeout=10.0)
    assert content["url"].startswith(service.web.url + "/casus/paneel/?room_id=$matrix_room_id")
    assert content["data"]["case_id"] == case_id

    facts = panel_facts(service, room, regie.user_id, member=True)
    assert facts["case_id"] == case_id and facts["who"]
    assert any("Uw hulpvraag is gestart" in s["text"] for s in facts["timeline"])
    from busbaan.errors import Forbidden
    with pytest.raises(Forbidden) as refused:
        panel_facts(service, room, outsider.user_id, member=True)
    assert refused.value.errcode == "BB_PANEL_NOT_IN_SCOPE"

    async with aiohttp.ClientSession() as http:
        async with http.get(service.web.url + "/casus/paneel/") as resp:
            assert resp.status == 200 and "OpenID" in await resp.text()
        url = service.web.url + "/casus/paneel/sessie"
        foreign = {"access_token": "x" * 20, "token_type": "Bearer",
                   "matrix_server_name": "evil.example", "expires_in": 3600}
        async with http.post(url, json={"room_id": room, "openid": foreign}) as resp:
            body = await resp.json()
            assert resp.status == 403 and body["errcode"] == "BB_PANEL_AUDIENCE"

        async def openid(person: Any) -> dict[str, Any]:
            async with http.post(
                    f"{homeserver.url}/_matrix/client/v3/user/{person.user_id}/openid/"
                    "request_token", json={},
                    headers={"Authorization": f"Bearer {person.client.access_token}"}
            ) as resp:
                token: dict[str, Any] = await resp.json()
            assert token["matrix_server_name"] == "localhost"
            return token

        views = len(list(service.audit.log().query(case_id=case_id)))
        async with http.post(url, json={"room_id": room, "openid": await openid(regie)}) \
                as resp:
            body = await resp.json()
            assert resp.status == 200 and body["ok"] is True, body
        assert body["user_id"] == regie.user_id and body["case_id"] == case_id
        assert body["who"] and any("Uw hulpvraag is gestart" in s["text"]
                                   for s in body["timeline"])
        viewed = [i.entry for i in service.audit.log().query(case_id=case_id)][views:]
        assert [(e.event_code, e.user_id) for e in viewed
                if e.event_code == "panel.viewed"] == [("panel.viewed", regie.user_id)]
        async with http.post(url, json={"room_id": room,
                                        "openid": await openid(outsider)}) as resp:
            body = await resp.json()
            assert resp.status == 403 and body["errcode"] == "BB_PANEL_NOT_IN_SCOPE", body
            assert "timeline" not in body and "grants" not in body  # nothing shown
        async with http.get(f"{homeserver.url}/_matrix/federation/v1/version") as resp:
            assert resp.status == 404  # the OpenID check only, not the federation API
        unknown = {"access_token": "y" * 24, "token_type": "Bearer",
                   "matrix_server_name": "localhost", "expires_in": 3600}
        async with http.post(url, json={"room_id": room, "openid": unknown}) as resp:
            body = await resp.json()
            assert resp.status == 403 and body["errcode"] == "BB_PANEL_TOKEN", body

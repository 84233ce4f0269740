"""The case panel's handlers and the widget's state content."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from busbaan.audit import AuditEntry
from busbaan.citizen.i18n import catalogue
from busbaan.citizen.view import build_page
from busbaan.consent import Action, CaseScope, decide
from busbaan.directory import Directory
from busbaan.errors import BusbaanError, Forbidden, Unavailable, UsageError
from busbaan.log import get_logger
from busbaan.store.repositories import CaseRepository, DirectoryRepository, HandoverRepository

__all__ = ["PANEL_PATH", "WIDGET_ID", "add_routes", "check_audience", "widget_content"]

log = get_logger("busbaan.web.panel")

PANEL_PATH = "/casus/paneel"
WIDGET_ID = "busbaan-casus-paneel"
STATIC = Path(__file__).parent / "static"
_USER_ID = re.compile(r"@[^\s:@]+:([^\s@]+)")
_TIMEOUT = aiohttp.ClientTimeout(total=10)


def widget_content(public_url: str, case_id: str, bot_user_id: str) -> dict[str, Any]:
    """The ``im.vector.modular.widgets`` state content for a case room."""
    url = (f"{public_url.rstrip('/')}{PANEL_PATH}/?room_id=$matrix_room_id"
           "&widgetId=$matrix_widget_id&parentUrl=$org.matrix.msc2873.client_origin")
    return {"id": WIDGET_ID, "type": "m.custom", "name": "Casus – busbaan", "url": url,
            "creatorUserId": bot_user_id, "data": {"case_id": case_id, "title": case_id}}


def check_audience(openid: Any, trusted: dict[str, str]) -> tuple[str, str]:
    """(server name, token) from the widget's ``get_openid`` answer, if the token is
    meant for a homeserver this busbaan trusts; refuses anything else."""
    if not isinstance(openid, dict):
        raise UsageError("Geen OpenID-gegevens ontvangen.", "No OpenID credentials received.")
    server = openid.get("matrix_server_name")
    token = openid.get("access_token")
    if openid.get("token_type", "Bearer") != "Bearer" or not isinstance(token, str) \
            or not token or len(token) > 512:
        raise Forbidden("Het OpenID-token is ongeldig.", "The OpenID token is invalid.",
                        errcode="BB_PANEL_TOKEN")
    if not isinstance(server, str) or server not in trusted:
        raise Forbidden(
            "Dit OpenID-token is niet bedoeld voor deze busbaan (onbekende homeserver).",
            "This OpenID token is not meant for this busbaan (unknown homeserver).",
            errcode="BB_PANEL_AUDIENCE")
    return server, token


async def userinfo(base_url: str, server: str, token: str) -> str:
    """Ask the token's homeserver whose token it is; the answer must be one of its own
    users (a server cannot vouch for another server's users)."""
    url = f"{base_url.rstrip('/')}/_matrix/federation/v1/openid/userinfo" \
          f"?access_token={quote(token, safe='')}"
    try:
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as http, http.get(url) as resp:
            status = resp.status
            body = await resp.json(content_type=None) if status < 500 else {}
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise Unavailable("De homeserver is niet bereikbaar; probeer het zo opnieuw.",
                          "The homeserver cannot be reached; try again shortly.") from exc
    if status in (404, 405) and (body or {}).get("errcode") != "M_UNKNOWN_TOKEN":
        raise Unavailable("Deze homeserver biedt geen OpenID-controle aan.",
                          "This homeserver does not offer OpenID checks.",
                          errcode="BB_PANEL_OPENID_UNSUPPORTED")
    sub = (body or {}).get("sub")
    found = _USER_ID.fullmatch(sub) if isinstance(sub, str) else None
    if status != 200 or found is None or found.group(1) != server:
        raise Forbidden("Het OpenID-token is niet (meer) geldig.",
                        "The OpenID token is not (or no longer) valid.",
                        errcode="BB_PANEL_TOKEN")
    return str(sub)


def panel_facts(service: Any, room_id: str, user_id: str, *, member: bool) -> dict[str, Any]:
    """The panel for ``user_id`` in ``room_id``: only for someone ``decide`` lets stay
    and who is in the room (``member``). The panel lives in the case room, so someone
    the scope would admit but who was never let in (a colleague of the regie's own
    organisation, say) has no reason to read the case (found by the outside check)."""
    engine = service.engine
    row = CaseRepository(engine).by_room(room_id)
    if row is None:
        raise Forbidden("Dit is geen casuskamer van busbaan.",
                        "This is not a busbaan case room.", errcode="BB_PANEL_NOT_A_CASE")
    grants = CaseRepository(engine).grants(row.case_id)
    accesses = HandoverRepository(engine).accesses(row.case_id)
    scope = CaseScope(case_id=row.case_id, room_id=room_id,
                      home_organisation=row.home_organisation, regie=row.regie,
                      grants=tuple(grants), accesses=tuple(accesses),
                      closed=row.status == "closed")
    directory = Directory.of(service.policy, DirectoryRepository(engine).all())
    now = service.clock.now()
    bot = getattr(getattr(service, "casus", None), "user_id", "@casus:localhost")
    decision = decide(service.policy, scope, directory, Action.STAY, actor=bot,
                      subject=user_id, now=now, bot_user_id=bot)
    if not decision.allowed:
        raise Forbidden(decision.nl, decision.en, errcode="BB_PANEL_NOT_IN_SCOPE")
    if not member:
        raise Forbidden("Het casuspaneel is alleen voor wie in deze casuskamer zit.",
                        "The case panel is only for members of this case room.",
                        errcode="BB_PANEL_NOT_A_MEMBER")
    from busbaan.store.citizen_repo import CitizenRepository

    facts = CitizenRepository(engine).facts(row.case_id, log=service.audit.log())
    assert facts is not None
    page = build_page(service.policy, facts, catalogue("nl"), now)
    who = directory(user_id)
    service.audit.write([AuditEntry(
        event_code="panel.viewed", action="R", outcome="done", occurred_at=now,
        source="case-panel", user_id=user_id, user_role=who.role if who else None,
        organisation=who.organisation if who else None,
        case_id=row.case_id, reason_code=decision.code, checks=dict(decision.checks))])
    return {"case_id": row.case_id, "who": list(page.who), "earlier": list(page.earlier),
            "grants": [g.text for g in page.grants], "home": page.home,
            "ended": list(page.ended),
            "timeline": [{"date": d, "text": t} for d, t in page.timeline],
            "open_proposals": [p.question for p in page.proposals]}


async def panel_page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "panel.html")


async def panel_session(request: web.Request) -> web.StreamResponse:
    from busbaan.web.app import SERVICE

    service = request.app[SERVICE]
    if service is None or getattr(service, "engine", None) is None:
        raise Unavailable("Het paneel is niet beschikbaar.", "The panel is not available.")
    try:
        body = await request.json()
    except ValueError as exc:
        raise UsageError("Stuur een JSON-object.", "Send a JSON object.") from exc
    if not isinstance(body, dict) or not isinstance(body.get("room_id"), str):
        raise UsageError("room_id ontbreekt.", "room_id is missing.")
    trusted = _trusted(service)
    server, token = check_audience(body.get("openid"), trusted)
    user_id = await userinfo(trusted[server], server, token)
    try:
        member = _is_member(service, body["room_id"], user_id)
        data = await asyncio.to_thread(panel_facts, service, body["room_id"], user_id,
                                       member=member)
    except BusbaanError:
        await asyncio.to_thread(service.audit.write, [AuditEntry(
            event_code="panel.refused", action="R", outcome="refused",
            occurred_at=service.clock.now(), source="case-panel", user_id=user_id)])
        raise
    return web.json_response({"ok": True, "user_id": user_id, **data})


def _is_member(service: Any, room_id: str, user_id: str) -> bool:
    """Joined to the room, as the casus bot's sync knows it; without the bot, nobody."""
    casus = getattr(service, "casus", None)
    room = casus.runner.client.rooms.get(room_id) if casus is not None else None
    return room is not None and user_id in room.users


def _trusted(service: Any) -> dict[str, str]:
    """Homeserver names whose OpenID tokens this busbaan accepts → their base URL.
    Default: the homeserver the service runs against (its name from the bot's id);
    ``extra["panel_homeservers"]`` adds others (a federation)."""
    config = service.config
    extra = dict(getattr(config, "extra", {}) or {})
    trusted = dict(extra.get("panel_homeservers", {}))
    bot = getattr(getattr(service, "casus", None), "user_id", None)
    name = bot.partition(":")[2] if bot else extra.get("server_name", "localhost")
    trusted.setdefault(name, config.homeserver)
    return trusted


def add_routes(app: web.Application) -> None:
    app.router.add_get(f"{PANEL_PATH}/", panel_page)
    app.router.add_post(f"{PANEL_PATH}/sessie", panel_session)
    app.router.add_static(f"{PANEL_PATH}/static/", STATIC)

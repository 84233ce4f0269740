"""The handlers of the citizen pages.

Every page works without JavaScript. Every POST carries the session's CSRF token and a
one-time form id: a form handled before (a double click, the back button) changes
nothing and says so. After a POST the browser is sent to the page (POST-redirect-GET).
Every view and decision is written to the audit log *before* the page shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from busbaan.citizen import links
from busbaan.citizen.i18n import catalogue
from busbaan.citizen.links import CodeOutcome, LinkStatus
from busbaan.citizen.model import grant_id_for
from busbaan.citizen.receipt import receipt_body, sign_receipt
from busbaan.citizen.rules import rests_on_consent
from busbaan.citizen.view import build_page, org_name, regie_name
from busbaan.errors import BusbaanError
from busbaan.log import get_logger
from busbaan.web.citizen.core import CITIZEN, PREFIX, CitizenWeb, lang_of, render
from busbaan.web.citizen.sessions import COOKIE, CitizenSession, Flash

__all__ = ["add_routes"]

log = get_logger("busbaan.web.citizen")
STATIC = Path(__file__).parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: Form ids are made by the page (22 characters, a dash and a grant or proposal id);
#: anything longer is not ours.
_FORM_MAX = 60


def _problem(request: web.Request, key: str, status: int,
             session: CitizenSession | None = None, back: bool = False) -> web.Response:
    heading = "bad.title" if key in _LINK_PROBLEMS else "site.title"
    return render(request, "problem.html", status=status, session=session, message=key,
                  back=back, heading=heading)


_LINK_PROBLEMS = frozenset({"bad.malformed", "bad.unknown", "bad.expired", "bad.revoked",
                            "bad.used", "bad.locked"})


def _client(request: web.Request) -> str:
    return request.remote or "?"


def _see(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _cw(request: web.Request) -> CitizenWeb | None:
    return request.app.get(CITIZEN, None)


def _unavailable(request: web.Request) -> web.Response:
    lang = lang_of(request)
    return web.Response(status=503, content_type="text/html", charset="utf-8", text=(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>busbaan'
        '</title></head><body><main><h1>busbaan</h1><p>'
        f'{catalogue(lang)("bad.busy")}</p></main></body></html>'))


# -- the way in: link + code --------------------------------------------------------


async def _link(cw: CitizenWeb, token: str) -> tuple[links.LinkState | None, object]:
    if not links.well_formed_token(token):
        return None, "malformed"
    stored = await asyncio.to_thread(cw.repo.link, links.token_hash(token))
    if stored is None:
        return None, "unknown"
    return stored.state, stored


async def link_form(request: web.Request) -> web.StreamResponse:
    cw = _cw(request)
    if cw is None:
        return _unavailable(request)
    if not cw.limiter.allow(_client(request)):
        return _problem(request, "bad.busy", 429)
    token = request.match_info["token"]
    state, found = await _link(cw, token)
    if state is None:
        await cw.record(cw.entry("citizen.login_refused", "E", "refused", case_id=None,
                                 reason_code=f"link.{found}"))
        return _problem(request, f"bad.{found}", 404)
    status = links.link_status(state, cw.clock.now())
    if status is not LinkStatus.OPEN:
        await cw.record(cw.entry("citizen.login_refused", "E", "refused", case_id=state.case_id,
                                 reason_code=f"link.{status.value}",
                                 details={"link_id": state.link_id}))
        return _problem(request, f"bad.{status.value}", 410)
    session = await cw.session(request)
    if session is None:
        session = await asyncio.to_thread(cw.sessions.new)
    response = render(request, "login.html", session=session, error=None, left=None)
    cw.set_cookie(response, session)
    return response


async def link_code(request: web.Request) -> web.StreamResponse:
    cw = _cw(request)
    if cw is None:
        return _unavailable(request)
    if not cw.limiter.allow(_client(request)):
        return _problem(request, "bad.busy", 429)
    token = request.match_info["token"]
    form = await request.post()
    session = await cw.session(request)
    if session is None or not session.csrf_ok(str(form.get("csrf", ""))):
        return _problem(request, "bad.form", 403)
    state, found = await _link(cw, token)
    if state is None:
        return _problem(request, f"bad.{found}", 404)
    now = cw.clock.now()
    async with cw.lock(state.case_id):
        state, found = await _link(cw, token)  # again, inside the lock
        assert state is not None and not isinstance(found, str)
        status = links.link_status(state, now)
        if status is not LinkStatus.OPEN:
            return _problem(request, f"bad.{status.value}", 410)
        typed = str(form.get("code", "")).strip()
        if not typed:
            return render(request, "login.html", status=400, session=session,
                          error="login.empty", left=None)
        check = links.check_code(found.code_hash, token, typed, state.attempts)  # type: ignore[attr-defined]
        if check.outcome is CodeOutcome.RIGHT:
            if not await asyncio.to_thread(cw.repo.use, state.link_id, now):
                return _problem(request, "bad.used", 410)
            fresh = await cw.start_session(session, state.case_id, state.link_id)
            await cw.record(cw.entry("citizen.login", "E", "done", case_id=state.case_id,
                                     details={"link_id": state.link_id, "method": "link+code"}))
            response = _see(f"{PREFIX}/")
            cw.set_cookie(response, fresh)
            return response
        locked = check.outcome is CodeOutcome.LOCKED_NOW
        await asyncio.to_thread(cw.repo.record_attempt, state.link_id, check.attempts,
                                lock_at=now if locked else None)
        await cw.record(cw.entry(
            "citizen.link_locked" if locked else "citizen.login_refused", "E", "refused",
            case_id=state.case_id, reason_code="code.locked" if locked else "code.wrong",
            details={"link_id": state.link_id, "attempts": str(check.attempts)}))
    if locked:
        if cw.actions is not None:
            try:
                await cw.actions.tell_regie(
                    state.case_id, kind="citizen.link_locked",
                    body=(f"De burgerlink van casus {state.case_id} is geblokkeerd: de code "
                          f"is {check.attempts} keer fout ingevuld. Misschien typte de burger "
                          "verkeerd, misschien probeert iemand anders het. Bel de burger; "
                          "maak zo nodig een nieuwe link met !burgerlink."),
                    data={"link_id": state.link_id, "attempts": check.attempts})
            except Exception:
                log.exception("citizen.tell_regie_failed")
        return _problem(request, "bad.locked", 410)
    return render(request, "login.html", status=400, session=session, error="login.wrong",
                  left=str(check.left))


# -- "Mijn hulpvraag" ---------------------------------------------------------------


async def _signed_in(request: web.Request) -> tuple[CitizenWeb, CitizenSession] | \
        web.Response:
    """The app and the citizen's session; a clear page when there is none, or when the
    regie revoked the link it started from (``!burgerlink intrekken``; read with the
    session, in the same query)."""
    cw = _cw(request)
    if cw is None:
        return _unavailable(request)
    session = await cw.session(request)
    if session is None or session.case_id is None:
        return _problem(request, "bad.session", 401)
    if session.link_revoked:
        await cw.end_session(session)
        return _problem(request, "bad.revoked", 401)
    return cw, session


async def my_request(request: web.Request) -> web.StreamResponse:
    found = await _signed_in(request)
    if isinstance(found, web.Response):
        return found
    cw, session = found
    case_id = session.case_id
    assert case_id is not None
    lang = lang_of(request)
    # One read for the facts and the case's audit entries; the view is recorded
    # meanwhile (both must succeed before the page shows anything: fail closed). A
    # closed case's page is a view too.
    klaar = request.query.get("klaar", "")[:_FORM_MAX + 2]  # a replay adds "-2"
    facts, _, flash = await asyncio.gather(
        asyncio.to_thread(cw.facts, case_id),
        cw.record(cw.entry("citizen.viewed", "R", "done", case_id=case_id,
                           details={"lang": lang, "page": "mijn-hulpvraag"})),
        _flash(cw, session, klaar))
    if facts is None:
        return _problem(request, "bad.session", 401)
    if facts.closed:
        return _problem(request, "bad.closed", 410, session=session)
    c = catalogue(lang)
    page = build_page(cw.policy, facts, c, cw.clock.now())
    return render(request, "page.html", session=session, page=page, flash=flash,
                  form_id=secrets.token_urlsafe(16))


async def _form(request: web.Request) -> tuple[CitizenWeb, CitizenSession, dict[str, str]] | \
        web.Response:
    found = await _signed_in(request)
    if isinstance(found, web.Response):
        return found
    cw, session = found
    data = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    if not session.csrf_ok(data.get("csrf")) or not data.get("form") \
            or len(data["form"]) > _FORM_MAX:
        return _problem(request, "bad.form", 403, session=session, back=True)
    return cw, session, data


async def _flash(cw: CitizenWeb, session: CitizenSession, form_id: str) -> Flash:
    return await asyncio.to_thread(cw.sessions.flash, session, form_id) if form_id else ()


class _Claim:
    """A form claimed for this request; released on leaving unless ``kept``."""

    def __init__(self) -> None:
        self.replay: web.Response | None = None
        self.kept = False


@contextlib.asynccontextmanager
async def _claimed(cw: CitizenWeb, session: CitizenSession,
                   form_id: str) -> AsyncIterator[_Claim]:
    """Claim the form in the store before handling it. Claimed before (a double
    submit, the back button — in this process or another): ``replay`` shows what it
    did and that nothing changed now. A claim whose handling ends without an answer
    (a refusal, a failure) is released, so the same form can be sent again."""
    claim = _Claim()
    first = await asyncio.to_thread(cw.sessions.claim, session, form_id)
    if first is not None:
        claim.kept = True
        claim.replay = await _done(cw, session, form_id + "-2",
                                   (("done.again", {}), *first), claim)
        yield claim
        return
    try:
        yield claim
    finally:
        if not claim.kept:
            await asyncio.to_thread(cw.sessions.release, session, form_id)


async def _done(cw: CitizenWeb, session: CitizenSession, form_id: str,
                flash: Flash, claim: _Claim) -> web.Response:
    await asyncio.to_thread(cw.sessions.remember, session, form_id, flash)
    claim.kept = True
    return _see(f"{PREFIX}/?klaar={form_id}#bericht")


async def withdraw(request: web.Request) -> web.StreamResponse:
    found = await _form(request)
    if isinstance(found, web.Response):
        return found
    cw, session, data = found
    case_id = session.case_id
    assert case_id is not None
    async with cw.lock(case_id), _claimed(cw, session, data["form"]) as claim:
        if claim.replay is not None:
            return claim.replay
        facts = await asyncio.to_thread(cw.facts, case_id)
        if facts is None or facts.closed:
            return _problem(request, "bad.closed", 410, session=session)
        grant_id = data.get("grant", "")
        history = next((h for h in facts.grants if h.grant.grant_id == grant_id), None)
        now = cw.clock.now()
        refusal = None
        if history is None:
            refusal = "bad.grant_gone"
        elif not rests_on_consent(cw.policy, history.grant.legal_bases):
            refusal = "bad.grant_law"
        elif not history.grant.active_at(now) and history.grant.status(now) != "pending":
            refusal = "bad.grant_done"
        if refusal is not None:
            await cw.record(cw.entry("consent.withdraw_refused", "U", "refused",
                                     case_id=case_id, reason_code=refusal.split(".")[1],
                                     grant_id=grant_id if history else None))
            return _problem(request, refusal, 409, session=session, back=True)
        assert history is not None
        if cw.actions is None:
            return _problem(request, "bad.busy", 503, session=session, back=True)
        try:
            result = await cw.actions.withdraw(case_id, grant_id)
        except BusbaanError:
            log.exception("citizen.withdraw_failed")
            return _problem(request, "bad.busy", 503, session=session, back=True)
        g = history.grant
        org = org_name(cw.policy, g.organisation)
        name = regie_name(facts, catalogue("nl"))
        await cw.actions.tell_regie(
            case_id, kind="citizen.withdrew",
            body=(f"De cliënt heeft de toestemming {g.grant_id} ({g.organisation}) "
                  "ingetrokken via 'Mijn hulpvraag'. "
                  + (f"Uit de kamer gehaald: {result.removed} deelnemer(s) van "
                     f"{g.organisation}. " if result.removed else "")
                  + "Alleen de cliënt kan deze toestemming opnieuw geven; vraag het zo "
                    "nodig met !toestemming voorstel."),
            data={"grant_id": g.grant_id, "organisation": g.organisation,
                  "removed": result.removed})
        flash: Flash = (("done.withdrawn", {"org": org}), ("done.withdrawn_what", {"org": org}))
        if result.removed:
            flash += (("done.removed", {"org": org}),)
        flash += (("done.told", {"name": name}),)
        return await _done(cw, session, data["form"], flash, claim)


async def decide(request: web.Request) -> web.StreamResponse:
    found = await _form(request)
    if isinstance(found, web.Response):
        return found
    cw, session, data = found
    case_id = session.case_id
    assert case_id is not None
    choice = data.get("keuze")
    if choice not in ("ja", "nee"):  # only a hand-made form: say what is wrong with it
        return _problem(request, "bad.choice", 400, session=session, back=True)
    async with cw.lock(case_id), _claimed(cw, session, data["form"]) as claim:
        if claim.replay is not None:
            return claim.replay
        facts = await asyncio.to_thread(cw.facts, case_id)
        if facts is None or facts.closed:
            return _problem(request, "bad.closed", 410, session=session)
        proposal = next((p for p in facts.proposals
                         if p.proposal_id == data.get("voorstel", "")), None)
        now = cw.clock.now()
        if proposal is None or proposal.case_id != case_id or proposal.status == "withdrawn" \
                or (proposal.status == "proposed" and proposal.valid_until <= now):
            return _problem(request, "bad.proposal_gone", 409, session=session, back=True)
        if proposal.status != "proposed":
            return _problem(request, "bad.proposal_done", 409, session=session, back=True)
        if cw.actions is None or cw.signer is None:
            return _problem(request, "bad.busy", 503, session=session, back=True)
        org = org_name(cw.policy, proposal.organisation)
        record_id = f"R-{secrets.token_hex(8).upper()}"
        grant_id = None
        if choice == "ja":
            try:
                grant_id = await cw.actions.approve(proposal, now)
            except BusbaanError as exc:
                log.info("citizen.approve_failed", errcode=exc.errcode)
                # The same "yes" handled by another process first (its grant exists):
                # nothing changed here, and the citizen is told it was decided.
                if await asyncio.to_thread(cw.repo.grant_exists,
                                           grant_id_for(proposal.proposal_id)):
                    return _problem(request, "bad.proposal_done", 409, session=session,
                                    back=True)
                return _problem(request, "bad.busy", 503, session=session, back=True)
        decided = replace(proposal, grant_id=grant_id)
        body = receipt_body(cw.policy, decided, decision="given" if grant_id else "refused",
                            at=now, controller=facts.home_organisation, record_id=record_id)
        receipt = sign_receipt(body, cw.signer)
        recorded = await asyncio.to_thread(
            cw.repo.decide, proposal.proposal_id, status="approved" if grant_id else "refused",
            now=now, grant_id=grant_id, receipt=receipt)
        if not recorded:
            # Another answer (from another process) was recorded first: it stands. A
            # grant this answer gave is taken back, so store and record agree.
            if grant_id is not None:
                try:
                    await cw.actions.withdraw(case_id, grant_id)
                except BusbaanError:
                    log.exception("citizen.undo_failed", grant_id=grant_id)
            return _problem(request, "bad.proposal_done", 409, session=session, back=True)
        if grant_id is None:
            await cw.record(cw.entry("consent.refused", "C", "done", case_id=case_id,
                                     categories=proposal.categories,
                                     legal_bases=proposal.legal_bases,
                                     details={"organisation": proposal.organisation,
                                              "proposal_id": proposal.proposal_id,
                                              "receipt_id": record_id}))
        else:
            await cw.record(cw.entry("consent.receipt_issued", "C", "done", case_id=case_id,
                                     grant_id=grant_id, categories=proposal.categories,
                                     legal_bases=proposal.legal_bases,
                                     details={"organisation": proposal.organisation,
                                              "proposal_id": proposal.proposal_id,
                                              "receipt_id": record_id}))
        await cw.actions.tell_regie(
            case_id, kind="citizen.decided",
            body=(f"De cliënt heeft het voorstel {proposal.proposal_id} ({proposal.organisation}) "
                  + ("goedgekeurd: toestemming " + grant_id + " geldt nu." if grant_id
                     else "afgewezen. Er is niets veranderd.")),
            data={"proposal_id": proposal.proposal_id, "decision": "given" if grant_id
                  else "refused", "grant_id": grant_id})
        flash: Flash = ((("done.approved", {"org": org}),) if grant_id
                        else (("done.refused", {"org": org}),))
        flash += (("done.receipt", {"proposal": proposal.proposal_id}),)
        return await _done(cw, session, data["form"], flash, claim)


async def receipt(request: web.Request) -> web.StreamResponse:
    found = await _signed_in(request)
    if isinstance(found, web.Response):
        return found
    cw, session = found
    proposal = await asyncio.to_thread(cw.repo.proposal, request.match_info["proposal"])
    if proposal is None or proposal.case_id != session.case_id or not proposal.receipt:
        return _problem(request, "bad.proposal_gone", 404, session=session, back=True)
    await cw.record(cw.entry("citizen.receipt_downloaded", "R", "done",
                             case_id=session.case_id,
                             details={"proposal_id": proposal.proposal_id}))
    return web.Response(text=proposal.receipt, content_type="text/plain", charset="utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="toestemming-{proposal.proposal_id}.txt"'})


async def logout(request: web.Request) -> web.StreamResponse:
    cw = _cw(request)
    if cw is None:
        return _unavailable(request)
    session = await cw.session(request)
    form = await request.post()
    if session is not None and session.csrf_ok(str(form.get("csrf", ""))):
        await cw.end_session(session)
    response = _see(f"{PREFIX}/uit")
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def logged_out(request: web.Request) -> web.StreamResponse:
    if _cw(request) is None:
        return _unavailable(request)
    return render(request, "bye.html")


def add_routes(app: web.Application) -> None:
    app.router.add_get(f"{PREFIX}/", my_request)
    app.router.add_get(PREFIX, lambda r: _redirect_slash())
    app.router.add_get(f"{PREFIX}/l/{{token}}", link_form)
    app.router.add_post(f"{PREFIX}/l/{{token}}", link_code)
    app.router.add_post(f"{PREFIX}/intrekken", withdraw)
    app.router.add_post(f"{PREFIX}/beslis", decide)
    app.router.add_get(f"{PREFIX}/bewijs/{{proposal}}", receipt)
    app.router.add_post(f"{PREFIX}/uitloggen", logout)
    app.router.add_get(f"{PREFIX}/uit", logged_out)
    app.router.add_static(f"{PREFIX}/static/", STATIC)


async def _redirect_slash() -> web.Response:
    return _see(f"{PREFIX}/")

"""The workbench's pages (``/privacy/...``) and its JSON API (``/api/v1/privacy/...``).

Both use the same session and the same view builders. Pages redirect to the login
form without a session; the API answers 401. Every POST needs the session's CSRF
token (form field ``csrf`` or header ``X-CSRF-Token``) and a same-site ``Origin``.
Each use is written to the audit log *before* the data is shown (fail closed).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from busbaan.errors import (
    BusbaanError,
    Forbidden,
    NotFound,
    RateLimited,
    Unavailable,
    UsageError,
)
from busbaan.log import get_logger
from busbaan.web.workbench.core import (
    API_PREFIX,
    PAGE_PREFIX,
    CsrfRefused,
    Workbench,
    check_csrf,
    clear_session_cookie,
    render,
    same_origin,
    session_of,
    set_session_cookie,
    workbench_of,
)
from busbaan.web.workbench.export import ExportChunks
from busbaan.web.workbench.filters import (
    FilterError,
    FilterProblem,
    Filters,
    parse_filters,
    unknown_problems,
)
from busbaan.web.workbench.i18n import Translator, pick_lang
from busbaan.web.workbench.login_guard import LoginThrottled, password_login
from busbaan.web.workbench.matrix_auth import LoginFailed
from busbaan.web.workbench.sessions import Officer, Session
from busbaan.web.workbench.views import (
    build_case,
    build_consents,
    build_professional,
    expiring_chart,
    handover_chart,
    refusals_chart,
    register_json,
)

__all__ = ["add_routes"]

log = get_logger("busbaan.web.workbench")

STATIC = Path(__file__).parent / "static"
EXCEPTION_DAYS = 84  # twelve weeks when no period is given
_STATUS: tuple[tuple[type[BusbaanError], int], ...] = (
    (UsageError, 400), (Forbidden, 403), (NotFound, 404), (RateLimited, 429),
    (Unavailable, 503))

PageHandler = Callable[[web.Request, Workbench, Session, Officer], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _status(exc: BusbaanError) -> int:
    return next((s for cls, s in _STATUS if isinstance(exc, cls)), 409)


def _plain_unavailable(exc: BusbaanError, lang: str) -> web.Response:
    return web.Response(
        status=503, content_type="text/html", charset="utf-8",
        text=f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>busbaan'
             f'</title></head><body><main><h1>busbaan</h1><p>{exc.message(lang)}</p></main>'
             "</body></html>")


def _see_other(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)


def _redirect_to(location: str) -> web.Response:
    """A 303 as a plain response, so that cookies can be set on it."""
    return web.Response(status=303, headers={"Location": location})


def error_page(request: web.Request, exc: BusbaanError, session: Session | None) -> web.Response:
    lang = pick_lang(request)
    response = render(request, "error.html", status=_status(exc), session=session,
                      message=exc.message(lang), errcode=exc.errcode)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _values(request: web.Request) -> dict[str, str]:
    """Filter fields: the query string for GET, the form (or a JSON object) for POST."""
    if request.method != "POST":
        return dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise UsageError("Stuur een JSON-object.", "Send a JSON object.") from exc
        if not isinstance(body, dict):
            raise UsageError("Stuur een JSON-object.", "Send a JSON object.")
        return {str(k): v for k, v in body.items() if isinstance(v, str)}
    form = await request.post()
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _csrf_page(request: web.Request, wb: Workbench, session: Session) -> web.Response:
    if session.officer is not None:
        await wb.record("workbench.csrf_refused", action="E", outcome="refused",
                        officer=session.officer, details={"path": request.path[:200]})
    return render(request, "csrf.html", status=403, session=session)


def officer_page(handler: PageHandler) -> Handler:
    """A page for a logged-in privacy officer; POSTs need the CSRF token."""

    @functools.wraps(handler)
    async def page(request: web.Request) -> web.StreamResponse:
        try:
            wb = workbench_of(request)
        except Unavailable as exc:
            return _plain_unavailable(exc, pick_lang(request))
        session = session_of(request)
        if session is None or session.officer is None:
            raise _see_other(f"{PAGE_PREFIX}/login")
        try:
            officer, _ = await wb.officer(session.officer.user_id)
            if officer is None:  # the role was taken away since login
                wb.sessions.end(session)
                await wb.record("workbench.session_ended", action="E", outcome="refused",
                                officer=session.officer, reason_code="not_privacy_officer")
                response = render(request, "refused.html", status=403, session=None,
                                  user_id=session.officer.user_id)
                clear_session_cookie(response)
                return response
            if request.method == "POST":
                try:
                    await check_csrf(request, session)
                except CsrfRefused:
                    return await _csrf_page(request, wb, session)
            return await handler(request, wb, session, officer)
        except BusbaanError as exc:
            return error_page(request, exc, session)

    return page


def officer_api(handler: PageHandler) -> Handler:
    """A JSON endpoint for a logged-in privacy officer (same session as the pages)."""

    @functools.wraps(handler)
    async def api(request: web.Request) -> web.StreamResponse:
        lang = pick_lang(request)
        try:
            wb = workbench_of(request)
        except Unavailable as exc:
            return api_error(exc, lang)
        t = Translator(lang)
        session = session_of(request)
        if session is None or session.officer is None:
            return web.json_response({"ok": False, "errcode": "BB_NO_SESSION", "message": t.pick(
                "U bent niet ingelogd (of uw sessie is verlopen). Log in via /privacy/login.",
                "You are not logged in (or your session expired). Log in at /privacy/login.")},
                status=401)
        officer, _ = await wb.officer(session.officer.user_id)
        if officer is None:  # the role was taken away since login
            wb.sessions.end(session)
            await wb.record("workbench.session_ended", action="E", outcome="refused",
                            officer=session.officer, reason_code="not_privacy_officer")
            return web.json_response({"ok": False, "errcode": "BB_NOT_PRIVACY_OFFICER",
                                      "message": t("refused.title")}, status=403)
        if request.method == "POST":
            try:
                await check_csrf(request, session)
            except CsrfRefused as exc:
                await wb.record("workbench.csrf_refused", action="E", outcome="refused",
                                officer=officer, details={"path": request.path[:200]})
                return web.json_response({"ok": False, "errcode": exc.errcode,
                                          "message": exc.message(lang)}, status=403)
        try:
            return await handler(request, wb, session, officer)
        except BusbaanError as exc:
            return api_error(exc, lang)

    return api


def api_error(exc: BusbaanError, lang: str) -> web.Response:
    """An error as the API answers it (filter errors list every field)."""
    body: dict[str, Any] = {"ok": False, "errcode": exc.errcode, "message": exc.message(lang)}
    if isinstance(exc, FilterError):
        body["errors"] = [p.to_json(lang) for p in exc.problems]
    if isinstance(exc, RateLimited):
        body["retry_after"] = exc.retry_after
        return web.json_response(body, status=429,
                                 headers={"Retry-After": str(exc.retry_after)})
    return web.json_response(body, status=_status(exc))


async def _filters(request: web.Request, wb: Workbench, values: Mapping[str, str]) -> Filters:
    """Parse and check filters, including whether the case or professional exists."""
    filters = parse_filters(values, wb.policy, allow_professional=request.method == "POST")
    if filters.case_id is None and filters.user_id is None:
        return filters
    log_ = wb.log()
    directory = await wb.directory()

    def check() -> tuple[FilterProblem, ...]:
        return unknown_problems(
            filters,
            case_known=lambda c: log_.count(case_id=c) > 0,
            professional_known=lambda u: directory(u) is not None or log_.count(user_id=u) > 0)

    problems = await asyncio.to_thread(check)
    if problems:
        raise FilterError(problems)
    return filters


def _form_context(wb: Workbench, values: Mapping[str, str],
                  problems: tuple[FilterProblem, ...] = ()) -> dict[str, Any]:
    return {"values": {k: values.get(k, "") for k in
                       ("case", "professional", "organisation", "since", "until", "format")},
            "problems": problems, "errors": {p.field: p for p in problems},
            "organisations": wb.policy.organisations}


def _viewed(page: str, filters: Filters | None = None, **more: str) -> dict[str, str]:
    details = {"page": page, **more}
    if filters is not None:
        details.update(filters.audit_details())
    return details


# ============================================================================ login


async def login_form(request: web.Request) -> web.StreamResponse:
    try:
        wb = workbench_of(request)
    except Unavailable as exc:
        return _plain_unavailable(exc, pick_lang(request))
    session = session_of(request)
    if session is not None and session.officer is not None:
        raise _see_other(f"{PAGE_PREFIX}/")
    if session is None:
        session = wb.sessions.new()
    response = render(request, "login.html", session=session, error=None, user="")
    set_session_cookie(request, response, session)
    return response


async def _login_as(request: web.Request, wb: Workbench, previous: Session | None,
                    user_id: str, method: str) -> tuple[Session | None, str]:
    """Let ``user_id`` in if the directory says they are a privacy officer."""
    officer, who = await wb.officer(user_id)
    if officer is None:
        await wb.record("workbench.login_refused", action="E", outcome="refused",
                        user_id=user_id, organisation=who.organisation if who else None,
                        role=who.role if who else None, reason_code="not_privacy_officer",
                        details={"method": method})
        wb.sessions.end(previous)
        log.info("workbench.login_refused", method=method, known=who is not None)
        return None, user_id
    await wb.record("workbench.login", action="E", outcome="allowed", officer=officer,
                    details={"method": method})
    log.info("workbench.login", method=method, organisation=officer.organisation)
    return wb.sessions.login(previous, officer), user_id


async def login_submit(request: web.Request) -> web.StreamResponse:
    try:
        wb = workbench_of(request)
    except Unavailable as exc:
        return _plain_unavailable(exc, pick_lang(request))
    lang = pick_lang(request)
    t = Translator(lang)
    session = session_of(request)
    form = await request.post()
    token = form.get("csrf")
    if session is None or not same_origin(request) or not session.csrf_ok(
            token if isinstance(token, str) else None):
        log.info("workbench.csrf_refused", path=request.path, has_session=session is not None)
        return render(request, "csrf.html", status=403, session=None)
    user = form.get("user")
    password = form.get("password")
    user = user.strip() if isinstance(user, str) else ""
    password = password if isinstance(password, str) else ""
    if not user or not password:
        return render(request, "login.html", status=400, session=session,
                      error=t("login.missing"), user=user)
    try:
        user_id = await password_login(request, wb, user, password)  # throttled, audited
    except LoginThrottled as exc:
        response = render(request, "login.html", status=429, session=session,
                          error=exc.message(lang), user=user)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except LoginFailed as exc:
        return render(request, "login.html", status=401, session=session,
                      error=exc.message(lang), user=user)
    except Unavailable as exc:
        return render(request, "login.html", status=503, session=session,
                      error=exc.message(lang), user=user)
    new, user_id = await _login_as(request, wb, session, user_id, "password")
    if new is None:
        response = render(request, "refused.html", status=403, session=None, user_id=user_id)
        clear_session_cookie(response)
        return response
    response = _redirect_to(f"{PAGE_PREFIX}/")
    set_session_cookie(request, response, new)
    wb.login_guard.mark_browser(request, response, user_id,
                                secure=wb.config.cookie_secure or request.secure)
    return response


@officer_page
async def logout(request: web.Request, wb: Workbench, session: Session,
                 officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.logout", action="E", outcome="done", officer=officer)
    wb.sessions.end(session)
    response = _redirect_to(f"{PAGE_PREFIX}/login")
    clear_session_cookie(response)
    return response


# ============================================================================ overview


@officer_page
async def overview(request: web.Request, wb: Workbench, session: Session,
                   officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    details=_viewed("overview"))
    await wb.integrity.ensure_fresh(wait=5.0)
    status = await wb.integrity.status()
    view = await wb.overview()
    t = Translator(pick_lang(request))
    charts = [refusals_chart(t, view.weeks, view.per_week), expiring_chart(t, view.expiring),
              handover_chart(t, view.handovers)]
    return render(request, "overview.html", session=session, health=status, view=view,
                  charts=charts)


async def _verify(wb: Workbench, officer: Officer) -> dict[str, str]:
    """Verify the whole log now — at most a few times per officer in a row, then once a
    minute (issue 12: each run reads and hashes every entry; the monitor also runs
    by itself, and its last result is always at the integrity status)."""
    verdict = wb.verify_limiter.take(officer.user_id, time.monotonic())
    if not verdict.allowed:
        seconds = max(1, int(verdict.retry_after + 0.999))
        log.info("workbench.verify_limited", retry_after=seconds)
        raise RateLimited(
            "U heeft het hele auditlog net al een paar keer laten controleren; een "
            "controle leest en rekent elke regel na en kost veel rekenwerk. Probeer het "
            f"over {seconds} seconden opnieuw. De uitkomst van de laatste controle staat "
            "bij Integriteit.",
            "You have had the whole audit log verified a few times just now; a run reads "
            "and recomputes every entry and costs a lot of work. Try again in "
            f"{seconds} seconds. The result of the last run is shown under Integrity.",
            retry_after=verdict.retry_after)
    finished = await wb.integrity.run_now(wait=10.0)
    status = await wb.integrity.status()
    details = {"finished": "yes" if finished else "no", "state": status.state}
    report = status.report
    if finished and report is not None:
        details["size"] = str(report.size)
        if report.first_bad_index is not None:
            details["first_bad_index"] = str(report.first_bad_index)
    await wb.record("workbench.verified", action="E",
                    outcome="done" if status.state in ("ok", "running") else "failed",
                    officer=officer, details=details)
    return details


@officer_page
async def verify(request: web.Request, wb: Workbench, session: Session,
                 officer: Officer) -> web.StreamResponse:
    await _verify(wb, officer)
    raise _see_other(f"{PAGE_PREFIX}/#integriteit")


# ============================================================================ reports


@officer_page
async def case_page(request: web.Request, wb: Workbench, session: Session,
                    officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    if not values.get("case"):
        return render(request, "case.html", session=session, view=None,
                      **_form_context(wb, values))
    try:
        filters = await _filters(request, wb, {"case": values["case"]})
    except FilterError as exc:
        return render(request, "case.html", status=400, session=session, view=None,
                      **_form_context(wb, values, exc.problems))
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, details=_viewed("case"))
    assert filters.case_id is not None
    view = await asyncio.to_thread(build_case, wb.log(), filters.case_id)
    return render(request, "case.html", session=session, view=view,
                  **_form_context(wb, values))


@officer_page
async def professional_page(request: web.Request, wb: Workbench, session: Session,
                            officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    if not values.get("professional") and request.method == "GET":
        return render(request, "professional.html", session=session, view=None,
                      **_form_context(wb, values))
    try:
        filters = await _filters(request, wb, values)
        if filters.user_id is None:
            raise FilterError((FilterProblem(
                "professional", "Vul een Matrix-ID in, bijvoorbeeld @naam:server.nl.",
                "Enter a Matrix ID, for example @name:server.nl."),))
    except FilterError as exc:
        return render(request, "professional.html", status=400, session=session, view=None,
                      **_form_context(wb, values, exc.problems))
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    subject_user=filters.user_id, case_id=filters.case_id,
                    details=_viewed("professional", filters))
    who = await wb.lookup(filters.user_id)
    view = await asyncio.to_thread(build_professional, wb.log(), filters,
                                   who.organisation if who else None, who.role if who else None)
    return render(request, "professional.html", session=session, view=view,
                  **_form_context(wb, values))


@officer_page
async def consents_page(request: web.Request, wb: Workbench, session: Session,
                        officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    try:
        filters = await _filters(request, wb, values)
    except FilterError as exc:
        return render(request, "consents.html", status=400, session=session, view=None,
                      **_form_context(wb, values, exc.problems))
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, details=_viewed("consents", filters))
    view = await asyncio.to_thread(build_consents, wb.log(), filters, wb.today())
    t = Translator(pick_lang(request))
    return render(request, "consents.html", session=session, view=view,
                  chart=expiring_chart(t, view.expiring), **_form_context(wb, values))


@officer_page
async def exceptions_page(request: web.Request, wb: Workbench, session: Session,
                          officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    try:
        filters = (await _filters(request, wb, values)).with_default_period(
            wb.today(), EXCEPTION_DAYS)
    except FilterError as exc:
        return render(request, "exceptions.html", status=400, session=session, view=None,
                      **_form_context(wb, values, exc.problems))
    wb.exceptions_allowed(filters, officer)  # RateLimited: the 429 page
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, subject_user=filters.user_id,
                    details=_viewed("exceptions", filters))
    view = await wb.exceptions(filters)
    t = Translator(pick_lang(request))
    shown = {**values, **{k: v for k, v in filters.form_values().items()
                          if k in ("since", "until")}}
    return render(request, "exceptions.html", session=session, view=view,
                  chart=refusals_chart(t, view.weeks(), view.per_week),
                  **_form_context(wb, shown))


@officer_page
async def register_page(request: web.Request, wb: Workbench, session: Session,
                        officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    details=_viewed("register"))
    register = await wb.register()
    return render(request, "register.html", session=session, register=register)


# ============================================================================ export


@officer_page
async def export_form(request: web.Request, wb: Workbench, session: Session,
                      officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    return render(request, "export.html", session=session, **_form_context(wb, values))


async def _stream_export(request: web.Request, wb: Workbench, officer: Officer,
                         filters: Filters) -> web.StreamResponse:
    verdict = wb.export_limiter.take(officer.user_id, time.monotonic())
    if not verdict.allowed:  # each export reads (and sends) the selected log at once
        seconds = max(1, int(verdict.retry_after + 0.999))
        log.info("workbench.export_limited", retry_after=seconds)
        raise RateLimited(
            "U heeft net veel exports na elkaar gevraagd; elke export leest het hele "
            f"gekozen deel van het auditlog. Probeer het over {seconds} seconden opnieuw.",
            "You have asked for many exports in a row just now; each export reads the "
            f"whole selected part of the audit log. Try again in {seconds} seconds.",
            retry_after=verdict.retry_after)
    await wb.record("workbench.exported", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, subject_user=filters.user_id,
                    details=_viewed("export", filters, format=filters.fmt))
    stamp = wb.clock.now().strftime("%Y%m%d-%H%M%S")
    response = web.StreamResponse(headers={
        "Content-Type": ("text/csv; charset=utf-8" if filters.fmt == "csv"
                         else "application/x-ndjson; charset=utf-8"),
        "Content-Disposition": f'attachment; filename="busbaan-audit-{stamp}.{filters.fmt}"',
    })
    response.enable_chunked_encoding()
    await response.prepare(request)
    chunks = ExportChunks(iter(wb.log().query(**filters.query_args())), filters.fmt)
    try:
        while True:
            data = await asyncio.to_thread(chunks.next_chunk)
            if data is None:
                break
            if data:
                await response.write(data)
        await response.write_eof()
    except ConnectionResetError:  # the browser went away: nothing more to send
        log.info("workbench.export_aborted", rows=chunks.rows, format=filters.fmt)
        return response
    log.info("workbench.exported", rows=chunks.rows, format=filters.fmt)
    return response


@officer_page
async def export_download(request: web.Request, wb: Workbench, session: Session,
                          officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    try:
        filters = await _filters(request, wb, values)
    except FilterError as exc:
        return render(request, "export.html", status=400, session=session,
                      **_form_context(wb, values, exc.problems))
    return await _stream_export(request, wb, officer, filters)


# ============================================================================ JSON API


async def api_login(request: web.Request) -> web.StreamResponse:
    """``POST /api/v1/privacy/session`` with JSON ``{"user", "password"}`` or
    ``{"openid_token"}``; answers with the session's CSRF token and sets the cookie."""
    lang = pick_lang(request)
    try:
        wb = workbench_of(request)
    except Unavailable as exc:
        return api_error(exc, lang)
    if request.content_type != "application/json" or not same_origin(request):
        # A cross-site form cannot send JSON without a preflight: that is the CSRF guard.
        return web.json_response({"ok": False, "errcode": "BB_CSRF", "message": Translator(
            lang).pick("Stuur JSON (Content-Type: application/json).",
                       "Send JSON (Content-Type: application/json).")}, status=415)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise UsageError("Stuur een JSON-object.", "Send a JSON object.")
    previous = session_of(request)
    try:
        if "openid_token" in body:
            # A Matrix OpenID token names no audience: any service a client once gave
            # one to could replay it here. Refused; see docs/workbench.md (SSO).
            raise LoginFailed(
                "Inloggen met een Matrix-OpenID-token kan niet meer: zo'n token is niet "
                "aan de werkbank gebonden. Log in met gebruikersnaam en wachtwoord, of via "
                "de inlog van uw organisatie (SSO) als die is ingesteld.",
                "Logging in with a Matrix OpenID token is no longer possible: such a token "
                "is not bound to the workbench. Log in with user name and password, or "
                "through your organisation's login (SSO) where it is set up.",
                errcode="BB_LOGIN_OPENID_UNBOUND")
        user, password = body.get("user"), body.get("password")
        if not isinstance(user, str) or not isinstance(password, str) or not password:
            raise UsageError("Geef 'user' en 'password'.", "Give 'user' and 'password'.")
        user_id = await password_login(request, wb, user, password)  # throttled, audited
        method = "password"
    except LoginThrottled as exc:
        return web.json_response({"ok": False, "errcode": exc.errcode,
                                  "message": exc.message(lang), "retry_after": exc.retry_after},
                                 status=429, headers={"Retry-After": str(exc.retry_after)})
    except LoginFailed as exc:
        return web.json_response({"ok": False, "errcode": exc.errcode,
                                  "message": exc.message(lang)}, status=401)
    except BusbaanError as exc:
        return api_error(exc, lang)
    session, user_id = await _login_as(request, wb, previous, user_id, method)
    if session is None or session.officer is None:
        t = Translator(lang)
        return web.json_response({"ok": False, "errcode": "BB_NOT_PRIVACY_OFFICER",
                                  "message": t("refused.body", user=user_id)}, status=403)
    response = web.json_response({"ok": True, **_session_json(session)})
    set_session_cookie(request, response, session)
    wb.login_guard.mark_browser(request, response, user_id,
                                secure=wb.config.cookie_secure or request.secure)
    return response


def _session_json(session: Session) -> dict[str, Any]:
    assert session.officer is not None
    return {"user_id": session.officer.user_id, "organisation": session.officer.organisation,
            "role": session.officer.role, "csrf_token": session.csrf}


@officer_api
async def api_session(request: web.Request, wb: Workbench, session: Session,
                      officer: Officer) -> web.StreamResponse:
    return web.json_response({"ok": True, **_session_json(session)})


@officer_api
async def api_logout(request: web.Request, wb: Workbench, session: Session,
                     officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.logout", action="E", outcome="done", officer=officer)
    wb.sessions.end(session)
    response = web.json_response({"ok": True})
    clear_session_cookie(response)
    return response


@officer_api
async def api_integrity(request: web.Request, wb: Workbench, session: Session,
                        officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    details=_viewed("api_integrity"))
    status = await wb.integrity.status()
    return web.json_response({"ok": True, **status.to_json(pick_lang(request))})


@officer_api
async def api_verify(request: web.Request, wb: Workbench, session: Session,
                     officer: Officer) -> web.StreamResponse:
    await _verify(wb, officer)
    status = await wb.integrity.status()
    return web.json_response({"ok": True, **status.to_json(pick_lang(request))})


@officer_api
async def api_overview(request: web.Request, wb: Workbench, session: Session,
                       officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    details=_viewed("api_overview"))
    view = await wb.overview()
    return web.json_response(view.to_json())


@officer_api
async def api_case(request: web.Request, wb: Workbench, session: Session,
                   officer: Officer) -> web.StreamResponse:
    values = await _values(request)
    missing = FilterError((FilterProblem("case", "Geef een casusnummer (case).",
                                         "Give a case number (case)."),))
    if not values.get("case"):
        raise missing
    filters = await _filters(request, wb, {"case": values["case"]})
    if filters.case_id is None:  # only spaces (found by bench.fuzz: was a 500)
        raise missing
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, details=_viewed("api_case"))
    view = await asyncio.to_thread(build_case, wb.log(), filters.case_id)
    return web.json_response(view.to_json())


@officer_api
async def api_professional(request: web.Request, wb: Workbench, session: Session,
                           officer: Officer) -> web.StreamResponse:
    filters = await _filters(request, wb, await _values(request))
    if filters.user_id is None:
        raise FilterError((FilterProblem(
            "professional", "Geef een professional (Matrix-ID) in de POST-body.",
            "Give a professional (Matrix ID) in the POST body."),))
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    subject_user=filters.user_id, case_id=filters.case_id,
                    details=_viewed("api_professional", filters))
    who = await wb.lookup(filters.user_id)
    view = await asyncio.to_thread(build_professional, wb.log(), filters,
                                   who.organisation if who else None, who.role if who else None)
    return web.json_response(view.to_json())


@officer_api
async def api_consents(request: web.Request, wb: Workbench, session: Session,
                       officer: Officer) -> web.StreamResponse:
    filters = await _filters(request, wb, await _values(request))
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, details=_viewed("api_consents", filters))
    view = await asyncio.to_thread(build_consents, wb.log(), filters, wb.today())
    return web.json_response(view.to_json())


@officer_api
async def api_exceptions(request: web.Request, wb: Workbench, session: Session,
                         officer: Officer) -> web.StreamResponse:
    filters = (await _filters(request, wb, await _values(request))).with_default_period(
        wb.today(), EXCEPTION_DAYS)
    wb.exceptions_allowed(filters, officer)  # RateLimited: 429 with Retry-After
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    case_id=filters.case_id, subject_user=filters.user_id,
                    details=_viewed("api_exceptions", filters))
    view = await wb.exceptions(filters)
    return web.json_response(view.to_json())


@officer_api
async def api_register(request: web.Request, wb: Workbench, session: Session,
                       officer: Officer) -> web.StreamResponse:
    await wb.record("workbench.viewed", action="R", outcome="done", officer=officer,
                    details=_viewed("api_register"))
    register = await wb.register()
    return web.json_response(register_json(register))


@officer_api
async def api_export(request: web.Request, wb: Workbench, session: Session,
                     officer: Officer) -> web.StreamResponse:
    filters = await _filters(request, wb, await _values(request))
    return await _stream_export(request, wb, officer, filters)


# ============================================================================ routes


def add_routes(app: web.Application) -> None:
    r = app.router
    p = PAGE_PREFIX
    r.add_get(p, to_overview)
    r.add_get(f"{p}/", overview)
    r.add_get(f"{p}/login", login_form)
    r.add_post(f"{p}/login", login_submit)
    r.add_post(f"{p}/logout", logout)
    r.add_post(f"{p}/verify", verify)
    for path, handler in ((f"{p}/case", case_page), (f"{p}/professional", professional_page),
                          (f"{p}/consents", consents_page),
                          (f"{p}/exceptions", exceptions_page)):
        r.add_get(path, handler)
        r.add_post(path, handler)
    r.add_get(f"{p}/register", register_page)
    r.add_get(f"{p}/export", export_form)
    r.add_post(f"{p}/export", export_download)
    r.add_static(f"{p}/static", STATIC, append_version=False)

    a = API_PREFIX
    r.add_get(f"{a}/session", api_session)
    r.add_post(f"{a}/session", api_login)
    r.add_post(f"{a}/session/logout", api_logout)
    r.add_get(f"{a}/integrity", api_integrity)
    r.add_post(f"{a}/integrity/verify", api_verify)
    r.add_get(f"{a}/overview", api_overview)
    for name, handler in (("case", api_case), ("professional", api_professional),
                          ("consents", api_consents), ("exceptions", api_exceptions)):
        r.add_get(f"{a}/reports/{name}", handler)
        r.add_post(f"{a}/reports/{name}", handler)
    r.add_get(f"{a}/register", api_register)
    r.add_get(f"{a}/export", api_export)
    r.add_post(f"{a}/export", api_export)


async def to_overview(request: web.Request) -> web.StreamResponse:
    raise web.HTTPPermanentRedirect(f"{PAGE_PREFIX}/")


"""The workbench's state (owned by the web app) and the glue every handler shares:
sessions and their cookie, CSRF, the officer check, audit entries for each use,
HTML rendering and the security headers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog
from busbaan.audit.reading import local_time
from busbaan.audit.reports import Register, processing_register
from busbaan.clock import Clock
from busbaan.consent.model import Professional
from busbaan.directory import Directory
from busbaan.errors import BusbaanError, Forbidden, RateLimited, Unavailable
from busbaan.log import get_logger
from busbaan.policy import Policy
from busbaan.store.repositories import DirectoryRepository
from busbaan.web.workbench.filters import LOCAL, Filters
from busbaan.web.workbench.i18n import (
    LANG_COOKIE,
    Translator,
    action_label,
    event_label,
    outcome_label,
    pick_lang,
)
from busbaan.web.workbench.integrity import IntegrityMonitor
from busbaan.web.workbench.login_guard import LoginGuard
from busbaan.web.workbench.matrix_auth import MatrixAuth
from busbaan.web.workbench.sessions import COOKIE, Officer, Session, SessionStore
from busbaan.web.workbench.throttle import Bucket, RequestLimiter
from busbaan.web.workbench.views import (
    ExceptionsView,
    OverviewView,
    build_exceptions,
    build_overview,
)

__all__ = ["WORKBENCH", "Workbench", "WorkbenchConfig"]

log = get_logger("busbaan.web.workbench")

SOURCE = "workbench"
PAGE_PREFIX = "/privacy"
API_PREFIX = "/api/v1/privacy"
_TEMPLATES = Path(__file__).parent / "templates"
#: Who may be in the directory cache before it is read again (role changes take effect
#: within this time, also for officers who are logged in).
DIRECTORY_TTL = 30.0
#: Verifying the whole audit log on request, per officer (issue 12).
VERIFY_LIMIT = Bucket(burst=3, refill_seconds=60.0)
#: Exports, per officer (issue 12): each reads and sends the selected log at once.
EXPORT_LIMIT = Bucket(burst=20, refill_seconds=6.0)
#: The overview's counts (refusals per week, expiring consents, handover times) are
#: computed at most this often: every request reads those parts of the log, and every
#: officer's request adds to it (issue 12: under load the overview cost grew with the
#: log, per request). The view says its log size, so an officer sees how fresh it is.
OVERVIEW_TTL = 10.0
#: Exceptions reports, per officer (issue 12, session 4): a report for filters not
#: asked for lately reads the whole selected part of the log; this many at once, then
#: one more per ``refill_seconds``. A report asked for again reads only what was
#: appended since (:meth:`Workbench.exceptions`) and is not limited.
EXCEPTIONS_LIMIT = Bucket(burst=20, refill_seconds=3.0)
#: Exceptions reports kept to be extended (one per filter; the least recently used
#: goes first). Each holds at most ``views.LIMIT`` entries and a few counters.
EXCEPTIONS_KEPT = 64


@dataclass(frozen=True, slots=True)
class WorkbenchConfig:
    """Everything the workbench takes from the running service."""

    policy: Policy
    homeserver: str
    audit: Any  # busbaan.records.AuditWriter: .write(entries) and .log()
    engine: Engine
    policy_dir: Path
    clock: Clock
    key_path: Path | None = None
    trust_path: Path | None = None  # issue 9: the verifier's configuration
    cookie_secure: bool = False
    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    #: Proxies whose X-Forwarded-For names the officer's address (issue 11).
    trusted_proxies: tuple[str, ...] = ()
    #: Verifying the whole audit log on request (issue 12), per officer: this many at
    #: once, then one more per ``refill_seconds`` (the monitor also verifies by itself).
    verify_limit: Bucket = VERIFY_LIMIT
    export_limit: Bucket = EXPORT_LIMIT
    exceptions_limit: Bucket = EXCEPTIONS_LIMIT

    @classmethod
    def from_service(cls, policy: Policy, service: Any) -> WorkbenchConfig:
        config = service.config
        extra: Mapping[str, Any] = getattr(config, "extra", {}) or {}
        return cls(
            policy=policy,
            homeserver=config.homeserver,
            audit=service.audit,
            engine=service.engine,
            policy_dir=Path(config.policy_dir),
            clock=service.clock,
            key_path=Path(extra.get("audit_key", Path(config.state_dir) / "audit-signing.key")),
            trust_path=getattr(config, "audit_trust", None),
            cookie_secure=bool(extra.get("web_cookie_secure", False)),
            trusted_proxies=tuple(str(p) for p in extra.get("web_trusted_proxies", ())),
        )


class Workbench:
    """The privacy officer's workbench: sessions, homeserver checks, integrity monitor."""

    def __init__(self, config: WorkbenchConfig) -> None:
        self.config = config
        self.policy = config.policy
        self.clock = config.clock
        self.sessions = SessionStore(config.clock, idle=config.session_idle)
        self.auth = MatrixAuth(config.homeserver)
        self.login_guard = LoginGuard(trusted_proxies=config.trusted_proxies)
        self.verify_limiter = RequestLimiter(config.verify_limit)
        self.export_limiter = RequestLimiter(config.export_limit)
        self.exceptions_limiter = RequestLimiter(config.exceptions_limit)
        self._exceptions: OrderedDict[tuple[str, ...], ExceptionsView] = OrderedDict()
        self._exceptions_lock = asyncio.Lock()
        self.integrity = IntegrityMonitor(config.audit.log, config.key_path, config.clock,
                                          trust_path=config.trust_path)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._directory: Directory | None = None
        self._directory_read = 0.0
        self._directory_lock = asyncio.Lock()
        self._overview: tuple[float, OverviewView] | None = None
        self._register: tuple[tuple[tuple[str, int, int], ...], Register] | None = None
        self._overview_lock = asyncio.Lock()

    async def close(self) -> None:
        await self.integrity.close()
        await self.auth.close()

    def log(self) -> AuditLog:
        log_: AuditLog = self.config.audit.log()
        return log_

    # -- the directory and the officer check ------------------------------------------

    async def directory(self) -> Directory:
        async with self._directory_lock:
            if self._directory is None or time.monotonic() - self._directory_read > DIRECTORY_TTL:
                entries = await asyncio.to_thread(DirectoryRepository(self.config.engine).all)
                self._directory = Directory.of(self.policy, entries)
                self._directory_read = time.monotonic()
            return self._directory

    async def overview(self) -> OverviewView:
        """The overview's counts, computed at most every ``OVERVIEW_TTL`` seconds (one
        computation shared by the requests that arrive meanwhile)."""
        async with self._overview_lock:
            cached = self._overview
            if cached is None or time.monotonic() - cached[0] > OVERVIEW_TTL:
                view = await asyncio.to_thread(build_overview, self.log(), self.clock.now())
                cached = self._overview = (time.monotonic(), view)
            return cached[1]

    def exceptions_allowed(self, filters: Filters, officer: Officer) -> None:
        """Raise :class:`RateLimited` when ``filters`` would need a full read of the
        log (no report kept for them) and the officer has asked for too many of those
        just now (:data:`EXCEPTIONS_LIMIT`); a report kept is always allowed."""
        if _filters_key(filters) in self._exceptions:
            return
        verdict = self.exceptions_limiter.take(officer.user_id, time.monotonic())
        if verdict.allowed:
            return
        seconds = max(1, int(verdict.retry_after + 0.999))
        log.info("workbench.exceptions_limited", retry_after=seconds)
        raise RateLimited(
            "U heeft net veel uitzonderingenoverzichten met verschillende filters na elkaar "
            "gevraagd; elk nieuw filter leest het hele gekozen deel van het auditlog. "
            f"Probeer het over {seconds} seconden opnieuw.",
            "You have asked for many exceptions reports with different filters in a row "
            "just now; each new filter reads the whole selected part of the audit log. "
            f"Try again in {seconds} seconds.",
            retry_after=verdict.retry_after)

    async def exceptions(self, filters: Filters) -> ExceptionsView:
        """The exceptions report for ``filters``: the one kept for them, extended with
        what the log gained since (exact: the log only grows), or read in full. Each
        caller gets its own copy."""
        key = _filters_key(filters)
        async with self._exceptions_lock:
            kept = self._exceptions.get(key)
            view = await asyncio.to_thread(build_exceptions, self.log(), filters,
                                           kept.copy() if kept is not None else None)
            self._exceptions[key] = view
            self._exceptions.move_to_end(key)
            while len(self._exceptions) > EXCEPTIONS_KEPT:
                self._exceptions.popitem(last=False)
            return view.copy()

    async def register(self) -> Register:
        """The processing register (art. 30), derived again only when a policy file
        changed (issue 12: it parsed every policy YAML file on every request)."""
        directory = self.config.policy_dir

        def stamp() -> tuple[tuple[str, int, int], ...]:
            return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                for p in Path(directory).glob("*.yaml")))

        key = await asyncio.to_thread(stamp)
        cached = self._register
        if cached is None or cached[0] != key:
            register = await asyncio.to_thread(processing_register, directory)
            cached = self._register = (key, register)
        return cached[1]

    def forget_directory(self) -> None:
        """Read the directory again on the next lookup (after an import, in tests)."""
        self._directory = None

    async def lookup(self, user_id: str) -> Professional | None:
        return (await self.directory())(user_id)

    async def officer(self, user_id: str) -> tuple[Officer | None, Professional | None]:
        """The officer ``user_id`` is, or None with their directory entry (if any)."""
        who = await self.lookup(user_id)
        if who is not None and (who.organisation, who.role) in self.policy.privacy_officer_roles():
            return Officer(user_id, who.organisation, who.role), who
        return None, who

    # -- audit entries for every use of the workbench ---------------------------------

    async def record(
        self,
        event_code: str,
        *,
        action: str,
        outcome: str,
        officer: Officer | None = None,
        user_id: str | None = None,
        organisation: str | None = None,
        role: str | None = None,
        case_id: str | None = None,
        subject_user: str | None = None,
        reason_code: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        """Append one entry; if the log cannot be written the request fails (fail closed)."""
        entry = AuditEntry(
            event_code=event_code, action=action, occurred_at=self.clock.now(),
            outcome=outcome, source=SOURCE,
            user_id=officer.user_id if officer else user_id,
            user_role=officer.role if officer else role,
            organisation=officer.organisation if officer else organisation,
            case_id=case_id, subject_user=subject_user, reason_code=reason_code,
            details=dict(details or {}),
        )
        try:
            await asyncio.to_thread(self.config.audit.write, [entry])
        except BusbaanError:
            raise
        except Exception as exc:
            log.exception("workbench.audit_write_failed", event_code=event_code)
            raise Unavailable(
                "Het auditlog kan nu niet worden bijgewerkt. Daarom toont de werkbank niets. "
                "Probeer het zo opnieuw.",
                "The audit log cannot be written now, so the workbench shows nothing. Try "
                "again shortly.",
                errcode="BB_AUDIT_UNAVAILABLE") from exc

    # -- time ----------------------------------------------------------------------------

    def today(self) -> dt.date:
        return self.clock.now().astimezone(LOCAL).date()

    def local(self, when: dt.datetime | None) -> str:
        if when is None:
            return "—"
        return local_time(when, LOCAL)  # with the zone: "2026-03-02 11:00 CET"


WORKBENCH: web.AppKey[Workbench] = web.AppKey("workbench", Workbench)

# ------------------------------------------------------------------------ request glue


def workbench_of(request: web.Request) -> Workbench:
    wb = request.app.get(WORKBENCH)
    if wb is None:
        raise Unavailable(
            "De werkbank is niet beschikbaar: deze webserver draait zonder de busbaan-"
            "service (geen homeserver en geen auditlog).",
            "The workbench is not available: this web server runs without the busbaan "
            "service (no homeserver and no audit log).",
            errcode="BB_WORKBENCH_UNAVAILABLE")
    return wb


def session_of(request: web.Request) -> Session | None:
    return workbench_of(request).sessions.get(request.cookies.get(COOKIE))


def set_session_cookie(request: web.Request, response: web.StreamResponse,
                       session: Session) -> None:
    wb = workbench_of(request)
    response.set_cookie(
        COOKIE, session.id, path="/", httponly=True, samesite="Strict",
        secure=wb.config.cookie_secure or request.secure,
        max_age=int(wb.sessions.lifetime.total_seconds()),
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")


async def csrf_token_from(request: web.Request) -> str | None:
    header = request.headers.get("X-CSRF-Token")
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf")
        return value if isinstance(value, str) else None
    return None


def same_origin(request: web.Request) -> bool:
    """A browser's ``Origin`` (when sent) must name this host; a second line after CSRF.

    Only host and port are compared: behind a TLS-terminating proxy the browser says
    ``https://`` while this app sees plain HTTP.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


class CsrfRefused(Forbidden):
    errcode = "BB_CSRF"

    def __init__(self) -> None:
        super().__init__(
            "Het formulier is verlopen of kwam niet van deze website; er is niets gedaan. "
            "Ververs de pagina en probeer het opnieuw.",
            "The form has expired or did not come from this website; nothing was done. "
            "Reload the page and try again.")


async def check_csrf(request: web.Request, session: Session) -> None:
    token = await csrf_token_from(request)
    if not same_origin(request) or not session.csrf_ok(token):
        log.info("workbench.csrf_refused", path=request.path,
                 has_token=bool(token), origin_ok=same_origin(request))
        raise CsrfRefused()


# ------------------------------------------------------------------------ rendering


def render(request: web.Request, template: str, *, status: int = 200,
           session: Session | None = None, **context: Any) -> web.Response:
    wb = workbench_of(request)
    lang = pick_lang(request)
    t = Translator(lang)
    other = t("other_lang_code")
    html = wb.templates.get_template(template).render(
        t=t, lang=lang, session=session, officer=session.officer if session else None,
        csrf=session.csrf if session else "", path=request.path,
        other_lang_url=str(request.rel_url.with_query({"lang": other}))
        if request.method == "GET" and "professional" not in request.query
        else f"{request.path}?lang={other}",
        event_label=lambda code: event_label(code, lang),
        outcome_label=lambda o: outcome_label(o, lang),
        action_label=lambda a: action_label(a, lang),
        local=wb.local, **context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8",
                            status=status)
    if request.query.get("lang") in ("nl", "en"):
        response.set_cookie(LANG_COOKIE, request.query["lang"], path="/",
                            samesite="Lax", max_age=365 * 24 * 3600)
    return response


_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: strict headers on every workbench response."""
    if not (request.path.startswith(PAGE_PREFIX) or request.path.startswith(API_PREFIX)):
        return
    h = response.headers
    h.setdefault("Content-Security-Policy", _CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    # "same-origin", not "no-referrer": with no-referrer Chromium sends "Origin: null"
    # on form posts, and the same-origin check below the CSRF token would fail.
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith(f"{PAGE_PREFIX}/static/"):
        h["Cache-Control"] = "no-store"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _filters_key(filters: Filters) -> tuple[str, ...]:
    """What makes two exceptions reports the same (their filters, as text)."""
    args = sorted(filters.query_args().items())
    return (*(f"{k}={v!s}" for k, v in args), str(filters.since_day), str(filters.until_day))

"""The citizen pages' state (owned by the web app) and the glue the handlers share."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry
from busbaan.audit.checkpoint import Signer
from busbaan.citizen import DATA_SUBJECT
from busbaan.citizen.i18n import LANGS, Catalogue, catalogue, pick
from busbaan.citizen.model import CaseFacts
from busbaan.citizen.view import privacy_line
from busbaan.clock import Clock
from busbaan.errors import BusbaanError
from busbaan.log import get_logger
from busbaan.policy import Policy
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.web.citizen.actions import CaseActions, CasusBotActions
from busbaan.web.citizen.sessions import (
    COOKIE,
    CitizenSession,
    CitizenSessions,
    RateLimiter,
    load_or_create_key,
)

__all__ = ["CITIZEN", "PREFIX", "CitizenWeb", "LoginStep", "security_headers"]

log = get_logger("busbaan.web.citizen")

PREFIX = "/burger"
SOURCE = "citizen-web"
LANG_COOKIE = "busbaan_taal"
SESSION_KEY_FILE = "citizen-session.key"
_TEMPLATES = Path(__file__).parent / "templates"


class LoginStep:
    """How a citizen proves who they are. The embedded default is the link and the
    code (``routes.link_form`` / ``routes.link_code``). A DigiD step (SAML or OIDC
    through the municipality's identity broker) adds its own routes under
    ``/burger/digid/``, receives a pseudonym (never a BSN), finds the case bound to it
    (bound once after a link + code login), and calls :meth:`CitizenWeb.start_session`
    with that case — nothing else changes. docs/architecture.md, "DigiD: where it
    plugs in", has the flow, the configuration and the binding."""

    name = "link+code"


@dataclass
class CitizenWeb:
    policy: Policy
    engine: Engine
    audit: Any  # busbaan.records.AuditWriter
    clock: Clock
    signer: Signer | None
    actions: CaseActions | None
    #: The sessions' HMAC key (a file outside the database; shared by the processes).
    session_key: bytes = field(repr=False, default=b"")
    cookie_secure: bool = False
    sessions: CitizenSessions = field(init=False)
    limiter: RateLimiter = field(init=False)
    repo: CitizenRepository = field(init=False)
    templates: jinja2.Environment = field(init=False)
    #: One lock per case while someone holds it (forgotten when nobody does).
    locks: weakref.WeakValueDictionary[str, asyncio.Lock] = field(
        init=False, default_factory=weakref.WeakValueDictionary)

    def __post_init__(self) -> None:
        self.sessions = CitizenSessions(self.engine, self.clock, self.session_key)
        self.limiter = RateLimiter(self.clock)
        self.repo = CitizenRepository(self.engine)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(_TEMPLATES), autoescape=True,
            trim_blocks=True, lstrip_blocks=True)

    @classmethod
    def from_service(cls, policy: Policy, service: Any) -> CitizenWeb:
        from busbaan.audit.keys import load_signer

        config = service.config
        extra = getattr(config, "extra", {}) or {}
        key = Path(getattr(config, "audit_key", None)
                   or Path(config.state_dir) / "audit-signing.key")
        try:  # the service's key (created at start when allowed); no key: no receipts
            signer: Signer | None = load_signer(key)
        except BusbaanError as exc:
            log.warning("citizen.no_receipt_key", errcode=exc.errcode)
            signer = None
        bot = getattr(service, "casus", None)
        session_key = load_or_create_key(Path(
            extra.get("citizen_session_key") or Path(config.state_dir) / SESSION_KEY_FILE))
        return cls(policy=policy, engine=service.engine, audit=service.audit,
                   clock=service.clock, signer=signer,
                   actions=CasusBotActions(bot) if bot is not None else None,
                   session_key=session_key,
                   cookie_secure=bool(extra.get("cookie_secure", False)))

    # -- records ----------------------------------------------------------------------

    def entry(self, code: str, action: str, outcome: str, *, case_id: str | None,
              reason_code: str | None = None, details: dict[str, str] | None = None,
              grant_id: str | None = None, categories: Sequence[str] = (),
              legal_bases: Sequence[str] = ()) -> AuditEntry:
        """An entry for something the data subject did (or tried) on these pages."""
        return AuditEntry(
            event_code=code, action=action, occurred_at=self.clock.now(), outcome=outcome,
            source=SOURCE, user_id=DATA_SUBJECT, user_role=DATA_SUBJECT, case_id=case_id,
            grant_id=grant_id, data_categories=tuple(categories),
            legal_bases=tuple(legal_bases), reason_code=reason_code,
            checks={"by_data_subject": "yes"}, details=details or {})

    async def record(self, *entries: AuditEntry) -> None:
        await asyncio.to_thread(self.audit.write, list(entries))

    # -- sessions ---------------------------------------------------------------------

    async def session(self, request: web.Request) -> CitizenSession | None:
        return await asyncio.to_thread(self.sessions.get, request.cookies.get(COOKIE))

    async def start_session(self, previous: CitizenSession | None, case_id: str,
                            link_id: str | None) -> CitizenSession:
        """The end of every login step: a new session id for the case."""
        def swap() -> CitizenSession:
            self.sessions.end(previous)
            return self.sessions.new(case_id=case_id, link_id=link_id)

        return await asyncio.to_thread(swap)

    async def end_session(self, session: CitizenSession | None) -> None:
        await asyncio.to_thread(self.sessions.end, session)

    def set_cookie(self, response: web.StreamResponse, session: CitizenSession) -> None:
        response.set_cookie(COOKIE, session.id, path=PREFIX, httponly=True,
                            samesite="Strict", secure=self.cookie_secure)

    def lock(self, case_id: str) -> asyncio.Lock:
        """Serialises one case's forms in this process (the caller holds the lock
        object while it is in use, which keeps it in the map)."""
        lock = self.locks.get(case_id)
        if lock is None:
            lock = self.locks[case_id] = asyncio.Lock()
        return lock

    # -- the page's facts ---------------------------------------------------------------

    def facts(self, case_id: str) -> CaseFacts | None:
        """The page's facts and the case's audit entries in one read (one transaction
        on one connection; the audit log lives in the same database)."""
        return self.repo.facts(case_id, log=self.audit.log())


CITIZEN: web.AppKey[CitizenWeb] = web.AppKey("citizen", CitizenWeb)


def lang_of(request: web.Request) -> str:
    return pick(request.query.get("lang"), request.cookies.get(LANG_COOKIE),
                request.headers.get("Accept-Language"))


def render(request: web.Request, template: str, *, status: int = 200,
           session: CitizenSession | None = None, **context: Any) -> web.Response:
    lang = lang_of(request)
    c: Catalogue = catalogue(lang)
    cw = request.app[CITIZEN]
    html = cw.templates.get_template(template).render(
        c=c, lang=lang, langs=[(code, catalogue(code)("lang.name")) for code in LANGS],
        path=request.path, session=session, csrf=session.csrf if session else "",
        privacy=privacy_line(cw.policy, c), **context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8",
                            status=status)
    if request.query.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, request.query["lang"], path=PREFIX, samesite="Lax",
                            max_age=365 * 24 * 3600)
    return response


_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if not request.path.startswith(PREFIX):
        return
    h = response.headers
    h.setdefault("Content-Security-Policy", _CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith(f"{PREFIX}/static/"):
        h["Cache-Control"] = "no-store"

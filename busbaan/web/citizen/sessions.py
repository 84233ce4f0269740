"""The citizen's sessions, in the store; and a rate limiter (per process).

The browser holds a random id (256 bits, ``HttpOnly``, ``SameSite=Strict``). The store
keeps, per session, only ``HMAC-SHA256(key, id)`` with the case, the link it started
from and when it started and was last seen; and, per form, a claim taken *before* the
form is handled and what its answer showed (so a double submit or a replay from the
back button changes nothing, whichever process answers: the second finds the form
taken).
The CSRF token is derived from the id with the same key and is not stored at all.

Threat model: an insider who can read the database sees keyed hashes, not ids, so
cannot present a session; one who can *write* it cannot make a session either, since
the key lives outside the database (a file of mode 0600 next to the service's other
secrets; every process of one busbaan shares it). A restart keeps every citizen
logged in; a stolen database dump is no way in. Losing the key ends every session (the
citizen logs in again with a new link) and nothing else.

A session is anonymous (only a CSRF token for the code form) until the right code is
entered; then a new id is issued. Sessions end after 20 idle minutes, after 4 hours,
at logout, and when the regie revokes the link they started from (read with the
session in one query, so the citizen is told why on their next request).
Every method here is synchronous (the store); async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from busbaan.clock import Clock
from busbaan.keyfile import SESSION_KEY, load_key
from busbaan.store.citizen_models import CitizenFormRow, CitizenLinkRow, CitizenSessionRow
from busbaan.store.repositories import _aware, _naive

__all__ = ["COOKIE", "CitizenSession", "CitizenSessions", "Flash", "RateLimiter",
           "load_or_create_key"]

COOKIE = "busbaan_burger"
#: ``last_seen`` is written at most this often per session (one write a minute, not one
#: per page); the idle timeout is exact to within it.
TOUCH_EVERY = dt.timedelta(seconds=60)

Flash = tuple[tuple[str, dict[str, str]], ...]  # (catalogue key, values) per line


def load_or_create_key(path: Path) -> bytes:
    """The sessions' HMAC key at ``path`` (mode 0600), made once when missing.
    Refused when others can read it or it is not a key (the service does not start):
    :func:`busbaan.keyfile.load_key`, ``BB_SESSION_KEY_INVALID``."""
    return load_key(path, SESSION_KEY, create=True)


@dataclass(slots=True)
class CitizenSession:
    id: str = field(repr=False)
    csrf: str = field(repr=False)
    created: dt.datetime
    last_seen: dt.datetime
    case_id: str | None = None
    link_id: str | None = None
    #: The link it started from was revoked (or is gone): read with the session.
    link_revoked: bool = False

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


def _flash_of(stored: Any) -> Flash:
    return tuple((str(k), {str(a): str(b) for a, b in dict(v).items()}) for k, v in stored)


class CitizenSessions:
    """The sessions in the store, found by the keyed hash of the browser's id."""

    def __init__(self, engine: Engine, clock: Clock, key: bytes, *,
                 idle: dt.timedelta = dt.timedelta(minutes=20),
                 lifetime: dt.timedelta = dt.timedelta(hours=4)) -> None:
        if len(key) < 16:
            raise ValueError("session key too short")
        self.engine = engine
        self.clock = clock
        self._key = key
        self.idle = idle
        self.lifetime = lifetime
        self._swept: dt.datetime | None = None

    def _mac(self, purpose: bytes, sid: str) -> bytes:
        return hmac.new(self._key, purpose + b"\0" + sid.encode(), hashlib.sha256).digest()

    def id_hash(self, sid: str) -> str:
        """What the store keeps of a session id."""
        return self._mac(b"session", sid).hex()

    def _csrf(self, sid: str) -> str:
        return base64.urlsafe_b64encode(self._mac(b"csrf", sid)).decode().rstrip("=")

    def _expired(self, created: dt.datetime, last_seen: dt.datetime,
                 now: dt.datetime) -> bool:
        return now - last_seen > self.idle or now - created > self.lifetime

    def _sweep(self, s: Session, now: dt.datetime) -> None:
        """Forget expired sessions (at most once a minute per process)."""
        if self._swept is not None and now - self._swept < TOUCH_EVERY:
            return
        self._swept = now
        s.execute(delete(CitizenSessionRow).where(or_(
            col(CitizenSessionRow.last_seen) < _naive(now - self.idle),
            col(CitizenSessionRow.created_at) < _naive(now - self.lifetime))))
        s.execute(delete(CitizenFormRow).where(
            col(CitizenFormRow.claimed_at) < _naive(now - self.lifetime)))

    def new(self, case_id: str | None = None, link_id: str | None = None) -> CitizenSession:
        now = self.clock.now()
        sid = secrets.token_urlsafe(32)
        with Session(self.engine) as s, s.begin():
            self._sweep(s, now)
            s.add(CitizenSessionRow(id_hash=self.id_hash(sid), case_id=case_id,
                                    link_id=link_id, created_at=_naive(now),
                                    last_seen=_naive(now)))
        return CitizenSession(id=sid, csrf=self._csrf(sid), created=now, last_seen=now,
                              case_id=case_id, link_id=link_id)

    def get(self, sid: str | None) -> CitizenSession | None:
        if not sid or len(sid) > 128:
            return None
        now = self.clock.now()
        key = self.id_hash(sid)
        with Session(self.engine) as s, s.begin():
            found = s.exec(select(CitizenSessionRow, CitizenLinkRow.link_id,
                                  CitizenLinkRow.revoked_at)
                           .outerjoin(CitizenLinkRow, col(CitizenLinkRow.link_id)
                                      == col(CitizenSessionRow.link_id))
                           .where(CitizenSessionRow.id_hash == key)).first()
            if found is None:
                return None
            row, link_found, revoked_at = found
            created, seen = _aware(row.created_at), _aware(row.last_seen)
            assert created is not None and seen is not None
            if self._expired(created, seen, now):
                s.delete(row)
                return None
            if now - seen >= TOUCH_EVERY:
                row.last_seen = _naive(now)
                seen = now
            return CitizenSession(
                id=sid, csrf=self._csrf(sid), created=created, last_seen=seen,
                case_id=row.case_id, link_id=row.link_id,
                link_revoked=row.link_id is not None
                and (link_found is None or revoked_at is not None))

    # -- forms: claimed once, whichever process handles them ----------------------

    def claim(self, session: CitizenSession, form_id: str) -> Flash | None:
        """Claim ``form_id`` before handling it: None when this call claimed it; the
        lines its first answer showed when it was claimed before (empty while that
        answer is still in progress, in this process or another)."""
        key = self.id_hash(session.id)
        try:
            with Session(self.engine) as s, s.begin():
                s.add(CitizenFormRow(id_hash=key, form_id=form_id,
                                     claimed_at=_naive(self.clock.now())))
        except IntegrityError:
            return self.flash(session, form_id)
        return None

    def release(self, session: CitizenSession, form_id: str) -> None:
        """Give a claim up when its form changed nothing (refused, or failed): the same
        form may be sent again."""
        with Session(self.engine) as s, s.begin():
            s.execute(delete(CitizenFormRow).where(
                col(CitizenFormRow.id_hash) == self.id_hash(session.id),
                col(CitizenFormRow.form_id) == form_id,
                col(CitizenFormRow.flash).is_(None)))

    def remember(self, session: CitizenSession, form_id: str, flash: Flash) -> None:
        """Store what the answer to ``form_id`` showed (claimed or not)."""
        key = self.id_hash(session.id)
        stored = [[k, v] for k, v in flash]
        with Session(self.engine) as s, s.begin():
            row = s.get(CitizenFormRow, (key, form_id))
            if row is None:
                s.add(CitizenFormRow(id_hash=key, form_id=form_id,
                                     claimed_at=_naive(self.clock.now()), flash=stored))
            else:
                row.flash = stored

    def flash(self, session: CitizenSession, form_id: str) -> Flash:
        """What the answer to ``form_id`` showed (nothing if unknown or in progress)."""
        with Session(self.engine) as s:
            row = s.get(CitizenFormRow, (self.id_hash(session.id), form_id))
            return _flash_of(row.flash) if row is not None and row.flash else ()

    def end(self, session: CitizenSession | None) -> None:
        if session is None:
            return
        with Session(self.engine) as s, s.begin():
            s.execute(delete(CitizenSessionRow)
                      .where(col(CitizenSessionRow.id_hash) == self.id_hash(session.id)))


class RateLimiter:
    """At most ``rate`` requests per ``per`` seconds per key (a sliding window), for
    the link and code pages: guessing is slow, whatever the token's size. Per process
    (with N processes behind one address the budget is N times this)."""

    def __init__(self, clock: Clock, rate: int = 20, per: float = 60.0,
                 max_keys: int = 10_000) -> None:
        self.clock = clock
        self.rate = rate
        self.per = per
        self.max_keys = max_keys
        self._hits: OrderedDict[str, list[float]] = OrderedDict()

    def allow(self, key: str) -> bool:
        now = self.clock.now().timestamp()
        hits = [t for t in self._hits.pop(key, []) if now - t < self.per]
        ok = len(hits) < self.rate
        if ok:
            hits.append(now)
        self._hits[key] = hits
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        return ok

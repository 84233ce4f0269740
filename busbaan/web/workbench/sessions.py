"""Server-side sessions of the workbench, in memory, owned by the web app.

The browser holds only a random session id (an ``HttpOnly``, ``SameSite=Strict``
cookie); everything else stays here. A session is *anonymous* until a privacy officer
logs in (the login form needs a CSRF token too); logging in always starts a new
session id, so an id seen before login is worth nothing after it. Sessions end after
``idle`` without a request, after ``lifetime`` in any case, and at logout. Nothing is
written to disk: a restart logs everyone out, which is fine for a handful of officers.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from busbaan.clock import Clock

__all__ = ["COOKIE", "Officer", "Session", "SessionStore"]

#: The cookie's name. Not ``__Host-``: that prefix needs ``Secure``, and the dev stack
#: and the tests serve plain HTTP on loopback.
COOKIE = "busbaan_werkbank"


@dataclass(frozen=True, slots=True)
class Officer:
    """A privacy officer as the directory knows them."""

    user_id: str
    organisation: str
    role: str


@dataclass(frozen=True, slots=True)
class Session:
    """One browser's session; ``officer`` is None before login."""

    id: str = field(repr=False)
    csrf: str = field(repr=False)
    created: dt.datetime
    last_seen: dt.datetime
    officer: Officer | None = None

    def csrf_ok(self, token: str | None) -> bool:
        """Whether ``token`` is this session's CSRF token (constant-time)."""
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


class SessionStore:
    """Sessions by id, expiring; anonymous ones are capped so a flood cannot grow it."""

    def __init__(
        self,
        clock: Clock,
        *,
        idle: dt.timedelta = dt.timedelta(minutes=30),
        lifetime: dt.timedelta = dt.timedelta(hours=8),
        max_anonymous: int = 1000,
    ) -> None:
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime
        self.max_anonymous = max_anonymous
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def _expired(self, s: Session, now: dt.datetime) -> bool:
        return now - s.last_seen > self.idle or now - s.created > self.lifetime

    def _sweep(self, now: dt.datetime) -> None:
        for sid in [sid for sid, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[sid]
        anonymous = [sid for sid, s in self._sessions.items() if s.officer is None]
        for sid in anonymous[: max(0, len(anonymous) - self.max_anonymous)]:
            del self._sessions[sid]

    def new(self, officer: Officer | None = None) -> Session:
        """A fresh session with a new id and CSRF token."""
        now = self.clock.now()
        self._sweep(now)
        session = Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32),
                          created=now, last_seen=now, officer=officer)
        self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id (its idle clock restarted), or None."""
        if not session_id:
            return None
        found = self._sessions.get(session_id)
        if found is None:
            return None
        now = self.clock.now()
        if self._expired(found, now):
            del self._sessions[session_id]
            return None
        touched = replace(found, last_seen=now)
        self._sessions[session_id] = touched
        self._sessions.move_to_end(session_id)
        return touched

    def login(self, previous: Session | None, officer: Officer) -> Session:
        """End ``previous`` (if any) and start a new session for ``officer``."""
        self.end(previous)
        return self.new(officer)

    def end(self, session: Session | None) -> None:
        if session is not None:
            self._sessions.pop(session.id, None)

    def end_for(self, user_id: str) -> int:
        """End every session of ``user_id`` (e.g. when they lost the role); how many."""
        gone = [sid for sid, s in self._sessions.items()
                if s.officer is not None and s.officer.user_id == user_id]
        for sid in gone:
            del self._sessions[sid]
        return len(gone)

"""The citizen's sessions, in memory, owned by the web app.

The browser holds a random id (``HttpOnly``, ``SameSite=Strict``); the server keeps the
case, the CSRF token, the forms already handled (so a double submit or a replay from
the back button changes nothing) and the messages to show after a redirect. A session
is anonymous (only a CSRF token for the code form) until the right code is entered;
then a new id is issued. Sessions end after 20 idle minutes, after 4 hours, at logout,
and when the regie revokes the links of the case.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from busbaan.clock import Clock

__all__ = ["COOKIE", "CitizenSession", "CitizenSessions", "Flash", "RateLimiter"]

COOKIE = "busbaan_burger"

Flash = tuple[tuple[str, dict[str, str]], ...]  # (catalogue key, values) per line


@dataclass(slots=True)
class CitizenSession:
    id: str = field(repr=False)
    csrf: str = field(repr=False)
    created: dt.datetime
    last_seen: dt.datetime
    case_id: str | None = None
    link_id: str | None = None
    done: dict[str, Flash] = field(default_factory=dict)  # form id -> its result

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


class CitizenSessions:
    def __init__(self, clock: Clock, *, idle: dt.timedelta = dt.timedelta(minutes=20),
                 lifetime: dt.timedelta = dt.timedelta(hours=4),
                 max_anonymous: int = 2000) -> None:
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime
        self.max_anonymous = max_anonymous
        self._s: OrderedDict[str, CitizenSession] = OrderedDict()

    def _expired(self, s: CitizenSession, now: dt.datetime) -> bool:
        return now - s.last_seen > self.idle or now - s.created > self.lifetime

    def _sweep(self, now: dt.datetime) -> None:
        for sid in [k for k, s in self._s.items() if self._expired(s, now)]:
            del self._s[sid]
        anonymous = [k for k, s in self._s.items() if s.case_id is None]
        for sid in anonymous[: max(0, len(anonymous) - self.max_anonymous)]:
            del self._s[sid]

    def new(self, case_id: str | None = None, link_id: str | None = None) -> CitizenSession:
        now = self.clock.now()
        self._sweep(now)
        s = CitizenSession(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32),
                           created=now, last_seen=now, case_id=case_id, link_id=link_id)
        self._s[s.id] = s
        return s

    def get(self, sid: str | None) -> CitizenSession | None:
        if not sid:
            return None
        s = self._s.get(sid)
        if s is None:
            return None
        now = self.clock.now()
        if self._expired(s, now):
            del self._s[sid]
            return None
        s.last_seen = now
        self._s.move_to_end(sid)
        return s

    def end(self, s: CitizenSession | None) -> None:
        if s is not None:
            self._s.pop(s.id, None)

    def end_case(self, case_id: str) -> int:
        gone = [k for k, s in self._s.items() if s.case_id == case_id]
        for k in gone:
            del self._s[k]
        return len(gone)


class RateLimiter:
    """At most ``rate`` requests per ``per`` seconds per key (a sliding window), for
    the link and code pages: guessing is slow, whatever the token's size."""

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

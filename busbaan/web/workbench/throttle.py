"""Login throttling for the workbench, per client address and per user (pure, no I/O).

Only *failed* logins count. Each key (an address, a user name, or a browser that logged
in as that user before) has a bucket of ``burst`` failures that refills by one every
``refill_seconds``; when it is empty, further attempts are refused (HTTP 429) before
the homeserver is asked at all.

Not locking out the real officer: an attacker can always exhaust the bucket of *a
user name*. A browser that logged in successfully as that user carries a signed
"known browser" mark (see :mod:`busbaan.web.workbench.login_guard`); its attempts count
only against its own bucket, never against the address's or the user's. So the officer
at her own browser logs in while someone hammers her name from anywhere; a new browser
waits until the user's bucket refills.

Audit: failures are recorded once per *burst* (the first failure after a quiet
period) and once more when a burst is throttled, never per request — unauthenticated
requests must not be able to grow the audit log at will.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

KeyKind = Literal["address", "user", "browser"]
Key = tuple[KeyKind, str]


@dataclass(frozen=True, slots=True)
class Bucket:
    """``burst`` failures at once, then one more per ``refill_seconds``."""

    burst: int
    refill_seconds: float


@dataclass(frozen=True, slots=True)
class LoginLimits:
    per_address: Bucket = Bucket(burst=20, refill_seconds=30.0)
    per_user: Bucket = Bucket(burst=10, refill_seconds=60.0)
    per_known_browser: Bucket = Bucket(burst=5, refill_seconds=60.0)
    #: A burst ends after this long without a failure on its key.
    quiet_seconds: float = 600.0
    #: Keys kept at most (older, refilled ones are dropped first).
    max_keys: int = 100_000


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0
    #: The key that refused (None when allowed).
    key: Key | None = None
    #: True for the first refusal of this burst: record it (once).
    record: bool = False


@dataclass(frozen=True, slots=True)
class BurstStarted:
    """The first failure on a key after a quiet period: record it (once)."""

    key: Key


@dataclass(slots=True)
class _State:
    tokens: float
    updated: float
    last_failure: float
    failures: int = 0
    throttled_recorded: bool = False


@dataclass(slots=True)
class LoginThrottle:
    """The buckets of one web process. ``now`` is a monotonic time in seconds."""

    limits: LoginLimits = field(default_factory=LoginLimits)
    _states: dict[Key, _State] = field(default_factory=dict)

    def keys_for(self, address: str, user: str, known_browser: str | None) -> list[Key]:
        """Whose buckets an attempt counts against."""
        if known_browser is not None:
            return [("browser", known_browser)]
        return [("address", address), ("user", normalise_user(user))]

    def _bucket(self, kind: KeyKind) -> Bucket:
        return {"address": self.limits.per_address, "user": self.limits.per_user,
                "browser": self.limits.per_known_browser}[kind]

    def _refilled(self, key: Key, now: float) -> _State | None:
        state = self._states.get(key)
        if state is None:
            return None
        bucket = self._bucket(key[0])
        state.tokens = min(bucket.burst,
                           state.tokens + (now - state.updated) / bucket.refill_seconds)
        state.updated = now
        return state

    def check(self, keys: list[Key], now: float) -> Verdict:
        """May this attempt go to the homeserver?"""
        for key in keys:
            state = self._refilled(key, now)
            if state is not None and state.tokens < 1:
                wait = (1 - state.tokens) * self._bucket(key[0]).refill_seconds
                record = not state.throttled_recorded
                state.throttled_recorded = True
                return Verdict(False, retry_after=wait, key=key, record=record)
        return Verdict(True)

    def failed(self, keys: list[Key], now: float) -> list[BurstStarted]:
        """Count a failed attempt; the bursts it starts (to be recorded)."""
        started: list[BurstStarted] = []
        for key in keys:
            state = self._refilled(key, now)
            if state is None or now - state.last_failure > self.limits.quiet_seconds:
                started.append(BurstStarted(key))
                tokens = state.tokens if state else float(self._bucket(key[0]).burst)
                state = _State(tokens=tokens, updated=now, last_failure=now)
                self._states[key] = state
            state.tokens = max(0.0, state.tokens - 1)
            state.last_failure = now
            state.failures += 1
        self._prune(now)
        return started

    def failures(self, key: Key) -> int:
        """Failures counted on ``key`` in its current burst."""
        state = self._states.get(key)
        return state.failures if state else 0

    def _prune(self, now: float) -> None:
        if len(self._states) <= self.limits.max_keys:
            return
        quiet = self.limits.quiet_seconds
        for key in [k for k, s in self._states.items() if now - s.last_failure > quiet]:
            del self._states[key]
        while len(self._states) > self.limits.max_keys:  # still too many: oldest first
            del self._states[min(self._states, key=lambda k: self._states[k].last_failure)]


@dataclass(slots=True)
class RequestLimiter:
    """Every request counts (unlike logins, where only failures do): ``bucket.burst``
    requests at once per key, then one more per ``bucket.refill_seconds``. For
    expensive requests of someone logged in, e.g. verifying the whole audit log.
    ``now`` is a monotonic time in seconds."""

    bucket: Bucket
    max_keys: int = 10_000
    _states: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, at

    def take(self, key: str, now: float) -> Verdict:
        """Count one request for ``key`` if the bucket allows it; otherwise say how
        long until it will (nothing is counted for a refused request)."""
        burst, refill = float(self.bucket.burst), self.bucket.refill_seconds
        tokens, at = self._states.get(key, (burst, now))
        tokens = min(burst, tokens + max(0.0, now - at) / refill)
        if tokens < 1:
            self._states[key] = (tokens, now)
            return Verdict(False, retry_after=(1 - tokens) * refill)
        self._states[key] = (tokens - 1, now)
        if len(self._states) > self.max_keys:  # drop the full (idle longest) buckets
            for k in [k for k, (t, a) in self._states.items()
                      if t + (now - a) / refill >= burst][: len(self._states) // 2]:
                del self._states[k]
        return Verdict(True)


def normalise_user(user: str) -> str:
    """``@FG.Jansen:Gemeente.nl`` and ``fg.jansen`` → ``fg.jansen`` (the localpart,
    lower case), so that spelling variants share one bucket."""
    user = user.strip().lower()
    if user.startswith("@"):
        user = user[1:].split(":", 1)[0]
    return user


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted_proxies: tuple[str, ...]) -> str:
    """The officer's address: the peer, unless the peer is a trusted proxy; then the
    right-most address in ``X-Forwarded-For`` that is not itself a trusted proxy.
    (Left-most entries are whatever the client wrote: never trusted.)"""
    import ipaddress

    networks = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in networks)

    address = peer or "unknown"
    if not trusted(address) or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # garbage from the client: fall back to the proxy
    return address


__all__ = ["Bucket", "BurstStarted", "LoginLimits", "LoginThrottle", "RequestLimiter", "Verdict",
           "client_address", "normalise_user"]

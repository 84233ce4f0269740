"""The workbench's password login with its own throttling (the edge around
:mod:`busbaan.web.workbench.throttle`).

- The officer's address is taken from the connection, or from ``X-Forwarded-For``
  only when the connection comes from a trusted proxy (service config
  ``extra["web_trusted_proxies"]``: addresses or networks, e.g. the reverse proxy's).
- That address goes to Synapse as ``X-Forwarded-For`` (Synapse reads it on a listener
  with ``x_forwarded: true``), so Synapse's own login limits count per officer, not per
  web app.
- A browser that logged in as an officer gets a signed "known browser" cookie
  (``busbaan_werkbank_browser``: the user, a random id, an expiry, an HMAC); its attempts
  for that user count only against its own bucket, so hammering an officer's name from
  elsewhere does not lock her out at her own browser.
- Failures are audited once per burst, throttling once per burst; never per request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from busbaan.errors import UsageError
from busbaan.log import get_logger
from busbaan.web.workbench.matrix_auth import LoginFailed
from busbaan.web.workbench.throttle import (
    LoginLimits,
    LoginThrottle,
    client_address,
    normalise_user,
)

__all__ = ["BROWSER_COOKIE", "LoginGuard", "LoginThrottled"]

log = get_logger("busbaan.web.workbench")

BROWSER_COOKIE = "busbaan_werkbank_browser"
BROWSER_DAYS = 90


class LoginThrottled(LoginFailed):
    """Too many failed logins for this address, user name or browser: wait, then retry."""

    errcode = "BB_LOGIN_THROTTLED"

    def __init__(self, retry_after: float) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Te veel mislukte inlogpogingen. Probeer het over {minutes} minuut/minuten "
            "opnieuw. Bent u het zelf niet geweest, meld het dan bij beheer.",
            f"Too many failed logins. Try again in {minutes} minute(s). If it was not "
            "you, tell your administrator.",
            data={"retry_after": int(retry_after) + 1})
        self.retry_after = int(retry_after) + 1


@dataclass
class LoginGuard:
    """Throttle, known browsers and the officer's address, for one web process."""

    trusted_proxies: tuple[str, ...] = ()
    limits: LoginLimits = field(default_factory=LoginLimits)
    #: Signs the known-browser cookie. Random per process unless given: after a restart
    #: browsers are unknown again until their next successful login.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    throttle: LoginThrottle = field(init=False)

    def __post_init__(self) -> None:
        import ipaddress

        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as exc:
                raise UsageError(
                    f"web_trusted_proxies: {proxy!r} is geen IP-adres of netwerk "
                    "(bijvoorbeeld 10.0.0.0/8).",
                    f"web_trusted_proxies: {proxy!r} is not an IP address or network "
                    "(for example 10.0.0.0/8).") from exc
        self.throttle = LoginThrottle(self.limits)

    # -- the officer's address ------------------------------------------------------

    def address(self, request: web.Request) -> str:
        return client_address(request.remote, request.headers.get("X-Forwarded-For"),
                              self.trusted_proxies)

    # -- known browsers ---------------------------------------------------------------

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self.secret, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()

    def known_browser(self, request: web.Request, user: str) -> str | None:
        """The browser's id if its cookie is valid for ``user``, else None."""
        value = request.cookies.get(BROWSER_COOKIE, "")
        parts = value.split(".")
        if len(parts) != 4:
            return None
        who, browser, expiry, mac = parts
        payload = f"{who}.{browser}.{expiry}"
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        if not expiry.isdigit() or int(expiry) < self.wall():
            return None
        user_key = base64.urlsafe_b64encode(normalise_user(user).encode()).decode()
        return browser if hmac.compare_digest(who, user_key) else None

    def mark_browser(self, request: web.Request, response: web.StreamResponse, user_id: str,
                     *, secure: bool) -> None:
        """After a successful officer login: remember this browser for that user."""
        who = base64.urlsafe_b64encode(normalise_user(user_id).encode()).decode()
        browser = self.known_browser(request, user_id) or secrets.token_urlsafe(12)
        expiry = str(int(self.wall()) + BROWSER_DAYS * 86400)
        payload = f"{who}.{browser}.{expiry}"
        response.set_cookie(BROWSER_COOKIE, f"{payload}.{self._mac(payload)}",
                            path="/", httponly=True, samesite="Strict",
                            secure=secure, max_age=BROWSER_DAYS * 86400)


async def password_login(request: web.Request, wb: object, user: str, password: str) -> str:
    """The user id behind ``user``/``password``, asked of the homeserver unless this
    address, user name or browser is throttled. Raises :class:`LoginThrottled` or
    :class:`LoginFailed` (both already audited, once per burst)."""
    from busbaan.web.workbench.core import Workbench

    assert isinstance(wb, Workbench)
    guard = wb.login_guard
    address = guard.address(request)
    browser = guard.known_browser(request, user)
    keys = guard.throttle.keys_for(address, user, browser)
    verdict = guard.throttle.check(keys, guard.monotonic())
    if not verdict.allowed:
        assert verdict.key is not None
        kind = verdict.key[0]
        log.info("workbench.login_throttled", scope=kind, retry_after=int(verdict.retry_after))
        if verdict.record:
            await wb.record("workbench.login_throttled", action="E", outcome="refused",
                            reason_code=f"throttled.{kind}",
                            details={"scope": kind,
                                     "failures": str(guard.throttle.failures(verdict.key))})
        raise LoginThrottled(verdict.retry_after)
    try:
        return await wb.auth.password_login(user, password, client_address=address)
    except LoginFailed as exc:
        # Also Synapse's own 429 counts: an attempt that keeps Synapse's per-account
        # bucket empty must not pass our buckets for free.
        started = guard.throttle.failed(keys, guard.monotonic())
        if started:
            await wb.record("workbench.login_failed", action="E", outcome="failed",
                            reason_code=exc.errcode.lower(),
                            details={"burst": ",".join(b.key[0] for b in started)})
        raise

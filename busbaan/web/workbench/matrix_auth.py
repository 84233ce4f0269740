"""Who is this? Asked of the homeserver, never of a password store of our own.

Password login: ``POST /_matrix/client/v3/login`` with the user and password from the
form, ``GET /account/whoami`` with the token it returns, then ``POST /logout`` so the
token (and its device) is gone again: the workbench keeps only its own session.

No OpenID: a Matrix OpenID token names no audience (any service a client handed one
to could replay it here), so the workbench does not accept them (issue 11). The
organisation's own login goes through Synapse's SSO instead (docs/workbench.md).

Passwords and tokens are never logged, and never kept after the call.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from busbaan.errors import BusbaanError, Unavailable
from busbaan.log import get_logger

__all__ = ["LoginFailed", "MatrixAuth"]

log = get_logger("busbaan.web.workbench")

_TIMEOUT = aiohttp.ClientTimeout(total=15)
_USER_ID = re.compile(r"@[^\s:@]+:[^\s@]+")
_LOCALPART = re.compile(r"[a-z0-9._=/+-]+")


class LoginFailed(BusbaanError):
    """The homeserver did not accept the user name and password (or the token)."""

    errcode = "BB_LOGIN_FAILED"


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (aiohttp.ContentTypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _unreachable() -> Unavailable:
    return Unavailable(
        "De homeserver is niet bereikbaar, dus inloggen lukt nu niet. Probeer het over een "
        "paar minuten opnieuw; blijft het mislukken, neem dan contact op met beheer.",
        "The homeserver cannot be reached, so you cannot log in now. Try again in a few "
        "minutes; if it keeps failing, contact your administrator.",
        errcode="BB_HOMESERVER_UNAVAILABLE",
    )


class MatrixAuth:
    """Checks credentials against one homeserver through a client session we own."""

    def __init__(self, homeserver: str) -> None:
        self.homeserver = homeserver.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT)
        return self._session

    @staticmethod
    def check_user_field(user: str) -> str:
        """The user as typed: a full Matrix ID or a bare user name; else :class:`LoginFailed`."""
        user = user.strip()
        if _USER_ID.fullmatch(user) or _LOCALPART.fullmatch(user.lower()):
            return user
        raise LoginFailed(
            "Vul uw Matrix-gebruikersnaam in, bijvoorbeeld @fg.jansen:gemeente.nl of "
            "fg.jansen.",
            "Enter your Matrix user name, for example @fg.jansen:gemeente.nl or fg.jansen.",
            errcode="BB_LOGIN_USER",
            data={"field": "user"},
        )

    async def password_login(self, user: str, password: str, *,
                             client_address: str | None = None) -> str:
        """The user id behind ``user``/``password``; the token used is logged out again.

        ``client_address`` (the officer's, see ``login_guard``) is sent as
        ``X-Forwarded-For``: on a listener with ``x_forwarded: true`` Synapse then counts
        its login limits per officer instead of per web app."""
        user = self.check_user_field(user)
        body = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password,
            "initial_device_display_name": "busbaan werkbank (tijdelijk)",
        }
        http = self._http()
        headers = {"X-Forwarded-For": client_address} if client_address else {}
        try:
            async with http.post(f"{self.homeserver}/_matrix/client/v3/login",
                                 json=body, headers=headers) as response:
                result = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("workbench.homeserver_unreachable", step="login",
                        cause=type(exc).__name__)
            raise _unreachable() from exc
        if status == 429:
            raise LoginFailed(
                "Te veel inlogpogingen. Wacht een minuut en probeer het dan opnieuw.",
                "Too many login attempts. Wait a minute, then try again.",
                errcode="BB_LOGIN_RATELIMITED")
        token = result.get("access_token")
        if status != 200 or not isinstance(token, str):
            log.info("workbench.login_rejected_by_homeserver", status=status,
                     errcode=str(result.get("errcode", "?")))
            raise LoginFailed(
                "Gebruikersnaam of wachtwoord klopt niet. Gebruik dezelfde gegevens als "
                "in Element.",
                "User name or password is not right. Use the same details as in Element.")
        try:
            return await self._whoami(token)
        finally:
            await self._logout(token)

    async def _whoami(self, token: str) -> str:
        try:
            async with self._http().get(
                f"{self.homeserver}/_matrix/client/v3/account/whoami",
                headers={"Authorization": f"Bearer {token}"},
            ) as response:
                result = await _json(response)
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _unreachable() from exc
        user_id = result.get("user_id")
        if status != 200 or not isinstance(user_id, str) or not _USER_ID.fullmatch(user_id):
            raise LoginFailed("De homeserver kon niet bevestigen wie u bent.",
                              "The homeserver could not confirm who you are.")
        return user_id

    async def _logout(self, token: str) -> None:
        try:
            async with self._http().post(
                f"{self.homeserver}/_matrix/client/v3/logout",
                headers={"Authorization": f"Bearer {token}"}, json={},
            ) as response:
                if response.status != 200:
                    log.warning("workbench.token_logout_failed", status=response.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The token stays valid on the homeserver until it expires: say so loudly.
            log.warning("workbench.token_logout_failed", cause=type(exc).__name__)

"""Accounts on the embedded homeserver: shared-secret registration, login, profile.

:class:`SynapseAdmin` speaks Synapse's admin API and the client-server API over an
``aiohttp`` session that the caller owns. Registration is idempotent: registering a
user who exists logs them in with the password instead (or, with
``login_if_exists=False``, only checks the display name).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from busbaan.errors import BusbaanError
from busbaan.log import get_logger

log = get_logger(__name__)

#: How long a login waits in total for Synapse's login rate limit (HTTP 429).
LOGIN_RATELIMIT_PATIENCE = 30.0

#: What was refused, in Dutch and English, for error messages.
_LOOKUP = ("het opzoeken", "the lookup")
_NONCE = ("een registratie-nonce", "a registration nonce")
_REGISTRATION = ("de registratie", "the registration")
_LOGIN = ("het inloggen", "the login")
_DISPLAY_NAME = ("de weergavenaam", "the display name")
_PASSWORD = ("het wachtwoord", "the password")
_RATELIMIT_OVERRIDE = ("de uitzondering op rate limits", "the rate-limit override")
_RATELIMIT_READ = ("de rate-limit-instelling", "the rate-limit setting")


class AccountError(BusbaanError):
    """The homeserver refused an account operation; the message says which and why."""

    errcode = "BB_ACCOUNT"


@dataclass(frozen=True, slots=True)
class Account:
    """An account to make sure of: who, with which password and display name."""

    localpart: str
    password: str = field(repr=False)
    display_name: str | None = None
    admin: bool = False
    #: Lift Synapse's rate limits for this user (bots only).
    lift_ratelimit: bool = False


@dataclass(frozen=True, slots=True)
class Credentials:
    """A registered user; the access token is None when no login was asked for."""

    user_id: str
    password: str = field(repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_id: str | None = None
    #: True when this call created the account, False when it already existed.
    created: bool = False


def new_password() -> str:
    """A random password for a generated account."""
    return secrets.token_urlsafe(24)


def registration_mac(
    shared_secret: str, nonce: str, username: str, password: str, *, admin: bool
) -> str:
    """The HMAC-SHA1 that Synapse's shared-secret registration expects, as hex."""
    mac = hmac.new(shared_secret.encode("utf-8"), digestmod=hashlib.sha1)
    for part in (nonce, username, password):
        mac.update(part.encode("utf-8"))
        mac.update(b"\x00")
    mac.update(b"admin" if admin else b"notadmin")
    return mac.hexdigest()


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except (aiohttp.ContentTypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _refusal(
    action: tuple[str, str], who: str, status: int, body: Mapping[str, Any]
) -> AccountError:
    """An :class:`AccountError` for a refused request; ``action`` is (Dutch, English)."""
    errcode = str(body.get("errcode", "?"))
    error = str(body.get("error", ""))
    nl, en = action
    return AccountError(
        f"De homeserver weigerde {nl} voor {who}: HTTP {status} {errcode} {error}".strip(),
        f"The homeserver refused {en} for {who}: HTTP {status} {errcode} {error}".strip(),
        data={"status": status, "errcode": errcode},
    )


class SynapseAdmin:
    """Account management on one homeserver through an aiohttp session the caller owns."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        server_name: str,
        shared_secret: str,
        admin_token: str | None = None,
    ) -> None:
        self._session = session
        self.base_url = base_url.rstrip("/")
        self.server_name = server_name
        self._shared_secret = shared_secret
        #: An admin user's token; needed for rate-limit overrides and password resets.
        self.admin_token = admin_token

    def user_id(self, localpart: str) -> str:
        """The full Matrix user id for ``localpart`` on this server."""
        return f"@{localpart.lower()}:{self.server_name}"

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _admin_headers(self) -> dict[str, str]:
        if not self.admin_token:
            raise AccountError(
                "Hiervoor is een admin-token nodig; registreer eerst een beheerder.",
                "This needs an admin token; register an admin user first.",
            )
        return {"Authorization": f"Bearer {self.admin_token}"}

    # -- registration and login ------------------------------------------------------

    async def register(
        self,
        localpart: str,
        password: str,
        *,
        display_name: str | None = None,
        admin: bool = False,
        login_if_exists: bool = True,
        device_id: str | None = None,
    ) -> Credentials:
        """Make sure ``localpart`` exists with a token; idempotent.

        A new user is registered through the shared-secret admin API (with the display
        name). An existing one is logged in with ``password`` when ``login_if_exists``
        (Synapse's login rate limit applies), and gets ``display_name`` if it differs.
        """
        if self.admin_token and await self.user_exists(self.user_id(localpart)):
            # Skip the registration attempt: Synapse hashes the password (bcrypt)
            # before it notices that the user exists.
            return await self._existing(
                localpart, password, display_name, login_if_exists, device_id
            )
        url = self._url("/_synapse/admin/v1/register")
        async with self._session.get(url) as response:
            nonce_body = await _json(response)
            if response.status != 200 or "nonce" not in nonce_body:
                raise _refusal(_NONCE, localpart, response.status, nonce_body)
        nonce = str(nonce_body["nonce"])
        body: dict[str, Any] = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": registration_mac(self._shared_secret, nonce, localpart, password, admin=admin),
        }
        if display_name is not None:
            body["displayname"] = display_name
        if device_id is not None:
            body["device_id"] = device_id
        async with self._session.post(url, json=body) as response:
            result = await _json(response)
            status = response.status
        if status == 200:
            log.info("devstack.user.registered", user_id=result["user_id"], admin=admin)
            return Credentials(
                user_id=str(result["user_id"]),
                password=password,
                access_token=result.get("access_token"),
                device_id=result.get("device_id"),
                created=True,
            )
        if result.get("errcode") != "M_USER_IN_USE":
            raise _refusal(_REGISTRATION, localpart, status, result)
        return await self._existing(localpart, password, display_name, login_if_exists, device_id)

    async def _existing(
        self,
        localpart: str,
        password: str,
        display_name: str | None,
        login: bool,
        device_id: str | None,
    ) -> Credentials:
        user_id = self.user_id(localpart)
        credentials = Credentials(user_id=user_id, password=password)
        if login:
            credentials = await self.login(localpart, password, device_id=device_id)
        if display_name is not None:
            await self.ensure_display_name(user_id, display_name, credentials.access_token)
        log.info("devstack.user.exists", user_id=user_id, logged_in=login)
        return credentials

    async def user_exists(self, user_id: str) -> bool:
        """True when the homeserver knows ``user_id`` (admin API)."""
        async with self._session.get(
            self._url(f"/_synapse/admin/v2/users/{quote(user_id)}"),
            headers=self._admin_headers(),
        ) as response:
            result = await _json(response)
            if response.status == 404:
                return False
            if response.status != 200:
                raise _refusal(_LOOKUP, user_id, response.status, result)
        return True

    async def login(
        self, localpart: str, password: str, *, device_id: str | None = None
    ) -> Credentials:
        """Log in with a password; waits out Synapse's login rate limit for a while."""
        body: dict[str, Any] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": localpart},
            "password": password,
        }
        if device_id is not None:
            body["device_id"] = device_id
        deadline = time.monotonic() + LOGIN_RATELIMIT_PATIENCE
        while True:
            async with self._session.post(
                self._url("/_matrix/client/v3/login"), json=body
            ) as response:
                result = await _json(response)
                status = response.status
            if status == 200:
                return Credentials(
                    user_id=str(result["user_id"]),
                    password=password,
                    access_token=str(result["access_token"]),
                    device_id=result.get("device_id"),
                    created=False,
                )
            retry_ms = result.get("retry_after_ms")
            if status == 429 and isinstance(retry_ms, int):
                wait = retry_ms / 1000
                if time.monotonic() + wait <= deadline:
                    log.info("devstack.login.ratelimited", localpart=localpart, wait_s=wait)
                    await asyncio.sleep(wait)
                    continue
            raise _refusal(_LOGIN, localpart, status, result)

    async def whoami(self, access_token: str) -> str | None:
        """The user id an access token belongs to, or None when the token is not valid."""
        async with self._session.get(
            self._url("/_matrix/client/v3/account/whoami"),
            headers={"Authorization": f"Bearer {access_token}"},
        ) as response:
            result = await _json(response)
            if response.status != 200:
                return None
        user_id = result.get("user_id")
        return str(user_id) if user_id else None

    # -- profile, passwords, rate limits ---------------------------------------------

    async def ensure_display_name(
        self, user_id: str, display_name: str, access_token: str | None = None
    ) -> bool:
        """Set ``display_name`` unless it is already set; True when it was changed.

        Only a real change is written: every change sends a new membership event into
        each of the user's rooms. Uses the user's token if given, else the admin API.
        """
        token = access_token or self.admin_token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        profile_url = self._url(f"/_matrix/client/v3/profile/{quote(user_id)}/displayname")
        async with self._session.get(profile_url, headers=headers) as response:
            current = (await _json(response)).get("displayname")
        if current == display_name:
            return False
        if access_token:
            request = self._session.put(
                profile_url, json={"displayname": display_name}, headers=headers
            )
        else:
            request = self._session.put(
                self._url(f"/_synapse/admin/v2/users/{quote(user_id)}"),
                json={"displayname": display_name},
                headers=self._admin_headers(),
            )
        async with request as response:
            if response.status != 200:
                result = await _json(response)
                raise _refusal(_DISPLAY_NAME, user_id, response.status, result)
        return True

    async def reset_password(self, user_id: str, password: str) -> None:
        """Set a user's password through the admin API, keeping their devices logged in."""
        async with self._session.put(
            self._url(f"/_synapse/admin/v2/users/{quote(user_id)}"),
            json={"password": password, "logout_devices": False},
            headers=self._admin_headers(),
        ) as response:
            if response.status != 200:
                result = await _json(response)
                raise _refusal(_PASSWORD, user_id, response.status, result)
        log.info("devstack.user.password_reset", user_id=user_id)

    async def lift_ratelimit(self, user_id: str) -> None:
        """Exempt ``user_id`` from Synapse's rate limits (for the bots)."""
        async with self._session.post(
            self._url(f"/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit"),
            json={"messages_per_second": 0, "burst_count": 0},
            headers=self._admin_headers(),
        ) as response:
            if response.status != 200:
                result = await _json(response)
                raise _refusal(_RATELIMIT_OVERRIDE, user_id, response.status, result)
        log.info("devstack.user.ratelimit_lifted", user_id=user_id)

    async def ratelimit_override(self, user_id: str) -> dict[str, Any]:
        """The user's rate-limit override as Synapse reports it ({} when there is none)."""
        async with self._session.get(
            self._url(f"/_synapse/admin/v1/users/{quote(user_id)}/override_ratelimit"),
            headers=self._admin_headers(),
        ) as response:
            result = await _json(response)
            if response.status != 200:
                raise _refusal(_RATELIMIT_READ, user_id, response.status, result)
        return result

    async def ensure(self, account: Account, *, login_if_exists: bool = True) -> Credentials:
        """Make sure one :class:`Account` exists as described; see :meth:`register`."""
        credentials = await self.register(
            account.localpart,
            account.password,
            display_name=account.display_name,
            admin=account.admin,
            login_if_exists=login_if_exists,
        )
        if account.lift_ratelimit:
            await self.lift_ratelimit(credentials.user_id)
        return credentials


async def register_users(
    admin: SynapseAdmin,
    accounts: Iterable[Account],
    *,
    login_if_exists: bool = True,
    concurrency: int = 4,
) -> list[Credentials]:
    """Make sure every account exists; their credentials, in the order given.

    Runs a few registrations at a time: Synapse hashes passwords in a thread pool.
    """
    gate = asyncio.Semaphore(concurrency)

    async def one(account: Account) -> Credentials:
        async with gate:
            return await admin.ensure(account, login_if_exists=login_if_exists)

    # A task group: when one registration fails, the others are cancelled, not orphaned.
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(account)) for account in accounts]
    return [task.result() for task in tasks]

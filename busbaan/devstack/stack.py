"""The embedded homeserver as one object: configured, running, with an admin at hand.

``await start_homeserver(base_dir, modules, profile)`` writes the configuration under
``base_dir/synapse``, starts Synapse, makes sure a Synapse admin account exists (its
password and token are kept in ``base_dir/synapse/busbaan-admin.json``, mode 0600) and
returns a :class:`Homeserver` that registers users and stops everything again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp

from busbaan.devstack._files import read_json, write_private_json
from busbaan.devstack.admin import (
    Account,
    Credentials,
    SynapseAdmin,
    new_password,
    register_users,
)
from busbaan.devstack.synapse import (
    Profile,
    SynapseConfig,
    SynapseProcess,
    SynapseSettings,
    stop_stale,
    write_config,
)
from busbaan.log import get_logger

log = get_logger(__name__)

ADMIN_LOCALPART = "busbaan-admin"
ADMIN_DISPLAY_NAME = "busbaan beheer"
ADMIN_FILE = "busbaan-admin.json"
SYNAPSE_SUBDIR = "synapse"


class Homeserver:
    """A running embedded Synapse: its URL, an admin token, and account management."""

    def __init__(
        self,
        *,
        base_dir: Path,
        config: SynapseConfig,
        process: SynapseProcess,
        session: aiohttp.ClientSession,
        admin: SynapseAdmin,
        profile: Profile,
    ) -> None:
        self.base_dir = base_dir
        self.config = config
        self.process = process
        self.profile = profile
        self.admin = admin
        self._session = session

    @property
    def url(self) -> str:
        """The client-server API's base URL, e.g. ``http://127.0.0.1:8448``."""
        return self.config.url

    @property
    def server_name(self) -> str:
        return self.config.server_name

    @property
    def admin_token(self) -> str:
        """An access token of a Synapse admin (never log it)."""
        token = self.admin.admin_token
        assert token is not None, "start_homeserver() sets the admin token"
        return token

    @property
    def startup_seconds(self) -> float | None:
        """How long Synapse took from spawn until its client API answered."""
        return self.process.startup_seconds

    def user_id(self, localpart: str) -> str:
        """The full Matrix user id for ``localpart`` on this server."""
        return self.admin.user_id(localpart)

    async def register(
        self,
        localpart: str,
        password: str | None = None,
        *,
        display_name: str | None = None,
        admin: bool = False,
        lift_ratelimit: bool = False,
        login_if_exists: bool = True,
    ) -> Credentials:
        """Make sure ``localpart`` exists (idempotent); see :meth:`SynapseAdmin.register`.

        Without a password a random one is generated: right for a new user, useless
        for an existing one (whose login would then fail).
        """
        account = Account(
            localpart=localpart,
            password=password or new_password(),
            display_name=display_name,
            admin=admin,
            lift_ratelimit=lift_ratelimit,
        )
        return await self.admin.ensure(account, login_if_exists=login_if_exists)

    async def register_users(
        self, accounts: Iterable[Account], *, login_if_exists: bool = True
    ) -> list[Credentials]:
        """Make sure every account exists; their credentials, in the order given."""
        return await register_users(self.admin, accounts, login_if_exists=login_if_exists)

    async def stop(self) -> None:
        """Close the HTTP session and stop Synapse. Idempotent."""
        if not self._session.closed:
            await self._session.close()
        await self.process.astop()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def _ensure_admin(admin: SynapseAdmin, path: Path) -> None:
    """Reuse the stored admin token if still valid; otherwise register or log in."""
    stored = read_json(path)
    token = stored.get("access_token")
    user_id = admin.user_id(ADMIN_LOCALPART)
    if isinstance(token, str) and await admin.whoami(token) == user_id:
        admin.admin_token = token
        return
    password = str(stored.get("password") or new_password())
    credentials = await admin.register(
        ADMIN_LOCALPART, password, display_name=ADMIN_DISPLAY_NAME, admin=True
    )
    admin.admin_token = credentials.access_token
    write_private_json(
        path,
        {
            "user_id": credentials.user_id,
            "password": password,
            "access_token": credentials.access_token,
        },
    )


async def start_homeserver(
    base_dir: Path,
    modules: Sequence[Mapping[str, Any]] = (),
    profile: Profile = "dev",
    *,
    server_name: str = "localhost",
    port: int | None = None,
    ratelimits: Mapping[str, Any] | None = None,
    startup_timeout: float = 60.0,
    extra: Mapping[str, Any] | None = None,
    entry_module: str | None = None,
) -> Homeserver:
    """Configure and start the embedded Synapse under ``base_dir/synapse``.

    ``modules`` is written as Synapse's ``modules:`` list. ``profile="test"`` lifts
    the rate limits for everyone and hashes passwords cheaply; ``"dev"`` keeps
    Synapse's defaults (lift them per bot with ``register(..., lift_ratelimit=True)``).
    A second start on the same ``base_dir`` reuses keys, secrets, database, admin and,
    if still free, the port. ``extra`` and ``entry_module`` are for the federated
    stack (:mod:`busbaan.devstack.federation`): further ``homeserver.yaml`` keys, and
    the module Synapse is run with.
    """
    base_dir = Path(base_dir).absolute()
    settings = SynapseSettings(
        server_name=server_name,
        port=port,
        modules=tuple(modules),
        profile=profile,
        ratelimits=ratelimits,
        extra=dict(extra) if extra is not None else {},
    )
    # An orphan from a killed earlier run would hold the port and the database.
    await asyncio.to_thread(stop_stale, base_dir / SYNAPSE_SUBDIR)
    config = write_config(base_dir / SYNAPSE_SUBDIR, settings)
    process = SynapseProcess(config, startup_timeout=startup_timeout,
                             entry_module=entry_module or "synapse.app.homeserver")
    await process.astart()
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    try:
        admin = SynapseAdmin(
            session,
            config.url,
            server_name=config.server_name,
            shared_secret=config.registration_shared_secret,
        )
        await _ensure_admin(admin, config.directory / ADMIN_FILE)
    except BaseException:
        await session.close()
        await process.astop()
        raise
    return Homeserver(
        base_dir=base_dir,
        config=config,
        process=process,
        session=session,
        admin=admin,
        profile=profile,
    )

"""Fixtures for end-to-end encryption (issue 11 part 3): an own homeserver with the gate,
the casus bot with encryption ON (the production default), and professionals at
encrypting nio clients (vodozemac) — or at plain ones, to see what they get.

The homeserver is this package's own (not the session's ``homeserver``): the casus bot
here must be the only ``@casus`` logged in, and the plain-client suites run a casus bot
with encryption off on the session's homeserver at the same time.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import nio
import pytest

from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.devstack.people import Person
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[2]

MakePerson = Callable[..., Awaitable[Person]]


@dataclass
class E2EStack:
    """The homeserver, the store, the bot's account and state directory; the service
    can be stopped and started again on the same state (a restart)."""

    hs: Homeserver
    db_url: str
    account: BotAccount
    wegwijzer: BotAccount
    state_dir: Path
    base: Path
    service: Service | None = None
    people: list[Person] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)

    async def start(self) -> Service:
        from busbaan.routing import demo_map_path

        config = ServiceConfig(homeserver=self.hs.url,
                               bots={"casus": self.account, "wegwijzer": self.wegwijzer},
                               policy_dir=ROOT / "policies", database_url=self.db_url,
                               state_dir=self.state_dir, reconcile_seconds=0.5,
                               socialmap=demo_map_path(),
                               web_port=-1, audit_key_init=True,
                               pseudonym_key_init=True)  # encryption: default ON
        self.service = Service(config)
        await self.service.start()
        return self.service

    async def stop(self) -> None:
        if self.service is not None:
            await self.service.stop()
            self.service = None

    async def person(self, organisation: str, role: str, *, encrypted: bool = True) -> Person:
        """A professional in the directory at a syncing client (encrypting by default)."""
        localpart = f"e-{organisation}-{secrets.token_hex(4)}"
        password = new_password()
        creds = await self.hs.register(localpart, password)
        assert creds.access_token and creds.device_id, creds
        self.passwords[creds.user_id] = password
        engine = make_engine(self.db_url)
        try:
            DirectoryRepository(engine).upsert(
                [Professional(user_id=creds.user_id, organisation=organisation, role=role)],
                source="test", now=dt.datetime.now(dt.UTC))
        finally:
            engine.dispose()
        if self.service is not None:
            await self.service.casus.refresh_directory(force=True)
        store = self.base / "clients" / localpart
        store.mkdir(parents=True)
        return await self._started(creds.user_id, str(creds.device_id), creds.access_token,
                                   store, encrypted)

    async def new_device(self, person: Person) -> Person:
        """``person`` logs in once more (password login: a new device with new keys, as
        a professional's second Element), at an encrypting syncing client."""
        localpart = person.user_id.split(":", 1)[0][1:]
        creds = await self.hs.admin.login(localpart, self.passwords[person.user_id])
        assert creds.access_token and creds.device_id, creds
        store = self.base / "clients" / f"{localpart}-{creds.device_id}"
        store.mkdir(parents=True)
        return await self._started(creds.user_id, str(creds.device_id), creds.access_token,
                                   store, True)

    async def _started(self, user_id: str, device_id: str, token: str, store: Path,
                       encrypted: bool) -> Person:
        client = nio.AsyncClient(self.hs.url, user_id, device_id=device_id,
                                 store_path=str(store),
                                 config=nio.AsyncClientConfig(encryption_enabled=encrypted,
                                                              store_sync_tokens=False))
        client.restore_login(user_id, device_id, token)
        assert (client.olm is not None) == encrypted
        p = Person(user_id, client)
        await p.start()
        self.people.append(p)
        return p


@pytest.fixture(scope="session")
async def e2e(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[E2EStack]:
    """Homeserver + store + the casus bot with encryption ON, for this package."""
    from busbaan.cli.dev import gate_module

    base = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{base / 'busbaan.db'}"
    migrate(db_url)
    bot_id = "@casus:localhost"
    hs = await start_homeserver(base / "hs", [gate_module(ROOT / "policies", db_url, bot_id)],
                                profile="test")
    password = new_password()
    creds = await hs.register("casus", password, lift_ratelimit=True)
    wpassword = new_password()
    wcreds = await hs.register("wegwijzer", wpassword, lift_ratelimit=True)
    stack = E2EStack(hs, db_url, BotAccount("casus", hs.url, creds.user_id, password=password),
                     BotAccount("wegwijzer", hs.url, wcreds.user_id, password=wpassword),
                     base / "state", base)
    await stack.start()
    try:
        yield stack
    finally:
        await stack.stop()
        for p in stack.people:
            await p.stop()
            await p.client.close()
        await hs.stop()

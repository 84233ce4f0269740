"""Fixtures for the federation tests: two real homeservers in a closed federation.

- ``federation`` (session): a municipal homeserver (``gemeente.localhost:PORT``) and a
  care provider's (``zorg.localhost:PORT``, the GP practice ``huisartsen``), both with
  the busbaan gate, TLS from a local CA, ``federation_domain_whitelist`` of the two
  (plus ``vals.localhost:PORT``, where ``wrong_cert_server`` shows a certificate of
  another CA). Started once, only when a federation test runs.
- ``fed_service`` (session): the busbaan service with the casus bot on the municipal
  server; both gates and the service share one store (directory, audit log).
- ``fed_person``: ``await fed_person("huisartsen", "poh-ggz")`` → a syncing Person on
  the server that hosts that organisation, in the directory.

The suite runs with encryption off (plain clients). ``start_closed_federation``,
``fed_service_config`` and ``new_fed_person`` are what these fixtures are made of;
tests/e2e/test_federated_encrypted.py starts its own pair of homeservers with them,
with encryption ON (only one ``@casus`` may be logged in on a municipal server).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import nio
import pytest
from sqlalchemy.engine import Engine

from busbaan.clock import OffsetClock
from busbaan.consent import Professional
from busbaan.devstack import new_password
from busbaan.devstack.federation import (
    Federation,
    FederationPlan,
    ServerPlan,
    start_federation,
)
from busbaan.devstack.people import Person
from busbaan.devstack.synapse import free_port
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[2]

FedPerson = Callable[..., Awaitable[Person]]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the two homeservers with ``federation``."""
    for item in items:
        if "federation" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.federation)
            item.add_marker(pytest.mark.synapse)


@pytest.fixture(scope="session")
def fed_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The store shared by both gates and the service (SQLite)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fedstore') / 'busbaan.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def wrong_cert_port() -> int:
    """The federation port of ``vals.localhost``: allowed, but with a foreign certificate."""
    return free_port()


async def start_closed_federation(base: Path, store: str, *,
                                  also_allowed: tuple[str, ...] = ()) -> Federation:
    """A municipal and a care provider's homeserver with the gate (see module); the
    encrypted suite (tests/e2e) starts its own pair with this."""
    from busbaan.cli.dev import gate_module

    plan = FederationPlan(
        servers=(ServerPlan("gemeente", "gemeente.localhost"),
                 ServerPlan("zorg", "zorg.localhost", organisations=("huisartsen",))),
        also_allowed=also_allowed,
    )

    def modules(server: ServerPlan, municipal: str) -> list[dict[str, Any]]:
        return [gate_module(ROOT / "policies", store, f"@casus:{municipal}")]

    return await start_federation(base, plan, modules, profile="test")


@pytest.fixture(scope="session")
async def federation(tmp_path_factory: pytest.TempPathFactory, fed_store: str,
                     wrong_cert_port: int) -> AsyncIterator[Federation]:
    """Two homeservers with the gate in a closed federation over TLS (see module)."""
    fed = await start_closed_federation(
        tmp_path_factory.mktemp("federation"), fed_store,
        also_allowed=(f"vals.localhost:{wrong_cert_port}",))
    try:
        yield fed
    finally:
        await fed.stop()


@pytest.fixture(scope="session")
def fed_clock() -> OffsetClock:
    return OffsetClock()


async def fed_service_config(federation: Federation, store: str, state_dir: Path, *,
                             encryption: bool) -> ServiceConfig:
    """The service's config with the casus bot (registered now) on the municipal
    server; ``encryption`` ON is the production default (issue 11)."""
    hs = federation.municipal
    password = new_password()
    creds = await hs.register("casus", password, lift_ratelimit=True)
    return ServiceConfig(
        encryption=encryption,
        homeserver=hs.url,
        bots={"casus": BotAccount("casus", hs.url, creds.user_id, password=password)},
        policy_dir=ROOT / "policies",
        database_url=store,
        state_dir=state_dir,
        reconcile_seconds=0.5,
        web_port=-1,
        audit_key_init=True,  # tests create the signing key explicitly (issue 9)
        # as `busbaan dev-federated`: the case panel checks each server's users there
        extra={"panel_homeservers": {s.server_name: s.url
                                     for s in federation.homeservers.values()}},
    )


@pytest.fixture(scope="session")
async def fed_service(federation: Federation, fed_store: str, fed_clock: OffsetClock,
                      tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    """The busbaan service with the casus bot on the municipal homeserver."""
    config = await fed_service_config(federation, fed_store,
                                      tmp_path_factory.mktemp("fedstate"),
                                      encryption=False)  # plain nio clients here
    svc = Service(config, clock=fed_clock)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()


@pytest.fixture
async def fed_person(federation: Federation, fed_service: Service,
                     fed_store: str) -> AsyncIterator[FedPerson]:
    """``await fed_person(org, role, server=None, directory=True)`` → a syncing Person
    on ``server`` (default: the one hosting ``org``), in the directory unless told."""
    people: list[Person] = []
    engine = make_engine(fed_store)

    async def make(organisation: str, role: str, *, server: str | None = None,
                   directory: bool = True) -> Person:
        person = await new_fed_person(federation, fed_service, engine, organisation, role,
                                      server=server, directory=directory)
        people.append(person)
        return person

    yield make
    for p in people:
        await p.stop()
        await p.client.close()
    engine.dispose()


async def new_fed_person(federation: Federation, service: Service, engine: Engine,
                         organisation: str, role: str, *, server: str | None = None,
                         directory: bool = True, store_dir: Path | None = None,
                         password: str | None = None) -> Person:
    """A syncing Person on ``server`` (default: the one hosting ``organisation``), in
    the directory unless told; with ``store_dir``, at an encrypting client whose crypto
    store lives there (else a plain one). The caller stops and closes it."""
    hs = federation[server] if server else federation.for_organisation(organisation)
    localpart = f"p-{organisation}-{secrets.token_hex(4)}"
    creds = await hs.register(localpart, password or new_password())
    if directory:
        DirectoryRepository(engine).upsert(
            [Professional(user_id=creds.user_id, organisation=organisation, role=role)],
            source="test", now=dt.datetime.now(dt.UTC))
        await service.casus.refresh_directory(force=True)
    encrypted = store_dir is not None
    store = store_dir / localpart if store_dir is not None else None
    if store is not None:
        store.mkdir(parents=True)
    client = nio.AsyncClient(hs.url, creds.user_id, device_id=creds.device_id,
                             store_path=str(store) if store else "",
                             config=nio.AsyncClientConfig(encryption_enabled=encrypted,
                                                          store_sync_tokens=False))
    if encrypted:
        assert creds.device_id, creds
        client.restore_login(creds.user_id, creds.device_id, creds.access_token)
        assert client.olm is not None
    else:
        client.access_token = creds.access_token
        client.user_id = creds.user_id
    person = Person(creds.user_id, client)
    await person.start()
    return person

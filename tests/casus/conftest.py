"""Fixtures for case-room tests: the busbaan service (casus bot) on the test
homeserver, with the gate module enabled there, sharing one store."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from busbaan.clock import OffsetClock
from busbaan.consent import Professional
from busbaan.devstack import Homeserver, new_password
from busbaan.devstack.people import Person
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine
from busbaan.store.repositories import DirectoryRepository

ROOT = Path(__file__).resolve().parents[2]

MakePerson = Callable[..., Awaitable[Person]]


@pytest.fixture(scope="session")
def clock() -> OffsetClock:
    """The service's clock: real time plus an offset tests can move forward."""
    return OffsetClock()


@pytest.fixture(scope="session")
async def service(homeserver: Homeserver, busbaan_db_url: str, clock: OffsetClock,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Service]:
    """The busbaan service with the casus bot, logged in on the test homeserver."""
    password = new_password()
    creds = await homeserver.register("casus", password, lift_ratelimit=True)
    config = ServiceConfig(
        encryption=False,  # plain nio clients here; ON by default (issue 11)
        homeserver=homeserver.url,
        audit_key_init=True,  # tests create the signing key explicitly (issue 9)
        bots={"casus": BotAccount("casus", homeserver.url, creds.user_id, password=password)},
        policy_dir=ROOT / "policies",
        database_url=busbaan_db_url,
        state_dir=tmp_path_factory.mktemp("state"),
        reconcile_seconds=0.5,
        web_port=0,
    )
    svc = Service(config, clock=clock)
    await svc.start()
    try:
        yield svc
    finally:
        await svc.stop()


@pytest.fixture
async def make_person(homeserver: Homeserver, service: Service,
                      busbaan_db_url: str) -> AsyncIterator[MakePerson]:
    """``await make_person("buurtteam", "buurtteammedewerker")`` → a syncing Person in
    the directory (organisation None: a user busbaan does not know)."""
    import secrets

    import nio

    people: list[Person] = []
    engine = make_engine(busbaan_db_url)

    async def make(organisation: str | None, role: str | None = None) -> Person:
        localpart = f"p-{organisation or 'x'}-{secrets.token_hex(4)}"
        creds = await homeserver.register(localpart, new_password())
        if organisation is not None:
            assert role is not None
            DirectoryRepository(engine).upsert(
                [Professional(user_id=creds.user_id, organisation=organisation, role=role)],
                source="test", now=dt.datetime.now(dt.UTC))
            await service.casus.refresh_directory(force=True)
        client = nio.AsyncClient(homeserver.url, creds.user_id,
                                 config=nio.AsyncClientConfig(encryption_enabled=False,
                                                              store_sync_tokens=False))
        client.access_token = creds.access_token
        client.user_id = creds.user_id
        person = Person(creds.user_id, client)
        await person.start()
        people.append(person)
        return person

    yield make
    for p in people:
        await p.stop()
        await p.client.close()
    engine.dispose()

"""The test harness: one embedded Synapse per test session, and quick accounts on it.

- ``homeserver`` (session): a real Synapse on loopback (SQLite, test profile: no rate
  limits, cheap password hashing), with the modules of ``homeserver_modules``;
- ``make_user`` : ``await make_user()`` → ``(user_id, access_token)`` of a new user;
- ``nio_client``: ``await nio_client(user_id, access_token)`` → a logged-in nio
  ``AsyncClient``, closed after the test.

Every test that uses ``homeserver`` is marked ``synapse`` automatically, so
``pytest -m "not synapse"`` runs the rest without starting Synapse. The start-up time
is reported at the end of the run.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
import structlog
from nio import AsyncClient, AsyncClientConfig, WhoamiResponse

from busbaan.devstack import Homeserver, new_password, start_homeserver
from busbaan.store import migrate

if TYPE_CHECKING:
    from busbaan.routing import Router

MakeUser = Callable[..., Awaitable[tuple[str, str]]]
NioClient = Callable[[str, str], Awaitable[AsyncClient]]

_STARTUP = pytest.StashKey[float]()


@pytest.fixture(autouse=True)
def _structlog_as_it_was() -> Iterator[None]:
    """A CLI command run in process configures structlog for a terminal (`busbaan keys`
    and `busbaan audit` filter below WARNING); later tests that capture the log
    (`structlog.testing.capture_logs`) then saw nothing. Each test gets back the
    configuration it started with (found when the keys tests ran before the bot's)."""
    before = structlog.get_config()
    yield
    structlog.configure(**before)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the embedded Synapse with ``synapse``."""
    for item in items:
        if "homeserver" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.synapse)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Report how long the embedded Synapse took to start, when it was started."""
    seconds = config.stash.get(_STARTUP, None)
    if seconds is not None:
        terminalreporter.write_line(f"busbaan: embedded Synapse started in {seconds:.2f} s")


# -- databases: every store test runs on SQLite and on PostgreSQL -------------------

PG_ADDRESS = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432")


def _pg_admin_url(database: str = "postgres") -> str:
    host, _, port = PG_ADDRESS.partition(":")
    return f"postgresql+psycopg://postgres@{host}:{port or 5432}/{database}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    admin = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    name = f"busbaan_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ADDRESS} is not reachable ({type(exc.orig).__name__}); "
                    "set BUSBAAN_TEST_PG to run the PostgreSQL variants")
    try:
        yield _pg_admin_url(name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to the newest schema, once per session: ``db_url``
    gives each test a copy. Migrating costs little CPU but a commit (a sync to disk) per
    migration, about half a second per test on a busy machine (140 tests)."""
    path = tmp_path_factory.mktemp("sqlite-migrated") / "busbaan.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A migrated, empty database: a SQLite file (a copy of the session's migrated one,
    made with SQLite's backup API), or a fresh schema in PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "busbaan.db"
        source = sqlite3.connect(request.getfixturevalue("_sqlite_migrated"))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        yield f"sqlite:///{target}"
        return
    base = request.getfixturevalue("pg_database")
    schema = f"t_{secrets.token_hex(6)}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        migrate(url)
        yield url
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()



ROOT = Path(__file__).resolve().parents[1]
BOT_USER_ID = "@casus:localhost"
#: The wegwijzer bot of the test harness (tests/wegwijzer registers it): it may read a
#: person's chosen language from the gate (session 20).
WEGWIJZER_USER_ID = "@wegwijzer:localhost"


@pytest.fixture(scope="session")
def demo_router() -> Router:
    """The router the wegwijzer bot builds in `make dev` (shipped map, shipped examples),
    built once for the session (tests/routing, tests/wegwijzer, tests/hostile): after
    building, a router's state is only memoised, so tests can share it."""
    from busbaan.routing import Router, demo_map_path, load_map

    return Router(load_map(demo_map_path()))


@pytest.fixture(scope="session")
def busbaan_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The store shared by the busbaan service and the gate in Synapse (SQLite)."""
    from busbaan.store import migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'busbaan.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def homeserver_modules(busbaan_db_url: str) -> list[dict[str, Any]]:
    """Synapse's ``modules:`` list for the test homeserver: the busbaan gate.

    The homeserver is started once per session with whichever value the first test
    that needs it sees, so override this here, at the root, not in a sub-conftest.
    """
    from busbaan.cli.dev import gate_module

    return [gate_module(ROOT / "policies", busbaan_db_url, BOT_USER_ID,
                        language_readers=(WEGWIJZER_USER_ID,))]


@pytest.fixture(scope="session")
async def homeserver(
    tmp_path_factory: pytest.TempPathFactory,
    homeserver_modules: list[dict[str, Any]],
    pytestconfig: pytest.Config,
) -> AsyncIterator[Homeserver]:
    """A running embedded Synapse for the whole session, stopped at the end."""
    hs = await start_homeserver(
        tmp_path_factory.mktemp("busbaan"), homeserver_modules, profile="test"
    )
    if hs.startup_seconds is not None:
        pytestconfig.stash[_STARTUP] = hs.startup_seconds
    try:
        yield hs
    finally:
        await hs.stop()


@pytest.fixture(scope="session")
def _user_passwords() -> dict[str, str]:
    """Passwords of the users ``make_user`` created this session, by localpart."""
    return {}


@pytest.fixture
def make_user(homeserver: Homeserver, _user_passwords: dict[str, str]) -> MakeUser:
    """A factory: ``await make_user(localpart=None)`` → ``(user_id, access_token)``.

    Without a localpart the user is new and unique. With one, a second call for the
    same localpart logs the same user in again (a new device and token).
    """

    async def make(localpart: str | None = None) -> tuple[str, str]:
        localpart = localpart or f"t-{secrets.token_hex(5)}"
        password = _user_passwords.setdefault(localpart, new_password())
        credentials = await homeserver.register(localpart, password)
        assert credentials.access_token is not None
        return credentials.user_id, credentials.access_token

    return make


@pytest.fixture
async def nio_client(homeserver: Homeserver) -> AsyncIterator[NioClient]:
    """A factory: ``await nio_client(user_id, access_token)`` → a logged-in AsyncClient."""
    clients: list[AsyncClient] = []

    async def connect(user_id: str, access_token: str) -> AsyncClient:
        client = AsyncClient(
            homeserver.url,
            user_id,
            config=AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False),
        )
        clients.append(client)
        client.access_token = access_token
        client.user_id = user_id
        whoami = await client.whoami()
        assert isinstance(whoami, WhoamiResponse), whoami
        assert whoami.user_id == user_id
        client.device_id = whoami.device_id
        return client

    yield connect
    for client in clients:
        await client.close()


@pytest.fixture
def store_at_revision(request: pytest.FixtureRequest,
                      tmp_path: Path) -> Callable[[str, str], str]:
    """Make an empty store migrated up to a revision, on "sqlite" or "postgresql" (a
    fresh schema, dropped after the test): for tests of one migration on rows written
    before it. One set-up for every such test (three copies before)."""

    def make(backend: str, revision: str) -> str:
        from alembic import command

        from busbaan.store.db import alembic_config

        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'busbaan.db'}"
            command.upgrade(alembic_config(url), revision)
            return url
        base = request.getfixturevalue("pg_database")
        schema = f"t_{secrets.token_hex(6)}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")

        def drop() -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
            admin.dispose()

        request.addfinalizer(drop)
        url = f"{base}?options=-csearch_path%3D{schema}"
        command.upgrade(alembic_config(url), revision)
        return url

    return make

"""Fixtures for the handover core's tests: the shipped policy, a small directory,
a case led by a buurtteam professional, and (for the store) migrated databases."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from busbaan.consent import Access, CaseScope, Grant, Professional
from busbaan.directory import Directory
from busbaan.handover import HandoverRules, Lead
from busbaan.policy import Policy, load_policy
from busbaan.store import migrate

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
# A Monday morning in Amsterdam (09:30 local, CEST).
NOW = dt.datetime(2025, 6, 2, 7, 30, tzinfo=dt.UTC)
BOT = "@casus:x"
REGIE = "@regie:buurtteam.x"  # buurtteam, lead
COLLEGA = "@collega:buurtteam.x"  # buurtteam
SH = "@sh:schuldhulp.x"  # schuldhulp, covered by a grant
SH_LEAD = "@shlead:schuldhulp.x"  # schuldhulp teamleider (may break glass)
WMO = "@wmo:wmo.x"  # wmo, not in scope
GGD_ARTS = "@arts:ggd.x"  # may break glass
STRANGER = "@nobody:elsewhere.x"  # not in the directory

PEOPLE = (
    Professional(REGIE, "buurtteam", "buurtteammedewerker"),
    Professional(COLLEGA, "buurtteam", "buurtteammedewerker"),
    Professional(SH, "schuldhulp", "schuldhulpverlener"),
    Professional(SH_LEAD, "schuldhulp", "teamleider"),
    Professional(WMO, "wmo", "wmo-consulent"),
    Professional(GGD_ARTS, "ggd", "arts"),
)


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The policy shipped in ``policies/``."""
    return load_policy(POLICY_DIR)


@pytest.fixture(scope="session")
def directory(policy: Policy) -> Directory:
    return Directory.of(policy, PEOPLE)


@pytest.fixture(scope="session")
def rules(policy: Policy) -> HandoverRules:
    return HandoverRules.from_limits(policy.limits)


def schuldhulp_grant(until: dt.datetime = NOW + dt.timedelta(days=90)) -> Grant:
    return Grant("G-SH", "schuldhulp", ("contact", "schulden"), ("wgs",),
                 NOW - dt.timedelta(days=1), until, REGIE)


@pytest.fixture
def lead() -> Lead:
    return Lead("C-TEST0001", REGIE, "buurtteam", NOW - dt.timedelta(days=10))


@pytest.fixture
def scope() -> CaseScope:
    return CaseScope("C-TEST0001", "!room:x", "buurtteam", REGIE, grants=(schuldhulp_grant(),))


def with_access(scope: CaseScope, *accesses: Access) -> CaseScope:
    import dataclasses

    return dataclasses.replace(scope, accesses=(*scope.accesses, *accesses))


# -- databases ---------------------------------------------------------------------------

PG_ADDRESS = os.environ.get("BUSBAAN_TEST_PG", "127.0.0.1:5432")


def _pg_url(database: str = "postgres") -> str:
    host, _, port = PG_ADDRESS.partition(":")
    return f"postgresql+psycopg://postgres@{host}:{port or 5432}/{database}"


@pytest.fixture(scope="session")
def handover_pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for the handover store tests (dropped afterwards)."""
    admin = sa.create_engine(_pg_url(), isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    name = f"busbaan_handover_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ADDRESS} is not reachable ({type(exc.orig).__name__})")
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A migrated, empty store: a SQLite file, or a fresh schema in PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'busbaan.db'}"
        migrate(url)
        yield url
        return
    base = request.getfixturevalue("handover_pg_database")
    schema = f"h_{secrets.token_hex(6)}"
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

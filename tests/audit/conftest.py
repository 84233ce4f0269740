"""Database fixtures for the audit tests (to be lifted to ``tests/conftest.py``).

``db_url`` runs a test once on SQLite (a fresh file) and once on PostgreSQL. For
PostgreSQL the session creates one database ``busbaan_test_<random>`` on
``BUSBAAN_TEST_PG`` (default ``127.0.0.1:5432``, user ``postgres``) and drops it at the
end; each test gets its own schema in it, so tests stay independent. When the server
cannot be reached the PostgreSQL variants are skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog, Signer
from busbaan.store import make_engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database, disposed afterwards."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def signer() -> Signer:
    """A fresh checkpoint signing key."""
    return Signer.generate("test.busbaan.example/audit")


@pytest.fixture
def audit_log(engine: Engine, signer: Signer) -> AuditLog:
    """An empty audit log that signs with ``signer``."""
    return AuditLog(engine, signer)


T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def make_entry() -> Callable[..., AuditEntry]:
    """A factory for plausible entries; keyword arguments override fields."""

    def make(i: int = 0, **overrides: Any) -> AuditEntry:
        fields: dict[str, Any] = {
            "event_code": "workbench.viewed" if i % 3 else "case.created",
            "action": "R" if i % 3 else "C",
            "occurred_at": T0 + dt.timedelta(minutes=i),
            "outcome": "done",
            "source": "casus-bot",
            "user_id": f"@prof{i % 4}:buurtteam.busbaan.example",
            "user_role": "buurtteammedewerker",
            "organisation": "buurtteam",
            "case_id": f"case-{i % 5}",
            "data_categories": ("contact", "schulden"),
            "legal_bases": ("wgs",),
            "checks": {"authorised": "pass", "consent": "pass"},
            "details": {"room_id": f"!room{i % 5}:busbaan.example"},
        }
        fields.update(overrides)
        return AuditEntry(**fields)

    return make

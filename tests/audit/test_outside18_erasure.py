"""Erasure (AVG art. 17) as a privacy officer meets it (outside18): `busbaan audit erase`
says the case's details "are now unreadable", but the free-text reasons it shreds in the
audit log are still stored in clear elsewhere in the same store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from busbaan.audit.storage import AuditLog
from busbaan.cases import AuditMirror, CaseService
from busbaan.clock import FakeClock
from busbaan.consent import Professional
from busbaan.handover import close_case
from busbaan.policy import load_policy
from busbaan.store import make_engine
from busbaan.store.repositories import CaseRepository, DirectoryRepository, lead_of

POLICY = load_policy(Path(__file__).resolve().parents[2] / "policies")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
BOT = "@casus:localhost"
REGIE = "@regie:localhost"
NEEDLE = "ZQSLUITREDEN18"


def _closed_and_erased(db_url: str) -> sa.Engine:
    """A case closed with a reason, mirrored into the audit log, then erased."""
    engine = make_engine(db_url)
    DirectoryRepository(engine).upsert(
        [Professional(REGIE, "buurtteam", "buurtteammedewerker")], source="test", now=NOW)
    service = CaseService(engine, policy=POLICY, clock=FakeClock(NOW))
    row = service.open_case(regie=REGIE, organisation="buurtteam", label="huur")
    service.attach_room(row.case_id, "!room:localhost")
    case = CaseRepository(engine).get(row.case_id)
    assert case is not None
    outcome = close_case(lead_of(case), None, by=REGIE,
                         reason=f"hulpvraag afgerond {NEEDLE}", now=NOW)
    service.close(row.case_id, by=REGIE, records=lambda ended, cut: list(outcome.records))
    log = AuditLog(engine)
    AuditMirror(engine, log, bot_user_id=BOT).drain_once(batch=100)
    erased = log.erase_case(row.case_id, "fg:test", source="test")
    assert erased.entries_with_details >= 1  # the audit log held the reason, sealed
    return engine


def _cells_with_needle(engine: sa.Engine) -> list[str]:
    """Every table.column whose text holds the needle."""
    found = []
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, sa.String | sa.Text | sa.JSON | sa.LargeBinary):
                    continue
                for (value,) in conn.execute(sa.select(column)):
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) \
                        else str(value)
                    if NEEDLE in text:
                        found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


@pytest.mark.xfail(strict=True, reason=(
    "outside18: the outbox keeps each event's 'personal' (close and handover reasons) in "
    "clear after the audit mirror sealed it, and `audit erase` touches only "
    "audit_case_key; handover.reason likewise stays in clear. Erasure must also scrub "
    "the relayed outbox payloads and the handover reasons of the case."))
def test_erasure_leaves_no_reason_in_clear_anywhere_in_the_store(db_url: str) -> None:
    """After `erase`, no table of the store holds the close reason in clear."""
    engine = _closed_and_erased(db_url)
    assert _cells_with_needle(engine) == []

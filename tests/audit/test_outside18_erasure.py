"""Erasure (AVG art. 17) as a privacy officer meets it (outside18, fixed by erase18):
`busbaan audit erase` says the case's details "are now unreadable", so the free-text
reasons it shreds in the audit log must not stay in clear elsewhere in the store
(`outbox_event.payload` and `handover`), while nothing of another case changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from busbaan.audit import Signer
from busbaan.audit.storage import AuditLog, Erasure
from busbaan.cases import AuditMirror, CaseService
from busbaan.clock import FakeClock
from busbaan.consent import Professional
from busbaan.consent.decide import Decision
from busbaan.events import event_from_dict
from busbaan.handover import HandoverRules, close_case, decline, propose
from busbaan.policy import load_policy
from busbaan.store import make_engine
from busbaan.store.erasure import ERASED, scrub_case_free_text
from busbaan.store.repositories import CaseRepository, DirectoryRepository, lead_of
from tests.audit.test_cli import invoke, pin

POLICY = load_policy(Path(__file__).resolve().parents[2] / "policies")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
BOT = "@casus:localhost"
REGIE = "@regie:localhost"
COLLEGA = "@collega:localhost"
NEEDLE = "ZQSLUITREDEN18"  # in the erased case's reasons
OTHER = "ZQANDEREZAAK18"  # in the other case's reasons


def _case_with_reasons(engine: sa.Engine, service: CaseService, needle: str,
                       handover_id: str) -> str:
    """A case whose handover was declined and which was then closed, each with a reason
    holding ``needle``."""
    row = service.open_case(regie=REGIE, organisation="buurtteam", label="huur")
    service.attach_room(row.case_id, f"!room-{row.case_id}:localhost")
    cases = CaseRepository(engine)
    case = cases.get(row.case_id)
    assert case is not None
    proposed = propose(
        lead_of(case), None, proposer=REGIE, addressee_id=COLLEGA,
        addressee=Professional(COLLEGA, "buurtteam", "buurtteammedewerker"),
        reason=f"overdracht want verhuisd {needle}", admission=Decision(True, "ok", "", ""),
        now=NOW, rules=HandoverRules(), handover_id=handover_id)
    assert proposed.handover is not None
    service.propose_handover(proposed.handover, proposed.records, room_event_id=None)
    declined = decline(lead_of(case), proposed.handover, by=COLLEGA,
                       reason=f"geen ruimte in caseload {needle}", now=NOW)
    assert declined.handover is not None
    service.answer_handover(declined.handover, declined.records,
                            decline_reason=f"geen ruimte in caseload {needle}")
    case = cases.get(row.case_id)
    assert case is not None
    closed = close_case(lead_of(case), None, by=REGIE,
                        reason=f"hulpvraag afgerond {needle}", now=NOW)
    service.close(row.case_id, by=REGIE, records=lambda ended, cut: list(closed.records))
    return row.case_id


def _two_cases(db_url: str, signer: Signer | None = None
               ) -> tuple[sa.Engine, AuditLog, str, str]:
    """Two cases with reasons, mirrored into the audit log; nothing erased yet."""
    engine = make_engine(db_url)
    DirectoryRepository(engine).upsert(
        [Professional(REGIE, "buurtteam", "buurtteammedewerker"),
         Professional(COLLEGA, "buurtteam", "buurtteammedewerker")], source="test", now=NOW)
    service = CaseService(engine, policy=POLICY, clock=FakeClock(NOW))
    erased = _case_with_reasons(engine, service, NEEDLE, "H-1")
    other = _case_with_reasons(engine, service, OTHER, "H-2")
    log = AuditLog(engine, signer)
    AuditMirror(engine, log, bot_user_id=BOT).drain_once(batch=100)
    return engine, log, erased, other


def _erase(log: AuditLog, case_id: str) -> Erasure:
    erasure = log.erase_case(case_id, "fg:test", source="test", scrub=scrub_case_free_text)
    assert erasure.entries_with_details >= 3  # the audit log held the reasons, sealed
    return erasure


def _cells_with(engine: sa.Engine, needle: str) -> list[str]:
    """Every table.column whose text holds ``needle``."""
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
                    if needle in text:
                        found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


def _rows(engine: sa.Engine) -> dict[str, set[str]]:
    """Every row of every table, as text (to compare before and after)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {table.name: {repr(tuple(row)) for row in conn.execute(sa.select(table))}
                for table in meta.sorted_tables}


def test_erasure_leaves_no_reason_in_clear_anywhere_in_the_store(db_url: str) -> None:
    """After `erase`, no table of the store holds the case's reasons in clear, and the
    result says how many texts were overwritten where."""
    engine, log, erased, _other = _two_cases(db_url)
    assert _cells_with(engine, NEEDLE) == [  # where they were before (the audit log: sealed)
        "handover.decline_reason", "handover.reason", "outbox_event.payload"]
    erasure = _erase(log, erased)
    assert _cells_with(engine, NEEDLE) == []
    # proposed, declined, closed: three events with a reason; one handover, two texts
    # (and no command of the case waiting in the inbox: session 19, test_erase_inbox.py)
    assert erasure.scrubbed == {"outbox_event": 3, "handover": 2, "bot_command": 0}
    [entry] = [i.entry for i in log.query(case_id=erased, event_prefix="audit")]
    assert (entry.details["scrubbed_outbox_event"], entry.details["scrubbed_handover"]) \
        == ("3", "2")


def test_the_scrubbed_events_keep_their_structure(db_url: str) -> None:
    """Each scrubbed event keeps its fields and the keys of ``personal``, and still parses."""
    engine, log, erased, _other = _two_cases(db_url)
    before = CaseService(engine, policy=POLICY, clock=FakeClock(NOW)).outbox(erased)
    _erase(log, erased)
    after = CaseService(engine, policy=POLICY, clock=FakeClock(NOW)).outbox(erased)
    assert [e["code"] for e in after] == [e["code"] for e in before]
    for old, new in zip(before, after, strict=True):
        old_payload, new_payload = old["payload"], new["payload"]
        assert set(new_payload) == set(old_payload)
        assert set(new_payload["personal"]) == set(old_payload["personal"])
        assert all(v == ERASED for v in new_payload["personal"].values())
        assert {k: v for k, v in new_payload.items() if k != "personal"} \
            == {k: v for k, v in old_payload.items() if k != "personal"}
        event_from_dict(new_payload)


def test_erasure_changes_nothing_of_another_case(db_url: str) -> None:
    """Only the erased case's reasons, its key and the log's growth change; the other
    case's rows are the same and its sealed reasons still read."""
    engine, log, erased, other = _two_cases(db_url)
    before = _rows(engine)
    _erase(log, erased)
    after = _rows(engine)
    changed = {name: before[name] - after.get(name, set()) for name in before}
    changed = {name: rows for name, rows in changed.items() if rows}
    assert set(changed) <= {"outbox_event", "handover", "audit_case_key", "audit_head"}
    for name in ("outbox_event", "handover", "audit_case_key"):
        assert all(erased in row and other not in row for row in changed.get(name, ()))
    assert _cells_with(engine, OTHER) == [
        "handover.decline_reason", "handover.reason", "outbox_event.payload"]
    personal = [i.personal for i in log.query(case_id=other, with_personal=True)
                if i.personal]
    assert sum(OTHER in text for p in personal for text in p.values()) == 3


def test_the_chain_still_verifies_after_erasure(db_url: str, signer: Signer) -> None:
    """`audit verify` passes after the erasure, against a checkpoint from before it."""
    _engine, log, erased, _other = _two_cases(db_url, signer)
    log.checkpoint()
    _erase(log, erased)
    assert log.verify().ok
    log.checkpoint()
    assert log.verify().ok


def test_the_cli_says_what_it_overwrote_and_verify_passes(db_url: str, tmp_path: Path) -> None:
    """`busbaan audit erase` prints the counts (no text) and `audit verify` exits 0."""
    engine, _log, erased, _other = _two_cases(db_url)
    key = tmp_path / "audit.key"
    vkey = pin(db_url, key)
    assert invoke(db_url, key, "checkpoint").exit_code == 0
    result = invoke(db_url, key, "erase", erased, "--yes", "--by", "@fg:fg.example")
    assert result.exit_code == 0, result.output
    assert "Vrije tekst overschreven: 3 gebeurtenis(sen) in de outbox, 2 reden(en) van " \
        "overdrachten." in result.stdout
    assert NEEDLE not in result.output
    assert _cells_with(engine, NEEDLE) == []
    verified = invoke(db_url, key, "verify", "--vkey", vkey)
    assert verified.exit_code == 0, verified.output

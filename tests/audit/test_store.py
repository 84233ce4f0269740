"""The audit log in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditIntegrityError, AuditLog, Signer
from busbaan.audit import storage as storage_module
from busbaan.audit.checkpoint import open_note, parse_checkpoint
from busbaan.audit.merkle import EMPTY_ROOT, verify_consistency, verify_inclusion
from busbaan.errors import NotFound
from tests.audit import rfc6962 as ref
from tests.audit.tampering import drop_guards

MakeEntry = Callable[..., AuditEntry]
T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # as in conftest.make_entry


def _fill(log: AuditLog, make_entry: MakeEntry, n: int, start: int = 0) -> list[int]:
    return log.append_many([make_entry(i) for i in range(start, start + n)])


def test_appends_get_consecutive_indexes(audit_log: AuditLog, make_entry: MakeEntry) -> None:
    """append and append_many hand out 0, 1, 2, ... in order, and size() follows."""
    assert audit_log.size() == 0
    assert audit_log.root() == EMPTY_ROOT
    assert audit_log.append(make_entry(0)) == 0
    assert audit_log.append_many([make_entry(1), (make_entry(2), None)]) == [1, 2]
    assert audit_log.append_many([]) == []
    assert audit_log.size() == 3


def test_entries_read_back_equal_what_was_written(
    audit_log: AuditLog, make_entry: MakeEntry
) -> None:
    """entries() gives back the same entries with their indexes and leaf hashes."""
    written = [make_entry(i) for i in range(10)]
    audit_log.append_many(written)
    read = list(audit_log.entries(2, 7))
    assert [r.index for r in read] == [2, 3, 4, 5, 6]
    assert [r.entry for r in read] == written[2:7]
    assert all(len(r.leaf_hash) == 32 for r in read)


def test_reading_streams_in_chunks(
    audit_log: AuditLog, make_entry: MakeEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read larger than one chunk comes back complete and in order."""
    monkeypatch.setattr(storage_module, "_CHUNK", 7)
    _fill(audit_log, make_entry, 40)
    assert [r.index for r in audit_log.entries()] == list(range(40))
    assert [r.index for r in audit_log.query(case_id="case-1")] == list(range(1, 40, 5))


def test_query_filters(audit_log: AuditLog, make_entry: MakeEntry) -> None:
    """Filters by case, user (acting, on behalf, acted upon), organisation, period,
    event prefix and outcome select exactly the matching entries; count() agrees."""
    audit_log.append_many([
        make_entry(0),
        make_entry(1, responsible_user="@lead:wmo.example", organisation="wmo"),
        make_entry(2, event_code="consent.granted", subject_user="@lead:wmo.example"),
        make_entry(3, event_code="consent.withdrawn", outcome="refused"),
        make_entry(4, event_code="consentx.other"),
    ])
    def idx(**f: object) -> list[int]:
        got = [r.index for r in audit_log.query(**f)]  # type: ignore[arg-type]
        assert audit_log.count(**f) == len(got)  # type: ignore[arg-type]
        return got

    assert idx(case_id="case-2") == [2]
    assert idx(user_id="@lead:wmo.example") == [1, 2]
    assert idx(user_id="@prof3:buurtteam.busbaan.example") == [3]
    assert idx(organisation="wmo") == [1]
    assert idx(since=T0 + dt.timedelta(minutes=1), until=T0 + dt.timedelta(minutes=3)) == [1, 2]
    assert idx(event_prefix="consent") == [2, 3]
    assert idx(event_prefix="consent.granted") == [2]
    assert idx(outcome="refused") == [3]
    assert idx(case_id="nope") == []


def test_inclusion_proofs_match_the_reference(
    audit_log: AuditLog, make_entry: MakeEntry
) -> None:
    """Inclusion proofs from the store equal the RFC reference over the stored leaf
    hashes, at the current size and at older sizes, and verify."""
    _fill(audit_log, make_entry, 300)
    hashes = [r.leaf_hash for r in audit_log.entries()]
    for size in (1, 2, 15, 16, 17, 255, 256, 257, 300):
        for index in {0, size // 2, size - 1}:
            proof = audit_log.inclusion_proof(index, size)
            assert list(proof.hashes) == ref.path(index, hashes[:size])
            assert proof.root == ref.mth(hashes[:size])
            assert proof.leaf_hash == hashes[index]
            assert verify_inclusion(hashes[index], index, size, proof.hashes, proof.root)
    assert audit_log.inclusion_proof(5).tree_size == 300


def test_consistency_proofs_match_the_reference(
    audit_log: AuditLog, make_entry: MakeEntry
) -> None:
    """Consistency proofs from the store equal the RFC reference and verify."""
    _fill(audit_log, make_entry, 270)
    hashes = [r.leaf_hash for r in audit_log.entries()]
    for old, new in ((0, 5), (1, 270), (16, 17), (100, 256), (257, 270), (270, 270)):
        proof = audit_log.consistency_proof(old, new)
        assert list(proof.hashes) == ref.proof(old, hashes[:new])
        assert proof.old_root == ref.mth(hashes[:old])
        assert verify_consistency(old, new, proof.old_root, proof.new_root, proof.hashes)
    assert audit_log.root_at(100) == ref.mth(hashes[:100])


def test_proofs_outside_the_log_are_refused(audit_log: AuditLog, make_entry: MakeEntry) -> None:
    """Proofs for an index or size beyond the log raise NotFound with a clear message."""
    _fill(audit_log, make_entry, 3)
    with pytest.raises(NotFound):
        audit_log.inclusion_proof(3)
    with pytest.raises(NotFound):
        audit_log.inclusion_proof(0, 4)
    with pytest.raises(NotFound):
        audit_log.consistency_proof(4, 3)


def test_checkpoints_are_signed_stored_and_not_repeated(
    audit_log: AuditLog, signer: Signer, make_entry: MakeEntry
) -> None:
    """checkpoint() signs origin, size and root; without new entries it returns the
    same note; after appends it signs a new one."""
    _fill(audit_log, make_entry, 20)
    note = audit_log.checkpoint()
    cp = parse_checkpoint(open_note(note, signer.verifier))
    assert (cp.origin, cp.size, cp.root_hash) == (signer.name, 20, audit_log.root())
    assert audit_log.checkpoint() == note
    _fill(audit_log, make_entry, 5, start=20)
    second = audit_log.checkpoint()
    assert parse_checkpoint(open_note(second, signer.verifier)).size == 25
    assert [s for s, _ in audit_log.checkpoints()] == [20, 25]
    assert audit_log.latest_checkpoint() == (25, second)


def test_an_empty_log_can_be_checkpointed(audit_log: AuditLog, signer: Signer) -> None:
    """The empty log's checkpoint has size 0 and the empty root, and verifies."""
    cp = parse_checkpoint(open_note(audit_log.checkpoint(), signer.verifier))
    assert (cp.size, cp.root_hash) == (0, EMPTY_ROOT)
    assert audit_log.verify().ok


def test_a_log_without_a_key_cannot_sign(engine: Engine) -> None:
    """checkpoint() without a signer raises a clear error."""
    with pytest.raises(Exception, match=r"signing key|ondertekensleutel"):
        AuditLog(engine).checkpoint()


def test_verify_passes_on_an_honest_log_and_reports_progress(
    audit_log: AuditLog, make_entry: MakeEntry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An untouched log with several checkpoints verifies; progress adds up to its size."""
    from busbaan.audit import verify as verify_module

    monkeypatch.setattr(verify_module, "_CHUNK", 64)
    for start in range(0, 300, 60):
        _fill(audit_log, make_entry, 60, start=start)
        audit_log.checkpoint()
    seen: list[int] = []
    report = audit_log.verify(progress=seen.append)
    assert report.ok, report.problems
    assert (report.first_bad_index, report.size, report.checkpoints) == (None, 300, 5)
    assert sum(seen) == 300


def test_the_database_refuses_to_change_or_delete_entries(
    audit_log: AuditLog, make_entry: MakeEntry, engine: Engine
) -> None:
    """UPDATE and DELETE on the append-only tables fail (a guard against mistakes)."""
    _fill(audit_log, make_entry, 20)
    audit_log.checkpoint()
    for sql in ("UPDATE audit_entry SET leaf_hash = leaf_hash WHERE idx = 0",
                "DELETE FROM audit_entry WHERE idx = 0",
                "DELETE FROM audit_node",
                "DELETE FROM audit_checkpoint"):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
            conn.exec_driver_sql(sql)
    assert audit_log.verify().ok


def test_checkpoint_refuses_to_sign_a_rewritten_past(
    audit_log: AuditLog, make_entry: MakeEntry, engine: Engine
) -> None:
    """After a checkpoint, a changed leaf hash before it makes checkpoint() refuse to
    sign: the log never signs two inconsistent checkpoints."""

    _fill(audit_log, make_entry, 10)
    audit_log.checkpoint()
    _fill(audit_log, make_entry, 3, start=10)
    drop_guards(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_entry SET leaf_hash = :h WHERE idx = 3"),
                     {"h": b"\x07" * 32})
    with pytest.raises(AuditIntegrityError):
        audit_log.checkpoint()
    assert [s for s, _ in audit_log.checkpoints()] == [10]

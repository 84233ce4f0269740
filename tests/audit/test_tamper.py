"""Tampering with the stored log, as someone with database access would: ``verify``
must notice each kind and name the first bad index (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog, Signer, VerifyReport
from busbaan.audit.checkpoint import Checkpoint
from tests.audit.tampering import drop_guards, leaf_of, run

MakeEntry = Callable[..., AuditEntry]


@pytest.fixture
def log40(audit_log: AuditLog, make_entry: MakeEntry, engine: Engine) -> AuditLog:
    """A log of 40 entries with checkpoints at 16 and 40, its guards dropped."""
    audit_log.append_many([make_entry(i) for i in range(16)])
    audit_log.checkpoint()
    audit_log.append_many([make_entry(i) for i in range(16, 40)])
    audit_log.checkpoint()
    assert audit_log.verify().ok
    drop_guards(engine)
    return audit_log


def kinds(report: VerifyReport) -> set[str]:
    return {p.kind for p in report.problems}


def test_a_modified_row_is_found_at_its_index(log40: AuditLog, engine: Engine) -> None:
    """Changing an entry's bytes (not its stored hash) fails at exactly that index."""
    leaf = leaf_of(engine, 23).replace(b'"outcome":"done"', b'"outcome":"failed"')
    run(engine, "UPDATE audit_entry SET leaf = :leaf WHERE idx = 23", leaf=leaf)
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 23
    assert "leaf_hash" in kinds(report)


def test_a_modified_row_with_a_recomputed_hash_breaks_the_signed_root(
    log40: AuditLog, engine: Engine
) -> None:
    """A consistent rewrite of entry 23 (leaf and hash) contradicts the signed
    checkpoint at 40; the first bad index is where signed trust ends (16)."""
    leaf = leaf_of(engine, 23).replace(b'"outcome":"done"', b'"outcome":"failed"')
    run(engine, "UPDATE audit_entry SET leaf = :leaf, leaf_hash = :h WHERE idx = 23",
        leaf=leaf, h=hashlib.sha256(b"\x00" + leaf).digest())
    if engine.dialect.name != "sqlite":
        run(engine, "UPDATE audit_entry SET outcome = 'failed' WHERE idx = 23")
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 16
    assert {"checkpoint_root", "node_cache"} <= kinds(report)


def test_a_deleted_row_is_found_at_its_index(log40: AuditLog, engine: Engine) -> None:
    """Deleting entry 9 fails at index 9."""
    run(engine, "DELETE FROM audit_entry WHERE idx = 9")
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 9
    assert "missing" in kinds(report)


def test_deleted_rows_at_the_end_are_found(log40: AuditLog, engine: Engine) -> None:
    """Deleting the last entries is caught by the head and the signed checkpoint."""
    run(engine, "DELETE FROM audit_entry WHERE idx >= 35")
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 35


def test_reordered_rows_are_found(log40: AuditLog, engine: Engine) -> None:
    """Swapping two entries (bytes and hashes) fails at the first of them."""
    with engine.connect() as conn:
        rows = {i: conn.execute(sa.text(
            "SELECT leaf, leaf_hash FROM audit_entry WHERE idx = :i"), {"i": i}).one()
            for i in (5, 12)}
    for here, there in ((5, 12), (12, 5)):
        run(engine, "UPDATE audit_entry SET leaf = :leaf, leaf_hash = :h WHERE idx = :i",
            leaf=bytes(rows[there][0]), h=bytes(rows[there][1]), i=here)
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 5
    assert "moved" in kinds(report)


def test_a_forged_checkpoint_is_found(
    log40: AuditLog, engine: Engine, signer: Signer
) -> None:
    """A checkpoint whose text was changed after signing fails its signature; the
    first bad index is the last checkpoint that still holds (16)."""
    with engine.connect() as conn:
        note = str(conn.execute(sa.text(
            "SELECT note FROM audit_checkpoint WHERE size = 40")).scalar_one())
    forged = note.replace("\n40\n", "\n41\n")
    run(engine, "UPDATE audit_checkpoint SET note = :n WHERE size = 40", n=forged)
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 16
    assert "checkpoint_signature" in kinds(report)


def test_a_checkpoint_signed_by_another_key_is_found(log40: AuditLog, engine: Engine) -> None:
    """A checkpoint added with a key the log does not trust is reported."""
    other = Signer.generate(log40.origin)
    note = Checkpoint(log40.origin, 30, log40.root_at(30)).sign(other)
    run(engine, "INSERT INTO audit_checkpoint (size, root_hash, note, created_at) "
                "VALUES (30, :r, :n, 'x')", r=log40.root_at(30), n=note)
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 16
    assert [p.checkpoint_size for p in report.problems] == [30]


def test_verifying_with_the_wrong_key_fails_from_index_0(
    log40: AuditLog, engine: Engine
) -> None:
    """Checking the checkpoints with a key that did not sign them fails from index 0."""
    wrong = AuditLog(engine, Signer.generate(log40.origin))
    report = wrong.verify()
    assert not report.ok
    assert report.first_bad_index == 0
    assert kinds(report) == {"checkpoint_signature"}


def test_checkpoints_held_elsewhere_catch_a_rewritten_history(
    log40: AuditLog, engine: Engine
) -> None:
    """When every stored checkpoint was deleted, a note kept elsewhere still exposes a
    consistent rewrite."""
    kept = dict(log40.checkpoints())[40]
    leaf = leaf_of(engine, 2).replace(b'"outcome":"done"', b'"outcome":"failed"')
    run(engine, "DELETE FROM audit_checkpoint")
    run(engine, "UPDATE audit_entry SET leaf = :leaf, leaf_hash = :h WHERE idx = 2",
        leaf=leaf, h=hashlib.sha256(b"\x00" + leaf).digest())
    if engine.dialect.name != "sqlite":
        run(engine, "UPDATE audit_entry SET outcome = 'failed' WHERE idx = 2")
    run(engine, "DELETE FROM audit_node")
    assert "checkpoint_root" not in kinds(log40.verify())
    report = log40.verify(trusted_notes=[kept])
    assert not report.ok
    assert report.first_bad_index == 0
    assert "checkpoint_root" in kinds(report)


def test_changed_sealed_details_are_found(
    audit_log: AuditLog, make_entry: MakeEntry, engine: Engine
) -> None:
    """Swapping the sealed personal details of an entry fails at that index."""
    audit_log.append_many([(make_entry(i), {"naam": f"persoon {i}"}) for i in range(6)])
    audit_log.checkpoint()
    drop_guards(engine)
    with engine.connect() as conn:
        blob = bytes(conn.execute(sa.text(
            "SELECT personal FROM audit_entry WHERE idx = 1")).scalar_one())
    run(engine, "UPDATE audit_entry SET personal = :p WHERE idx = 4", p=blob)
    report = audit_log.verify()
    assert report.first_bad_index == 4
    assert "personal" in kinds(report)


def test_a_changed_search_column_is_found(log40: AuditLog, engine: Engine) -> None:
    """Pointing an entry's case column elsewhere (to hide it from a citizen report) is
    found at that index; on SQLite that first takes rebuilding the table."""
    if engine.dialect.name == "sqlite":
        # The columns are generated from the leaf: replace the table by a plain copy.
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE audit_entry RENAME TO audit_entry_old")
            conn.exec_driver_sql("CREATE TABLE audit_entry AS SELECT * FROM audit_entry_old")
            conn.exec_driver_sql("DROP TABLE audit_entry_old")
        engine.dispose()  # pooled connections would still compile against the old schema
    run(engine, "UPDATE audit_entry SET case_id = 'elsewhere' WHERE idx = 31")
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 31
    assert "column" in kinds(report)
    if engine.dialect.name == "sqlite":
        assert "schema" in kinds(report)


def test_a_tampered_subtree_cache_is_found(log40: AuditLog, engine: Engine) -> None:
    """A changed cached subtree hash is found (its first leaf is named)."""
    run(engine, "UPDATE audit_node SET hash = :h WHERE level = 4 AND idx = 1", h=b"\x09" * 32)
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 16
    assert "node_cache" in kinds(report)


def test_a_tampered_head_is_found(log40: AuditLog, engine: Engine) -> None:
    """A head whose size no longer matches the rows is found."""
    run(engine, "UPDATE audit_head SET size = 30")
    report = log40.verify()
    assert not report.ok
    assert report.first_bad_index == 30


def test_worker_processes_find_the_same_problems(
    log40: AuditLog, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checking chunks in worker processes gives the same report as in-process."""
    from busbaan.audit import verify as verify_module

    monkeypatch.setattr(verify_module, "_CHUNK", 8)
    assert log40.verify(workers=2).ok
    leaf = leaf_of(engine, 23).replace(b'"outcome":"done"', b'"outcome":"failed"')
    run(engine, "UPDATE audit_entry SET leaf = :leaf WHERE idx = 23", leaf=leaf)
    run(engine, "DELETE FROM audit_entry WHERE idx = 30")
    inline, parallel = log40.verify(workers=0), log40.verify(workers=2)
    assert parallel == inline
    assert parallel.first_bad_index == 23

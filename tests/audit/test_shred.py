"""Erasure by crypto-shredding (AVG art. 17) without breaking the chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.audit import AuditEntry, AuditLog
from busbaan.audit.reports import citizen_report, render_citizen
from busbaan.audit.shred import SealError, new_case_key, seal, unseal
from busbaan.errors import NotFound

MakeEntry = Callable[..., AuditEntry]


def _report_text(log: AuditLog, case_id: str) -> str:
    report = citizen_report(case_id, log.query(case_id=case_id, with_personal=True))
    return "\n".join(render_citizen(report))


def test_details_show_before_erasure_and_are_unreadable_after(
    audit_log: AuditLog, make_entry: MakeEntry
) -> None:
    """The citizen report shows the sealed details; after erasure it shows they were
    erased, the erasure is itself logged, and the log still verifies."""
    audit_log.append_many([
        (make_entry(0, case_id="case-a"), {"naam": "Jan Jansen", "adres": "Dorpsstraat 1"}),
        (make_entry(1, case_id="case-b"), {"naam": "Piet Pieters"}),
        make_entry(2, case_id="case-a"),
    ])
    audit_log.checkpoint()
    before = _report_text(audit_log, "case-a")
    assert "Jan Jansen" in before and "Dorpsstraat 1" in before

    erasure = audit_log.erase_case("case-a", by="@fg:fg.busbaan.example", scrub=None)
    assert (erasure.keys_destroyed, erasure.entries_with_details, erasure.index) == (1, 1, 3)

    after = _report_text(audit_log, "case-a")
    assert "Jan Jansen" not in after
    assert "gewist op verzoek" in after
    [first] = [i for i in audit_log.query(case_id="case-a", with_personal=True) if i.index == 0]
    assert (first.personal_status, first.personal) == ("erased", None)
    logged = list(audit_log.query(case_id="case-a", event_prefix="audit"))
    assert [(i.entry.event_code, i.entry.user_id, i.entry.action) for i in logged] == [
        ("audit.details_erased", "@fg:fg.busbaan.example", "D")]
    # Another case is untouched, and the chain still verifies against the old checkpoint.
    assert "Piet Pieters" in _report_text(audit_log, "case-b")
    assert audit_log.verify().ok
    audit_log.checkpoint()
    assert audit_log.verify().ok


def test_the_key_is_gone_from_the_database(
    audit_log: AuditLog, make_entry: MakeEntry, engine: Engine, db_url: str
) -> None:
    """After erasure the key column is empty; on SQLite the key's bytes are not left in
    the database file or its write-ahead log."""
    audit_log.append(make_entry(0, case_id="case-a"), {"naam": "Jan Jansen"})
    with engine.connect() as conn:
        secret = bytes(conn.execute(sa.text(
            "SELECT secret FROM audit_case_key WHERE case_id = 'case-a'")).scalar_one())
    audit_log.erase_case("case-a", by="@fg:fg.busbaan.example", scrub=None)
    with engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT secret FROM audit_case_key WHERE case_id = 'case-a'")).scalar_one() is None
    if engine.dialect.name == "sqlite":
        engine.dispose()
        path = Path(db_url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                assert secret not in file.read_bytes()


def test_new_details_after_erasure_use_a_new_key(
    audit_log: AuditLog, make_entry: MakeEntry
) -> None:
    """Details logged after an erasure are readable; the erased ones stay unreadable."""
    audit_log.append(make_entry(0, case_id="case-a"), {"naam": "oud"})
    audit_log.erase_case("case-a", by="@fg:fg.busbaan.example", scrub=None)
    audit_log.append(make_entry(1, case_id="case-a"), {"naam": "nieuw"})
    states = {i.index: (i.personal_status, i.personal)
              for i in audit_log.query(case_id="case-a", with_personal=True)}
    assert states[0] == ("erased", None)
    assert states[2] == ("open", {"naam": "nieuw"})
    assert audit_log.verify().ok


def test_erasing_an_unknown_case_says_so(audit_log: AuditLog) -> None:
    """Erasing a case the log has never seen raises NotFound and logs nothing."""
    with pytest.raises(NotFound):
        audit_log.erase_case("nope", by="@fg:fg.busbaan.example", scrub=None)
    assert audit_log.size() == 0


def test_personal_details_need_a_case(audit_log: AuditLog, make_entry: MakeEntry) -> None:
    """Details without a case cannot be sealed for one, so they are refused."""
    with pytest.raises(ValueError):
        audit_log.append(make_entry(0, case_id=None), {"naam": "x"})


def test_sealed_details_are_bound_to_their_key_and_case() -> None:
    """A sealed blob opens only with its key and for its case."""
    key = new_case_key()
    blob = seal(key, 7, "case-a", {"naam": "Jan"})
    assert unseal(key, "case-a", blob) == {"naam": "Jan"}
    with pytest.raises(SealError):
        unseal(new_case_key(), "case-a", blob)
    with pytest.raises(SealError):
        unseal(key, "case-b", blob)
    assert b"Jan" not in blob

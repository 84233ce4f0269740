"""The exceptions report extended with what the log gained equals the report read
from the whole log (issue 12, session 4), on SQLite and PostgreSQL — and the extension
reads only the entries appended since."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from busbaan.audit import AuditEntry, AuditLog, LoggedEntry
from busbaan.web.workbench.filters import Filters
from busbaan.web.workbench.views import build_exceptions
from tests.web.conftest import seed_entries

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


def _more(n: int) -> list[tuple[AuditEntry, dict[str, str] | None]]:
    """``n`` later entries: ordinary views, refusals, failures, an emergency use."""
    out: list[tuple[AuditEntry, dict[str, str] | None]] = []
    for i in range(n):
        kind = i % 4
        out.append((AuditEntry(
            event_code=("workbench.viewed", "membership.join_refused", "mirror.failed",
                        "breakglass.used")[kind],
            action="R" if kind == 0 else "C", occurred_at=NOW + dt.timedelta(minutes=i),
            outcome=("done", "refused", "failed", "done")[kind], source="test",
            user_id=f"@p{i % 3}:localhost", organisation=("buurtteam", "humanitas")[i % 2],
            case_id="C-EXTRA" if i % 2 else None,
            reason_code="refused.no_grant" if kind == 1 else None), None))
    return out


def test_query_reads_only_the_indexes_asked_for(audit_log: AuditLog) -> None:
    audit_log.append_many(seed_entries(NOW))
    size = audit_log.size()
    everything = [i.index for i in audit_log.query()]
    assert everything == list(range(size))
    assert [i.index for i in audit_log.query(start=3, stop=7)] == [3, 4, 5, 6]
    assert [i.index for i in audit_log.query(start=size)] == []


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(organisation="humanitas"),
    Filters(case_id="C-EXTRA", since=NOW - dt.timedelta(days=10),
            since_day=(NOW - dt.timedelta(days=10)).date()),
], ids=["all", "organisation", "case-and-period"])
def test_an_extended_report_equals_a_full_one(audit_log: AuditLog, filters: Filters,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    audit_log.append_many(seed_entries(NOW))
    earlier = build_exceptions(audit_log, filters)
    kept, kept_json = earlier.copy(), earlier.to_json()
    first_size = audit_log.size()
    assert earlier.upto == first_size
    audit_log.append_many(_more(40))

    read: list[int] = []
    query = audit_log.query

    def counting(**kwargs: Any) -> Iterator[LoggedEntry]:
        for item in query(**kwargs):
            read.append(item.index)
            yield item

    monkeypatch.setattr(audit_log, "query", counting)
    extended = build_exceptions(audit_log, filters, earlier)
    monkeypatch.undo()
    full = build_exceptions(audit_log, filters)

    assert extended.to_json() == full.to_json()
    assert extended.per_week == full.per_week
    assert extended.upto == full.upto == audit_log.size()
    assert read and min(read) >= first_size  # only what was appended since
    # A copy taken before is untouched by the extension (the workbench hands out copies).
    assert kept.to_json() == kept_json and kept.upto == first_size
    assert full.summary.total > kept.summary.total  # the later exceptions are counted


def test_a_log_that_shrank_is_read_again_in_full(audit_log: AuditLog) -> None:
    """A report kept for a longer log (another database behind the same workbench, in
    tests) is not extended but made again."""
    audit_log.append_many(seed_entries(NOW))
    report = build_exceptions(audit_log, Filters())
    report.upto += 1000
    again = build_exceptions(audit_log, Filters(), report)
    assert again.to_json() == build_exceptions(audit_log, Filters()).to_json()

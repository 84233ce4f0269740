"""Audit log exports as text (pure): CSV and JSON Lines rows.

One definition for ``busbaan audit export`` and the workbench's downloads. JSON Lines
rows are :func:`busbaan.audit.reports.entry_row`; CSV has the columns below.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from busbaan.audit.entry import format_time
from busbaan.audit.reports import entry_row
from busbaan.audit.storage import LoggedEntry

__all__ = ["CSV_COLUMNS", "csv_rows", "jsonl_rows"]

#: The CSV columns, in order.
CSV_COLUMNS = (
    "index", "occurred_at", "event_code", "action", "outcome", "source", "user_id",
    "user_role", "responsible_user", "organisation", "case_id", "subject_user",
    "data_categories", "legal_bases", "grant_id", "checks", "reason_code", "details",
    "leaf_hash",
)


def _csv_values(item: LoggedEntry) -> list[str]:
    e = item.entry
    return [
        str(item.index), format_time(e.occurred_at), e.event_code, e.action, e.outcome,
        e.source, e.user_id or "", e.user_role or "", e.responsible_user or "",
        e.organisation or "", e.case_id or "", e.subject_user or "",
        ";".join(e.data_categories), ";".join(e.legal_bases), e.grant_id or "",
        ";".join(f"{k}={v}" for k, v in e.checks.items()), e.reason_code or "",
        ";".join(f"{k}={v}" for k, v in e.details.items()), item.leaf_hash.hex(),
    ]


def csv_rows(items: Iterable[LoggedEntry], *, header: bool) -> str:
    """CSV text for ``items`` (with the header line first when ``header``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(_csv_values(item))
    return buf.getvalue()


def jsonl_rows(items: Iterable[LoggedEntry]) -> str:
    """JSON Lines text for ``items``."""
    return "".join(json.dumps(entry_row(i), ensure_ascii=False, separators=(",", ":")) + "\n"
                   for i in items)

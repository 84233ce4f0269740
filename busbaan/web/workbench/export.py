"""Downloads: the filtered log as CSV or JSON Lines, streamed in chunks.

The rows come from :meth:`AuditLog.query` (which reads the store in chunks too) and
are turned into text a few hundred at a time in a worker thread; the response is
written chunk by chunk, so an export of millions of entries never sits in memory.
JSON Lines rows are :func:`busbaan.audit.reports.entry_row`, as ``busbaan audit
export`` writes them; CSV has the same columns as the CLI's export.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from busbaan.audit import LoggedEntry
from busbaan.audit.entry import format_time
from busbaan.audit.reports import entry_row

__all__ = ["CSV_COLUMNS", "ExportChunks", "csv_rows", "jsonl_rows"]

#: The columns of ``busbaan audit export --format csv``, in the same order.
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


def csv_rows(items: list[LoggedEntry], *, header: bool) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(_csv_values(item))
    return buf.getvalue()


def jsonl_rows(items: list[LoggedEntry]) -> str:
    return "".join(json.dumps(entry_row(i), ensure_ascii=False, separators=(",", ":")) + "\n"
                   for i in items)


class ExportChunks:
    """Pulls the next chunk of text from an entry iterator (call it from a thread)."""

    def __init__(self, items: Iterator[LoggedEntry], fmt: str, chunk: int = 500) -> None:
        self._items = items
        self.fmt = fmt
        self.chunk = chunk
        self.rows = 0
        self._header_done = False

    def next_chunk(self) -> bytes | None:
        """The next piece of the file, or None at the end."""
        batch: list[LoggedEntry] = []
        for item in self._items:
            batch.append(item)
            if len(batch) >= self.chunk:
                break
        if not batch and self._header_done:
            return None
        self.rows += len(batch)
        if self.fmt == "csv":
            text = csv_rows(batch, header=not self._header_done)
        else:
            text = jsonl_rows(batch)
        self._header_done = True
        return text.encode("utf-8")

"""Downloads: the filtered log as CSV or JSON Lines, streamed in chunks.

The rows come from :meth:`AuditLog.query` (which reads the store in chunks too) and
are turned into text a few hundred at a time in a worker thread; the response is
written chunk by chunk, so an export of millions of entries never sits in memory.
JSON Lines rows are :func:`busbaan.audit.reports.entry_row`, as ``busbaan audit
export`` writes them; CSV has the same columns as the CLI's export.
"""

from __future__ import annotations

from collections.abc import Iterator

from busbaan.audit import LoggedEntry
from busbaan.audit.export import CSV_COLUMNS, csv_rows, jsonl_rows

__all__ = ["CSV_COLUMNS", "ExportChunks", "csv_rows", "jsonl_rows"]


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

"""Records: every decision, grant, withdrawal, removal and policy load, as audit
entries (NEN 7513-shaped). Building an entry is pure; writing it goes to the audit
log in the store (``busbaan.audit``), which makes the records tamper-evident.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from busbaan.audit.entry import AuditEntry
from busbaan.consent.decide import Decision
from busbaan.log import get_logger

if TYPE_CHECKING:
    from busbaan.audit.storage import AuditLog

_log = get_logger("busbaan.records")

#: Action kind -> (event code, NEN 7513 action)
_ACTION_CODES: Mapping[str, tuple[str, str]] = {
    "invite": ("membership.invite", "C"),
    "join": ("membership.join", "C"),
    "knock": ("membership.knock", "C"),
    "stay": ("membership.check", "R"),
    "send_state": ("state.send", "U"),
}


def decision_entry(
    decision: Decision,
    *,
    action: str,
    actor: str,
    subject: str | None,
    case_id: str,
    source: str,
    now: dt.datetime,
    actor_role: str | None = None,
    organisation: str | None = None,
    details: Mapping[str, str] | None = None,
) -> AuditEntry:
    """The audit entry for one ``decide`` outcome (allowed or refused)."""
    event_code, nen_action = _ACTION_CODES[action]
    return AuditEntry(
        event_code=event_code if decision.allowed else f"{event_code}_refused",
        action=nen_action,
        occurred_at=now,
        outcome="allowed" if decision.allowed else "refused",
        source=source,
        user_id=actor,
        user_role=actor_role,
        organisation=organisation,
        case_id=case_id,
        subject_user=subject if subject != actor else None,
        data_categories=decision.categories,
        legal_bases=decision.legal_bases,
        grant_id=decision.grant_id,
        checks=dict(decision.checks),
        reason_code=decision.code,
        details=dict(details or {}),
    )


class AuditWriter:
    """Owns one :class:`AuditLog` per database URL for a process (thread-safe)."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._log: AuditLog | None = None
        self._lock = threading.Lock()
        #: Passed on to the log (see ``AuditLog.observers``).
        self.observers: list[Callable[[Sequence[AuditEntry]], None]] = []

    def log(self) -> AuditLog:
        with self._lock:
            if self._log is None:
                from busbaan.audit.storage import AuditLog
                from busbaan.store import make_engine

                self._log = AuditLog(make_engine(self._url))
                self._log.observers = self.observers
            return self._log

    def write(self, entries: Sequence[AuditEntry]) -> list[int]:
        """Append ``entries`` in one transaction; returns their indexes."""
        return self.log().append_many(list(entries)) if entries else []


class AuditBacklog:
    """The audit-failure policy for an asyncio writer that records what it already did
    outside the store (docs/architecture.md): a record that cannot be written is kept,
    in order, and written again with back-off — never dropped. ``overdue`` says that
    records have waited longer than ``deadline`` seconds: the owner then refuses new
    work that would need a record (fail closed). The owner runs :meth:`run` as a task."""

    def __init__(self, writer: AuditWriter, *, deadline: float = 60.0) -> None:
        import asyncio

        self._writer = writer
        self._pending: list[AuditEntry] = []
        self._oldest: float | None = None
        self._deadline = deadline
        self._wake = asyncio.Event()

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def overdue(self) -> bool:
        import time

        return self._oldest is not None and time.monotonic() - self._oldest > self._deadline

    async def record(self, entries: Sequence[AuditEntry]) -> None:
        """Write ``entries`` now; if that fails, keep them for :meth:`run` (logged)."""
        import asyncio
        import time

        if self._pending:  # keep the order: behind what is already waiting
            self._pending.extend(entries)
            self._wake.set()
            return
        try:
            await asyncio.to_thread(self.write, list(entries))
        except Exception:
            self._pending.extend(entries)
            if self._oldest is None:
                self._oldest = time.monotonic()
            _log.warning("audit.backlog", entries=len(self._pending))
            self._wake.set()

    def write(self, entries: Sequence[AuditEntry]) -> None:
        self._writer.write(entries)

    async def run(self) -> None:
        """Write what waits, with back-off, until it is written."""
        import asyncio
        import contextlib

        delay = 0.5
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 30.0)
            self._wake.clear()
            while self._pending:
                batch = list(self._pending)
                try:
                    await asyncio.to_thread(self.write, batch)
                except Exception:
                    _log.warning("audit.backlog", entries=len(self._pending), retry_in=delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                del self._pending[:len(batch)]
                delay = 0.5
            self._oldest = None

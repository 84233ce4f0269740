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

if TYPE_CHECKING:
    from busbaan.audit.storage import AuditLog

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

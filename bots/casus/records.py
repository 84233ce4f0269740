"""From the handover core's records to audit entries (the edge adds who the actor is)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from busbaan.audit.entry import AuditEntry
from busbaan.consent.decide import DirectoryLookup
from busbaan.handover.model import Record

SOURCE = "casus-bot"

AuditItem = tuple[AuditEntry, Mapping[str, str] | None]


def audit_items(records: Sequence[Record], *, bot_user_id: str, directory: DirectoryLookup,
                now: dt.datetime) -> list[AuditItem]:
    """Audit entries (with their case-encrypted free text, if any) for ``records``."""
    out: list[AuditItem] = []
    for r in records:
        actor = r.actor or bot_user_id
        who = directory(actor) if r.actor else None
        entry = AuditEntry(
            event_code=r.event_code, action=r.action, occurred_at=now, outcome="done",
            source=SOURCE, user_id=actor, user_role=who.role if who else None,
            organisation=who.organisation if who else None, case_id=r.case_id,
            subject_user=r.subject, reason_code=r.reason_code, checks=dict(r.checks),
            details=dict(r.details),
        )
        out.append((entry, dict(r.personal) if r.personal else None))
    return out

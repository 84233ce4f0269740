"""Erasure (AVG art. 17) outside the audit log: the case's free text in the store.

``busbaan audit erase`` crypto-shreds the case's sealed details in the audit log. The
same free text (a close or handover reason) also sits in clear in two places of the
store, and :func:`scrub_case_free_text` overwrites it there, in the erasure's own
transaction (the audit log calls it as a hook, so it never imports case tables):

- ``outbox_event.payload``: each value of the event's ``personal`` map. The map keeps
  its keys, so the event still parses; an event the audit mirror has not appended yet
  is appended with the marker instead of the text.
- ``handover.reason`` and ``handover.decline_reason``.

Every other column of the case stays as it is, and no other case is touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from busbaan.store.models import HandoverRow
from busbaan.store.service_tables import outbox_table

ERASED = "[gewist: AVG art. 17]"
"""What an erased free text reads afterwards (the same in every language)."""

_handover = HandoverRow.__table__  # type: ignore[attr-defined]


def scrub_case_free_text(conn: Connection, case_id: str) -> Mapping[str, int]:
    """Overwrite the case's free-text reasons in the store; how many per table.

    Runs inside the caller's transaction and commits nothing itself.
    """
    return {"outbox_event": _scrub_outbox(conn, case_id),
            "handover": _scrub_handovers(conn, case_id)}


def _scrub_outbox(conn: Connection, case_id: str) -> int:
    t = outbox_table
    scrubbed = 0
    rows = conn.execute(sa.select(t.c.seq, t.c.payload).where(t.c.case_id == case_id)).all()
    for seq, payload in rows:
        cleaned = _without_personal(payload)
        if cleaned is not None:
            conn.execute(t.update().where(t.c.seq == seq).values(payload=cleaned))
            scrubbed += 1
    return scrubbed


def _without_personal(payload: Any) -> dict[str, Any] | None:
    """The payload with every ``personal`` value replaced, or None if it holds none."""
    if not isinstance(payload, Mapping):
        return None
    personal = payload.get("personal")
    if not isinstance(personal, Mapping) or all(v == ERASED for v in personal.values()):
        return None
    return {**payload, "personal": {key: ERASED for key in personal}}


def _scrub_handovers(conn: Connection, case_id: str) -> int:
    t = _handover
    reasons = conn.execute(
        t.update().where(t.c.case_id == case_id, t.c.reason != ERASED).values(reason=ERASED)
    ).rowcount
    declines = conn.execute(
        t.update().where(t.c.case_id == case_id, t.c.decline_reason.is_not(None),
                         t.c.decline_reason != ERASED).values(decline_reason=ERASED)
    ).rowcount
    return int(reasons) + int(declines)

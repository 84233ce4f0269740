"""The privacy officer's investigation of the wegwijzer's records, with the key
(session 11, privacy13; ``busbaan keys investigate``).

Since session 11 nothing in the database alone ties a professional to the wegwijzer's
answers: answers, verdicts and lanes name people by per-object pseudonyms, and the audit
entries name those objects by keyed references (:mod:`busbaan.wegwijzer.audit_refs`).
With the pseudonym key an investigation can link them again, in both directions:

- :func:`entries_about`: from an answer, lane or verdict id to the audit entries about
  it (who acted on it, when): the reference under the key, compared with the entries;
  entries written before session 11 name it by id and are found by id;
- :func:`rows_of`: from a professional's Matrix ID to the answers they asked for, the
  verdicts they gave and the lanes they opened, answered or closed: their per-object
  pseudonym computed for every row (one HMAC each).

Both only under the key the rows and entries were made with: after a rotation, what was
written under the old key is found by id only (entries) or not at all (rows). The CLI
appends an ``audit.investigated`` entry for each investigation.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from busbaan.audit.storage import AuditLog, LoggedEntry
from busbaan.pseudonyms import Pseudonyms
from busbaan.store.wegwijzer_models import LaneRow, RouteAnswerRow, RouteFeedbackRow
from busbaan.wegwijzer.audit_refs import REF_KEYS, ref_kind

__all__ = ["PersonRows", "entries_about", "rows_of"]

#: The event codes whose entries name a wegwijzer object.
_PREFIXES = ("route", "lane")
#: How entries written before session 11 named the object, by kind.
_OLD_KEYS = {"answer": ("answer_id",), "lane": ("lane_id", "source_id"),
             "feedback": ("source_id",)}


def _names(logged: LoggedEntry, kind: str, object_id: str, ref: str, key: str) -> bool:
    details = logged.entry.details
    if details.get(REF_KEYS[kind]) == ref and details.get("pseudonym_key") == key:
        return True
    return any(details.get(name) == object_id for name in _OLD_KEYS[kind])


def entries_about(log: AuditLog, pseudonyms: Pseudonyms, object_id: str) -> list[LoggedEntry]:
    """The wegwijzer's audit entries about ``object_id`` (an ``A-``, ``L-`` or ``F-`` id),
    in log order; ValueError for another id."""
    kind = ref_kind(object_id)
    ref, key = pseudonyms.audit_ref(kind, object_id), pseudonyms.fingerprint()
    found: list[LoggedEntry] = []
    for prefix in _PREFIXES:
        found += [e for e in log.query(event_prefix=prefix)
                  if _names(e, kind, object_id, ref, key)]
    return sorted(found, key=lambda e: e.index)


@dataclass(frozen=True, slots=True)
class PersonRows:
    """What one professional did in the wegwijzer's tables (ids, oldest first)."""

    answers: tuple[str, ...]
    verdicts: tuple[str, ...]
    lanes_opened: tuple[str, ...]
    lanes_answered: tuple[str, ...]
    lanes_closed: tuple[str, ...]

    def count(self) -> int:
        return sum(len(ids) for ids in (self.answers, self.verdicts, self.lanes_opened,
                                        self.lanes_answered, self.lanes_closed))


def rows_of(engine: Engine, pseudonyms: Pseudonyms, user_id: str) -> PersonRows:
    """The answers ``user_id`` asked for, their verdicts, and the lanes they opened,
    answered first or closed, under ``pseudonyms``' key (see the module doc)."""
    answer = RouteAnswerRow.__table__  # type: ignore[attr-defined]
    feedback = RouteFeedbackRow.__table__  # type: ignore[attr-defined]
    lane = LaneRow.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        answers = conn.execute(sa.select(answer.c.answer_id, answer.c.asker)
                               .order_by(answer.c.created_at, answer.c.answer_id)).all()
        verdicts = conn.execute(sa.select(feedback.c.feedback_id, feedback.c.answer_id,
                                          feedback.c.by)
                                .order_by(feedback.c.created_at,
                                          feedback.c.feedback_id)).all()
        lanes = conn.execute(sa.select(lane.c.lane_id, lane.c.asker, lane.c.first_answer_by,
                                       lane.c.closed_by)
                             .order_by(lane.c.opened_at, lane.c.lane_id)).all()

    def asker(answer_id: str) -> str:
        return pseudonyms.asker(answer_id, user_id)

    def in_lane(lane_id: str) -> str:
        return pseudonyms.lane_person(lane_id, user_id)

    return PersonRows(
        answers=tuple(a for a, who in answers if who == asker(a)),
        verdicts=tuple(f for f, a, who in verdicts if who == asker(a)),
        lanes_opened=tuple(lid for lid, who, _, _ in lanes if who == in_lane(lid)),
        lanes_answered=tuple(lid for lid, _, who, _ in lanes if who == in_lane(lid)),
        lanes_closed=tuple(lid for lid, _, _, who in lanes if who == in_lane(lid)),
    )

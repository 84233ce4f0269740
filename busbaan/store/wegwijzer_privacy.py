"""Keeping Matrix IDs out of the wegwijzer's tables: the retention sweep and key rotation.

One reconciliation serves three callers (:mod:`busbaan.wegwijzer.retention` says what
the tables may hold):

- the bot, at start and on its reminder clock: rows written before migration 0070 still
  carry Matrix IDs (the migration has no key, see its docstring) and get the person
  pseudonym; a lane that no longer waits, or waited :data:`MATRIX_ID_DAYS` days, loses
  its ``asker_user_id``; an answer past its limit loses its room and event ids
  (:func:`~busbaan.wegwijzer.retention.keeps_answer_ids`, session 10);
- ``busbaan keys redact``: the same, now, without the bot;
- ``busbaan keys rotate``: the same under the *new* key, which also re-keys
  ``lane.asker`` of every lane that still holds its asker's Matrix ID, together with the
  audit entry in one transaction.

A lane's asker is its per-lane pseudonym (:meth:`~busbaan.pseudonyms.Pseudonyms.lane_person`,
session 11); the sweep also gives it to a waiting lane whose asker migration 0110 forgot.
Rows written before migration 0070 (Matrix IDs in the person columns) no longer exist
after 0110, which forgot those columns; their rename to the person pseudonym below stays
for a database migrated by hand past 0070 without the bot ever starting.

What is done is computed first (:func:`plan`, from the rows as read) and then applied
with each UPDATE guarded by the values it read; when a row changed in between (the bot
wrote meanwhile) nothing is applied and the plan is made again.

A running bot and a rotation (session 10, keys20): the sweep's transaction starts with
:func:`~busbaan.store.pseudonym_key.fence` under its key, like every write of the bot.
The rotation names the new key *first* in its transaction (the row's lock keeps fenced
writes out until it commits; on PostgreSQL the order key-then-lanes on both sides leaves
no deadlock), and only then plans, applies and counts for its audit entry: planned
before the lock, a lane a bot committed meanwhile kept its asker under the old key
(and with the bots busy, planning again outside never caught up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.audit.entry import AuditEntry
from busbaan.audit.storage import AuditLog
from busbaan.errors import Unavailable
from busbaan.pseudonyms import Pseudonyms
from busbaan.store.pseudonym_key import fence, record_key
from busbaan.store.wegwijzer_models import (
    LaneRow,
    RouteAnswerRow,
    RouteFeedbackRow,
    forgotten_refs,
)
from busbaan.wegwijzer.model import LaneRecord
from busbaan.wegwijzer.retention import MATRIX_ID_DAYS, keeps_answer_ids, keeps_asker_id

__all__ = ["MATRIX_ID_DAYS", "Plan", "WegwijzerPrivacy", "plan"]

_ATTEMPTS = 3
_BATCH = 500  # answers forgotten per UPDATE

_ANSWER = RouteAnswerRow.__table__  # type: ignore[attr-defined]
_LANE = LaneRow.__table__  # type: ignore[attr-defined]
_FEEDBACK = RouteFeedbackRow.__table__  # type: ignore[attr-defined]
#: An answer that still keeps where it was given (the predicate of its partial index)
_KEPT = _ANSWER.c.room_id != ""

#: Columns that hold a person: a value starting with "@" is a Matrix ID written before
#: migration 0070 (a pseudonym is 12 hex).
_PERSON_COLUMNS: tuple[tuple[sa.Table, str], ...] = (
    (_ANSWER, "asker"), (_FEEDBACK, "by"), (_LANE, "first_answer_by"), (_LANE, "closed_by"),
)


@dataclass(frozen=True, slots=True)
class _Rename:
    """``UPDATE table SET column = new WHERE column = old`` (expecting ``rows`` rows)."""

    table: sa.Table
    column: str
    old: str
    new: str
    rows: int


@dataclass(frozen=True, slots=True)
class _LaneAsker:
    """A lane's asker pseudonym and Matrix ID, from what was read to what they become."""

    lane_id: str
    old_asker: str
    old_user_id: str | None
    new_asker: str
    new_user_id: str | None


@dataclass(frozen=True, slots=True)
class _AnswerIds:
    """An answer past its limit: its room and event ids are forgotten
    (:func:`~busbaan.store.wegwijzer_models.forgotten_refs`)."""

    answer_id: str


@dataclass(frozen=True, slots=True)
class Plan:
    """What one sweep changes; counts only (no IDs) in :meth:`counts`."""

    renames: tuple[_Rename, ...] = ()
    lanes: tuple[_LaneAsker, ...] = field(default=())
    answers: tuple[_AnswerIds, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Rows pseudonymised (written before 0070), lane askers re-keyed, lane askers'
        Matrix IDs forgotten (``expired``) and answers whose room and event ids were
        forgotten (``answers_forgotten``) under the retention rule."""
        legacy = sum(r.rows for r in self.renames)
        legacy += sum(1 for c in self.lanes if c.old_asker.startswith("@"))
        rekeyed = sum(1 for c in self.lanes
                      if not c.old_asker.startswith("@") and c.old_asker != c.new_asker)
        expired = sum(1 for c in self.lanes
                      if c.old_user_id is not None and c.new_user_id is None)
        return {"pseudonymised": legacy, "rekeyed": rekeyed, "expired": expired,
                "answers_forgotten": len(self.answers)}

    def __bool__(self) -> bool:
        return bool(self.renames or self.lanes or self.answers)


def _aware(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _lane_record(row: Any) -> LaneRecord:
    def maybe(when: dt.datetime | None) -> dt.datetime | None:
        return None if when is None else _aware(when)

    return LaneRecord(
        lane_id=row.lane_id, room_id="", answer_id="", service_id="", organization_id="",
        team="", asker=row.asker, target_minutes=0, opened_at=_aware(row.opened_at),
        first_answer_at=maybe(row.first_answer_at), closed_at=maybe(row.closed_at),
        asker_user_id=row.asker_user_id)


def plan(conn: Connection, pseudonyms: Pseudonyms, now: dt.datetime, *,
         legacy: bool = True) -> Plan:
    """What the tables must change to hold, under ``pseudonyms``' key, only what
    :mod:`busbaan.wegwijzer.retention` allows. ``legacy`` also looks for Matrix IDs
    written before migration 0070 (a scan of the person columns; the bot does it at start,
    not on every tick)."""
    renames: list[_Rename] = []
    if legacy:
        for table, name in _PERSON_COLUMNS:
            column = table.c[name]
            rows = conn.execute(sa.select(column, sa.func.count())
                                .where(column.like("@%")).group_by(column)).all()
            renames += [_Rename(table, name, value, pseudonyms.person(value), int(n))
                        for value, n in rows]
    lane_rows = conn.execute(
        sa.select(_LANE.c.lane_id, _LANE.c.asker, _LANE.c.asker_user_id, _LANE.c.opened_at,
                  _LANE.c.first_answer_at, _LANE.c.closed_at)
        .where(_LANE.c.asker_user_id.is_not(None) | _LANE.c.asker.like("@%"))).all()
    lanes: list[_LaneAsker] = []
    for row in lane_rows:
        record = _lane_record(row)
        user_id = row.asker_user_id or (row.asker if row.asker.startswith("@") else None)
        assert user_id is not None
        change = _LaneAsker(row.lane_id, row.asker, row.asker_user_id,
                            pseudonyms.lane_person(row.lane_id, user_id),
                            user_id if keeps_asker_id(record, now) else None)
        if (change.new_asker, change.new_user_id) != (change.old_asker, change.old_user_id):
            lanes.append(change)
    return Plan(tuple(renames), tuple(lanes), _answers_past_limit(conn, now))


def _answers_past_limit(conn: Connection, now: dt.datetime) -> tuple[_AnswerIds, ...]:
    """Answers that still hold room and event ids but may not
    (:func:`~busbaan.wegwijzer.retention.keeps_answer_ids`): those older than the limit,
    with their lanes (which may keep them longer)."""
    cutoff = (now - dt.timedelta(days=MATRIX_ID_DAYS)).astimezone(dt.UTC)
    old = conn.execute(
        sa.select(_ANSWER.c.answer_id, _ANSWER.c.created_at)
        .where(_KEPT, _ANSWER.c.created_at <= cutoff)).all()
    if not old:
        return ()
    lanes: dict[str, list[LaneRecord]] = {}
    for row in conn.execute(
            sa.select(_LANE.c.lane_id, _LANE.c.answer_id, _LANE.c.asker,
                      _LANE.c.asker_user_id, _LANE.c.opened_at, _LANE.c.first_answer_at,
                      _LANE.c.closed_at)
            .where(_LANE.c.asker_user_id.is_not(None))).all():  # the only ones that keep
        lanes.setdefault(row.answer_id, []).append(_lane_record(row))
    return tuple(_AnswerIds(row.answer_id) for row in old
                 if not keeps_answer_ids(_aware(row.created_at), lanes.get(row.answer_id, ()),
                                         now))


class _Moved(Exception):
    """A row changed between the plan and its application: apply nothing, plan again."""


def apply(conn: Connection, todo: Plan) -> None:
    """Apply ``todo`` on ``conn`` (inside the caller's transaction); :class:`_Moved`
    when a row no longer holds what the plan read."""
    for r in todo.renames:
        column = r.table.c[r.column]
        done = conn.execute(sa.update(r.table).where(column == r.old)
                            .values({r.column: r.new})).rowcount
        if int(done or 0) != r.rows:
            raise _Moved
    for c in todo.lanes:
        user_id = (_LANE.c.asker_user_id.is_(None) if c.old_user_id is None
                   else _LANE.c.asker_user_id == c.old_user_id)
        done = conn.execute(sa.update(_LANE)
                            .where(_LANE.c.lane_id == c.lane_id, _LANE.c.asker == c.old_asker,
                                   user_id)
                            .values(asker=c.new_asker, asker_user_id=c.new_user_id,
                                    **({} if c.new_user_id else
                                       {"question_room_id": None}))).rowcount
        if int(done or 0) != 1:
            raise _Moved
    answer_ids = [a.answer_id for a in todo.answers]
    for start in range(0, len(answer_ids), _BATCH):  # one UPDATE per batch, not per row
        batch = answer_ids[start:start + _BATCH]
        done = conn.execute(sa.update(_ANSWER)
                            .where(_ANSWER.c.answer_id.in_(batch), _KEPT)
                            .values(forgotten_refs(_ANSWER.c.answer_id))).rowcount
        if int(done or 0) != len(batch):
            raise _Moved


def _busy() -> Unavailable:
    return Unavailable(
        "De wegwijzertabellen veranderden steeds tijdens het bijwerken; er is niets "
        "gewijzigd. Probeer het opnieuw (bij een sleutelwissel: met de wegwijzer gestopt).",
        "The wegwijzer's tables kept changing during the update; nothing was changed. Try "
        "again (for a key rotation: with the wegwijzer stopped).",
        errcode="BB_UNAVAILABLE")


class WegwijzerPrivacy:
    """The retention sweep and the re-keying of a key rotation (see the module doc)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def sweep(self, pseudonyms: Pseudonyms, now: dt.datetime, *,
              legacy: bool = True) -> dict[str, int]:
        """Pseudonymise and forget what the retention rule says, in one transaction;
        the counts (see :meth:`Plan.counts`)."""
        for _ in range(_ATTEMPTS):
            with self._engine.connect() as conn:
                todo = plan(conn, pseudonyms, now, legacy=legacy)
            if not todo:
                return todo.counts()
            try:
                with self._engine.begin() as conn:
                    fence(conn, pseudonyms.fingerprint())  # KeyMoved: a rotation won
                    apply(conn, todo)
            except _Moved:
                continue
            return todo.counts()
        raise _busy()

    def rekey(self, new: Pseudonyms, now: dt.datetime, audit: AuditLog,
              entry: Callable[[dict[str, int]], AuditEntry]) -> dict[str, int]:
        """The sweep under the ``new`` key (which re-keys every lane asker whose Matrix
        ID is still held), ``entry(counts)`` appended to ``audit`` and the new key named
        the current one (:mod:`busbaan.store.pseudonym_key`): all or nothing, in the
        audit log's transaction, planned after the key row is locked (module doc)."""
        counts: dict[str, int] = {}

        def rekeyed(conn: Connection) -> list[AuditEntry]:
            record_key(conn, new.fingerprint(), now, rotated=True)  # the lock first
            todo = plan(conn, new, now)  # under it: no fenced write of a bot can slip in
            apply(conn, todo)
            counts.update(todo.counts())
            return [entry(todo.counts())]

        for _ in range(_ATTEMPTS):
            try:
                audit.append_many(rekeyed)
            except _Moved:  # an unfenced write changed a planned row: all undone
                continue
            return counts
        raise _busy()

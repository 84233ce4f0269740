"""Repositories of the wegwijzer (issue 5): social maps, answers, lanes, feedback.

Sync SQLAlchemy, like :mod:`busbaan.store.repositories`; the bot calls them through
``asyncio.to_thread``. They return the frozen records of :mod:`busbaan.wegwijzer.model`.
Times go in and come out as aware UTC datetimes. People go in and come out as keyed
person pseudonyms (12 hex; :mod:`busbaan.wegwijzer.retention`): a Matrix ID where a
pseudonym belongs is refused with ValueError, so a caller that forgets to pseudonymise
fails loudly instead of storing the ID. The one Matrix ID kept is a waiting lane's
``asker_user_id``.

A write that stores a pseudonym takes ``key``, the fingerprint of the key it was made
under: its transaction starts with :func:`busbaan.store.pseudonym_key.fence`, so that a
key rotation cannot commit between the caller's key check and this write (KeyMoved:
nothing written; :meth:`busbaan.store.pseudonym_key.KeyGuard.write` writes again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import evidence_for
from busbaan.store.pseudonym_key import fence, sqlite_write_lock
from busbaan.store.repositories import new_id
from busbaan.store.wegwijzer_learned import replace_votes, source_terms
from busbaan.store.wegwijzer_models import LaneRow, RouteAnswerRow, RouteFeedbackRow, SocialMapRow
from busbaan.wegwijzer.feedback import FeedbackDecision, Rating, decide
from busbaan.wegwijzer.model import AnswerRecord, FeedbackRecord, LaneRecord, ResultRef, Verdict
from busbaan.wegwijzer.retention import FORGOTTEN_PERSON, coarse_day, is_pseudonym

#: Answers fetched at a time by :meth:`AnswerRepository.last_for`.
_PAGE = 200
#: Forgotten answers :meth:`AnswerRepository.forgotten_for` compares, newest first.
FORGOTTEN_SCAN = 2000


def _store(when: dt.datetime) -> dt.datetime:
    """UTC (sqlmodel's column type wants aware datetimes and stores them as UTC)."""
    return when.astimezone(dt.UTC)


def _load(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _maybe(when: dt.datetime | None) -> dt.datetime | None:
    return None if when is None else _load(when)


def _person(value: str) -> str:
    """``value`` when it is a person pseudonym; ValueError (never echoing it) otherwise.
    Which pseudonym (per answer, per lane) the callers decide
    (:mod:`busbaan.wegwijzer.retention`)."""
    if not is_pseudonym(value):
        raise ValueError("expected a person pseudonym (12 hex), not a Matrix ID")
    return value


# -- social maps -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredMap:
    """An imported social map; ``document`` is its canonical JSON text."""

    map_id: int
    sha256: str
    source: str
    services: int
    organizations: int
    imported_at: dt.datetime
    document: str


def _stored_map(row: SocialMapRow) -> StoredMap:
    assert row.map_id is not None
    return StoredMap(map_id=row.map_id, sha256=row.sha256, source=row.source,
                     services=row.services, organizations=row.organizations,
                     imported_at=_load(row.imported_at), document=row.document)


class SocialMapRepository:
    """Imported social maps; the newest import is the one in use."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, *, document: str, sha256: str, source: str, services: int,
            organizations: int, now: dt.datetime, by: str = "") -> tuple[StoredMap, bool]:
        """Store a checked map; ``(map, False)`` when it is already the map in use."""
        with Session(self._engine) as s, s.begin():
            newest = s.exec(select(SocialMapRow)
                            .order_by(col(SocialMapRow.map_id).desc()).limit(1)).first()
            if newest is not None and newest.sha256 == sha256:
                return _stored_map(newest), False
            row = SocialMapRow(sha256=sha256, source=source[:255], services=services,
                               organizations=organizations, document=document,
                               imported_at=_store(now), imported_by=by[:255])
            s.add(row)
            s.flush()
            return _stored_map(row), True

    def latest(self) -> StoredMap | None:
        with Session(self._engine) as s:
            row = s.exec(select(SocialMapRow)
                         .order_by(col(SocialMapRow.map_id).desc()).limit(1)).first()
            return _stored_map(row) if row is not None else None

    def count(self) -> int:
        with Session(self._engine) as s:
            return len(s.exec(select(SocialMapRow.map_id)).all())


# -- answers ---------------------------------------------------------------------------


def _answer(row: RouteAnswerRow) -> AnswerRecord:
    kept = row.room_id != ""  # else forgotten (the retention limit): forgotten_refs
    return AnswerRecord(
        answer_id=row.answer_id, room_id=row.room_id if kept else None,
        event_id=row.event_id if kept else None,
        question_event_id=row.question_event_id if kept else None, asker=row.asker,
        question_sha256=row.question_sha256, map_sha256=row.map_sha256,
        results=tuple(ResultRef(service_id=str(r["service_id"]),
                                organization_id=str(r["organization_id"]),
                                score=int(r["score"]),  # type: ignore[call-overload]
                                lane=str(r["lane"]) if r.get("lane") else None)
                      for r in row.results),
        confident=row.confident, created_at=_load(row.created_at),
    )


class AnswerRepository:
    """The answers the bot gave, to find the one a `!baan`, `!goed` or `!fout` is about."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @staticmethod
    def new_id() -> str:
        return new_id("A")

    def add(self, answer: AnswerRecord, *, key: str | None = None) -> None:
        """Store ``answer`` (its asker and question hash made under ``key``)."""
        _person(answer.asker)
        if answer.room_id is None or answer.event_id is None or \
                answer.question_event_id is None:
            raise ValueError("a new answer is stored with its room and events")
        with Session(self._engine) as s, s.begin():
            if key is not None:
                fence(s.connection(), key)
            s.add(RouteAnswerRow(
                answer_id=answer.answer_id, room_id=answer.room_id, event_id=answer.event_id,
                question_event_id=answer.question_event_id, asker=answer.asker,
                question_sha256=answer.question_sha256, map_sha256=answer.map_sha256,
                results=[r.to_json() for r in answer.results], confident=answer.confident,
                created_at=_store(answer.created_at)))

    def by_event(self, event_id: str) -> AnswerRecord | None:
        with Session(self._engine) as s:
            row = s.exec(select(RouteAnswerRow)
                         .where(col(RouteAnswerRow.event_id) == event_id)).first()
            return _answer(row) if row is not None else None

    def get(self, answer_id: str) -> AnswerRecord | None:
        with Session(self._engine) as s:
            row = s.get(RouteAnswerRow, answer_id)
            return _answer(row) if row is not None else None

    def unmatchable_since(self, since: dt.datetime, rotated_at: dt.datetime | None) -> bool:
        """Whether answers given since ``since`` that still keep where they were given
        name their asker so that nobody can be matched to them: given before the key
        was rotated at ``rotated_at``, or before the per-answer pseudonyms (migration
        0110 forgot their asker). Not per room: the answers' rooms are per answer under
        the key (:meth:`~busbaan.pseudonyms.Pseudonyms.answer_room`), so an old key's
        cannot be compared."""
        old = col(RouteAnswerRow.asker).startswith(FORGOTTEN_PERSON)
        if rotated_at is not None:
            old = or_(old, col(RouteAnswerRow.created_at) < _store(rotated_at))
        with Session(self._engine) as session:
            return session.exec(
                select(RouteAnswerRow.answer_id)
                .where(col(RouteAnswerRow.room_id) != "",
                       col(RouteAnswerRow.created_at) >= _store(since), old)
                .limit(1)).first() is not None

    def forgotten_for(self, asker_of: Callable[[str], str]) -> bool:
        """Whether the person whose per-answer pseudonym is ``asker_of(answer_id)``
        (:meth:`~busbaan.pseudonyms.Pseudonyms.asker`) has answers whose room and event
        ids are no longer kept (:func:`busbaan.wegwijzer.retention.keeps_answer_ids`).
        The newest :data:`FORGOTTEN_SCAN` such answers are looked at: the question is
        about answers that went past the limit lately."""
        with Session(self._engine) as session:
            rows = session.exec(
                select(RouteAnswerRow.answer_id, RouteAnswerRow.asker)
                .where(RouteAnswerRow.room_id == "")
                .order_by(col(RouteAnswerRow.created_at).desc())
                .limit(FORGOTTEN_SCAN)).all()
        return any(asker == asker_of(answer_id) for answer_id, asker in rows)

    def last_for(self, room_of: Callable[[str], str],
                 asker_of: Callable[[str], str]) -> AnswerRecord | None:
        """The newest answer given in the room whose per-answer value is
        ``room_of(answer_id)`` to the person whose is ``asker_of(answer_id)``
        (:meth:`~busbaan.pseudonyms.Pseudonyms.answer_room`, ``asker``; since session 11
        neither groups answers, so the answers that still keep where they were given are
        compared newest first). Answers past the retention limit no longer have a room."""
        with Session(self._engine) as s:
            rows = s.exec(select(RouteAnswerRow.answer_id, RouteAnswerRow.room_id,
                                 RouteAnswerRow.asker)
                          .where(col(RouteAnswerRow.room_id) != "")
                          .order_by(col(RouteAnswerRow.created_at).desc(),
                                    col(RouteAnswerRow.answer_id).desc())
                          .execution_options(yield_per=_PAGE))
            for answer_id, room, asker in rows:  # read from the cursor as compared
                if room == room_of(answer_id) and asker == asker_of(answer_id):
                    rows.close()
                    row = s.get(RouteAnswerRow, answer_id)
                    return _answer(row) if row is not None else None
            return None


# -- lanes -----------------------------------------------------------------------------


def _lane(row: LaneRow) -> LaneRecord:
    return LaneRecord(
        lane_id=row.lane_id, room_id=row.room_id, answer_id=row.answer_id,
        service_id=row.service_id, organization_id=row.organization_id, team=row.team,
        asker=row.asker, target_minutes=row.target_minutes, opened_at=_load(row.opened_at),
        intake_room_id=row.intake_room_id, first_answer_at=_maybe(row.first_answer_at),
        first_answer_by=row.first_answer_by, reminded_at=_maybe(row.reminded_at),
        closed_at=_maybe(row.closed_at), asker_user_id=row.asker_user_id,
        question_room_id=row.question_room_id,
    )


class LaneRepository:
    """Lanes and their clocks. Changes to a clock are single conditional UPDATEs, so a
    first answer or a reminder is recorded once, whoever comes first."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @staticmethod
    def new_id() -> str:
        return new_id("L")

    def add(self, lane: LaneRecord, question_sha256: str, *,
            key: str | None = None) -> LaneRecord | None:
        """Store a new lane; None when the answer already has a lane to that service.
        ``lane.asker`` is a pseudonym; ``lane.asker_user_id`` the Matrix ID the reminder
        names (cleared by :meth:`first_answer`, :meth:`close` and the retention sweep)."""
        _person(lane.asker)
        try:
            with Session(self._engine) as s, s.begin():
                if key is not None:
                    fence(s.connection(), key)
                s.add(LaneRow(
                    lane_id=lane.lane_id, room_id=lane.room_id, answer_id=lane.answer_id,
                    service_id=lane.service_id, organization_id=lane.organization_id,
                    team=lane.team, intake_room_id=lane.intake_room_id, asker=lane.asker,
                    asker_user_id=lane.asker_user_id,
                    question_room_id=lane.question_room_id if lane.asker_user_id else None,
                    question_sha256=question_sha256,
                    target_minutes=lane.target_minutes, opened_at=_store(lane.opened_at)))
        except IntegrityError:
            return None
        return lane

    def for_answer(self, answer_id: str, service_id: str) -> LaneRecord | None:
        with Session(self._engine) as s:
            row = s.exec(select(LaneRow).where(col(LaneRow.answer_id) == answer_id,
                                               col(LaneRow.service_id) == service_id)).first()
            return _lane(row) if row is not None else None

    def by_room(self, room_id: str) -> LaneRecord | None:
        with Session(self._engine) as s:
            row = s.exec(select(LaneRow).where(col(LaneRow.room_id) == room_id)).first()
            return _lane(row) if row is not None else None

    def get(self, lane_id: str) -> LaneRecord | None:
        with Session(self._engine) as s:
            row = s.get(LaneRow, lane_id)
            return _lane(row) if row is not None else None

    def all(self) -> list[LaneRecord]:
        with Session(self._engine) as s:
            return [_lane(r) for r in s.exec(select(LaneRow).order_by(col(LaneRow.opened_at)))]

    def waiting(self) -> list[LaneRecord]:
        """Lanes that are open and not yet answered by the team."""
        with Session(self._engine) as s:
            rows = s.exec(select(LaneRow).where(col(LaneRow.first_answer_at).is_(None),
                                                col(LaneRow.closed_at).is_(None)))
            return [_lane(r) for r in rows]

    def room_ids(self) -> set[str]:
        with Session(self._engine) as s:
            return set(s.exec(select(LaneRow.room_id)).all())

    def _set_once(self, lane_id: str, column: str, values: dict[str, object],
                  key: str | None = None) -> bool:
        with Session(self._engine) as s, s.begin():
            if key is not None:
                fence(s.connection(), key)
            result = s.exec(
                update(LaneRow)
                .where(col(LaneRow.lane_id) == lane_id,
                       getattr(LaneRow, column).is_(None))
                .values(**values))
            return bool(result.rowcount)

    def first_answer(self, lane_id: str, *, by: str, at: dt.datetime,
                     key: str | None = None) -> bool:
        """Record the team's first answer (``by``: a pseudonym) and forget the asker's
        Matrix ID (the lane no longer waits); False when one was recorded before."""
        return self._set_once(lane_id, "first_answer_at",
                              {"first_answer_at": _store(at), "first_answer_by": _person(by),
                               "asker_user_id": None, "question_room_id": None}, key)

    def reminded(self, lane_id: str, at: dt.datetime) -> bool:
        """Record that the team was reminded; False when it was before."""
        return self._set_once(lane_id, "reminded_at", {"reminded_at": _store(at)})

    def close(self, lane_id: str, *, by: str, at: dt.datetime,
              key: str | None = None) -> bool:
        """Close the lane (``by``: a pseudonym) and forget the asker's Matrix ID; False
        when it was closed before."""
        return self._set_once(lane_id, "closed_at", {"closed_at": _store(at),
                                                     "closed_by": _person(by),
                                                     "asker_user_id": None,
                                                     "question_room_id": None}, key)


# -- feedback --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rated:
    """What :meth:`FeedbackRepository.rate` did: the decision, the verdict stored now
    (None: none, the command was refused before any), and, when the verdict changed,
    the learned source and how many votes it now has; ``learned``: its votes changed
    (some were removed or stored)."""

    decision: FeedbackDecision
    stored: FeedbackRecord | None
    source: str | None = None
    votes: int = 0
    learned: bool = False


def _feedback(row: RouteFeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        feedback_id=row.feedback_id, answer_id=row.answer_id, by=row.by,
        verdict="good" if row.verdict == "good" else "wrong",
        expected_service_id=row.expected_service_id, question_sha256=row.question_sha256,
        map_sha256=row.map_sha256, answered_service_ids=tuple(row.answered_service_ids),
        created_at=_load(row.created_at),
    )


class FeedbackRepository:
    """Verdicts on answers: one per person and answer; a new verdict replaces the old."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @staticmethod
    def new_id() -> str:
        return new_id("F")

    def record(self, feedback: FeedbackRecord, *,
               key: str | None = None) -> tuple[FeedbackRecord, bool]:
        """Store ``feedback`` as given; ``(stored, replaced)`` where replaced says an
        earlier verdict of the same person on the same answer was overwritten.
        ``feedback.by`` is a pseudonym (:meth:`~busbaan.pseudonyms.Pseudonyms.asker` of
        the answer). The time is kept to the day
        (:func:`~busbaan.wegwijzer.retention.coarse_day`): an exact one joined the verdict
        to its audit entry. No decision and no learned votes: a person's
        ``!goed``/``!fout`` goes through :meth:`rate` (this is for tests and upgrades)."""
        _person(feedback.by)
        with Session(self._engine) as s, s.begin():
            if key is not None:
                fence(s.connection(), key)
            row = s.exec(select(RouteFeedbackRow)
                         .where(col(RouteFeedbackRow.answer_id) == feedback.answer_id,
                                col(RouteFeedbackRow.by) == feedback.by)).first()
            replaced = row is not None
            if row is None:
                row = RouteFeedbackRow(feedback_id=feedback.feedback_id,
                                       answer_id=feedback.answer_id, by=feedback.by,
                                       verdict=feedback.verdict,
                                       question_sha256=feedback.question_sha256,
                                       map_sha256=feedback.map_sha256,
                                       created_at=_store(coarse_day(feedback.created_at)))
            row.verdict = feedback.verdict
            row.expected_service_id = feedback.expected_service_id
            row.answered_service_ids = list(feedback.answered_service_ids)
            row.created_at = _store(coarse_day(feedback.created_at))
            s.add(row)
            s.flush()
            return _feedback(row), replaced

    def rate(self, answer: AnswerRecord, *, by: str, source: Callable[[str], str],
             verdict: Verdict, named: str | None, feedback_id: str, at: dt.datetime,
             terms: tuple[str, ...] | None, pseudonyms: Pseudonyms,
             key: str | None = None) -> Rated:
        """One ``!goed``/``!fout [named]`` of person ``by`` (their pseudonym for this
        answer, :meth:`~busbaan.pseudonyms.Pseudonyms.asker`) on ``answer``, in one
        transaction: read the person's stored verdict on it (locked), apply
        :func:`busbaan.wegwijzer.feedback.decide`, store the verdict it keeps and
        replace that verdict's learned votes (``route_learned``, source
        ``source(feedback id)``, the id of the person's first verdict on the answer:
        :func:`busbaan.routing.learning.source_key`, the person's pseudonym and the
        keyed id, so that the votes name neither the verdict nor ``by``), so that the
        table holds exactly the votes of the stored verdict, also when two commands
        arrive at once. ``terms``: the question's learning terms; ``()`` learns nothing
        (an answer with a safety signal); None: the question cannot be read again, so
        the terms the earlier verdict's votes are on are used. Nothing is written when
        the decision changes nothing. The verdict's time is kept to the day
        (:func:`~busbaan.wegwijzer.retention.coarse_day`); its votes keep none, and are
        counted per association and voter under ``pseudonyms``' key
        (:mod:`busbaan.store.wegwijzer_learned`, session 13)."""
        _person(by)
        answered = tuple(r.service_id for r in answer.results)
        for attempt in (1, 2):
            try:
                with Session(self._engine) as s, s.begin():
                    conn = s.connection()
                    if key is not None:
                        fence(conn, key)  # SQLite: BEGIN IMMEDIATE, the write lock
                    else:
                        sqlite_write_lock(conn)
                    row = s.exec(select(RouteFeedbackRow)
                                 .where(col(RouteFeedbackRow.answer_id) == answer.answer_id,
                                        col(RouteFeedbackRow.by) == by)
                                 .with_for_update()).first()
                    before = (None if row is None else
                              Rating("good" if row.verdict == "good" else "wrong",
                                     row.expected_service_id))
                    decision = decide(before, verdict, named, answered)
                    if not decision.changes or decision.rating is None:
                        return Rated(decision, None if row is None else _feedback(row))
                    if row is None:
                        row = RouteFeedbackRow(feedback_id=feedback_id,
                                               answer_id=answer.answer_id, by=by,
                                               verdict=decision.rating.verdict,
                                               question_sha256=answer.question_sha256,
                                               map_sha256=answer.map_sha256,
                                               created_at=_store(coarse_day(at)))
                    row.verdict = decision.rating.verdict
                    row.expected_service_id = decision.rating.expected_service_id
                    row.answered_service_ids = list(answered)
                    row.created_at = _store(coarse_day(at))
                    s.add(row)
                    s.flush()
                    learned = source(row.feedback_id)
                    if terms is None:
                        terms = source_terms(s, answer.map_sha256, learned, pseudonyms)
                    removed, votes = replace_votes(
                        s, answer.map_sha256, learned,
                        evidence_for(terms, decision.votes, learned), pseudonyms)
                    return Rated(decision, _feedback(row), source=learned, votes=votes,
                                 learned=bool(removed or votes))
            except IntegrityError:
                # PostgreSQL: another command of the same person on the same answer
                # inserted the first verdict meanwhile; read it and decide again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def for_answer(self, answer_id: str) -> list[FeedbackRecord]:
        with Session(self._engine) as s:
            rows = s.exec(select(RouteFeedbackRow)
                          .where(col(RouteFeedbackRow.answer_id) == answer_id))
            return [_feedback(r) for r in rows]

    def all(self) -> Sequence[FeedbackRecord]:
        with Session(self._engine) as s:
            rows = s.exec(select(RouteFeedbackRow)
                          .order_by(col(RouteFeedbackRow.created_at)))
            return [_feedback(r) for r in rows]

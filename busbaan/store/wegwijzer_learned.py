"""The wegwijzer's learned evidence (issue 8): one row per term -> service vote from
one source (a feedback item or a lane), per social map version. No question text, no
numbers; see :mod:`busbaan.routing.learning`. Migration: ``0020_route_learned``."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import UniqueConstraint, delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from busbaan.errors import Unavailable
from busbaan.routing.learning import (
    PERSON_SEP,
    Evidence,
    Learned,
    learned_from,
    person_of,
    source_of,
)
from busbaan.store.pseudonym_key import fence
from busbaan.wegwijzer.retention import coarse_week

if TYPE_CHECKING:
    from busbaan.audit.entry import AuditEntry
    from busbaan.audit.storage import AuditLog

#: A person's keyed pseudonym as stored before :data:`PERSON_SEP` (:meth:`Pseudonyms.person`).
_PERSON = re.compile(r"[0-9a-f]{12}")
#: How often :meth:`LearnedRepository.forget_person` counts again when votes of the
#: person arrived between counting and deleting.
_FORGET_ATTEMPTS = 3


class _Moved(Exception):
    """The person's votes changed between counting and deleting (roll back, count again)."""


class RouteLearnedRow(SQLModel, table=True):
    """One vote: ``term`` points to ``service_id`` with ``delta`` (+1/-1)."""

    __tablename__ = "route_learned"
    __table_args__ = (
        UniqueConstraint("map_sha256", "term", "service_id", "source_id",
                         name="uq_route_learned_vote"),
    )

    id: int | None = Field(default=None, primary_key=True)
    map_sha256: str = Field(max_length=64)
    term: str = Field(max_length=64)
    service_id: str = Field(max_length=128)
    delta: int
    source_id: str = Field(max_length=32)
    created_at: dt.datetime


def _of_source(source_id: str) -> Any:
    """The rows of one source, whatever person pseudonym they were stored under (one
    from before the pseudonym key changed must not count again)."""
    bare = source_of(source_id)
    return (col(RouteLearnedRow.source_id).in_([source_id, bare])
            | col(RouteLearnedRow.source_id).endswith(PERSON_SEP + bare, autoescape=True))


def source_terms(s: Session, map_sha256: str, source_id: str) -> tuple[str, ...]:
    """The terms one source's votes are on (in ``s``'s transaction): what a changed
    verdict learns from when the question cannot be read again."""
    rows = s.exec(select(RouteLearnedRow.term).where(
        col(RouteLearnedRow.map_sha256) == map_sha256, _of_source(source_id)).distinct())
    return tuple(sorted(rows))


def replace_votes(s: Session, map_sha256: str, source_id: str,
                  evidence: Iterable[Evidence], now: dt.datetime) -> tuple[int, int]:
    """Replace one source's votes inside ``s``'s transaction (see
    :meth:`LearnedRepository.replace_source`); (votes removed, votes it now has)."""
    rows = {(e.term[:64], e.service_id): e.delta for e in evidence}
    removed = s.exec(delete(RouteLearnedRow).where(
        col(RouteLearnedRow.map_sha256) == map_sha256, _of_source(source_id))).rowcount
    for (term, service_id), delta in rows.items():
        s.add(RouteLearnedRow(map_sha256=map_sha256, term=term, service_id=service_id,
                              delta=delta, source_id=source_id,
                              created_at=coarse_week(now)))
    return int(removed or 0), len(rows)


@dataclass(frozen=True, slots=True)
class LearnedSummary:
    """One (term, service) association as `busbaan route learned list` shows it."""

    map_sha256: str
    term: str
    service_id: str
    net: int
    sources: int


class LearnedRepository:
    """Evidence per map version; a source's votes are replaced as a whole."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def replace_source(self, map_sha256: str, source_id: str, evidence: Iterable[Evidence],
                       now: dt.datetime, *, key: str | None = None) -> int:
        """Store the votes of one source, replacing what it said before (a changed
        verdict); returns how many votes it now has. The source's earlier votes are
        found by its feedback or lane id, whatever person pseudonym they were stored
        under (one from before the pseudonym key changed must not count again; since
        session 11 the feedback or lane id is keyed too, so a source is found under the
        key it was written with: a verdict or lane from before a rotation is refused
        anyway). ``source_id`` names the person under ``key`` (see :func:`fence`). The
        time is kept to the ISO week (:func:`~busbaan.wegwijzer.retention.coarse_week`,
        session 12: a day with one voter tied their votes to that day's audit entry)."""
        with Session(self._engine) as s, s.begin():
            if key is not None:
                fence(s.connection(), key)
            return replace_votes(s, map_sha256, source_id, evidence, now)[1]

    def evidence(self, map_sha256: str) -> list[Evidence]:
        with Session(self._engine) as s:
            rows = s.exec(select(RouteLearnedRow)
                          .where(col(RouteLearnedRow.map_sha256) == map_sha256))
            return [Evidence(r.term, r.service_id, r.delta, r.source_id) for r in rows]

    def learned(self, map_sha256: str) -> Learned:
        """The associations that count for this map version."""
        return learned_from(self.evidence(map_sha256))

    def summary(self, map_sha256: str | None = None) -> Sequence[LearnedSummary]:
        """Net votes and distinct sources per (map, term, service), largest first."""
        stmt = select(RouteLearnedRow)
        if map_sha256 is not None:
            stmt = stmt.where(col(RouteLearnedRow.map_sha256) == map_sha256)
        net: dict[tuple[str, str, str], int] = defaultdict(int)
        sources: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        with Session(self._engine) as s:
            for r in s.exec(stmt):
                key = (r.map_sha256, r.term, r.service_id)
                net[key] += r.delta
                sources[key].add(person_of(r.source_id))
        rows = [LearnedSummary(m, t, sid, n, len(sources[(m, t, sid)]))
                for (m, t, sid), n in net.items()]
        return sorted(rows, key=lambda r: (r.map_sha256, -abs(r.net), r.term, r.service_id))

    def forget(self, term: str, service_id: str | None = None,
               map_sha256: str | None = None) -> int:
        """Delete the votes for ``term`` (to ``service_id``, in ``map_sha256``); the
        number of votes deleted."""
        stmt = delete(RouteLearnedRow).where(col(RouteLearnedRow.term) == term)
        if service_id is not None:
            stmt = stmt.where(col(RouteLearnedRow.service_id) == service_id)
        if map_sha256 is not None:
            stmt = stmt.where(col(RouteLearnedRow.map_sha256) == map_sha256)
        with Session(self._engine) as s, s.begin():
            result = s.exec(stmt)
            return int(result.rowcount or 0)

    @staticmethod
    def _of_person(person: str, map_sha256: str | None) -> Any:
        if not _PERSON.fullmatch(person):
            raise ValueError("not a person pseudonym")
        where = col(RouteLearnedRow.source_id).startswith(person + PERSON_SEP, autoescape=True)
        if map_sha256 is not None:
            where = where & (col(RouteLearnedRow.map_sha256) == map_sha256)
        return where

    def person_votes(self, person: str, map_sha256: str | None = None) -> int:
        """How many votes are stored under ``person`` (a keyed pseudonym, 12 hex)."""
        with Session(self._engine) as s:
            return int(s.exec(select(func.count()).select_from(RouteLearnedRow)
                              .where(self._of_person(person, map_sha256))).one())

    def forget_person(self, person: str, map_sha256: str | None, audit: AuditLog,
                      entry: Callable[[int], AuditEntry]) -> int:
        """Delete every vote stored under ``person`` (in ``map_sha256``, or in all map
        versions) and append ``entry(number deleted)`` to ``audit``, in one transaction:
        both or neither. Returns the number deleted."""
        where = self._of_person(person, map_sha256)
        for _ in range(_FORGET_ATTEMPTS):
            expected = self.person_votes(person, map_sha256)

            def then(conn: Any, _indexes: list[int], expected: int = expected) -> None:
                deleted = conn.execute(delete(RouteLearnedRow).where(where)).rowcount
                if int(deleted or 0) != expected:
                    raise _Moved

            try:
                audit.append_many([entry(expected)], then=then)
            except _Moved:
                continue  # a vote arrived meanwhile: nothing happened, count again
            return expected
        raise Unavailable(
            "De stemmen van deze persoon veranderden steeds tijdens het vergeten; er is "
            "niets verwijderd. Probeer het opnieuw.",
            "This person's votes kept changing while being forgotten; nothing was "
            "deleted. Try again.")


__all__ = ["LearnedRepository", "LearnedSummary", "RouteLearnedRow", "replace_votes",
           "source_terms"]

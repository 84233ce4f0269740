"""The wegwijzer's learned evidence (issue 8): term -> service votes per social map
version. No question text, no numbers; see :mod:`busbaan.routing.learning`.

Since session 13 (privacy16, migration 0130) no stored row is one vote of one person:

- ``route_learned_count``: one row per association (map, term, service) and *voter*,
  with how many votes the voter gave on it and their sum. The voter is a keyed value per
  association (:meth:`~busbaan.pseudonyms.Pseudonyms.learned_voter`): two votes of one
  person on one association are one voter (support counts people), and the same person
  on another association has another value, so a row tied to a professional (by the
  moment it was written, beside the ``route.feedback`` entry that names them) reaches no
  other association of theirs without the key. No row id, no time; on SQLite a table
  without rowid (its rows lie in key order, not in the order they were written).
- ``route_learned_source``: per source (a verdict or a lane, by its keyed id) what it
  voted and for whom, sealed under the pseudonym key
  (:meth:`~busbaan.pseudonyms.Pseudonyms.seal_learned`): what a changed verdict takes
  back, and what ``forget --person`` erases. Without the key it is opaque.
- ``route_learned`` (the table of one row per vote, autoincrement id, until session 12):
  rows written before 0130. They still count and are listed; a process with the key
  moves them into the two tables above (:meth:`LearnedRepository.convert_legacy`: the
  bot at start, ``busbaan keys redact``), in one transaction.

Since session 14 (privacy18) every write puts all count rows of its map down again, in
key order (:func:`_rewrite`): rows changed one by one kept the marks of the act that
wrote them (PostgreSQL's ``xmin``, ``cmin``, ``ctid``; SQLite's place in the page), which
grouped the words of one verdict and, beside the audit entries' order, tied them to the
professional. A write costs in proportion to the map's count rows.

Writing needs the key (the bot writes under it); reading, listing and ``forget TERM``
do not. Migrations: ``0020_route_learned``, ``0130_learned_votes_per_association``,
``0140_learned_counts_vacuumed``."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import UniqueConstraint, delete, func
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from busbaan.errors import Unavailable
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import (
    PERSON_SEP,
    Evidence,
    Learned,
    learned_from,
    person_of,
    source_of,
)
from busbaan.store.pseudonym_key import fence

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
    """One vote as stored before migration 0130 (``term`` -> ``service_id``, ``delta``
    +1/-1, ``source_id`` = ``<person>~<keyed source>``): read, forgotten and converted
    (:meth:`LearnedRepository.convert_legacy`), never written any more."""

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


class LearnedCountRow(SQLModel, table=True):
    """One voter's votes on one association: ``votes`` of them, summing to ``net``."""

    __tablename__ = "route_learned_count"
    __table_args__ = {"sqlite_with_rowid": False}

    map_sha256: str = Field(max_length=64, primary_key=True)
    term: str = Field(max_length=64, primary_key=True)
    service_id: str = Field(max_length=128, primary_key=True)
    voter: str = Field(max_length=32, primary_key=True)
    votes: int
    net: int


class LearnedSourceRow(SQLModel, table=True):
    """What one source voted and for whom, sealed under the pseudonym key."""

    __tablename__ = "route_learned_source"
    __table_args__ = {"sqlite_with_rowid": False}

    source_ref: str = Field(max_length=32, primary_key=True)
    map_sha256: str = Field(max_length=64, primary_key=True)
    sealed: str


_COUNT = LearnedCountRow.__table__  # type: ignore[attr-defined]
_SOURCE = LearnedSourceRow.__table__  # type: ignore[attr-defined]
_LEGACY = RouteLearnedRow.__table__  # type: ignore[attr-defined]

#: A vote as sealed in a source's record: (term, service_id, delta).
_Vote = tuple[str, str, int]
#: Count rows by key (map, term, service, voter) -> their votes.
_Rows = dict[tuple[str, ...], int]
#: A change to one count row: its (term, service, voter), +1 (a vote added) or -1 (taken
#: back), and the vote's delta.
_Change = tuple[tuple[str, str, str], int, int]


def _of_source(source_id: str) -> Any:
    """The legacy rows of one source, whatever person pseudonym they were stored under
    (one from before the pseudonym key changed must not count again)."""
    bare = source_of(source_id)
    return (col(RouteLearnedRow.source_id).in_([source_id, bare])
            | col(RouteLearnedRow.source_id).endswith(PERSON_SEP + bare, autoescape=True))


def _open(pseudonyms: Pseudonyms, ref: str, sealed: str) -> tuple[str, list[_Vote]] | None:
    """A source record's (person, votes), or None when it does not open with this key."""
    value = pseudonyms.open_learned(ref, sealed)
    if not isinstance(value, dict):
        return None
    votes = [(str(t), str(sid), int(d)) for t, sid, d in value.get("votes", ())]
    return str(value.get("person", "")), votes


def _record(conn: Connection, map_sha256: str, ref: str) -> str | None:
    return conn.execute(sa.select(_SOURCE.c.sealed).where(
        _SOURCE.c.source_ref == ref, _SOURCE.c.map_sha256 == map_sha256)).scalar()


def _changes(map_sha256: str, person: str, votes: Iterable[_Vote], pseudonyms: Pseudonyms,
             sign: int) -> list[_Change]:
    """``person``'s ``votes`` as changes to the count rows: added (``sign`` 1) or taken
    back (-1), each under the person's voter on that association."""
    return [((term, service_id,
              pseudonyms.learned_voter(person, map_sha256, term, service_id)), sign, delta)
            for term, service_id, delta in votes]


#: PostgreSQL: the map's count rows deleted and put down again with the changes, in one
#: statement (one ``cmin``, and no row through Python), in key order. A vote taken back
#: counts only where its row still is (one forgotten by term meanwhile stays gone); a row
#: whose votes reach 0 goes. Per row an act takes back at most one vote and adds at most
#: one, so the sum is what one by one would give.
_REWRITE = sa.text(
    "WITH gone AS (DELETE FROM route_learned_count WHERE map_sha256 = :map "
    "RETURNING term, service_id, voter, votes, net), "
    "change AS (SELECT * FROM unnest(CAST(:terms AS text[]), CAST(:services AS text[]), "
    "CAST(:voters AS text[]), CAST(:signs AS integer[]), CAST(:deltas AS integer[])) "
    "AS c(term, service_id, voter, sign, delta)), "
    "rows AS (SELECT term, service_id, voter, votes, net FROM gone UNION ALL "
    "SELECT c.term, c.service_id, c.voter, c.sign, c.sign * c.delta FROM change c "
    "WHERE c.sign > 0 OR EXISTS (SELECT 1 FROM gone g WHERE g.term = c.term "
    "AND g.service_id = c.service_id AND g.voter = c.voter)) "
    "INSERT INTO route_learned_count (map_sha256, term, service_id, voter, votes, net) "
    "SELECT :map, term, service_id, voter, sum(votes), sum(net) FROM rows "
    "GROUP BY term, service_id, voter HAVING sum(votes) > 0 "
    'ORDER BY term COLLATE "C", service_id COLLATE "C", voter COLLATE "C"')


def _queue(conn: Connection) -> None:
    """Wait for the count rows' other writers and hold them off until this transaction
    ends (PostgreSQL; reads go on). A rewrite deletes and inserts the map's rows, so a
    delete running beside it would miss the rows it inserts (no update chain to follow).
    On SQLite every write takes the one write lock anyway."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE route_learned_count IN SHARE ROW EXCLUSIVE MODE")


def _rewrite(conn: Connection, map_sha256: str, changes: Iterable[_Change]) -> None:
    """Apply ``changes`` to the map's count rows by writing *every* row of the map again,
    in key order (session 14, privacy18; on PostgreSQL one statement, :data:`_REWRITE`).

    Rows changed one by one kept the marks of the act that wrote them: PostgreSQL's
    ``xmin`` (the transaction) and ``cmin`` (the statement), their place (``ctid``; on
    SQLite where their bytes lie in the page), so the rows of one verdict could be
    grouped (its words linked to each other) and, beside the audit entries' order, to
    the professional. Written again as a whole, every live row carries the last write's
    marks and lies in key order. A vote taken back from a row it no longer has (forgotten
    by term meanwhile) changes nothing; a row whose votes reach 0 goes. Writers of the
    table queue (PostgreSQL: a table lock that reads do not wait for; SQLite: the
    ``DELETE`` takes the one write lock) so that no two rewrite from the same rows."""
    _queue(conn)
    changes = list(changes)
    if conn.dialect.name == "postgresql":
        conn.execute(_REWRITE, {"map": map_sha256, "terms": [k[0] for k, _s, _d in changes],
                                "services": [k[1] for k, _s, _d in changes],
                                "voters": [k[2] for k, _s, _d in changes],
                                "signs": [sign for _k, sign, _d in changes],
                                "deltas": [delta for _k, _s, delta in changes]})
        return
    # SQLite keeps no statement number; a table without rowid fills its pages in the
    # order rows come (the keys')
    gone = conn.execute(sa.delete(_COUNT).where(_COUNT.c.map_sha256 == map_sha256)
                        .returning(_COUNT.c.term, _COUNT.c.service_id, _COUNT.c.voter,
                                   _COUNT.c.votes, _COUNT.c.net)).all()
    rows = {(r.term, r.service_id, r.voter): (int(r.votes), int(r.net)) for r in gone}
    for key, sign, delta in changes:
        had = rows.get(key)
        if had is None and sign < 0:
            continue
        votes, net = had or (0, 0)
        if votes + sign > 0:
            rows[key] = (votes + sign, net + sign * delta)
        else:
            rows.pop(key, None)
    if rows:
        conn.execute(sa.insert(_COUNT), [
            {"map_sha256": map_sha256, "term": t, "service_id": sid, "voter": voter,
             "votes": votes, "net": net}
            for (t, sid, voter), (votes, net) in sorted(rows.items())])


def source_terms(s: Session, map_sha256: str, source_id: str,
                 pseudonyms: Pseudonyms) -> tuple[str, ...]:
    """The terms one source's votes are on (in ``s``'s transaction): what a changed
    verdict learns from when the question cannot be read again."""
    conn = s.connection()
    ref = source_of(source_id)
    sealed = _record(conn, map_sha256, ref)
    opened = None if sealed is None else _open(pseudonyms, ref, sealed)
    terms = {t for t, _sid, _d in (opened[1] if opened else ())}
    terms |= set(s.exec(select(RouteLearnedRow.term).where(
        col(RouteLearnedRow.map_sha256) == map_sha256, _of_source(source_id))))
    return tuple(sorted(terms))


def replace_votes(s: Session, map_sha256: str, source_id: str,
                  evidence: Iterable[Evidence], pseudonyms: Pseudonyms) -> tuple[int, int]:
    """Replace one source's votes inside ``s``'s transaction (see
    :meth:`LearnedRepository.replace_source`); (votes removed, votes it now has).
    ``source_id`` as :func:`busbaan.routing.learning.source_key` gives it
    (``<person>~<keyed source>``): the person names the voter per association, the
    keyed source the sealed record."""
    conn = s.connection()
    ref, person = source_of(source_id), person_of(source_id)
    votes = {(e.term[:64], e.service_id): e.delta for e in evidence}
    removed = int(s.exec(delete(RouteLearnedRow).where(
        col(RouteLearnedRow.map_sha256) == map_sha256, _of_source(source_id))).rowcount or 0)
    sealed = _record(conn, map_sha256, ref)
    changes: list[_Change] = []
    if sealed is not None:
        opened = _open(pseudonyms, ref, sealed)
        if opened is not None:  # sealed under another key: its votes are not ours to find
            changes += _changes(map_sha256, opened[0], opened[1], pseudonyms, -1)
            removed += len(opened[1])
        conn.execute(sa.delete(_SOURCE).where(_SOURCE.c.source_ref == ref,
                                              _SOURCE.c.map_sha256 == map_sha256))
    now = [(t, sid, d) for (t, sid), d in votes.items()]
    changes += _changes(map_sha256, person, now, pseudonyms, 1)
    if changes:
        _rewrite(conn, map_sha256, changes)
    if now:
        conn.execute(sa.insert(_SOURCE).values(
            source_ref=ref, map_sha256=map_sha256,
            sealed=pseudonyms.seal_learned(ref, {"person": person, "votes": now})))
    return removed, len(now)


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
                       pseudonyms: Pseudonyms, *, key: str | None = None) -> int:
        """Store the votes of one source, replacing what it said before (a changed
        verdict); returns how many votes it now has. ``source_id`` as
        :func:`busbaan.routing.learning.source_key` gives it, under ``pseudonyms``' key
        (``key``, its fingerprint: the write is fenced, see :func:`fence`). The source's
        earlier votes are found through its sealed record (and, for votes from before
        migration 0130, by its keyed id whatever person pseudonym they were stored
        under). No time is kept (session 13: nothing read it, and a time beside the
        audit entries linked)."""
        with Session(self._engine) as s, s.begin():
            if key is not None:
                fence(s.connection(), key)
            return replace_votes(s, map_sha256, source_id, evidence, pseudonyms)[1]

    def evidence(self, map_sha256: str) -> list[Evidence]:
        """The votes as evidence: one item per voter and association (its net, the
        voter as its source: :func:`learned_from` counts distinct voters), and the
        votes stored before migration 0130 one by one."""
        with Session(self._engine) as s:
            rows = s.exec(select(LearnedCountRow)
                          .where(col(LearnedCountRow.map_sha256) == map_sha256))
            out = [Evidence(r.term, r.service_id, r.net, r.voter) for r in rows]
            legacy = s.exec(select(RouteLearnedRow)
                            .where(col(RouteLearnedRow.map_sha256) == map_sha256))
            return out + [Evidence(r.term, r.service_id, r.delta, r.source_id)
                          for r in legacy]

    def learned(self, map_sha256: str) -> Learned:
        """The associations that count for this map version."""
        return learned_from(self.evidence(map_sha256))

    def summary(self, map_sha256: str | None = None) -> Sequence[LearnedSummary]:
        """Net votes and distinct people per (map, term, service), largest first."""
        net: dict[tuple[str, str, str], int] = defaultdict(int)
        people: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        with Session(self._engine) as s:
            stmt = select(LearnedCountRow)
            if map_sha256 is not None:
                stmt = stmt.where(col(LearnedCountRow.map_sha256) == map_sha256)
            for r in s.exec(stmt):
                key = (r.map_sha256, r.term, r.service_id)
                net[key] += r.net
                people[key].add("=" + r.voter)
            legacy = select(RouteLearnedRow)
            if map_sha256 is not None:
                legacy = legacy.where(col(RouteLearnedRow.map_sha256) == map_sha256)
            for v in s.exec(legacy):
                key = (v.map_sha256, v.term, v.service_id)
                net[key] += v.delta
                people[key].add(person_of(v.source_id))
        rows = [LearnedSummary(m, t, sid, n, len(people[(m, t, sid)]))
                for (m, t, sid), n in net.items()]
        return sorted(rows, key=lambda r: (r.map_sha256, -abs(r.net), r.term, r.service_id))

    def forget(self, term: str, service_id: str | None = None,
               map_sha256: str | None = None) -> int:
        """Delete the votes for ``term`` (to ``service_id``, in ``map_sha256``); the
        number of votes deleted. Needs no key: the sources' sealed records keep the
        term, and taking a verdict back later finds no row to take it from."""
        where = [_COUNT.c.term == term]
        legacy = [_LEGACY.c.term == term]
        if service_id is not None:
            where.append(_COUNT.c.service_id == service_id)
            legacy.append(_LEGACY.c.service_id == service_id)
        if map_sha256 is not None:
            where.append(_COUNT.c.map_sha256 == map_sha256)
            legacy.append(_LEGACY.c.map_sha256 == map_sha256)
        with self._engine.begin() as conn:
            _queue(conn)
            votes = conn.execute(sa.select(func.coalesce(func.sum(_COUNT.c.votes), 0))
                                 .where(*where)).scalar()
            conn.execute(sa.delete(_COUNT).where(*where))
            gone = conn.execute(sa.delete(_LEGACY).where(*legacy)).rowcount
            return int(votes or 0) + int(gone or 0)

    @staticmethod
    def _check_person(person: str) -> None:
        if not _PERSON.fullmatch(person):
            raise ValueError("not a person pseudonym")

    @staticmethod
    def _of_person(person: str, map_sha256: str | None) -> Any:
        """The legacy rows of ``person`` (before migration 0130)."""
        where = col(RouteLearnedRow.source_id).startswith(person + PERSON_SEP, autoescape=True)
        if map_sha256 is not None:
            where = where & (col(RouteLearnedRow.map_sha256) == map_sha256)
        return where

    @staticmethod
    def _person_rows(conn: Connection, person: str, map_sha256: str | None,
                     pseudonyms: Pseudonyms) -> tuple[_Rows, list[tuple[str, str]]]:
        """``person``'s count rows (key -> votes) and source records ((ref, map)): each
        association's voter computed under the key, each record opened with it."""
        rows: dict[tuple[str, ...], int] = {}
        stmt = sa.select(_COUNT.c.map_sha256, _COUNT.c.term, _COUNT.c.service_id,
                         _COUNT.c.voter, _COUNT.c.votes)
        records = sa.select(_SOURCE.c.source_ref, _SOURCE.c.map_sha256, _SOURCE.c.sealed)
        if map_sha256 is not None:
            stmt = stmt.where(_COUNT.c.map_sha256 == map_sha256)
            records = records.where(_SOURCE.c.map_sha256 == map_sha256)
        for r in conn.execute(stmt):
            if r.voter == pseudonyms.learned_voter(person, r.map_sha256, r.term, r.service_id):
                rows[(r.map_sha256, r.term, r.service_id, r.voter)] = int(r.votes)
        mine = []
        for r in conn.execute(records):
            opened = _open(pseudonyms, r.source_ref, r.sealed)
            if opened is not None and opened[0] == person:
                mine.append((r.source_ref, r.map_sha256))
        return rows, mine

    def person_votes(self, person: str, pseudonyms: Pseudonyms,
                     map_sha256: str | None = None) -> int:
        """How many votes are stored under ``person`` (:meth:`Pseudonyms.person`, 12
        hex, under ``pseudonyms``' key)."""
        self._check_person(person)
        with self._engine.connect() as conn:
            rows, _records = self._person_rows(conn, person, map_sha256, pseudonyms)
            legacy = conn.execute(sa.select(func.count()).select_from(_LEGACY)
                                  .where(self._of_person(person, map_sha256))).scalar()
        return sum(rows.values()) + int(legacy or 0)

    def forget_person(self, person: str, map_sha256: str | None, pseudonyms: Pseudonyms,
                      audit: AuditLog, entry: Callable[[int], AuditEntry]) -> int:
        """Delete every vote stored under ``person`` (in ``map_sha256``, or in all map
        versions) and the sealed records of their sources, and append ``entry(number
        deleted)`` to ``audit``, in one transaction: both or neither. Returns the number
        deleted."""
        self._check_person(person)
        legacy = self._of_person(person, map_sha256)
        for _ in range(_FORGET_ATTEMPTS):
            expected = self.person_votes(person, pseudonyms, map_sha256)
            with self._engine.connect() as conn:
                rows, records = self._person_rows(conn, person, map_sha256, pseudonyms)

            def then(conn: Any, _indexes: list[int], expected: int = expected,
                     rows: dict[tuple[str, ...], int] = rows,
                     records: list[tuple[str, str]] = records) -> None:
                _queue(conn)
                deleted = int(conn.execute(delete(RouteLearnedRow).where(legacy)).rowcount or 0)
                for (m, t, sid, voter), votes in rows.items():
                    done = conn.execute(sa.delete(_COUNT).where(
                        _COUNT.c.map_sha256 == m, _COUNT.c.term == t,
                        _COUNT.c.service_id == sid, _COUNT.c.voter == voter,
                        _COUNT.c.votes == votes)).rowcount
                    deleted += votes if int(done or 0) == 1 else 0
                for ref, m in records:
                    conn.execute(sa.delete(_SOURCE).where(_SOURCE.c.source_ref == ref,
                                                          _SOURCE.c.map_sha256 == m))
                if deleted != expected:
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

    def convert_legacy(self, pseudonyms: Pseudonyms, *, key: str | None = None) -> int:
        """Move the votes stored before migration 0130 (one row per vote, ordered by an
        autoincrement id) into count rows and sealed source records under
        ``pseudonyms``' key, in one transaction (all or nothing); the number of votes
        moved. A source stored under two persons (a key change between its votes) counts
        for both, as before; its record names the first."""
        with self._engine.begin() as conn:
            if key is not None:
                fence(conn, key)
            legacy = conn.execute(sa.select(
                _LEGACY.c.map_sha256, _LEGACY.c.term, _LEGACY.c.service_id,
                _LEGACY.c.delta, _LEGACY.c.source_id)).all()
            if not legacy:
                return 0
            sources: dict[tuple[str, str, str], list[_Vote]] = defaultdict(list)
            for r in legacy:
                sources[(r.map_sha256, source_of(r.source_id), person_of(r.source_id))].append(
                    (r.term, r.service_id, int(r.delta)))
            changes: dict[str, list[_Change]] = defaultdict(list)
            for (map_sha256, ref, person), votes in sources.items():
                changes[map_sha256] += _changes(map_sha256, person, votes, pseudonyms, 1)
                if _record(conn, map_sha256, ref) is None:  # one source under two persons
                    conn.execute(sa.insert(_SOURCE).values(  # (a key change): both count
                        source_ref=ref, map_sha256=map_sha256,
                        sealed=pseudonyms.seal_learned(ref, {"person": person,
                                                             "votes": votes})))
            for map_sha256, of_map in changes.items():
                _rewrite(conn, map_sha256, of_map)
            conn.execute(sa.delete(_LEGACY))
            return len(legacy)


__all__ = ["LearnedCountRow", "LearnedRepository", "LearnedSourceRow", "LearnedSummary",
           "RouteLearnedRow", "replace_votes", "source_terms"]

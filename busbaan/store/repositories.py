"""Repositories: one per aggregate, returning the core's frozen objects.

Sync SQLAlchemy; async callers run them in a thread (``asyncio.to_thread``), the
gate through Synapse's ``defer_to_thread``. Times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from busbaan.consent.model import Access, CaseScope, Grant, Professional
from busbaan.errors import BusbaanError, NotFound
from busbaan.handover.model import Handover, Lead, Status
from busbaan.store.models import AccessRow, CaseRow, DirectoryRow, GrantRow, HandoverRow

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_id(prefix: str, length: int = 8) -> str:
    """A random, pseudonymous id such as ``C-7KQ2MX4A`` (no meaning, no personal data)."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@contextmanager
def _writing(engine: Engine, session: Session | None) -> Iterator[Session]:
    """The caller's session (the case service's transaction), or a transaction of our own."""
    if session is not None:
        yield session
        return
    with Session(engine) as s, s.begin():
        yield s


def _naive(when: dt.datetime) -> dt.datetime:
    """UTC for storage (sqlmodel wants aware datetimes; SQLite gives them back naive)."""
    return when.astimezone(dt.UTC)


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


class DirectoryRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Professional]:
        # Columns, not ORM objects: a reload of thousands of entries is several times
        # cheaper this way (bench/gate_event.py).
        query = sa.select(col(DirectoryRow.user_id), col(DirectoryRow.organisation),
                          col(DirectoryRow.role), col(DirectoryRow.team),
                          col(DirectoryRow.display_name))
        with self._engine.connect() as conn:
            return [
                Professional(user_id=user_id, organisation=organisation, role=role,
                             team=team, display_name=display_name)
                for user_id, organisation, role, team, display_name in conn.execute(query)
            ]

    def version(self) -> tuple[int, str]:
        """(entries, newest change): cheap to read, and different after every import
        or upsert, so a reader re-reads the whole directory only when it changed."""
        query = sa.select(sa.func.count(), sa.func.max(col(DirectoryRow.updated_at)))
        with self._engine.connect() as conn:
            count, newest = conn.execute(query).one()
        return int(count), str(newest)

    def replace_source(self, entries: Sequence[Professional], source: str,
                       now: dt.datetime) -> int:
        """Make the entries from ``source`` exactly ``entries`` (one transaction)."""
        with Session(self._engine) as s, s.begin():
            s.exec(delete(DirectoryRow).where(col(DirectoryRow.source) == source))
            for p in entries:
                s.merge(DirectoryRow(user_id=p.user_id, display_name=p.display_name,
                                     organisation=p.organisation, team=p.team, role=p.role,
                                     source=source, updated_at=_naive(now)))
        return len(entries)

    def upsert(self, entries: Iterable[Professional], source: str, now: dt.datetime) -> int:
        n = 0
        with Session(self._engine) as s, s.begin():
            for p in entries:
                s.merge(DirectoryRow(user_id=p.user_id, display_name=p.display_name,
                                     organisation=p.organisation, team=p.team, role=p.role,
                                     source=source, updated_at=_naive(now)))
                n += 1
        return n


def read_directory(engine: Engine) -> list[Professional]:
    return DirectoryRepository(engine).all()


def lead_of(row: CaseRow) -> Lead:
    """The pure core's view of who leads a case."""
    return Lead(case_id=row.case_id, regie=row.regie, organisation=row.home_organisation,
                since=_aware(row.regie_since), closed=row.status == "closed")  # type: ignore[arg-type]


def _grant(row: GrantRow) -> Grant:
    return Grant(
        grant_id=row.grant_id, organisation=row.organisation, roles=tuple(row.roles),
        categories=tuple(row.categories), legal_bases=tuple(row.legal_bases),
        valid_from=_aware(row.valid_from), valid_until=_aware(row.valid_until),  # type: ignore[arg-type]
        given_by=row.given_by, withdrawn_at=_aware(row.withdrawn_at), template=row.template,
    )


def case_scopes(s: Session, rows: Sequence[CaseRow]) -> list[CaseScope]:
    """The scopes of these case rows: their grants and running accesses, in a few
    queries whatever their number (the one reader: the case service and the gate)."""
    ids = [r.case_id for r in rows]
    grants: dict[str, list[Grant]] = {}
    accesses: dict[str, list[Access]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for g in s.exec(select(GrantRow).where(col(GrantRow.case_id).in_(chunk))
                        .order_by(col(GrantRow.valid_from))):
            grants.setdefault(g.case_id, []).append(_grant(g))
        for a in s.exec(select(AccessRow).where(col(AccessRow.case_id).in_(chunk),
                                                col(AccessRow.ended_at).is_(None))
                        .order_by(col(AccessRow.started_at))):
            accesses.setdefault(a.case_id, []).append(_access(a))
    return [CaseScope(case_id=r.case_id, room_id=r.room_id or "",
                      home_organisation=r.home_organisation, regie=r.regie,
                      grants=tuple(grants.get(r.case_id, ())),
                      accesses=tuple(accesses.get(r.case_id, ())),
                      closed=r.status == "closed") for r in rows]


class CaseRepository:
    """Cases and their grants."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, *, home_organisation: str, regie: str, label: str,
               now: dt.datetime,
               session: Session | None = None) -> CaseRow:
        with _writing(self._engine, session) as s:
            for _ in range(5):
                case_id = new_id("C")
                if s.get(CaseRow, case_id) is None:
                    break
            row = CaseRow(case_id=case_id, label=label, home_organisation=home_organisation,
                          regie=regie, regie_since=_naive(now), created_by=regie,
                          created_at=_naive(now), status="opening")
            s.add(row)
            s.flush()
            s.expunge(row)
        return row

    def attach_room(self, case_id: str, room_id: str,
                    session: Session | None = None) -> None:
        with _writing(self._engine, session) as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFound(f"Casus {case_id} bestaat niet.", f"Case {case_id} does not exist.")
            row.room_id = room_id
            row.status = "open"

    def discard(self, case_id: str,
                session: Session | None = None) -> None:
        """Remove a case that never got a room (creation failed half-way)."""
        with _writing(self._engine, session) as s:
            s.exec(delete(GrantRow).where(col(GrantRow.case_id) == case_id))
            s.exec(delete(CaseRow).where(col(CaseRow.case_id) == case_id))

    def by_room(self, room_id: str) -> CaseRow | None:
        with Session(self._engine) as s:
            row = s.exec(select(CaseRow).where(CaseRow.room_id == room_id)).first()
            if row is not None:
                s.expunge(row)
            return row

    def scope_by_room(self, room_id: str) -> CaseScope | None:
        """The scope of the case room ``room_id`` as the store holds it (None: no case
        room of this store, or one still opening)."""
        with Session(self._engine) as s:
            row = s.exec(select(CaseRow).where(CaseRow.room_id == room_id)).first()
            if row is None or row.status == "opening":
                return None
            return case_scopes(s, [row])[0]

    def get(self, case_id: str) -> CaseRow | None:
        with Session(self._engine) as s:
            row = s.get(CaseRow, case_id)
            if row is not None:
                s.expunge(row)
            return row

    def lead(self, case_id: str) -> Lead | None:
        """The case's lead (regie, organisation, since when, closed or not)."""
        row = self.get(case_id)
        return lead_of(row) if row is not None else None

    def close(self, case_id: str, *, now: dt.datetime, by: str,
              session: Session | None = None) -> list[Grant]:
        """Close a case in one transaction: status closed, every running grant ended
        (withdrawn, channel ``case_close``), every access ended, an open proposal
        withdrawn. Returns the grants that were ended."""
        naive = _naive(now)
        with _writing(self._engine, session) as s:
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFound(f"Casus {case_id} bestaat niet.", f"Case {case_id} does not exist.")
            row.status = "closed"
            row.closed_at = naive
            ended = []
            for g in s.exec(select(GrantRow).where(GrantRow.case_id == case_id,
                                                   col(GrantRow.withdrawn_at).is_(None))):
                if _aware(g.valid_until) > now:  # type: ignore[operator]
                    g.withdrawn_at = naive
                    g.withdrawn_by = by
                    g.withdrawal_channel = "case_close"
                    ended.append(g)
            for a in s.exec(select(AccessRow).where(AccessRow.case_id == case_id,
                                                    col(AccessRow.ended_at).is_(None))):
                a.ended_at = naive
            for h in s.exec(select(HandoverRow).where(HandoverRow.case_id == case_id,
                                                      HandoverRow.status == "proposed")):
                h.status = Status.WITHDRAWN.value
                h.decided_at = naive
                h.decided_by = by
            s.flush()
            return [_grant(g) for g in ended]

    def rooms_running_out(self, after: dt.datetime, upto: dt.datetime) -> set[str]:
        """Rooms of open cases in which a grant runs out, or an access ends, in
        (``after``, ``upto``]: the expiry index (issue 12). The casus bot reads this
        every tick instead of reading every case; two index range scans."""
        lo, hi = _naive(after), _naive(upto)
        open_case = sa.and_(col(CaseRow.status) == "open", col(CaseRow.room_id).is_not(None))
        grants = (select(CaseRow.room_id).join(GrantRow, col(GrantRow.case_id)
                                               == col(CaseRow.case_id))
                  .where(open_case, col(GrantRow.valid_until) > lo,
                         col(GrantRow.valid_until) <= hi, col(GrantRow.withdrawn_at).is_(None)))
        accesses = (select(CaseRow.room_id).join(AccessRow, col(AccessRow.case_id)
                                                 == col(CaseRow.case_id))
                    .where(open_case, col(AccessRow.until) > lo, col(AccessRow.until) <= hi,
                           col(AccessRow.ended_at).is_(None)))
        with Session(self._engine) as s:
            return {r for r in (*s.exec(grants), *s.exec(accesses)) if r}

    def cases_with_due_accesses(self, now: dt.datetime) -> list[str]:
        """Open cases with an access (break-glass, sideline) that ran out by ``now`` and
        is not ended yet (the index on ``until``; not a read of every case)."""
        query = (select(AccessRow.case_id).join(CaseRow, col(AccessRow.case_id)
                                                == col(CaseRow.case_id))
                 .where(CaseRow.status == "open", col(AccessRow.ended_at).is_(None),
                        col(AccessRow.until) <= _naive(now)).distinct())
        with Session(self._engine) as s:
            return sorted(s.exec(query))

    def rooms_of(self, case_ids: Iterable[str]) -> set[str]:
        """The rooms of ``case_ids`` (cases without a room are left out)."""
        ids = sorted(set(case_ids))
        out: set[str] = set()
        with Session(self._engine) as s:
            for start in range(0, len(ids), 500):
                out |= {r for r in s.exec(select(CaseRow.room_id).where(
                    col(CaseRow.case_id).in_(ids[start:start + 500]))) if r}
        return out

    def open_cases(self) -> list[CaseRow]:
        with Session(self._engine) as s:
            rows = list(s.exec(select(CaseRow).where(CaseRow.status == "open")))
            for r in rows:
                s.expunge(r)
            return rows

    def grants(self, case_id: str) -> list[Grant]:
        with Session(self._engine) as s:
            rows = s.exec(select(GrantRow).where(GrantRow.case_id == case_id)
                          .order_by(col(GrantRow.valid_from)))
            return [_grant(r) for r in rows]

    def add_grants(self, case_id: str, grants: Sequence[Grant],
                   session: Session | None = None) -> None:
        with _writing(self._engine, session) as s:
            for g in grants:
                s.add(GrantRow(
                    grant_id=g.grant_id, case_id=case_id, organisation=g.organisation,
                    roles=list(g.roles), categories=list(g.categories),
                    legal_bases=list(g.legal_bases), valid_from=_naive(g.valid_from),
                    valid_until=_naive(g.valid_until), given_by=g.given_by,
                    template=g.template,
                ))

    def remove_grants(self, grant_ids: Sequence[str],
                      session: Session | None = None) -> None:
        """Forget grants that never took effect (their room state could not be set)."""
        with _writing(self._engine, session) as s:
            s.exec(delete(GrantRow).where(col(GrantRow.grant_id).in_(grant_ids)))

    def withdraw(self, grant_ids: Sequence[str], *, by: str, now: dt.datetime,
                 channel: str,
                 session: Session | None = None) -> list[Grant]:
        """Mark grants withdrawn (idempotent); returns the grants as they are now."""
        with _writing(self._engine, session) as s:
            out = []
            for gid in grant_ids:
                row = s.get(GrantRow, gid)
                if row is None:
                    raise NotFound(f"Toestemming {gid} bestaat niet.",
                                   f"Grant {gid} does not exist.")
                if row.withdrawn_at is None:
                    row.withdrawn_at = _naive(now)
                    row.withdrawn_by = by
                    row.withdrawal_channel = channel
                s.flush()
                out.append(_grant(row))
            return out


# -- handovers and temporary accesses (issue 3) -------------------------------------


class Conflict(BusbaanError):
    """The stored state changed under a step (another answer came first); retry."""

    errcode = "BB_CONFLICT"


def _handover(row: HandoverRow) -> Handover:
    return Handover(
        handover_id=row.handover_id, case_id=row.case_id, proposer=row.proposer,
        addressee=row.addressee, from_organisation=row.from_organisation,
        to_organisation=row.to_organisation, reason=row.reason,
        proposed_at=_aware(row.proposed_at), remind_at=_aware(row.remind_at),  # type: ignore[arg-type]
        expires_at=_aware(row.expires_at), status=Status(row.status),  # type: ignore[arg-type]
        reminded_at=_aware(row.reminded_at), decided_at=_aware(row.decided_at),
        decided_by=row.decided_by,
    )


def _access(row: AccessRow) -> Access:
    return Access(user_id=row.user_id, kind=row.kind, until=_aware(row.until),  # type: ignore[arg-type]
                  reason_code=row.reason_code)


_CONFLICT = Conflict(
    "Het voorstel is intussen al beantwoord, ingetrokken of verlopen; er is niets veranderd.",
    "The proposal was answered, withdrawn or expired in the meantime; nothing changed.",
)


class HandoverRepository:
    """Handover proposals, the lead changes they cause, and temporary accesses."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # -- proposals ------------------------------------------------------------------

    def add(self, handover: Handover, *, room_event_id: str | None = None,
            session: Session | None = None) -> None:
        """Store a new proposal; :class:`Conflict` when the case already has an open one."""
        h = handover
        try:
            with _writing(self._engine, session) as s:
                s.add(HandoverRow(
                    handover_id=h.handover_id, case_id=h.case_id, proposer=h.proposer,
                    addressee=h.addressee, from_organisation=h.from_organisation,
                    to_organisation=h.to_organisation, reason=h.reason, status=h.status.value,
                    proposed_at=_naive(h.proposed_at), remind_at=_naive(h.remind_at),
                    expires_at=_naive(h.expires_at), room_event_id=room_event_id,
                ))
                s.flush()
        except IntegrityError:
            raise _CONFLICT from None

    def remove(self, handover_id: str,
               session: Session | None = None) -> None:
        """Forget a proposal that never took effect (its invitation failed)."""
        with _writing(self._engine, session) as s:
            s.exec(delete(HandoverRow).where(col(HandoverRow.handover_id) == handover_id))

    def set_links(self, handover_id: str, *, room_event_id: str | None = None,
                  dm_room_id: str | None = None,
                  session: Session | None = None) -> None:
        with _writing(self._engine, session) as s:
            row = s.get(HandoverRow, handover_id)
            if row is None:
                return
            if room_event_id is not None:
                row.room_event_id = room_event_id
            if dm_room_id is not None:
                row.dm_room_id = dm_room_id

    def links(self, handover_id: str) -> tuple[str | None, str | None]:
        """(the proposal's event in the case room, the addressee's direct room)."""
        with Session(self._engine) as s:
            row = s.get(HandoverRow, handover_id)
            return (row.room_event_id, row.dm_room_id) if row is not None else (None, None)

    def get(self, handover_id: str) -> Handover | None:
        with Session(self._engine) as s:
            row = s.get(HandoverRow, handover_id)
            return _handover(row) if row is not None else None

    def open_for_case(self, case_id: str) -> Handover | None:
        with Session(self._engine) as s:
            row = s.exec(select(HandoverRow).where(HandoverRow.case_id == case_id,
                                                   HandoverRow.status == "proposed")).first()
            return _handover(row) if row is not None else None

    def open_all(self) -> list[Handover]:
        """Every open proposal (for the reminder and expiry sweep)."""
        with Session(self._engine) as s:
            return [_handover(r) for r in
                    s.exec(select(HandoverRow).where(HandoverRow.status == "proposed"))]

    def open_for_addressee(self, user_id: str) -> list[Handover]:
        with Session(self._engine) as s:
            rows = s.exec(select(HandoverRow).where(HandoverRow.addressee == user_id,
                                                    HandoverRow.status == "proposed")
                          .order_by(col(HandoverRow.proposed_at)))
            return [_handover(r) for r in rows]

    def for_case(self, case_id: str) -> list[Handover]:
        """Every proposal of a case, oldest first (the regie's history)."""
        with Session(self._engine) as s:
            rows = s.exec(select(HandoverRow).where(HandoverRow.case_id == case_id)
                          .order_by(col(HandoverRow.proposed_at)))
            return [_handover(r) for r in rows]

    def _close(self, s: Session, h: Handover, decline_reason: str | None) -> None:
        row = s.get(HandoverRow, h.handover_id)
        if row is None or row.status != "proposed":
            raise _CONFLICT
        row.status = h.status.value
        row.decided_at = _naive(h.decided_at) if h.decided_at else None
        row.decided_by = h.decided_by
        row.decline_reason = decline_reason

    def answer(self, handover: Handover, *, decline_reason: str | None = None,
               session: Session | None = None) -> None:
        """Store a declined, withdrawn or expired proposal (only if it was still open)."""
        with _writing(self._engine, session) as s:
            self._close(s, handover, decline_reason)

    def accept(self, handover: Handover, lead: Lead, sideline: Access, *,
               access_id: str,
               session: Session | None = None) -> None:
        """In one transaction: the proposal accepted, the case's regie and lead
        organisation moved, the previous regie's sideline access stored (an earlier
        sideline of either of them ends: it is superseded)."""
        with _writing(self._engine, session) as s:
            self._close(s, handover, None)
            case = s.get(CaseRow, lead.case_id)
            if case is None or case.status != "open":
                raise _CONFLICT
            case.regie = lead.regie
            case.regie_since = _naive(lead.since)
            case.home_organisation = lead.organisation
            # A sideline of either person is superseded: one leads, the other gets a new one.
            s.execute(update(AccessRow)
                      .where(col(AccessRow.case_id) == lead.case_id,
                             col(AccessRow.kind) == "sideline",
                             col(AccessRow.user_id).in_([lead.regie, sideline.user_id]),
                             col(AccessRow.ended_at).is_(None))
                      .values(ended_at=_naive(lead.since)))
            s.add(AccessRow(access_id=access_id, case_id=lead.case_id, user_id=sideline.user_id,
                            kind=sideline.kind, until=_naive(sideline.until),
                            reason_code=sideline.reason_code, started_at=_naive(lead.since),
                            started_by=lead.regie))

    def sweep(self, reminded: Sequence[Handover], expired: Sequence[Handover],
              session: Session | None = None) -> set[str]:
        """Store a sweep's reminders and expiries in one transaction, for proposals that
        are still open: one ``UPDATE ... WHERE id IN (...)`` per distinct time (a sweep
        has one), however many are due. Returns the ids whose change took effect (an
        answer that came first wins; its sweep step is then not recorded)."""
        t = HandoverRow.__table__  # type: ignore[attr-defined]
        wanted: dict[str, tuple[str, dt.datetime]] = {}
        reminders: dict[dt.datetime, list[str]] = {}
        for h in reminded:
            at = _naive(h.reminded_at or h.remind_at)
            reminders.setdefault(at, []).append(h.handover_id)
            wanted[h.handover_id] = ("proposed", at)
        expiries: dict[tuple[str, dt.datetime], list[str]] = {}
        for h in expired:
            at = _naive(h.decided_at or h.expires_at)
            expiries.setdefault((h.status.value, at), []).append(h.handover_id)
            wanted[h.handover_id] = (h.status.value, at)
        if not wanted:
            return set()
        with _writing(self._engine, session) as s:
            conn = s.connection()
            for at, ids in reminders.items():
                conn.execute(update(t).where(t.c.handover_id.in_(ids), t.c.status == "proposed",
                                             t.c.reminded_at.is_(None))
                             .values(reminded_at=at))
            for (status, at), ids in expiries.items():
                conn.execute(update(t).where(t.c.handover_id.in_(ids), t.c.status == "proposed")
                             .values(status=status, decided_at=at))
            rows = conn.execute(sa.select(t.c.handover_id, t.c.status, t.c.reminded_at,
                                          t.c.decided_at)
                                .where(t.c.handover_id.in_(list(wanted)))).all()
        applied = set()
        for hid, status, reminded_at, decided_at in rows:
            want_status, at = wanted[hid]
            stamp = decided_at if want_status != "proposed" else reminded_at
            if status == want_status and _aware(stamp) == at:
                applied.add(hid)
        return applied

    # -- temporary accesses -----------------------------------------------------------

    def add_access(self, case_id: str, access: Access, *, access_id: str, by: str,
                   now: dt.datetime,
                   session: Session | None = None) -> None:
        with _writing(self._engine, session) as s:
            s.add(AccessRow(access_id=access_id, case_id=case_id, user_id=access.user_id,
                            kind=access.kind, until=_naive(access.until),
                            reason_code=access.reason_code, started_at=_naive(now),
                            started_by=by))

    def accesses(self, case_id: str) -> list[Access]:
        """The case's accesses that have not been ended (some may have run out)."""
        with Session(self._engine) as s:
            rows = s.exec(select(AccessRow).where(AccessRow.case_id == case_id,
                                                  col(AccessRow.ended_at).is_(None))
                          .order_by(col(AccessRow.started_at)))
            return [_access(r) for r in rows]

    def end_access(self, case_id: str, access: Access, now: dt.datetime,
                   session: Session | None = None) -> bool:
        """Mark an access ended; False when it already was (so it is recorded once)."""
        with _writing(self._engine, session) as s:
            result = s.execute(
                update(AccessRow)
                .where(col(AccessRow.case_id) == case_id, col(AccessRow.user_id) == access.user_id,
                       col(AccessRow.kind) == access.kind,
                       col(AccessRow.until) == _naive(access.until),
                       col(AccessRow.ended_at).is_(None))
                .values(ended_at=_naive(now)))
            return bool(result.rowcount)  # type: ignore[attr-defined]

"""Repositories: one per aggregate, returning the core's frozen objects.

Sync SQLAlchemy; async callers run them in a thread (``asyncio.to_thread``), the
gate through Synapse's ``defer_to_thread``. Times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from busbaan.consent.model import Grant, Professional
from busbaan.errors import NotFound
from busbaan.store.models import CaseRow, DirectoryRow, GrantRow

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_id(prefix: str, length: int = 8) -> str:
    """A random, pseudonymous id such as ``C-7KQ2MX4A`` (no meaning, no personal data)."""
    return f"{prefix}-" + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _naive(when: dt.datetime) -> dt.datetime:
    """UTC for storage (sqlmodel wants aware datetimes; SQLite gives them back naive)."""
    return when.astimezone(dt.UTC)


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


class DirectoryRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Professional]:
        with Session(self._engine) as s:
            return [
                Professional(user_id=r.user_id, organisation=r.organisation, role=r.role,
                             team=r.team, display_name=r.display_name)
                for r in s.exec(select(DirectoryRow))
            ]

    def replace_source(self, entries: Sequence[Professional], source: str,
                       now: dt.datetime) -> int:
        """Make the entries from ``source`` exactly ``entries`` (one transaction)."""
        with Session(self._engine) as s, s.begin():
            s.exec(delete(DirectoryRow).where(col(DirectoryRow.source) == source))  # type: ignore[call-overload]
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


def _grant(row: GrantRow) -> Grant:
    return Grant(
        grant_id=row.grant_id, organisation=row.organisation, roles=tuple(row.roles),
        categories=tuple(row.categories), legal_bases=tuple(row.legal_bases),
        valid_from=_aware(row.valid_from), valid_until=_aware(row.valid_until),  # type: ignore[arg-type]
        given_by=row.given_by, withdrawn_at=_aware(row.withdrawn_at), template=row.template,
    )


class CaseRepository:
    """Cases and their grants."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, *, home_organisation: str, regie: str, label: str,
               now: dt.datetime) -> CaseRow:
        with Session(self._engine) as s, s.begin():
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

    def attach_room(self, case_id: str, room_id: str) -> None:
        with Session(self._engine) as s, s.begin():
            row = s.get(CaseRow, case_id)
            if row is None:
                raise NotFound(f"Casus {case_id} bestaat niet.", f"Case {case_id} does not exist.")
            row.room_id = room_id
            row.status = "open"

    def discard(self, case_id: str) -> None:
        """Remove a case that never got a room (creation failed half-way)."""
        with Session(self._engine) as s, s.begin():
            s.exec(delete(GrantRow).where(col(GrantRow.case_id) == case_id))  # type: ignore[call-overload]
            s.exec(delete(CaseRow).where(col(CaseRow.case_id) == case_id))  # type: ignore[call-overload]

    def by_room(self, room_id: str) -> CaseRow | None:
        with Session(self._engine) as s:
            row = s.exec(select(CaseRow).where(CaseRow.room_id == room_id)).first()
            if row is not None:
                s.expunge(row)
            return row

    def get(self, case_id: str) -> CaseRow | None:
        with Session(self._engine) as s:
            row = s.get(CaseRow, case_id)
            if row is not None:
                s.expunge(row)
            return row

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

    def add_grants(self, case_id: str, grants: Sequence[Grant]) -> None:
        with Session(self._engine) as s, s.begin():
            for g in grants:
                s.add(GrantRow(
                    grant_id=g.grant_id, case_id=case_id, organisation=g.organisation,
                    roles=list(g.roles), categories=list(g.categories),
                    legal_bases=list(g.legal_bases), valid_from=_naive(g.valid_from),
                    valid_until=_naive(g.valid_until), given_by=g.given_by,
                    template=g.template,
                ))

    def remove_grants(self, grant_ids: Sequence[str]) -> None:
        """Forget grants that never took effect (their room state could not be set)."""
        with Session(self._engine) as s, s.begin():
            s.exec(delete(GrantRow).where(col(GrantRow.grant_id).in_(grant_ids)))  # type: ignore[call-overload]

    def withdraw(self, grant_ids: Sequence[str], *, by: str, now: dt.datetime,
                 channel: str) -> list[Grant]:
        """Mark grants withdrawn (idempotent); returns the grants as they are now."""
        with Session(self._engine) as s, s.begin():
            out = []
            for gid in grant_ids:
                row = s.get(GrantRow, gid)
                if row is None:
                    raise NotFound(f"Toestemming {gid} bestaat niet.", f"Grant {gid} does not exist.")
                if row.withdrawn_at is None:
                    row.withdrawn_at = _naive(now)
                    row.withdrawn_by = by
                    row.withdrawal_channel = channel
                s.flush()
                out.append(_grant(row))
            return out

"""Questions the wegwijzer could not read, kept across a restart (session 21).

After a question it cannot read (another script, emoji only, a language other than
Dutch and English) the wegwijzer offers ``!baan mens``: a lane to a person, without
the question. That needs to know, per room and person, that their newest question
there was such a one, the stadsdeel it named, and the answer the lane hangs on once
opened. Before session 21 this lived in the process only, and a restart forgot it.

``route_unread`` keeps exactly that and no more: a keyed reference to room and person
(:meth:`busbaan.pseudonyms.Pseudonyms.unread`; never the Matrix IDs), the stadsdeel,
the answer id, when, and until when (:data:`UNREAD_KEEP`). Never the question, nor a
hash of it. A row written under a key that was rotated away matches nobody and goes
at its expiry; every write is fenced against a rotation
(:func:`busbaan.store.pseudonym_key.fence`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from busbaan.store.pseudonym_key import fence
from busbaan.store.wegwijzer_models import RouteUnreadRow
from busbaan.store.wegwijzer_repo import _load as _utc
from busbaan.store.wegwijzer_repo import _store

#: How long the way to a person after an unread question stays open: a working day and
#: a night (the person asks again, or says `!baan mens`, within minutes; a restart in
#: between must not close it).
UNREAD_KEEP = dt.timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class UnreadRecord:
    """What is kept of a question that could not be read."""

    ref: str
    stadsdeel: str | None
    answer_id: str | None
    asked_at: dt.datetime
    expires_at: dt.datetime


class UnreadRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def put(self, ref: str, *, stadsdeel: str | None, asked_at: dt.datetime,
            key: str) -> UnreadRecord:
        """Note that the newest question behind ``ref`` could not be read (replacing an
        earlier note of theirs: a new unread question starts afresh)."""
        expires = asked_at + UNREAD_KEEP
        with Session(self._engine) as s, s.begin():
            fence(s.connection(), key)
            s.exec(delete(RouteUnreadRow).where(col(RouteUnreadRow.ref) == ref))
            s.add(RouteUnreadRow(ref=ref, key=key, stadsdeel=stadsdeel, answer_id=None,
                                 asked_at=_store(asked_at), expires_at=_store(expires)))
        return UnreadRecord(ref, stadsdeel, None, _utc(asked_at), _utc(expires))

    def opened(self, ref: str, answer_id: str, *, key: str) -> None:
        """The answer a lane to a person after the unread question hangs on."""
        with Session(self._engine) as s, s.begin():
            fence(s.connection(), key)
            s.exec(update(RouteUnreadRow).where(col(RouteUnreadRow.ref) == ref)
                   .values(answer_id=answer_id))

    def drop(self, ref: str) -> bool:
        """Their newest question is another one now: forget the note (True if one was
        kept)."""
        with Session(self._engine) as s, s.begin():
            gone = s.exec(delete(RouteUnreadRow)
                          .where(col(RouteUnreadRow.ref) == ref))
            return bool(gone.rowcount)

    def live(self, now: dt.datetime, key: str) -> dict[str, UnreadRecord]:
        """Every note under ``key`` that has not expired, by ref; the expired ones (under
        any key) are deleted first."""
        with Session(self._engine) as s, s.begin():
            s.exec(delete(RouteUnreadRow)
                   .where(col(RouteUnreadRow.expires_at) <= _store(now)))
            rows = s.exec(select(RouteUnreadRow).where(RouteUnreadRow.key == key)).all()
            return {r.ref: UnreadRecord(r.ref, r.stadsdeel, r.answer_id, _utc(r.asked_at),
                                        _utc(r.expires_at)) for r in rows}

    def sweep(self, now: dt.datetime) -> int:
        """Delete the expired notes; how many."""
        with Session(self._engine) as s, s.begin():
            gone = s.exec(delete(RouteUnreadRow)
                          .where(col(RouteUnreadRow.expires_at) <= _store(now)))
            return int(gone.rowcount or 0)


__all__ = ["UNREAD_KEEP", "UnreadRecord", "UnreadRepository"]

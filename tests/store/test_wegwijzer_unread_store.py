"""``route_unread`` (session 21, migration 0150) on SQLite and PostgreSQL: what the
wegwijzer keeps of a question it could not read, so that `!baan mens` after it still
works after a restart — a keyed reference, the stadsdeel, the lane's answer, the times;
never the question, the room or the person; gone at its expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from busbaan.pseudonyms import Pseudonyms
from busbaan.store import make_engine
from busbaan.store.pseudonym_key import KeyMoved, record_key
from busbaan.store.wegwijzer_unread import UNREAD_KEEP, UnreadRepository

NOW = dt.datetime(2026, 12, 19, 9, 30, tzinfo=dt.UTC)
ROOM, PERSON = "!dm:localhost", "@anouk:localhost"


def test_a_note_is_kept_read_back_and_forgotten(db_url: str) -> None:
    """Put, read back (as after a restart: a new repository), the lane's answer noted,
    dropped when a readable question follows; only the listed columns, no Matrix ID."""
    engine = make_engine(db_url)
    try:
        keys = Pseudonyms.generate()
        ref = keys.unread(ROOM, PERSON)
        assert ref == keys.unread(ROOM, PERSON) != keys.unread(ROOM, "@other:localhost")
        kept = UnreadRepository(engine).put(ref, stadsdeel="Zuidoost", asked_at=NOW,
                                            key=keys.fingerprint())
        assert kept.expires_at == NOW + UNREAD_KEEP
        again = UnreadRepository(engine).live(NOW + dt.timedelta(hours=1), keys.fingerprint())
        assert list(again) == [ref]
        assert (again[ref].stadsdeel, again[ref].answer_id) == ("Zuidoost", None)
        assert again[ref].asked_at == NOW
        UnreadRepository(engine).opened(ref, "a" * 16, key=keys.fingerprint())
        assert UnreadRepository(engine).live(NOW, keys.fingerprint())[ref].answer_id == "a" * 16
        columns = {c["name"] for c in inspect(engine).get_columns("route_unread")}
        assert columns == {"ref", "key", "stadsdeel", "answer_id", "asked_at", "expires_at"}
        with engine.connect() as conn:
            stored = str(conn.execute(text("SELECT * FROM route_unread")).all())
        assert ROOM not in stored and PERSON not in stored and "localhost" not in stored
        assert UnreadRepository(engine).drop(ref) is True
        assert UnreadRepository(engine).drop(ref) is False
        assert UnreadRepository(engine).live(NOW, keys.fingerprint()) == {}
    finally:
        engine.dispose()


def test_a_note_expires_and_another_key_s_notes_match_nobody(db_url: str) -> None:
    """Past :data:`UNREAD_KEEP` a note is deleted (by ``live`` and by the sweep); notes
    under another key are not read; a new note replaces the old one."""
    engine = make_engine(db_url)
    try:
        repo = UnreadRepository(engine)
        old, new = Pseudonyms.generate(), Pseudonyms.generate()
        repo.put(old.unread(ROOM, PERSON), stadsdeel=None, asked_at=NOW,
                 key=old.fingerprint())
        ref = new.unread(ROOM, PERSON)
        repo.put(ref, stadsdeel="Noord", asked_at=NOW, key=new.fingerprint())
        repo.put(ref, stadsdeel="West", asked_at=NOW + dt.timedelta(minutes=5),
                 key=new.fingerprint())
        live = repo.live(NOW, new.fingerprint())
        assert list(live) == [ref] and live[ref].stadsdeel == "West"
        assert repo.sweep(NOW + UNREAD_KEEP + dt.timedelta(seconds=1)) == 1  # the old key's
        assert repo.live(NOW + UNREAD_KEEP + dt.timedelta(minutes=5), new.fingerprint()) == {}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM route_unread")).scalar() == 0
    finally:
        engine.dispose()


def test_a_note_is_not_written_under_a_key_rotated_away(db_url: str) -> None:
    """The write is fenced like every keyed write: after a rotation to another key, a
    note under the old one is refused (nothing stored)."""
    engine = make_engine(db_url)
    try:
        old, new = Pseudonyms.generate(), Pseudonyms.generate()
        with engine.begin() as conn:
            record_key(conn, new.fingerprint(), NOW, rotated=True)
        with pytest.raises(KeyMoved):
            UnreadRepository(engine).put(old.unread(ROOM, PERSON), stadsdeel=None,
                                         asked_at=NOW, key=old.fingerprint())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM route_unread")).scalar() == 0
    finally:
        engine.dispose()

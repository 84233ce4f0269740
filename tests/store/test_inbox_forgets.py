"""The inbox forgets a command's text once it is answered, on disk too (SQLite), and
its sender (outside10; migration 0090 for rows answered before)."""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from busbaan.store import make_engine, migrate
from busbaan.store.inbox import Inbox
from busbaan.store.service_tables import bot_command_table

SECRET = "mevrouw heeft bsn 111222333 en woont op de Dapperstraat 12"


def _bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob("busbaan.db*"))


def test_an_answered_commands_text_is_gone_from_the_files(tmp_path: Path) -> None:
    """outside6: a refused question's text stayed in busbaan.db-wal after the bot had
    answered it. After `replied`, neither the database nor its log holds the text
    (secure_delete zeroes it, the log is folded in and truncated), and only the owner
    can read the store."""
    url = f"sqlite:///{tmp_path / 'busbaan.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        inbox = Inbox(engine, "wegwijzer")
        event = {"event_id": "$e1", "room_id": "!r:test", "sender": "@a:test",
                 "text": SECRET}
        inbox.receive("s1", [event])
        assert SECRET.encode() in _bytes(tmp_path)  # held until answered (crash-safe)
        inbox.store_reply("$e1", {"body": "Ik heb niets bewaard."})
        inbox.replied("$e1", "$reply")
        assert b"111222333" not in _bytes(tmp_path)
        assert b"Dapperstraat" not in _bytes(tmp_path)
        assert inbox.status("$e1") == "replied"
    finally:
        engine.dispose()
    mode = stat.S_IMODE((tmp_path / "busbaan.db").stat().st_mode)
    assert mode & 0o077 == 0


def test_an_answered_command_no_longer_names_its_sender(tmp_path: Path) -> None:
    """outside10: the inbox kept every answered question's sender next to its event id,
    and ``route_answer.question_event_id`` is that event id, so one join turned every
    person pseudonym of the wegwijzer back into a Matrix ID (119 of 119 answers in a
    make-dev run, also after a key rotation). Once replied, the row keeps the event and
    room ids and the command's name, not who sent it (column and event JSON); a command
    not yet answered keeps its sender (it is run again after a crash)."""
    url = f"sqlite:///{tmp_path / 'busbaan.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        inbox = Inbox(engine, "wegwijzer")
        inbox.receive("s1", [
            {"event_id": "$q1", "room_id": "!dm:test", "sender": "@asker:test",
             "text": "cliënt kan de huur niet betalen", "kind": "message", "command": None},
            {"event_id": "$q2", "room_id": "!dm:test", "sender": "@asker:test",
             "text": "!goed", "kind": "command", "command": "goed"}])
        inbox.store_reply("$q1", {"body": "Hier kun je terecht"})
        inbox.replied("$q1", "$a1")
        (waiting,) = inbox.pending()
        assert (waiting.event_id, waiting.sender) == ("$q2", "@asker:test")
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT sender, event, room_id, status FROM bot_command "
                "WHERE event_id = '$q1'").one()
        assert row.sender == ""
        assert "@asker:test" not in str(row.event)
        assert (row.room_id, row.status) == ("!dm:test", "replied")
        assert '"kind": "message"' in str(row.event)
    finally:
        engine.dispose()
    assert b"@asker:test" in _bytes(tmp_path)  # only the waiting command's


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0080(request: pytest.FixtureRequest,
              store_at_revision: Callable[[str, str], str]) -> str:
    """An empty store at revision 0080 (before answered commands forgot their sender)."""
    return store_at_revision(request.param, "0080")


def test_the_migration_forgets_the_senders_of_commands_answered_before(
        url_at_0080: str) -> None:
    """outside10: rows answered before the inbox dropped senders lose theirs at migration
    0090 (column and event JSON); a command still waiting keeps its sender."""
    t = bot_command_table
    engine = make_engine(url_at_0080)
    try:
        with engine.begin() as conn:
            conn.execute(t.insert(), [
                {"bot": "wegwijzer", "event_id": event_id, "seq": n, "room_id": "!dm:test",
                 "sender": "@asker:test", "status": status,
                 "event": {"event_id": event_id, "sender": "@asker:test", "kind": "message"},
                 "received_at": dt.datetime(2026, 12, 1, 10)}
                for n, (event_id, status) in enumerate((("$old", "replied"),
                                                        ("$waiting", "new")), 1)])
        migrate(url_at_0080)
        with engine.connect() as conn:
            rows = {r.event_id: r for r in conn.execute(
                sa.select(t.c.event_id, t.c.sender, t.c.event))}
        assert rows["$old"].sender == ""
        assert rows["$old"].event == {"event_id": "$old", "kind": "message"}
        assert rows["$waiting"].sender == "@asker:test"
        assert rows["$waiting"].event["sender"] == "@asker:test"
    finally:
        engine.dispose()

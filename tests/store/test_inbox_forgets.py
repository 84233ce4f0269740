"""The inbox forgets a command's text once it is answered, on disk too (SQLite)."""

from __future__ import annotations

import stat
from pathlib import Path

from busbaan.store import make_engine, migrate
from busbaan.store.inbox import Inbox

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

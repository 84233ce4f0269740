"""The bots' inbox: commands received, handled at most once, answered exactly once.

A bot's runner stores each command event it receives together with the sync token
that delivered it (one transaction: neither is lost, none is stored twice). The
command's work marks it ``handled`` *in the same transaction as the work*: the case
service does this for the command that is running (:data:`current_command`), the
runner does it with the reply for commands that change nothing. A command found
``new`` after a crash is run again (its work never committed); one found ``handled``
is not (its reply is sent from the store). Replies are sent with a transaction id
derived from the command's event id, so the homeserver drops a second send.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from busbaan.store.db import forget_dropped
from busbaan.store.service_tables import bot_command_table, bot_sync_table, direct_room_table

__all__ = ["CommandMark", "DirectRooms", "Inbox", "StoredCommand", "current_command",
           "mark_handled"]


@dataclass(slots=True)
class CommandMark:
    """The command a handler is running for (bound by the runner, read by the service)."""

    bot: str
    event_id: str
    handled: bool = False  # set once a committed transaction marked it


#: What an answered command no longer needs: its text and who sent it.
_DROPPED = frozenset({"text", "sender"})

current_command: contextvars.ContextVar[CommandMark | None] = contextvars.ContextVar(
    "busbaan_current_command", default=None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def mark_handled(conn: Connection, mark: CommandMark | None = None) -> CommandMark | None:
    """Mark the running command handled inside the caller's transaction (no-op without
    one). The caller sets ``mark.handled`` after its commit."""
    mark = mark or current_command.get()
    if mark is None or mark.handled:
        return None
    t = bot_command_table
    conn.execute(t.update().where(t.c.bot == mark.bot, t.c.event_id == mark.event_id,
                                  t.c.status == "new")
                 .values(status="handled", handled_at=_now()))
    return mark


@dataclass(frozen=True, slots=True)
class StoredCommand:
    event_id: str
    room_id: str
    sender: str
    status: str
    event: dict[str, Any]
    reply: dict[str, Any] | None


class Inbox:
    """One bot's commands and sync token in the store (sync; run it in a thread)."""

    def __init__(self, engine: Engine, bot: str) -> None:
        self.engine = engine
        self.bot = bot

    def token(self) -> str | None:
        t = bot_sync_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.c.next_batch).where(t.c.bot == self.bot)).scalar()

    def receive(self, next_batch: str, events: Sequence[dict[str, Any]]) -> int:
        """Store a sync's command events (skipping ones already stored) and its token, in
        one transaction. Returns how many were new."""
        t, sync = bot_command_table, bot_sync_table
        now = _now()
        with self.engine.begin() as conn:
            fresh = 0
            if events:
                ids = [e["event_id"] for e in events]
                known = set(conn.execute(sa.select(t.c.event_id).where(
                    t.c.bot == self.bot, t.c.event_id.in_(ids))).scalars())
                seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.seq), 0))
                                   .where(t.c.bot == self.bot)).scalar_one()
                rows = []
                for e in events:
                    if e["event_id"] in known:
                        continue
                    known.add(e["event_id"])
                    seq += 1
                    rows.append({"bot": self.bot, "event_id": e["event_id"], "seq": seq,
                                 "room_id": e["room_id"], "sender": e["sender"], "event": e,
                                 "status": "new", "received_at": now})
                if rows:
                    conn.execute(t.insert(), rows)
                fresh = len(rows)
            updated = conn.execute(sync.update().where(sync.c.bot == self.bot)
                                   .values(next_batch=next_batch, updated_at=now)).rowcount
            if not updated:
                conn.execute(sync.insert().values(bot=self.bot, next_batch=next_batch,
                                                  updated_at=now))
        return fresh

    def pending(self, room_id: str | None = None) -> list[StoredCommand]:
        """Commands not yet answered (of one room, with ``room_id``), in the order they
        arrived."""
        t = bot_command_table
        where = (t.c.bot == self.bot) & (t.c.status != "replied")
        if room_id is not None:
            where = where & (t.c.room_id == room_id)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.c.event_id, t.c.room_id, t.c.sender, t.c.status,
                                          t.c.event, t.c.reply)
                                .where(where).order_by(t.c.seq)).all()
        return [StoredCommand(r[0], r[1], r[2], r[3], dict(r[4]),
                              dict(r[5]) if r[5] is not None else None) for r in rows]

    def store_reply(self, event_id: str, reply: dict[str, Any]) -> None:
        """Keep the reply to send; mark the command handled if its work did not."""
        t = bot_command_table
        with self.engine.begin() as conn:
            conn.execute(t.update().where(t.c.bot == self.bot, t.c.event_id == event_id)
                         .values(reply=reply, status=sa.case((t.c.status == "new", "handled"),
                                                             else_=t.c.status),
                                 handled_at=sa.func.coalesce(t.c.handled_at, _now())))

    def replied(self, event_id: str, reply_event_id: str) -> None:
        """The reply is sent: the command is done. Its text and the reply's content are
        no longer needed and are dropped (they may hold a private label or a reason that
        must not live on in the store); so is its sender (outside10: a kept sender next
        to the event id undid the wegwijzer's person pseudonyms, as ``route_answer``
        keeps the question's event id). The command's name and the event and room ids
        stay."""
        t = bot_command_table
        where = (t.c.bot == self.bot) & (t.c.event_id == event_id)
        with self.engine.begin() as conn:
            event = conn.execute(sa.select(t.c.event).where(where)).scalar()
            kept = {k: v for k, v in dict(event or {}).items() if k not in _DROPPED}
            conn.execute(t.update().where(where)
                         .values(status="replied", reply_event_id=reply_event_id,
                                 sender="", event=kept, reply=None))
        with self.engine.connect() as conn:
            forget_dropped(conn)

    def status(self, event_id: str) -> str | None:
        t = bot_command_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.c.status).where(
                t.c.bot == self.bot, t.c.event_id == event_id)).scalar()


class DirectRooms:
    """The direct rooms a bot created itself, by the person they are with."""

    def __init__(self, engine: Engine, bot: str) -> None:
        self.engine = engine
        self.bot = bot

    def get(self, user_id: str) -> str | None:
        t = direct_room_table
        with self.engine.connect() as conn:
            return conn.execute(sa.select(t.c.room_id).where(
                t.c.bot == self.bot, t.c.user_id == user_id)).scalar()

    def remember(self, user_id: str, room_id: str) -> None:
        t = direct_room_table
        with self.engine.begin() as conn:
            conn.execute(t.delete().where(t.c.bot == self.bot, t.c.user_id == user_id))
            conn.execute(t.insert().values(bot=self.bot, user_id=user_id, room_id=room_id,
                                           created_at=_now()))

"""Tables of the case service and the crash-safe bots (SQLAlchemy Core; migration 0005).

- ``outbox_event``: typed domain events (:mod:`busbaan.events`), written in the same
  transaction as the change they describe; the mirrors mark what they applied
  (``audit_index``: the entry's index in the audit log, set in the append's own
  transaction, so each event is appended exactly once; ``state_done_at``: the room
  state holds). ``failure`` quarantines a payload that does not parse.
- ``room_state_written``: what the room-state mirror last wrote (a digest per state
  key), so it writes only differences, also after a restart.
- ``bot_sync``: each bot's sync token, stored with the commands it delivered.
- ``bot_command``: each command event a bot received (``new``), handled (in the
  transaction of its work, with the reply to send) and answered (``replied``).
- ``bot_direct_room``: the direct rooms a bot created itself (the only ones it sends
  handover proposals and other private notices to).
- ``case_opening`` (migration 0030): a case whose room is being created, with the
  command that opens it; the command run again after a crash finds its case (and the
  room made before the crash) instead of opening a second one.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

outbox_table = sa.Table(
    "outbox_event", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(32), nullable=False, unique=True),
    sa.Column("case_id", sa.String(32), nullable=False, index=True),
    sa.Column("code", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("audit_index", sa.BigInteger),
    sa.Column("state_done_at", sa.DateTime),
    sa.Column("failure", sa.String(255)),
)

room_state_table = sa.Table(
    "room_state_written", metadata,
    sa.Column("room_id", sa.String(255), primary_key=True),
    sa.Column("event_type", sa.String(128), primary_key=True),
    sa.Column("state_key", sa.String(255), primary_key=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("written_at", sa.DateTime, nullable=False),
)

bot_sync_table = sa.Table(
    "bot_sync", metadata,
    sa.Column("bot", sa.String(32), primary_key=True),
    sa.Column("next_batch", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

bot_command_table = sa.Table(
    "bot_command", metadata,
    sa.Column("bot", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("room_id", sa.String(255), nullable=False),
    sa.Column("sender", sa.String(255), nullable=False),
    sa.Column("event", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # new | handled | replied
    sa.Column("reply", sa.JSON),
    sa.Column("reply_event_id", sa.String(255)),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.Column("handled_at", sa.DateTime),
)

direct_room_table = sa.Table(
    "bot_direct_room", metadata,
    sa.Column("bot", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(255), primary_key=True),
    sa.Column("room_id", sa.String(255), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

case_opening_table = sa.Table(
    "case_opening", metadata,
    sa.Column("case_id", sa.String(32), primary_key=True),
    sa.Column("bot", sa.String(32), nullable=False),
    sa.Column("command_event_id", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("bot", "command_event_id", name="uq_case_opening_command"),
)

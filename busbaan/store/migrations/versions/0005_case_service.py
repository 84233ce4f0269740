"""The case service's outbox, the room-state mirror's memory, crash-safe bots.

Revision ID: 0005
Revises: 0004_wegwijzer
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004_wegwijzer"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(32), nullable=False, unique=True),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("audit_index", sa.BigInteger()),
        sa.Column("state_done_at", sa.DateTime()),
        sa.Column("failure", sa.String(255)),
    )
    op.create_index("ix_outbox_event_case_id", "outbox_event", ["case_id"])
    # The mirrors' work lists: what is not yet in the log / not yet in the room.
    op.create_index("ix_outbox_event_audit_pending", "outbox_event", ["audit_index", "seq"])
    op.create_index("ix_outbox_event_state_pending", "outbox_event", ["state_done_at", "seq"])
    op.create_table(
        "room_state_written",
        sa.Column("room_id", sa.String(255), primary_key=True),
        sa.Column("event_type", sa.String(128), primary_key=True),
        sa.Column("state_key", sa.String(255), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bot_sync",
        sa.Column("bot", sa.String(32), primary_key=True),
        sa.Column("next_batch", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "bot_command",
        sa.Column("bot", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reply", sa.JSON()),
        sa.Column("reply_event_id", sa.String(255)),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handled_at", sa.DateTime()),
    )
    op.create_index("ix_bot_command_status", "bot_command", ["bot", "status", "seq"])
    op.create_table(
        "bot_direct_room",
        sa.Column("bot", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("bot_direct_room", "bot_command", "bot_sync", "room_state_written",
                  "outbox_event"):
        op.drop_table(table)

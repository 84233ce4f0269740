"""Answered commands no longer name their sender (session 9, outside10).

The bots' inbox (``bot_command``) kept each command's sender after it was answered, and
``route_answer.question_event_id`` is the question's event id: one join turned every
wegwijzer person pseudonym back into a Matrix ID, also after a key rotation.
:meth:`busbaan.store.inbox.Inbox.replied` now drops the sender with the text; this
migration does the same for the rows answered before it (``sender`` becomes ``''``, the
``sender`` key leaves ``event``). Commands not yet answered keep theirs: they run again.

Revision ID: 0090
Revises: 0080
"""

import sqlalchemy as sa
from alembic import op

revision = "0090"
down_revision = "0080"
branch_labels = None
depends_on = None

_BATCH = 500

_command = sa.table(
    "bot_command",
    sa.column("bot", sa.String),
    sa.column("event_id", sa.String),
    sa.column("sender", sa.String),
    sa.column("event", sa.JSON),
    sa.column("status", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    t = _command
    while True:
        rows = conn.execute(
            sa.select(t.c.bot, t.c.event_id, t.c.event)
            .where(t.c.status == "replied", t.c.sender != "").limit(_BATCH)).all()
        if not rows:
            return
        for bot, event_id, event in rows:
            kept = {k: v for k, v in dict(event or {}).items() if k != "sender"}
            conn.execute(t.update().where(t.c.bot == bot, t.c.event_id == event_id)
                         .values(sender="", event=kept))


def downgrade() -> None:
    """Nothing to restore: the senders are gone."""

"""No plain Matrix IDs in the wegwijzer's tables (session 9, privacy10).

From this revision on, ``route_answer.asker``, ``lane.asker``, ``lane.first_answer_by``,
``lane.closed_by`` and ``route_feedback.by`` hold the person's keyed pseudonym (12 hex,
:meth:`busbaan.pseudonyms.Pseudonyms.person`), and the new ``lane.asker_user_id`` holds
the asker's Matrix ID only while the lane waits for its first answer, at most 14 days
(:mod:`busbaan.wegwijzer.retention`: the reminder to the team names the asker).

Existing rows. Migrations run without the pseudonym key (``busbaan db migrate``, every
CLI command and benchmark migrates with only a database URL, and the key is kept apart
from the database on purpose), so this revision cannot compute pseudonyms. It does:

- ``lane.first_answer_by`` and ``lane.closed_by`` become NULL: nothing reads them back
  (the clock runs on ``first_answer_at``/``closed_at``), so the IDs go at once;
- ``route_answer.asker``, ``lane.asker`` and ``route_feedback.by`` are left as they were:
  the product still compares them ("your last answer", "only the asker may open a lane
  or rate it", one verdict per person and answer, "the asker's own message does not stop
  the clock"), and random stand-ins would break that for every answer and lane that is
  still in use. The first sweep with the key replaces them by pseudonyms (and moves a
  waiting lane's asker into ``asker_user_id``): the wegwijzer does it when it starts,
  before it answers anything, and ``busbaan keys redact`` does it without the bot
  (:mod:`busbaan.store.wegwijzer_privacy`).

There is no way back (downgrade drops the column only): the IDs are gone on purpose.

Revision ID: 0070
Revises: 0060
"""

import sqlalchemy as sa
from alembic import op

revision = "0070"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lane") as batch:
        batch.add_column(sa.Column("asker_user_id", sa.String(255), nullable=True))
    bind = op.get_bind()
    for column in ("first_answer_by", "closed_by"):  # fixed names
        bind.execute(sa.text(f"UPDATE lane SET {column} = NULL WHERE {column} LIKE '@%'"))


def downgrade() -> None:
    with op.batch_alter_table("lane") as batch:
        batch.drop_column("asker_user_id")

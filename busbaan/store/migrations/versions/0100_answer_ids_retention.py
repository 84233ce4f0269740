"""An answer keeps where it was given for a limited time (session 10, privacy12).

``route_answer.room_id``, ``event_id`` and ``question_event_id`` are Matrix references:
a direct chat's room id belongs to one professional, and with the homeserver's database
the event ids give the sender and (unencrypted) the question. They were kept forever.
From this revision on, the wegwijzer's retention sweep forgets them once the answer is
14 days old and no lane of it still keeps its asker's Matrix ID
(:func:`busbaan.wegwijzer.retention.keeps_answer_ids`); the answer's services, scores
and question hash stay, for the figures. Forgotten is ``room_id = ''``,
``question_event_id = ''`` and ``event_id = 'forgotten:' || answer_id``
(:func:`busbaan.store.wegwijzer_models.forgotten_refs`: the columns stay NOT NULL, since
making them nullable on SQLite rebuilds the table, which the foreign keys of ``lane``
and ``route_feedback`` refuse inside this transaction).

This revision forgets the rows already past that limit: it needs no key (unlike 0070),
so the IDs go at migration time, not at the bot's next start. The limit and the values
are written out (14 days, ``MATRIX_ID_DAYS`` when this was written; the values of
``forgotten_refs``): a migration does what it did then, whatever the code becomes. The
lane condition is the one of ``keeps_asker_id``: a lane that still waits (no first
answer, not closed), opened less than 14 days ago, still holding its asker's ID.

There is no way back (downgrade drops the index only): the IDs are gone on purpose.

Revision ID: 0100
Revises: 0090
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0090"
branch_labels = None
depends_on = None

_DAYS = 14  # MATRIX_ID_DAYS at the time of writing (see the docstring)

_answer = sa.table("route_answer", sa.column("answer_id", sa.String),
                   sa.column("room_id", sa.String), sa.column("event_id", sa.String),
                   sa.column("question_event_id", sa.String),
                   sa.column("created_at", sa.DateTime))
_lane = sa.table("lane", sa.column("answer_id", sa.String),
                 sa.column("opened_at", sa.DateTime), sa.column("first_answer_at", sa.DateTime),
                 sa.column("closed_at", sa.DateTime), sa.column("asker_user_id", sa.String))


def upgrade() -> None:
    # the sweep's search (answers still keeping their ids, by age): without it every
    # check of the wegwijzer (30 s) reads the whole table
    op.create_index("ix_route_answer_kept_created", "route_answer", ["created_at"],
                    postgresql_where=sa.text("room_id <> ''"),
                    sqlite_where=sa.text("room_id <> ''"))
    cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=_DAYS)).replace(tzinfo=None)
    waiting_lane = (sa.select(sa.literal(1)).select_from(_lane)
                    .where(_lane.c.answer_id == _answer.c.answer_id,
                           _lane.c.first_answer_at.is_(None), _lane.c.closed_at.is_(None),
                           _lane.c.asker_user_id.is_not(None), _lane.c.opened_at > cutoff))
    op.get_bind().execute(
        _answer.update()
        .where(_answer.c.room_id != "", _answer.c.created_at <= cutoff,
               ~waiting_lane.exists())
        .values(room_id="", question_event_id="",
                event_id=sa.literal("forgotten:", sa.String) + _answer.c.answer_id))


def downgrade() -> None:
    """The index goes; the IDs do not come back (they are gone on purpose)."""
    op.drop_index("ix_route_answer_kept_created", "route_answer")

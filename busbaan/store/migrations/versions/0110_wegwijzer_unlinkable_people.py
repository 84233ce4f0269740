"""The wegwijzer's person columns stop naming one person the same everywhere (session 11,
privacy13).

Until this revision ``route_answer.asker``, ``route_feedback.by``, ``lane.asker``,
``lane.first_answer_by`` and ``lane.closed_by`` held the professional's one keyed
pseudonym, and ``route_learned.source_id`` the raw feedback or lane id. One audit entry
(``route.feedback`` or ``lane.opened``: the Matrix ID beside an answer or lane id) tied
the professional to that pseudonym and so, with the database alone, to every answer they
had asked for, every verdict, lane and learned vote (privacy12's finding). From now on
the bot writes per-object pseudonyms (:meth:`busbaan.pseudonyms.Pseudonyms.asker` per
answer, ``lane_person`` per lane), keyed learned sources, times of verdicts and votes to
the day, and keyed object references in its audit entries.

The rows already written cannot be given per-object pseudonyms here (that needs the key
and the Matrix ID, which the tables do not hold), so this revision forgets them:

- ``route_answer.asker``, ``lane.asker``, ``lane.first_answer_by``, ``lane.closed_by``:
  ``'-'``;
  ``route_answer.room_id`` of answers that still keep it (within the retention limit):
  ``'-' || answer_id`` (a direct chat's room id grouped one professional's answers; the
  answer's events stay until the retention sweep, so a reply to it is still recognised
  and told why it cannot be rated); ``route_feedback.by``:
  ``'-' || feedback_id`` (the one-verdict-per-person-and-answer constraint holds). The
  bot then says of such an answer what it says after a key rotation ("from before a
  security update"; it can be asked again). A lane that still holds its asker's Matrix
  ID (``asker_user_id``) gets its per-lane pseudonym from that ID at the retention
  sweep (the bot at its start, before it reads its lanes; ``busbaan keys redact``; a
  rotation); a row from before 0070 never swept keeps the ID in ``asker`` for that;
- ``route_learned.source_id``: the feedback or lane id after the person becomes a random
  value, the same for every vote of one source (votes are still counted per person; the
  person part is kept, so ``route learned forget --person`` still finds them);
- ``route_feedback.created_at`` and ``route_learned.created_at``: to the start of their
  UTC day (:func:`busbaan.wegwijzer.retention.coarse_day`).

New column ``lane.question_room_id`` (nullable): the room a lane's question was asked
in, kept and cleared with ``asker_user_id`` (the team's first answer reads the question
back from it to learn; answers no longer keep their room id in the clear).

The audit log is not touched: it is tamper-evident, and entries written before keep
their ids (docs/contracts.md, "Audit entries of the wegwijzer"). No way back: downgrade
does nothing (the links are gone on purpose).

Revision ID: 0110
Revises: 0100
"""

import datetime as dt
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0100"
branch_labels = None
depends_on = None

_FORGOTTEN = "-"  # FORGOTTEN_PERSON when this was written
_SEP = "~"  # PERSON_SEP of busbaan.routing.learning

_answer = sa.table("route_answer", sa.column("answer_id", sa.String),
                   sa.column("asker", sa.String), sa.column("room_id", sa.String))
_feedback = sa.table("route_feedback", sa.column("feedback_id", sa.String),
                     sa.column("by", sa.String), sa.column("created_at", sa.DateTime))
_lane = sa.table("lane", sa.column("asker", sa.String),
                 sa.column("asker_user_id", sa.String),
                 sa.column("first_answer_by", sa.String), sa.column("closed_by", sa.String))
_learned = sa.table("route_learned", sa.column("source_id", sa.String),
                    sa.column("created_at", sa.DateTime))


def _day(bind: sa.engine.Connection,
         column: sa.ColumnClause[dt.datetime]) -> sa.ColumnElement[dt.datetime]:
    """``column`` (naive UTC) to the start of its day, in the backend's SQL."""
    if bind.dialect.name == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff'
        return sa.func.substr(column, 1, 10) + sa.literal(" 00:00:00.000000", sa.String)
    return sa.func.date_trunc("day", column)


def upgrade() -> None:
    # where a lane's question was asked, kept with asker_user_id (for learning from the
    # team's first answer: answers no longer keep their room id)
    op.add_column("lane", sa.Column("question_room_id", sa.String(255), nullable=True))
    bind = op.get_bind()
    bind.execute(_answer.update().values(asker=_FORGOTTEN))
    # the room of an answer that still keeps where it was given: per answer too
    bind.execute(_answer.update().where(_answer.c.room_id != "")
                 .values(room_id=sa.literal(_FORGOTTEN, sa.String) + _answer.c.answer_id))
    bind.execute(_feedback.update().values(
        by=sa.literal(_FORGOTTEN, sa.String) + _feedback.c.feedback_id,
        created_at=_day(bind, _feedback.c.created_at)))
    # a lane that keeps its asker's Matrix ID (asker_user_id) gets its per-lane
    # pseudonym from the sweep (the bot runs it at start, before it reads its lanes);
    # one written before 0070 and never swept keeps the ID in asker itself, for that
    bind.execute(_lane.update().where(_lane.c.asker.not_like("@%"))
                 .values(asker=_FORGOTTEN))
    for name in ("first_answer_by", "closed_by"):
        column = _lane.c[name]
        bind.execute(_lane.update().where(column.is_not(None)).values({name: _FORGOTTEN}))
    bind.execute(_learned.update().values(created_at=_day(bind, _learned.c.created_at)))
    # one random value per source (feedback or lane id), the person part kept
    fresh: dict[str, str] = {}
    for (stored,) in bind.execute(sa.select(_learned.c.source_id).distinct()).all():
        person, sep, source = stored.rpartition(_SEP)
        if source not in fresh:
            fresh[source] = secrets.token_hex(8)
        bind.execute(_learned.update().where(_learned.c.source_id == stored)
                     .values(source_id=f"{person}{sep}{fresh[source]}"))


def downgrade() -> None:
    """The column goes; nothing else comes back: the links are gone on purpose."""
    with op.batch_alter_table("lane") as batch:
        batch.drop_column("question_room_id")

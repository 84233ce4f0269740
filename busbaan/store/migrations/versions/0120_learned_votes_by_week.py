"""Learned votes keep the ISO week, not the day (session 12, privacy15).

``route_learned.created_at`` was kept to the UTC day (0110). A vote names its person
(one pseudonym for all their votes: votes are counted and forgotten per person), and a
day on which one professional voted tied that day's ``route.learned`` and
``route.feedback`` audit entries — the latter names the professional — to the person's
pseudonym, hence to all their votes on other days (privacy13's finding). The week holds
the votes of everyone who voted that week. Nothing reads the time. Each stored time
becomes the Monday 00:00 (UTC) of its ISO week
(:func:`busbaan.wegwijzer.retention.coarse_week`); no schema change, no key needed. No
way back: downgrade does nothing (the days are gone on purpose).

Revision ID: 0120
Revises: 0110
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0120"
down_revision = "0110"
branch_labels = None
depends_on = None

_learned = sa.table("route_learned", sa.column("created_at", sa.DateTime))


def _week(when: dt.datetime) -> dt.datetime:
    """``when`` (naive UTC, as stored) to the Monday 00:00 of its ISO week."""
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - dt.timedelta(days=day.weekday())


def upgrade() -> None:
    bind = op.get_bind()
    # per distinct time (a few hundred at most: they are days since 0110), in Python:
    # the same rule on SQLite and PostgreSQL
    stored = bind.execute(sa.select(_learned.c.created_at).distinct()).scalars().all()
    for when in stored:
        if when is None:
            continue
        week = _week(when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(when))
        if week != when:
            bind.execute(_learned.update().where(_learned.c.created_at == when)
                         .values(created_at=week))


def downgrade() -> None:
    """Nothing comes back: the days are gone on purpose."""

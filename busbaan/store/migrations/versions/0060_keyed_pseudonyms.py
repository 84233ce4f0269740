"""Keyed pseudonyms (session 8, privacy9): take out the plain SHA-256 values written
before, which anyone with the database could match against guesses.

From this revision on, ``question_sha256`` (route_answer, lane, route_feedback) holds
an HMAC-SHA-256 under the deployment's pseudonym key (:mod:`busbaan.pseudonyms`), and a
learning vote's person (``route_learned.source_id`` = ``<person>~<source>``) is a keyed
pseudonym too. The key is not in the database, so this migration cannot re-key the old
values; it removes what would only leak:

- ``question_sha256`` of existing rows becomes ``''`` ("written before keyed hashes").
  Nothing computes a plain hash any more, so these never matched again anyway: a lane
  from, or learning on, an answer given before the upgrade simply finds no question text
  (the lane opens without it; nothing is learned). Feedback on such an answer is stored
  as before.
- Each distinct old person prefix in ``route_learned`` is replaced by a random one
  (12 hex, the same for all rows of that person), so old votes still count per person,
  but the prefix no longer names a Matrix ID. A person who votes again after the
  upgrade gets their keyed pseudonym: at most they count twice across the upgrade.

There is no way back (downgrade does nothing): the old values are gone on purpose.

Revision ID: 0060
Revises: 0050
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0060"
down_revision = "0050"
branch_labels = None
depends_on = None

_SEP = "~"


def upgrade() -> None:
    bind = op.get_bind()
    for table in ("route_answer", "lane", "route_feedback"):
        bind.execute(sa.text(f"UPDATE {table} SET question_sha256 = '' "  # fixed names
                             "WHERE question_sha256 <> ''"))
    rows = bind.execute(sa.text(
        "SELECT DISTINCT source_id FROM route_learned WHERE source_id LIKE :pattern"),
        {"pattern": f"%{_SEP}%"}).scalars().all()
    fresh: dict[str, str] = {}
    for source_id in rows:
        person, rest = str(source_id).split(_SEP, 1)
        new = fresh.setdefault(person, secrets.token_hex(6))
        bind.execute(sa.text("UPDATE route_learned SET source_id = :new WHERE source_id = :old"),
                     {"new": f"{new}{_SEP}{rest}", "old": source_id})


def downgrade() -> None:
    """Nothing to restore: the plain hashes were removed on purpose."""

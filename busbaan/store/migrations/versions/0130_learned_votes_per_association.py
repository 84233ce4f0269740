"""Learned votes are kept per association and voter, not one row per vote (session 13,
privacy16).

Until this revision ``route_learned`` held one row per vote, with an autoincrement id and
the person's one pseudonym (``<person>~<source>``). The id (or the rows' order in a dump)
lined up with the audit log: the n-th group of rows was the n-th ``route.learned`` entry,
written beside the ``route.feedback`` entry that names the professional; from that group
the person part reached all their other votes (privacy15's finding; a week with one voter
did the same through the time kept).

New tables (:mod:`busbaan.store.wegwijzer_learned`):

- ``route_learned_count``: per (map, term, service) and voter, the voter's number of
  votes and their sum; the voter is a keyed value *per association*
  (:meth:`busbaan.pseudonyms.Pseudonyms.learned_voter`). No id, no time; on SQLite
  without rowid (rows lie in key order).
- ``route_learned_source``: per keyed source, what it voted and for whom, sealed under
  the pseudonym key (a changed verdict takes its votes back; ``forget --person``
  erases them).

The existing rows cannot be converted here: the voter and the seal need the pseudonym
key, which the database does not hold and a migration does not read. They stay in
``route_learned``, still counted and listed, until a process with the key moves them, in
one transaction (:meth:`~busbaan.store.wegwijzer_learned.LearnedRepository.convert_legacy`):
the wegwijzer at its start, or ``busbaan keys redact``. Without the key nothing is lost
and nothing changes for ``route learned list|forget``.

Revision ID: 0130
Revises: 0120
"""

import sqlalchemy as sa
from alembic import op

revision = "0130"
down_revision = "0120"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "route_learned_count",
        sa.Column("map_sha256", sa.String(64), nullable=False),
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("voter", sa.String(32), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("net", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("map_sha256", "term", "service_id", "voter",
                                name="pk_route_learned_count"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "route_learned_source",
        sa.Column("source_ref", sa.String(32), nullable=False),
        sa.Column("map_sha256", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("source_ref", "map_sha256", name="pk_route_learned_source"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """The new tables go (their votes with them: they cannot be put back per vote
    without the key)."""
    op.drop_table("route_learned_source")
    op.drop_table("route_learned_count")

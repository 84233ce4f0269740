"""The current pseudonym key's fingerprint, where every process can see it (session 9,
privacy11).

One row (``id`` = 1): the fingerprint (:meth:`busbaan.pseudonyms.Pseudonyms.fingerprint`,
8 hex; it names the key without revealing it) of the key the deployment's pseudonyms
are made with, when it became current, and whether that was a rotation
(``rotated_at``; NULL when the first process with a key recorded it). ``busbaan keys
rotate`` replaces it in the transaction that re-keys the tables; the wegwijzer and the
CLI commands that pseudonymise compare their key with it (:mod:`busbaan.store.pseudonym_key`),
so that a process left running through a rotation stops writing old-key pseudonyms.

No row is written here: migrations run without the key. The first process with a key
records it.

Revision ID: 0080
Revises: 0070
"""

import sqlalchemy as sa
from alembic import op

revision = "0080"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pseudonym_key",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("fingerprint", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("rotated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_pseudonym_key_one_row"),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_key")

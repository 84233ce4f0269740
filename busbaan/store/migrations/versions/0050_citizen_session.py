"""The citizen's sessions in the store (issue 10): keyed hashes of the ids only, and
the forms each session claimed (a double submit in any process finds its form taken).

Revision ID: 0050
Revises: 0040
"""

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_session",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(32)),
        sa.Column("link_id", sa.String(32)),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_citizen_session_case_id", "citizen_session", ["case_id"])
    op.create_index("ix_citizen_session_link_id", "citizen_session", ["link_id"])
    op.create_index("ix_citizen_session_last_seen", "citizen_session", ["last_seen"])
    op.create_table(
        "citizen_form",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("form_id", sa.String(64), primary_key=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("flash", sa.JSON()),
    )
    op.create_index("ix_citizen_form_claimed_at", "citizen_form", ["claimed_at"])


def downgrade() -> None:
    op.drop_index("ix_citizen_form_claimed_at", "citizen_form")
    op.drop_table("citizen_form")
    op.drop_index("ix_citizen_session_last_seen", "citizen_session")
    op.drop_index("ix_citizen_session_link_id", "citizen_session")
    op.drop_index("ix_citizen_session_case_id", "citizen_session")
    op.drop_table("citizen_session")

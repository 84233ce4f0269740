"""A case being opened, tied to the command that opens it (issue 9: a crash between
creating the room and recording it neither loses the room nor opens a second case).

Revision ID: 0030
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_opening",
        sa.Column("case_id", sa.String(32), sa.ForeignKey("case_record.case_id"),
                  primary_key=True),
        sa.Column("bot", sa.String(32), nullable=False),
        sa.Column("command_event_id", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("bot", "command_event_id", name="uq_case_opening_command"),
    )


def downgrade() -> None:
    op.drop_table("case_opening")

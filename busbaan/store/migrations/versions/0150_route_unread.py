"""The wegwijzer keeps, across a restart, that a person's newest question in a room could
not be read (session 21): ``route_unread``, a keyed reference to room and person, the
stadsdeel it named and the answer a lane to a person after it hangs on; never the
question. Rows expire (``expires_at``).

Revision ID: 0150
Revises: 0140
"""

import sqlalchemy as sa
from alembic import op

revision = "0150"
down_revision = "0140"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "route_unread",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(16), nullable=False),
        sa.Column("stadsdeel", sa.String(64), nullable=True),
        sa.Column("answer_id", sa.String(16), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_route_unread_expires_at", "route_unread", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_route_unread_expires_at", table_name="route_unread")
    op.drop_table("route_unread")

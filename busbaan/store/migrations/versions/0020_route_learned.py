"""The wegwijzer learns from professionals (issue 8): term -> service evidence per
social map version (normalised terms only; never a question's text).

Revision ID: 0020
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "route_learned",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("map_sha256", sa.String(64), nullable=False),
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("map_sha256", "term", "service_id", "source_id",
                            name="uq_route_learned_vote"),
    )
    op.create_index("ix_route_learned_map", "route_learned", ["map_sha256", "term"])
    op.create_index("ix_route_learned_source", "route_learned", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_route_learned_source", table_name="route_learned")
    op.drop_index("ix_route_learned_map", table_name="route_learned")
    op.drop_table("route_learned")

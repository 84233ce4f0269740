"""Core tables: directory, cases, consent grants.

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_entry",
        sa.Column("user_id", sa.String(255), primary_key=True),
        sa.Column("display_name", sa.String(255), nullable=False, server_default=""),
        sa.Column("organisation", sa.String(64), nullable=False, index=True),
        sa.Column("team", sa.String(128), nullable=False, server_default=""),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False, server_default="import"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "case_record",
        sa.Column("case_id", sa.String(32), primary_key=True),
        sa.Column("room_id", sa.String(255), unique=True),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("home_organisation", sa.String(64), nullable=False),
        sa.Column("regie", sa.String(255), nullable=False),
        sa.Column("regie_since", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="opening"),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime()),
    )
    op.create_table(
        "consent_grant",
        sa.Column("grant_id", sa.String(32), primary_key=True),
        sa.Column(
            "case_id", sa.String(32), sa.ForeignKey("case_record.case_id"), nullable=False,
            index=True,
        ),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("legal_bases", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("given_by", sa.String(255), nullable=False),
        sa.Column("template", sa.String(64)),
        sa.Column("withdrawn_at", sa.DateTime()),
        sa.Column("withdrawn_by", sa.String(255)),
        sa.Column("withdrawal_channel", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("consent_grant")
    op.drop_table("case_record")
    op.drop_table("directory_entry")

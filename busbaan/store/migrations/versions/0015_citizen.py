"""The citizen's way in and consent proposals (issue 10).

Revision ID: 0015
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_link",
        sa.Column("link_id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("case_record.case_id"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("used_at", sa.DateTime()),
        sa.Column("revoked_at", sa.DateTime()),
        sa.Column("revoked_by", sa.String(255)),
        sa.Column("locked_at", sa.DateTime()),
    )
    op.create_index("ix_citizen_link_case_id", "citizen_link", ["case_id"])
    op.create_table(
        "consent_proposal",
        sa.Column("proposal_id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("case_record.case_id"),
                  nullable=False),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("legal_bases", sa.JSON(), nullable=False),
        sa.Column("valid_until", sa.DateTime(), nullable=False),
        sa.Column("proposed_by", sa.String(255), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="proposed"),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("grant_id", sa.String(32)),
        sa.Column("receipt", sa.Text()),
    )
    op.create_index("ix_consent_proposal_case_id", "consent_proposal", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_consent_proposal_case_id", "consent_proposal")
    op.drop_table("consent_proposal")
    op.drop_index("ix_citizen_link_case_id", "citizen_link")
    op.drop_table("citizen_link")

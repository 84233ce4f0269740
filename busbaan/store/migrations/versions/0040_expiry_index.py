"""The expiry index (issue 12): the casus bot reconciles only the case rooms whose
grants or accesses run out now, instead of every room every second.

Revision ID: 0040
Revises: 0030
"""

from alembic import op

revision = "0040"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_consent_grant_valid_until", "consent_grant", ["valid_until"])
    op.create_index("ix_case_access_until", "case_access", ["until"])


def downgrade() -> None:
    op.drop_index("ix_case_access_until", "case_access")
    op.drop_index("ix_consent_grant_valid_until", "consent_grant")

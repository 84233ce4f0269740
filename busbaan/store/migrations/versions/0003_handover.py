"""Handovers and temporary accesses (break-glass, sideline).

Revision ID: 0003_handover
Revises: 0002_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_handover"
down_revision = "0002_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover",
        sa.Column("handover_id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("case_record.case_id"),
                  nullable=False),
        sa.Column("proposer", sa.String(255), nullable=False),
        sa.Column("addressee", sa.String(255), nullable=False),
        sa.Column("from_organisation", sa.String(64), nullable=False),
        sa.Column("to_organisation", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(600), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="proposed"),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("remind_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime()),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("decided_by", sa.String(255)),
        sa.Column("decline_reason", sa.String(600)),
        sa.Column("room_event_id", sa.String(255)),
        sa.Column("dm_room_id", sa.String(255)),
    )
    op.create_index("ix_handover_case_id", "handover", ["case_id"])
    op.create_index("ix_handover_addressee", "handover", ["addressee"])
    op.create_index("ix_handover_status", "handover", ["status"])
    # One open proposal per case, also when two bot processes race.
    op.create_index(
        "uq_handover_open_per_case", "handover", ["case_id"], unique=True,
        sqlite_where=sa.text("status = 'proposed'"),
        postgresql_where=sa.text("status = 'proposed'"),
    )
    op.create_table(
        "case_access",
        sa.Column("access_id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("case_record.case_id"),
                  nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("reason_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(255), nullable=False),
        sa.Column("ended_at", sa.DateTime()),
    )
    op.create_index("ix_case_access_case_id", "case_access", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_access_case_id", table_name="case_access")
    op.drop_table("case_access")
    op.drop_index("uq_handover_open_per_case", table_name="handover")
    op.drop_index("ix_handover_status", table_name="handover")
    op.drop_index("ix_handover_addressee", table_name="handover")
    op.drop_index("ix_handover_case_id", table_name="handover")
    op.drop_table("handover")

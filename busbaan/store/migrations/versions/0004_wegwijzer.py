"""The wegwijzer: imported social maps, answers, lanes and feedback (no question text).

Revision ID: 0004_wegwijzer
Revises: 0003_handover
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_wegwijzer"
down_revision = "0003_handover"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "socialmap",
        sa.Column("map_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("organizations", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(255), nullable=False, server_default=""),
    )
    op.create_index("ix_socialmap_sha256", "socialmap", ["sha256"])

    op.create_table(
        "route_answer",
        sa.Column("answer_id", sa.String(16), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("question_event_id", sa.String(255), nullable=False),
        sa.Column("asker", sa.String(255), nullable=False),
        sa.Column("question_sha256", sa.String(64), nullable=False),
        sa.Column("map_sha256", sa.String(64), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("confident", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_route_answer_room_id", "route_answer", ["room_id"])
    op.create_index("ix_route_answer_room_asker", "route_answer",
                    ["room_id", "asker", "created_at"])

    op.create_table(
        "lane",
        sa.Column("lane_id", sa.String(16), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False, unique=True),
        sa.Column("answer_id", sa.String(16), sa.ForeignKey("route_answer.answer_id"),
                  nullable=False),
        sa.Column("service_id", sa.String(128), nullable=False),
        sa.Column("organization_id", sa.String(128), nullable=False),
        sa.Column("team", sa.String(255), nullable=False),
        sa.Column("intake_room_id", sa.String(255)),
        sa.Column("asker", sa.String(255), nullable=False),
        sa.Column("question_sha256", sa.String(64), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("first_answer_at", sa.DateTime()),
        sa.Column("first_answer_by", sa.String(255)),
        sa.Column("reminded_at", sa.DateTime()),
        sa.Column("closed_at", sa.DateTime()),
        sa.Column("closed_by", sa.String(255)),
        sa.UniqueConstraint("answer_id", "service_id", name="uq_lane_answer_service"),
    )
    op.create_index("ix_lane_team", "lane", ["team"])

    op.create_table(
        "route_feedback",
        sa.Column("feedback_id", sa.String(16), primary_key=True),
        sa.Column("answer_id", sa.String(16), sa.ForeignKey("route_answer.answer_id"),
                  nullable=False),
        sa.Column("by", sa.String(255), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("expected_service_id", sa.String(128)),
        sa.Column("question_sha256", sa.String(64), nullable=False),
        sa.Column("map_sha256", sa.String(64), nullable=False),
        sa.Column("answered_service_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("answer_id", "by", name="uq_route_feedback_answer_by"),
        sa.CheckConstraint("verdict IN ('good', 'wrong')", name="ck_route_feedback_verdict"),
    )
    op.create_index("ix_route_feedback_answer_id", "route_feedback", ["answer_id"])


def downgrade() -> None:
    op.drop_table("route_feedback")
    op.drop_table("lane")
    op.drop_table("route_answer")
    op.drop_table("socialmap")

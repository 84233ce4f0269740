"""Witnesses' cosignatures of the audit log's checkpoints (append-only, like the log).

Revision ID: 0010
Revises: 0004_wegwijzer
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "audit_cosignature",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("witness", sa.String(255), primary_key=True),
        sa.Column("line", sa.Text, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("received_at", sa.String(27), nullable=False),
    )
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_cosignature_no_{verb.lower()} BEFORE {verb} ON "
                "audit_cosignature BEGIN SELECT RAISE(ABORT, 'audit_cosignature is "
                "append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_cosignature_append_only BEFORE UPDATE OR DELETE ON "
            "audit_cosignature FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_cosignature_no_truncate BEFORE TRUNCATE ON "
            "audit_cosignature FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_cosignature_no_{verb}")
    op.drop_table("audit_cosignature")

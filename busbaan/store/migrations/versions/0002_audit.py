"""The tamper-evident audit log: entries, cached subtree hashes, head, checkpoints,
per-case keys; and triggers that refuse to change or delete the past.

The triggers are a guard against mistakes, not the protection: someone with database
access can drop them, and then the Merkle tree and the signed checkpoints show it.

Revision ID: 0002_audit
Revises: 0001_core
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002_audit"
down_revision = "0001_core"
branch_labels = None
depends_on = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: the rowid itself
_APPEND_ONLY = ("audit_entry", "audit_node", "audit_checkpoint")


#: Filters of the reports and exports. (An event-code filter, as in the consent report,
#: scans: it is rare, and each index costs every append.)
_INDEXED = ("case_id", "user_id", "responsible_user", "subject_user", "organisation",
            "occurred_at")
#: Search columns: copies of leaf fields, as (column, leaf key, type).
_COPIES = (
    ("personal_sha256", "personal_sha256", sa.String(64)),
    ("event_code", "event_code", sa.String(100)),
    ("occurred_at", "occurred_at", sa.String(27)),
    ("outcome", "outcome", sa.String(16)),
    ("case_id", "case_id", sa.String(255)),
    ("user_id", "user_id", sa.String(255)),
    ("responsible_user", "responsible_user", sa.String(255)),
    ("subject_user", "subject_user", sa.String(255)),
    ("organisation", "organisation", sa.String(255)),
)


def _copy_columns(dialect: str) -> list[sa.Column]:  # type: ignore[type-arg]
    """The search columns.

    On SQLite the database derives them from the leaf (generated columns; JSON is
    cheap there), so they cannot disagree with what is hashed. On PostgreSQL that
    would parse the leaf once per column on every insert, so the application writes
    them with the leaf and ``busbaan audit verify`` compares them in SQL.
    """
    if dialect != "sqlite":
        return [sa.Column(name, type_) for name, _, type_ in _COPIES]

    def derived(name: str, key: str, type_: sa.types.TypeEngine, stored: bool) -> sa.Column:  # type: ignore[type-arg]
        expr = f"json_extract(CAST(leaf AS TEXT), '$.{key}')"
        return sa.Column(name, type_, sa.Computed(expr, persisted=stored))

    # The two that verification reads on every row are stored; the rest are virtual.
    return [derived("leaf_index", "index", sa.BigInteger(), True)] + [
        derived(name, key, type_, name == "personal_sha256") for name, key, type_ in _COPIES
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "audit_entry",
        sa.Column("idx", _ROW_ID, primary_key=True, autoincrement=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("leaf", sa.LargeBinary, nullable=False),  # what is hashed
        sa.Column("personal", sa.LargeBinary, nullable=True),  # sealed details, if any
        *_copy_columns(dialect),
    )
    # (column, idx) so that keyset pages of a filtered report stay in index order.
    # Partial where a column is often empty: such rows cost no index insert.
    for column in _INDEXED:
        where = None if column == "occurred_at" else sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_audit_entry_{column}", "audit_entry", [column, "idx"],
                        sqlite_where=where, postgresql_where=where)

    op.create_table(
        "audit_node",
        sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("frontier", sa.LargeBinary, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "size": 0, "frontier": b"",
                           "root": hashlib.sha256(b"").digest()}])
    op.create_table(
        "audit_checkpoint",
        sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
    )
    op.create_table(
        "audit_case_key",
        sa.Column("key_ref", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(255), nullable=False),
        sa.Column("secret", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("erased_at", sa.String(27), nullable=True),
        sa.Column("erased_by", sa.String(255), nullable=True),
    )
    op.create_index("ix_audit_case_key_case_id", "audit_case_key", ["case_id"])
    # At most one live key per case.
    op.create_index(
        "uq_audit_case_key_live", "audit_case_key", ["case_id"], unique=True,
        sqlite_where=sa.text("erased_at IS NULL"),
        postgresql_where=sa.text("erased_at IS NULL"),
    )

    if dialect == "sqlite":
        for table in _APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        # For verification: the leaf as JSON. convert_from() is only STABLE; the leaf is
        # always UTF-8, so the wrapper may say IMMUTABLE.
        op.execute(
            "CREATE FUNCTION audit_leaf_json(leaf bytea) RETURNS jsonb LANGUAGE sql "
            "IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT convert_from(leaf, 'UTF8')::jsonb $$"
        )
        op.execute(
            "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in _APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif dialect == "postgresql":
        for table in _APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    op.drop_index("uq_audit_case_key_live", table_name="audit_case_key")
    op.drop_index("ix_audit_case_key_case_id", table_name="audit_case_key")
    op.drop_table("audit_case_key")
    op.drop_table("audit_checkpoint")
    op.drop_table("audit_head")
    op.drop_table("audit_node")
    for column in _INDEXED:
        op.drop_index(f"ix_audit_entry_{column}", table_name="audit_entry")
    op.drop_table("audit_entry")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_leaf_json(bytea)")

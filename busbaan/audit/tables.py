"""The audit log's tables (the schema itself is created by Alembic revision 0002_audit).

``audit_entry``      one row per leaf: its index, leaf bytes (what is hashed), leaf hash,
                     the sealed personal details (if any) and search columns copied
                     from the leaf. On SQLite the database derives the copies from the
                     leaf (generated columns); on PostgreSQL the writer stores them and
                     verification compares them with the leaf.
``audit_node``       hashes of complete subtrees at levels 4, 8, 12, ... (16, 256, 4096,
                     ... leaves), so that a proof needs a handful of small range reads
                     whatever the log's size.
``audit_head``       one row: the size, the right edge of the tree, the root. Every
                     writer locks it; it is what keeps indexes gapless.
``audit_checkpoint`` the signed notes.
``audit_case_key``   per-case keys for the sealed personal details.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = [
    "CACHE_EVERY",
    "CACHE_MASK",
    "COPIED_COLUMNS",
    "case_key_table",
    "checkpoint_table",
    "cosignature_table",
    "entry_table",
    "head_table",
    "metadata",
    "node_table",
]

#: Subtree hashes are cached at every level that is a multiple of this.
CACHE_EVERY = 4
CACHE_MASK = (1 << CACHE_EVERY) - 1
_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite: the rowid itself

metadata = sa.MetaData()

entry_table = sa.Table(
    "audit_entry",
    metadata,
    sa.Column("idx", _ROW_ID, primary_key=True, autoincrement=False),
    sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("leaf", sa.LargeBinary, nullable=False),
    sa.Column("personal", sa.LargeBinary, nullable=True),
    sa.Column("personal_sha256", sa.String(64), nullable=True),
    sa.Column("event_code", sa.String(100), nullable=False),
    sa.Column("occurred_at", sa.String(27), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("case_id", sa.String(255)),
    sa.Column("user_id", sa.String(255)),
    sa.Column("responsible_user", sa.String(255)),
    sa.Column("subject_user", sa.String(255)),
    sa.Column("organisation", sa.String(255)),
)
#: Columns copied from the leaf for searching, and the leaf's key for each. The copies
#: are written with the leaf and checked against it by :meth:`AuditLog.verify`.
COPIED_COLUMNS: dict[str, str] = {
    "idx": "index",
    "event_code": "event_code",
    "occurred_at": "occurred_at",
    "outcome": "outcome",
    "case_id": "case_id",
    "user_id": "user_id",
    "responsible_user": "responsible_user",
    "subject_user": "subject_user",
    "organisation": "organisation",
    "personal_sha256": "personal_sha256",
}

node_table = sa.Table(
    "audit_node",
    metadata,
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("hash", sa.LargeBinary(32), nullable=False),
)
head_table = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("frontier", sa.LargeBinary, nullable=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
)
checkpoint_table = sa.Table(
    "audit_checkpoint",
    metadata,
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(27), nullable=False),
)
case_key_table = sa.Table(
    "audit_case_key",
    metadata,
    sa.Column("key_ref", _ROW_ID, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(255), nullable=False),
    sa.Column("secret", sa.LargeBinary, nullable=True),
    sa.Column("created_at", sa.String(27), nullable=False),
    sa.Column("erased_at", sa.String(27), nullable=True),
    sa.Column("erased_by", sa.String(255), nullable=True),
)
#: Witnesses' cosignatures of checkpoints (revision 0010): one row per checkpoint size
#: and witness. A checkpoint newer than a witness's largest row is not yet witnessed by
#: it: that *is* the persisted queue the service works through.
cosignature_table = sa.Table(
    "audit_cosignature",
    metadata,
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("witness", sa.String(255), primary_key=True),
    sa.Column("line", sa.Text, nullable=False),
    sa.Column("timestamp", sa.BigInteger, nullable=False),
    sa.Column("received_at", sa.String(27), nullable=False),
)

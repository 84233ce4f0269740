"""Helpers for the tamper tests: doing what an administrator with database access could."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def drop_guards(engine: Engine) -> None:
    """Remove the append-only triggers, as an administrator could."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for table in ("audit_entry", "audit_node", "audit_checkpoint"):
                for verb in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        else:
            for table in ("audit_entry", "audit_node", "audit_checkpoint"):
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def run(engine: Engine, sql: str, **params: object) -> None:
    """Execute one statement in its own transaction."""
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def leaf_of(engine: Engine, index: int) -> bytes:
    """The stored leaf bytes of entry ``index``."""
    with engine.connect() as conn:
        return bytes(conn.execute(sa.text("SELECT leaf FROM audit_entry WHERE idx = :i"),
                                  {"i": index}).scalar_one())


def restore_guards(engine: Engine) -> None:
    """Put the append-only triggers back, as the administrator would to hide the act."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for table in ("audit_entry", "audit_node", "audit_checkpoint"):
                for verb in ("UPDATE", "DELETE"):
                    conn.exec_driver_sql(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE "
                        f"{verb} ON {table} BEGIN SELECT RAISE(ABORT, '{table} is "
                        "append-only'); END")
        else:
            for table in ("audit_entry", "audit_node", "audit_checkpoint"):
                conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def drop_cosignature_guards(engine: Engine) -> None:
    """Remove the triggers on the witnesses' cosignatures too."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for verb in ("update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS audit_cosignature_no_{verb}")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_cosignature DISABLE TRIGGER USER")

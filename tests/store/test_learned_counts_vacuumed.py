"""Migration 0140 (session 14, privacy18): PostgreSQL vacuums the learned count rows at
its first dead row, so the rows a write replaced do not wait for 50 more."""

from __future__ import annotations

import sqlalchemy as sa

from busbaan.store import make_engine


def test_postgresql_vacuums_the_count_rows_at_the_first_dead_row(db_url: str) -> None:
    """After migrating, the store is at 0140 or later; on PostgreSQL the count table asks
    autovacuum to run at one dead row (threshold 0, no share of the table)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert str(version) >= "0140"
            if engine.dialect.name == "postgresql":
                options = conn.execute(sa.text(
                    "SELECT reloptions FROM pg_class WHERE oid = "
                    "CAST('route_learned_count' AS regclass)")).scalar()
                assert set(options or ()) == {"autovacuum_vacuum_threshold=0",
                                              "autovacuum_vacuum_scale_factor=0"}
    finally:
        engine.dispose()

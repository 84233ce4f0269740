"""Engines and migrations."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from busbaan.errors import Unavailable

DEFAULT_SQLITE = ".busbaan/busbaan.db"
#: How long a SQLite connection waits for a lock before it gives up.
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(explicit: str | None = None) -> str:
    """The database to use: an explicit URL, ``BUSBAAN_DATABASE_URL``, or a SQLite file."""
    url = explicit or os.environ.get("BUSBAAN_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{DEFAULT_SQLITE}"


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted and overwritten content is zeroed, not left in free pages: a command's
    # text dropped after its reply (the inbox) must not live on in the file.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def forget_dropped(conn: sa.Connection) -> None:
    """On SQLite, fold the write-ahead log into the database and truncate it, so that
    text just dropped (secure_delete zeroes it in the database) is not left in older
    log frames (outside6: a refused question's BSN stayed in busbaan.db-wal). It never
    waits: with a reader busy it does what it can now and the next call the rest. On
    PostgreSQL nothing to do here (dead rows go with VACUUM; keep autovacuum on)."""
    if conn.dialect.name == "sqlite":
        # never wait for it: a TRUNCATE checkpoint would hold new writers behind a busy
        # reader for up to the busy timeout; busy now, the next reply's checkpoint does it
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def store_away(exc: BaseException) -> bool:
    """Whether ``exc`` says the store cannot be reached or written *for now* (a lost or
    refused connection, SQLite's lock timeout): nothing was changed, and the same work
    will likely succeed a little later. A refused write (a constraint) is not."""
    return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`database_url`); SQLite in WAL mode."""
    url = database_url(url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():  # only its owner reads the store (the WAL inherits it)
                path.touch(mode=0o600)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Bring the database at ``url`` to the newest schema (idempotent)."""
    url = database_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        command.upgrade(alembic_config(url), "head")
    except sa.exc.OperationalError as exc:
        raise Unavailable(
            "De database is niet bereikbaar. Controleer BUSBAAN_DATABASE_URL en probeer het "
            "opnieuw.",
            "The database cannot be reached. Check BUSBAAN_DATABASE_URL and try again.",
            data={"cause": type(exc.orig).__name__ if exc.orig else "OperationalError"},
        ) from exc

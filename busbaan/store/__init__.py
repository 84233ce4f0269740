"""The store: sqlmodel tables, repositories, Alembic migrations.

SQLite file by default, PostgreSQL by ``BUSBAAN_DATABASE_URL``. Every schema change
is a numbered Alembic revision under ``migrations/versions``.
"""

from busbaan.store.db import database_url, make_engine, migrate

__all__ = ["database_url", "make_engine", "migrate"]

"""Alembic environment: runs the numbered revisions against the configured URL."""

from __future__ import annotations

from alembic import context

from busbaan.store.db import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()

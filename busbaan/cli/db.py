"""``busbaan db``: the store's schema."""

from __future__ import annotations

import click

from busbaan.store import database_url, migrate


@click.group()
def db() -> None:
    """The store (SQLite by default, PostgreSQL by BUSBAAN_DATABASE_URL)."""


@db.command("migrate")
@click.option("--db", "url", default=None, help="Database URL (default: BUSBAAN_DATABASE_URL "
              "or .busbaan/busbaan.db).")
def migrate_cmd(url: str | None) -> None:
    """Bring the database to the newest schema (safe to repeat)."""
    migrate(url)
    click.echo(f"busbaan: database bijgewerkt ({_safe(database_url(url))})")


def _safe(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}:***@{host}" if ":" in creds else url
    return url

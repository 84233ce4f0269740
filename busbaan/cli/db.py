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


@db.command("grants")
@click.option("--db", "url", default=None, help="Database URL of the tables' owner.")
@click.option("--gate-role", required=True, help="The role Synapse's gate connects as.")
@click.option("--service-role", default=None, help="The role the busbaan service connects as.")
@click.option("--create", is_flag=True, help="Create missing roles (LOGIN, no password).")
def grants_cmd(url: str | None, gate_role: str, service_role: str | None, create: bool) -> None:
    """PostgreSQL: the gate's role may only add to the audit log (see deploy/audit.md)."""
    from busbaan.cli import lang
    from busbaan.store import make_engine
    from busbaan.store.grants import apply_grants

    engine = make_engine(database_url(url))
    try:
        done = apply_grants(engine, gate_role=gate_role, service_role=service_role,
                            create=create)
    finally:
        engine.dispose()
    for grant in done:
        audit = {t: r for t, r in grant.tables.items() if t.startswith("audit_")}
        shown = "; ".join(f"{t}: {','.join(r) or '-'}" for t, r in sorted(audit.items()))
        made = (" (aangemaakt)" if lang() == "nl" else " (created)") if grant.created else ""
        click.echo(f"{grant.role}{made}: {shown}")

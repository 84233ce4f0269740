"""``busbaan directory``: who is who."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from busbaan.directory import parse_directory_csv
from busbaan.policy import load_policy
from busbaan.store import make_engine, migrate
from busbaan.store.repositories import DirectoryRepository


@click.group()
def directory() -> None:
    """The directory of professionals (organisation, team, role)."""


@directory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policies", "policy_dir", default="policies", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--server-name", default=None,
              help="Homeserver name for rows that give a localpart instead of a user_id.")
@click.option("--replace/--merge", default=True, show_default=True,
              help="Replace every entry that came from this file before, or only add/update.")
@click.option("--db", "url", default=None, help="Database URL.")
def import_cmd(file: Path, policy_dir: Path, server_name: str | None, replace: bool,
               url: str | None) -> None:
    """Import FILE.csv (user_id|localpart, display_name, organisation, team, role).

    Every row is checked against the policy; when any row is wrong, nothing is
    imported and every bad row is listed.
    """
    policy = load_policy(policy_dir)
    entries = parse_directory_csv(file.read_text(encoding="utf-8"), policy,
                                  server_name=server_name, source=str(file))
    migrate(url)
    repo = DirectoryRepository(make_engine(url))
    now = dt.datetime.now(dt.UTC)
    source = f"csv:{file.name}"
    n = (repo.replace_source(entries, source, now) if replace
         else repo.upsert(entries, source, now))
    click.echo(f"busbaan: {n} professionals geïmporteerd uit {file.name}")


@directory.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")
@click.option("--db", "url", default=None, help="Database URL.")
def list_cmd(as_json: bool, url: str | None) -> None:
    """List the directory."""
    migrate(url)
    for p in sorted(DirectoryRepository(make_engine(url)).all(), key=lambda p: p.user_id):
        if as_json:
            click.echo(json.dumps({"user_id": p.user_id, "organisation": p.organisation,
                                   "team": p.team, "role": p.role}))
        else:
            click.echo(f"{p.user_id}\t{p.organisation}\t{p.team}\t{p.role}")

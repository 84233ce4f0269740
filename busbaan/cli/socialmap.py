"""``busbaan socialmap``: work with the social map (Open Referral HSDS 3.0 JSON)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import click

from busbaan.cli import lang
from busbaan.routing.hsds import read_raw, validate_map


@click.group()
def socialmap() -> None:
    """Check the social map (HSDS 3.0)."""


@socialmap.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """Check FILE and name every problem; exit 1 when it has errors."""
    en = lang() == "en"
    raw = read_raw(file)  # a missing file or bad JSON is a BusbaanError
    problems = validate_map(raw)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in problems:
        if problem.severity == "error":
            label = "error" if en else "fout"
        else:
            label = "warning" if en else "waarschuwing"
        click.echo(f"{file}: {label}: {problem.message('en' if en else 'nl')}")
    counts = ""
    if isinstance(raw, Mapping):
        services = raw.get("services")
        organizations = raw.get("organizations")
        n_services = len(services) if isinstance(services, list) else 0
        n_orgs = len(organizations) if isinstance(organizations, list) else 0
        counts = (
            f"{n_services} services, {n_orgs} organisations; "
            if en
            else f"{n_services} diensten, {n_orgs} organisaties; "
        )
    summary = (
        f"{file}: {counts}{len(errors)} error(s), {len(warnings)} warning(s)."
        if en
        else f"{file}: {counts}{len(errors)} fout(en), {len(warnings)} waarschuwing(en)."
    )
    if errors:
        click.echo(summary, err=True)
        sys.exit(1)
    click.echo(summary + (" OK." if en else " In orde."))

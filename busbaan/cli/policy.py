"""``busbaan policy``: check and show the policies (``policies/``)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from busbaan.cli import lang
from busbaan.policy import Policy, PolicyError, load_policy

_DIR = click.argument("directory", required=False, default="policies",
                      type=click.Path(path_type=Path))


@click.group()
def policy() -> None:
    """The policies: organisations, roles, data categories, legal bases, lawful rules."""


def _load(directory: Path) -> Policy:
    """The policy in ``directory``; on problems, print each on its own line and exit 1."""
    try:
        return load_policy(directory)
    except PolicyError as exc:
        language = lang()
        for problem in exc.problems:
            click.echo(problem.render(language), err=True)
        n = len(exc.problems)
        click.echo(
            f"busbaan: {n} problem{'' if n == 1 else 's'} in {directory}" if language == "en"
            else f"busbaan: {n} {'probleem' if n == 1 else 'problemen'} in {directory}",
            err=True,
        )
        sys.exit(1)


@policy.command("check")
@_DIR
def check_cmd(directory: Path) -> None:
    """Check the policy files in DIRECTORY (default: ./policies); exit 1 on any problem."""
    p = _load(directory)
    counts = (len(p.organisations), len(p.categories), len(p.legal_bases), len(p.rules),
              len(p.templates))
    if lang() == "en":
        click.echo(f"busbaan: policy in {directory} is valid (version {p.version}: "
                   "{} organisations, {} categories, {} legal bases, {} rules, "
                   "{} templates)".format(*counts))
    else:
        click.echo(f"busbaan: beleid in {directory} is in orde (versie {p.version}: "
                   "{} organisaties, {} categorieën, {} grondslagen, {} regels, "
                   "{} sjablonen)".format(*counts))


def policy_data(p: Policy) -> dict[str, Any]:
    """The loaded policy as plain JSON data, with every id."""
    return {
        "version": p.version,
        "organisations": [
            {"id": o.id, "name": o.name, "kind": o.kind, "public_task": o.public_task,
             "homeservers": list(o.homeservers), "default_role": o.default_role,
             "roles": [dataclasses.asdict(r) for r in o.roles]}
            for o in p.organisations
        ],
        "categories": [dataclasses.asdict(c) for c in p.categories],
        "legal_bases": [dataclasses.asdict(b) for b in p.legal_bases],
        "rules": [
            {"id": r.id, "legal_basis": r.legal_basis,
             "organisations": sorted(r.organisations), "categories": sorted(r.categories)}
            for r in p.rules
        ],
        "templates": [
            {"id": t.id, "name": t.name, "duration_days": t.duration_days,
             "grants": [{"organisation": g.organisation, "categories": list(g.categories),
                         "legal_bases": list(g.legal_bases), "roles": list(g.roles)}
                        for g in t.grants]}
            for t in p.templates
        ],
        "limits": dataclasses.asdict(p.limits),
    }


@policy.command("show")
@_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the loaded policy as JSON.")
def show_cmd(directory: Path, as_json: bool) -> None:
    """Show the loaded policy in DIRECTORY (default: ./policies)."""
    p = _load(directory)
    if as_json:
        click.echo(json.dumps(policy_data(p), ensure_ascii=False, indent=2))
        return
    en = lang() == "en"

    def head(nl: str, english: str) -> None:
        click.echo(f"\n{english if en else nl}")

    click.echo(f"{'Policy' if en else 'Beleid'} {p.version} ({directory})")
    head("Organisaties", "Organisations")
    for o in p.organisations:
        task = ("public task" if en else "publieke taak") if o.public_task else (
            "no public task" if en else "geen publieke taak")
        servers = ", ".join(o.homeservers) or "—"
        click.echo(f"  {o.id}: {o.name} [{o.kind}; {task}; {servers}]")
        for r in o.roles:
            flags = [f for f, on in (("break-glass", r.break_glass),
                                     ("privacy officer", r.privacy_officer)) if on]
            click.echo(f"    - {r.id}: {r.name}" + (f" ({', '.join(flags)})" if flags else ""))
    head("Gegevenscategorieën", "Data categories")
    for c in p.categories:
        click.echo(f"  {c.id}: {c.name}" + (f" ({c.special})" if c.special else ""))
    head("Grondslagen", "Legal bases")
    for b in p.legal_bases:
        click.echo(f"  {b.id}: {b.name} — {b.article} [{b.kind}]")
    head("Rechtmatige combinaties", "Lawful combinations")
    for rule in p.rules:
        click.echo(f"  {rule.id}: {rule.legal_basis} → {', '.join(sorted(rule.organisations))}: "
                   f"{', '.join(sorted(rule.categories))}")
    head("Sjablonen", "Templates")
    for t in p.templates:
        click.echo(f"  {t.id}: {t.name} ({t.duration_days} {'days' if en else 'dagen'})")
        for g in t.grants:
            roles = f" [{', '.join(g.roles)}]" if g.roles else ""
            click.echo(f"    - {g.organisation}{roles}: {', '.join(g.categories)} "
                       f"({', '.join(g.legal_bases)})")
    head("Grenzen", "Limits")
    for name, value in dataclasses.asdict(p.limits).items():
        click.echo(f"  {name}: {value}")

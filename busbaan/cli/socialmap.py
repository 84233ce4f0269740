"""``busbaan socialmap``: work with the social map (Open Referral HSDS 3.0 JSON)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from busbaan.cli import lang
from busbaan.routing import expansion
from busbaan.routing.hsds import parse_map, read_raw, validate_map
from busbaan.routing.model import MapProblem
from busbaan.routing.safety import SafetyFileError, check_against_map, load_signals


@click.group()
def socialmap() -> None:
    """Check the social map (HSDS 3.0) and import it into the store."""


@socialmap.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--safety",
    "safety_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Safety signals file (YAML) to check with the map; default: the one shipped "
    "with busbaan.",
)
@click.option(
    "--examples",
    "example_files",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Example questions per service (YAML file or a folder of them) to check with the "
    "map; default: those shipped with busbaan. Repeat for several.",
)
def check(file: Path, safety_file: Path | None, example_files: tuple[Path, ...]) -> None:
    """Check FILE (and the safety signals and example questions with it); exit 1 when
    there are errors."""
    en = lang() == "en"
    raw = read_raw(file)  # a missing file or bad JSON is a BusbaanError
    problems = validate_map(raw)
    problems += _safety_problems(raw, problems, safety_file)
    found, examples_line = _examples(raw, problems, example_files or None, en)
    problems += found
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
    if examples_line:
        click.echo(examples_line)
    click.echo(summary + (" OK." if en else " In orde."))


def _safety_problems(
    raw: object, map_problems: list[MapProblem], safety_file: Path | None
) -> list[MapProblem]:
    """The safety file's own problems, and (for a usable map) its problems with the map."""
    try:
        signals = load_signals(safety_file)
    except SafetyFileError as exc:
        return [
            MapProblem("error", "safety-file", f"{exc.source}: {p.where}", p.nl, p.en)
            for p in exc.found
        ]
    if any(p.severity == "error" for p in map_problems):
        return []
    return check_against_map(signals, parse_map(raw))


def _examples(
    raw: object, map_problems: list[MapProblem], files: tuple[Path, ...] | None, en: bool
) -> tuple[list[MapProblem], str]:
    """The example files' own problems, and (for a usable map) their problems with it;
    and one line saying how many of the map's services have example questions (empty
    when there are errors)."""
    try:
        examples = expansion.load_examples(files)
    except expansion.ExamplesFileError as exc:
        return [dataclasses.replace(p, where=f"{exc.source}: {p.where}")
                for p in exc.found], ""
    if any(p.severity == "error" for p in map_problems):
        return [], ""
    social_map = parse_map(raw)
    problems = expansion.check_against_map(examples, social_map,
                                           own=examples.sources if files else ())
    with_examples, services, used = expansion.coverage(examples, social_map)
    line = (f"example questions: {with_examples} of {services} services have them "
            f"({used} in all)." if en else
            f"voorbeeldvragen: {with_examples} van de {services} diensten hebben ze "
            f"({used} in totaal).")
    return problems, line


@socialmap.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", "url", default=None, help="Database URL (default: BUSBAAN_DATABASE_URL).")
def import_cmd(file: Path, url: str | None) -> None:
    """Check FILE and load it into the store; the wegwijzer uses it from its next start.

    A map with errors is not imported (every error is named, nothing is written); the
    same map twice is imported once.
    """
    import datetime as dt
    import getpass

    from busbaan.store import make_engine, migrate
    from busbaan.store.wegwijzer_repo import SocialMapRepository
    from busbaan.wegwijzer.mapdoc import map_document

    en = lang() == "en"
    document = map_document(read_raw(file), str(file))  # errors: SocialMapError, exit 2
    migrate(url)
    engine = make_engine(url)
    try:
        stored, created = SocialMapRepository(engine).add(
            document=document.text, sha256=document.sha256, source=str(file),
            services=len(document.social_map.services),
            organizations=len(document.social_map.organizations),
            now=dt.datetime.now(dt.UTC), by=getpass.getuser())
    finally:
        engine.dispose()
    counts = (f"{stored.services} services, {stored.organizations} organisations"
              if en else f"{stored.services} diensten, {stored.organizations} organisaties")
    if created:
        click.echo(f"{file}: {counts} imported as map {stored.map_id} "
                   f"(sha256 {stored.sha256[:12]}); the wegwijzer uses it from its next start."
                   if en else
                   f"{file}: {counts} geïmporteerd als kaart {stored.map_id} "
                   f"(sha256 {stored.sha256[:12]}); de wegwijzer gebruikt hem vanaf zijn "
                   "volgende start.")
    else:
        click.echo(f"{file}: this map is already in use (map {stored.map_id}); nothing changed."
                   if en else
                   f"{file}: deze kaart is al in gebruik (kaart {stored.map_id}); niets "
                   "veranderd.")
    for problem in document.social_map.warnings:
        label = "warning" if en else "waarschuwing"
        click.echo(f"{file}: {label}: {problem.message('en' if en else 'nl')}", err=True)

"""``busbaan audit``: the tamper-evident audit log for the privacy officer.

Exit codes: 0 done; 1 ``verify`` found tampering; 2 unusable input or an error the
message explains (Dutch by default, English with ``BUSBAAN_LANG=en``).
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import functools
import getpass
import json
import os
import secrets
import sys
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from busbaan.audit import AuditLog, Signer, Verifier, VerifyReport
from busbaan.audit.assurance import (
    fetch_witness_checkpoints,
    read_state,
    verify_trusted,
    write_state,
)
from busbaan.audit.export import csv_rows, jsonl_rows
from busbaan.audit.keys import (
    DEFAULT_KEY_PATH,
    DEFAULT_ORIGIN,
    load_or_create_signer,
    load_signer,
    load_verifier,
)
from busbaan.audit.reports import (
    ExceptionSummary,
    citizen_report,
    consent_events,
    entry_row,
    is_exception,
    processing_register,
    professional_report,
    render_citizen,
    render_exceptions,
    render_professional,
    render_register,
)
from busbaan.audit.runs import marker_entry
from busbaan.audit.signing import SignerMemory
from busbaan.audit.trust import TrustConfig, load_trust_config
from busbaan.cli import lang
from busbaan.errors import NotFound, Unavailable, UsageError
from busbaan.log import configure as configure_logging
from busbaan.store import database_url, make_engine
from busbaan.store.erasure import scrub_case_free_text

_LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")

def _t(nl: str, en: str) -> str:
    return en if lang() == "en" else nl


@dataclass
class _State:
    db_url: str
    key_path: Path

    def log(self, *, signer: Signer | None = None, verifiers: tuple[Verifier, ...] = (),
            origin: str | None = None) -> AuditLog:
        """The log; only ``checkpoint`` and ``verify`` need a key."""
        return AuditLog(make_engine(self.db_url), signer, verifiers=verifiers, origin=origin)


def _guard_db(fn: Any) -> Any:
    """Turn an unreachable or unmigrated database into a message, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except sa.exc.OperationalError as exc:
            text = str(exc.orig).lower() if exc.orig else ""
            if "no such table" in text or "relation" in text:
                raise Unavailable(
                    "De audittabellen ontbreken. Voer eerst 'busbaan db migrate' uit.",
                    "The audit tables are missing. Run 'busbaan db migrate' first.",
                ) from exc
            raise Unavailable(
                "De database is niet bereikbaar. Controleer --db of BUSBAAN_DATABASE_URL.",
                "The database cannot be reached. Check --db or BUSBAAN_DATABASE_URL.",
                data={"cause": type(exc.orig).__name__ if exc.orig else "OperationalError"},
            ) from exc
        except sa.exc.ProgrammingError as exc:
            raise Unavailable(
                "De audittabellen ontbreken. Voer eerst 'busbaan db migrate' uit.",
                "The audit tables are missing. Run 'busbaan db migrate' first.",
            ) from exc

    return wrapper


def _parse_when(value: str | None, option: str, *, end: bool = False) -> dt.datetime | None:
    """A date (``2026-01-31``) or date-time (``2026-01-31T14:00``, optional offset).

    Dates and times without an offset are Dutch local time. For ``--until`` a bare date
    means the end of that day.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            if end:
                day += dt.timedelta(days=1)
            return dt.datetime.combine(day, dt.time(), _LOCAL).astimezone(dt.UTC)
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"Ongeldige datum '{value}' bij {option}. Gebruik JJJJ-MM-DD, bijvoorbeeld "
            f"2026-01-31, of JJJJ-MM-DDTUU:MM.",
            f"Invalid date '{value}' for {option}. Use YYYY-MM-DD, for example 2026-01-31, "
            f"or YYYY-MM-DDTHH:MM.",
            data={"option": option},
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_LOCAL)
    return when.astimezone(dt.UTC)


def _parse_int(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise UsageError(
            f"{name} moet een geheel getal van 0 of meer zijn, niet '{value}'.",
            f"{name} must be a whole number of 0 or more, not '{value}'.",
            data={"argument": name},
        )
    return number


def _period(since: str | None, until: str | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = _parse_when(since, "--since")
    stop = _parse_when(until, "--until", end=True)
    if start and stop and stop <= start:
        raise UsageError(
            "--until ligt niet na --since: de periode is leeg.",
            "--until is not after --since: the period is empty.",
        )
    return start, stop


def _progress(length: int, label: str) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr,
                             show_pos=True, width=30)


# --------------------------------------------------------------------------- the group


@click.group()
@click.option("--db", "db", default=None, metavar="URL",
              help="Database URL (default: BUSBAAN_DATABASE_URL or .busbaan/busbaan.db).")
@click.option("--key", "key_path", default=str(DEFAULT_KEY_PATH), show_default=True,
              type=click.Path(path_type=Path), help="Checkpoint signing key (mode 0600).")
@click.pass_context
def audit(ctx: click.Context, db: str | None, key_path: Path) -> None:
    """The tamper-evident audit log: verify, checkpoints, proofs, exports, reports."""
    # Log lines go to stderr, so that standard output stays pure data (exports, proofs).
    configure_logging(os.environ.get("BUSBAAN_LOG_LEVEL", "WARNING"))
    ctx.obj = _State(database_url(db), key_path)


# --------------------------------------------------------------------------- integrity


def _trust(config: Path | None, vkey: str | None, state: Path | None) -> TrustConfig:
    """The pinned keys: from --config, or --vkey; never derived from the key file."""
    if config is not None:
        trust = load_trust_config(config)
    elif vkey:
        trust = TrustConfig(log_verifier=load_verifier(vkey), source="--vkey")
    else:
        raise UsageError(
            "Geen vastgepinde publieke sleutel: geef --config (verifier-configuratie, met "
            "getuigen) of --vkey. De sleutel wordt niet uit het sleutelbestand afgeleid; "
            "'busbaan audit key' toont hem, om hem eenmalig vast te pinnen.",
            "No pinned public key: pass --config (the verifier's configuration, with "
            "witnesses) or --vkey. The key is not derived from the key file; 'busbaan audit "
            "key' prints it, to pin it once.", errcode="BB_AUDIT_NOT_PINNED")
    if state is not None:
        trust = dataclasses.replace(trust, state_file=state)
    return trust


def _report_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok, "size": report.size, "checkpoints": report.checkpoints,
        "first_bad_index": report.first_bad_index,
        "problems": [{"kind": p.kind, "index": p.index, "checkpoint_size": p.checkpoint_size,
                      "text": p.describe(lang())} for p in report.problems],
        "witnesses": [{"name": w.name, "cosigned_size": w.cosigned_size,
                       "remote_size": w.remote_size, "remote_error": w.remote_error}
                      for w in report.witnesses],
        "quorum": report.quorum, "unwitnessed": list(report.unwitnessed),
        "previous_size": report.previous_size, "open_run_last": report.open_run_last,
    }


def _witness_lines(report: VerifyReport) -> Iterator[str]:
    for w in report.witnesses:
        cosigned = "-" if w.cosigned_size is None else str(w.cosigned_size)
        if w.remote_error == "BB_WITNESS_UNAVAILABLE":
            remote = _t("niet bereikbaar", "unreachable")
        elif w.remote_error is not None:
            remote = _t("onbruikbaar antwoord", "unusable answer")
        elif w.remote_size is None:
            remote = _t("niet gevraagd", "not asked")
        else:
            remote = str(w.remote_size)
        yield _t(f"Getuige {w.name}: medeondertekend t/m grootte {cosigned}; eigen kopie: "
                 f"{remote}.",
                 f"Witness {w.name}: cosigned up to size {cosigned}; its own copy: {remote}.")
    if report.unwitnessed:
        shown = ", ".join(str(s) for s in report.unwitnessed[:10])
        more = " …" if len(report.unwitnessed) > 10 else ""
        yield _t(f"Nog niet getuigd ({report.quorum} nodig): {len(report.unwitnessed)} "
                 f"controlepunt(en), grootte {shown}{more}.",
                 f"Not yet witnessed ({report.quorum} needed): {len(report.unwitnessed)} "
                 f"checkpoint(s), size {shown}{more}.")


@audit.command()
@click.option("--config", "config", default=None, envvar="BUSBAAN_AUDIT_VERIFY_CONFIG",
              type=click.Path(path_type=Path),
              help="Verifier configuration: pinned log key, witnesses, state file.")
@click.option("--vkey", default=None, metavar="KEY|FILE",
              help="The pinned public key of the log (name+id+key), without --config.")
@click.option("--state", "state_path", default=None, type=click.Path(path_type=Path),
              help="The verifier's state file (overrides the configuration's).")
@click.option("--offline", is_flag=True, help="Do not ask the witnesses for their copies.")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
@click.option("--against", "against", multiple=True, type=click.Path(path_type=Path),
              help="A checkpoint kept elsewhere that the log must still match (repeatable).")
@click.option("--workers", default="0", metavar="N",
              help="Extra processes that check rows (pays off with idle cores).")
@click.pass_obj
@_guard_db
def verify(state: _State, config: Path | None, vkey: str | None, state_path: Path | None,
           offline: bool, as_json: bool, against: tuple[Path, ...], workers: str) -> None:
    """Recompute the whole log and check every signed checkpoint against the pinned key,
    the verifier's memory and the witnesses.

    Exits 1 and names the first bad index when anything was changed, deleted, moved,
    rolled back or forged.
    """
    n_workers = _parse_int(workers, "--workers")
    log = state.log()
    size = log.size()  # an unreachable or unmigrated database says so first
    trust = _trust(config, vkey, state_path)
    notes = []
    for path in against:
        try:
            notes.append(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"Kan {path} niet lezen.", f"Cannot read {path}.") from exc
    previous = read_state(trust.state_file) if trust.state_file is not None else None
    remote = {} if offline else asyncio.run(
        fetch_witness_checkpoints(trust.witnesses, trust.origin))
    with _progress(size, _t("Controleren", "Verifying")) as bar:
        report, new_state = verify_trusted(
            log, trust, state=previous, remote=remote, progress=bar.update,
            trusted_notes=notes, workers=n_workers)
    if new_state is not None and trust.state_file is not None:
        write_state(trust.state_file, new_state)
    if as_json:
        click.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
        if not report.ok:
            sys.exit(1)
        return
    if report.ok:
        click.echo(_t(
            f"OK: {report.size} regels, {report.checkpoints} ondertekende controlepunten "
            "kloppen.",
            f"OK: {report.size} entries, {report.checkpoints} signed checkpoints match.",
        ))
        for line in _witness_lines(report):
            click.echo(line)
        if report.checkpoints == 0:
            click.echo(_t(
                "Let op: er is nog geen ondertekend controlepunt ('busbaan audit checkpoint').",
                "Note: there is no signed checkpoint yet ('busbaan audit checkpoint').",
            ), err=True)
        if trust.state_file is None:
            click.echo(_t(
                "Let op: geen verifier-status (state_file): een teruggerold log valt alleen "
                "op via getuigen.",
                "Note: no verifier state (state_file): a rolled-back log shows only through "
                "witnesses.",
            ), err=True)
        return
    language = lang()
    if report.first_bad_index is not None:
        click.echo(_t(f"MANIPULATIE GEVONDEN: eerste foute index {report.first_bad_index}.",
                      f"TAMPERING FOUND: first bad index {report.first_bad_index}."))
    else:
        click.echo(_t("MANIPULATIE GEVONDEN.", "TAMPERING FOUND."))
    for problem in report.problems[:20]:
        click.echo("  - " + problem.describe(language))
    if len(report.problems) > 20:
        click.echo(_t(f"  ... en {len(report.problems) - 20} meer",
                      f"  ... and {len(report.problems) - 20} more"))
    for line in _witness_lines(report):
        click.echo(line)
    sys.exit(1)


@audit.command()
@click.option("--origin", default=None,
              help=f"Name of the log, used only with --init (default {DEFAULT_ORIGIN}).")
@click.option("--init", "init", is_flag=True,
              help="Create the signing key when it is missing (pin its public key after).")
@click.pass_obj
@_guard_db
def checkpoint(state: _State, origin: str | None, init: bool) -> None:
    """Sign a checkpoint of the log as it is now (after a marker entry) and print it."""
    if init:
        signer, created = load_or_create_signer(state.key_path, origin or DEFAULT_ORIGIN)
    else:
        signer, created = load_signer(state.key_path), False
    if created:
        click.echo(_t(f"Nieuwe ondertekensleutel gemaakt: {state.key_path} (modus 0600).",
                      f"Created a new signing key: {state.key_path} (mode 0600)."), err=True)
        click.echo(_t("Publieke sleutel (pin deze): ", "Public key (pin this): ")
                   + signer.verifier.vkey, err=True)
    memory_path = SignerMemory.path_for(state.key_path)
    memory = SignerMemory.read(memory_path)
    log = state.log(signer=signer)
    run = "cli-" + secrets.token_hex(6)
    note = log.checkpoint(
        marker=lambda prev: marker_entry(now=log.clock.now(), run=run, seq=0, reason="manual",
                                         interval=0, prev_size=prev, source="cli"),
        remembered=[memory.note] if memory else [])
    SignerMemory(note, run, 0).write(memory_path)
    click.echo(note, nl=False)


@audit.command("key")
@click.option("--init", "init", is_flag=True, help="Create the key when it is missing.")
@click.option("--origin", default=None,
              help=f"Name of the log, used only with --init (default {DEFAULT_ORIGIN}).")
@click.pass_obj
def key_cmd(state: _State, init: bool, origin: str | None) -> None:
    """Print the public (verifier) key of the signing key, to pin it where it is checked."""
    signer = (load_or_create_signer(state.key_path, origin or DEFAULT_ORIGIN)[0] if init
              else load_signer(state.key_path))
    click.echo(signer.verifier.vkey)


@audit.command()
@click.argument("index")
@click.option("--size", "size", default=None, metavar="M",
              help="Tree size to prove against (default: the latest checkpoint that "
                   "covers the entry, else the current size).")
@click.pass_obj
@_guard_db
def prove(state: _State, index: str, size: str | None) -> None:
    """Print a proof (JSON) that entry INDEX is in the log, with the checkpoint it ends at."""
    n = _parse_int(index, "INDEX")
    log = state.log()
    checkpoints = dict(log.checkpoints())
    if size is not None:
        tree_size = _parse_int(size, "--size")
    else:
        covering = [s for s in checkpoints if s > n]
        tree_size = max(covering) if covering else log.size()
    proof = log.inclusion_proof(n, tree_size)
    verified = proof.verify()
    leaf = next(log.entries(n, n + 1), None)
    b64 = base64.b64encode
    out: dict[str, Any] = {
        "index": proof.index,
        "tree_size": proof.tree_size,
        "leaf_hash": b64(proof.leaf_hash).decode(),
        "inclusion_path": [b64(h).decode() for h in proof.hashes],
        "root_hash": b64(proof.root).decode(),
        "verified": verified,
        "checkpoint": checkpoints.get(tree_size),
        "entry": entry_row(leaf) if leaf else None,
    }
    if out["checkpoint"] is None:
        click.echo(_t(f"Let op: geen ondertekend controlepunt bij grootte {tree_size}.",
                      f"Note: no signed checkpoint at size {tree_size}."), err=True)
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    if not verified:
        sys.exit(1)


# --------------------------------------------------------------------------- export


def _filters(case: str | None, user: str | None, organisation: str | None,
             since: str | None, until: str | None) -> dict[str, Any]:
    start, stop = _period(since, until)
    return {"case_id": case, "user_id": user, "organisation": organisation,
            "since": start, "until": stop}


@audit.command()
@click.option("--format", "fmt", default="jsonl", metavar="jsonl|csv", show_default=True)
@click.option("--case", default=None, help="Only this (pseudonymous) case.")
@click.option("--user", default=None, help="Only entries by, on behalf of, or about this user.")
@click.option("--organisation", default=None, help="Only this organisation.")
@click.option("--since", default=None, metavar="DATE", help="From this date (inclusive).")
@click.option("--until", default=None, metavar="DATE", help="Up to this date (inclusive).")
@click.pass_obj
@_guard_db
def export(state: _State, fmt: str, case: str | None, user: str | None,
           organisation: str | None, since: str | None, until: str | None) -> None:
    """Write entries as JSON Lines or CSV to standard output, streamed."""
    fmt = fmt.lower()
    if fmt not in ("jsonl", "csv"):
        raise UsageError(
            f"Onbekend formaat '{fmt}'. Kies jsonl of csv.",
            f"Unknown format '{fmt}'. Choose jsonl or csv.",
            data={"option": "--format"},
        )
    filters = _filters(case, user, organisation, since, until)
    log = state.log()
    total = log.count(**filters)
    out = sys.stdout
    if fmt == "csv":
        out.write(csv_rows([], header=True))
    with _progress(total, _t("Exporteren", "Exporting")) as bar:
        for n, item in enumerate(log.query(**filters), 1):
            if fmt == "csv":
                out.write(csv_rows([item], header=False))
            else:
                out.write(jsonl_rows([item]))
            if n % 1000 == 0:
                bar.update(1000)
        bar.update(total % 1000)
    out.flush()


# --------------------------------------------------------------------------- reports


@audit.group()
def report() -> None:
    """Reports for the privacy officer (add --json for machine-readable output)."""


def _emit(lines: Iterator[str]) -> None:
    for line in lines:
        click.echo(line)


@report.command("citizen")
@click.argument("case")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.pass_obj
@_guard_db
def report_citizen(state: _State, case: str, as_json: bool) -> None:
    """Everything the log holds about CASE, with its personal details (AVG art. 15)."""
    log = state.log()
    result = citizen_report(case, log.query(case_id=case, with_personal=True))
    if not result.items:
        raise NotFound(f"Het auditlog kent casus {case} niet.",
                       f"The audit log does not know case {case}.",
                       errcode="BB_AUDIT_UNKNOWN_CASE")
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _emit(render_citizen(result, lang()))


@report.command("professional")
@click.argument("user")
@click.option("--since", default=None, metavar="DATE")
@click.option("--until", default=None, metavar="DATE")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.pass_obj
@_guard_db
def report_professional(state: _State, user: str, since: str | None, until: str | None,
                        as_json: bool) -> None:
    """What USER did, on whose behalf, and what was done to them."""
    start, stop = _period(since, until)
    log = state.log()
    result = professional_report(user, log.query(user_id=user, since=start, until=stop))
    if not result.items:
        raise NotFound(f"Het auditlog kent professional {user} niet (in deze periode).",
                       f"The audit log does not know professional {user} (in this period).",
                       errcode="BB_AUDIT_UNKNOWN_USER")
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _emit(render_professional(result, lang()))


@report.command("consents")
@click.option("--case", default=None)
@click.option("--since", default=None, metavar="DATE")
@click.option("--until", default=None, metavar="DATE")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of text.")
@click.pass_obj
@_guard_db
def report_consents(state: _State, case: str | None, since: str | None, until: str | None,
                    as_json: bool) -> None:
    """Consents given, withdrawn and expired (streamed)."""
    start, stop = _period(since, until)
    log = state.log()
    events = consent_events(log.query(case_id=case, since=start, until=stop,
                                      event_prefix="consent"))
    if not as_json:
        click.echo(_t("Toestemmingen: gegeven, ingetrokken, verlopen",
                      "Consents: granted, withdrawn, expired"))
    language = lang()
    for event in events:
        click.echo(json.dumps(event.as_json(), ensure_ascii=False) if as_json
                   else event.line(language))


@report.command("exceptions")
@click.option("--organisation", default=None)
@click.option("--since", default=None, metavar="DATE")
@click.option("--until", default=None, metavar="DATE")
@click.option("--json", "as_json", is_flag=True, help="JSON summary instead of text.")
@click.pass_obj
@_guard_db
def report_exceptions(state: _State, organisation: str | None, since: str | None,
                      until: str | None, as_json: bool) -> None:
    """Refusals, failures and every use of the emergency key, with counts."""
    start, stop = _period(since, until)
    log = state.log()
    items = log.query(organisation=organisation, since=start, until=stop)
    summary = ExceptionSummary()
    if as_json:
        rows = []
        for item in items:
            if is_exception(item):
                summary.add(item)
                rows.append(entry_row(item))
        click.echo(json.dumps({"summary": summary.as_json(), "entries": rows},
                              ensure_ascii=False, indent=2))
        return
    _emit(render_exceptions(items, summary, lang()))


@audit.command()
@click.option("--policies", "policies", default="policies", show_default=True,
              type=click.Path(path_type=Path), help="The policies directory.")
@click.option("--format", "fmt", default="md", metavar="md|json", show_default=True)
def register(policies: Path, fmt: str) -> None:
    """The AVG article 30 processing register, generated from the policies."""
    fmt = fmt.lower()
    if fmt not in ("md", "json"):
        raise UsageError(f"Onbekend formaat '{fmt}'. Kies md of json.",
                         f"Unknown format '{fmt}'. Choose md or json.")
    result = processing_register(policies)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _emit(render_register(result, lang()))


# --------------------------------------------------------------------------- erasure


@audit.command()
@click.argument("case")
@click.option("--by", default=None, help="Who asks for the erasure (default: the OS user).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
@_guard_db
def erase(state: _State, case: str, by: str | None, yes: bool) -> None:
    """Crypto-shred the personal details of CASE (AVG article 17); the chain stays intact."""
    if not yes and not click.confirm(_t(
        f"De persoonlijke details van casus {case} worden onherstelbaar onleesbaar. Doorgaan?",
        f"The personal details of case {case} become unreadable for good. Continue?",
    )):
        raise UsageError("Afgebroken.", "Aborted.")
    actor = by or f"cli:{getpass.getuser()}"
    result = state.log().erase_case(case, actor, source="cli", scrub=scrub_case_free_text)
    outbox = result.scrubbed.get("outbox_event", 0)
    handover = result.scrubbed.get("handover", 0)
    inbox = result.scrubbed.get("bot_command", 0)
    click.echo(_t(
        f"Gewist: {result.keys_destroyed} sleutel(s) vernietigd; {result.entries_with_details} "
        f"regel(s) met details zijn nu onleesbaar. Vrije tekst overschreven: {outbox} "
        f"gebeurtenis(sen) in de outbox, {handover} reden(en) van overdrachten. "
        f"Onbeantwoorde commando's in de inbox: {inbox}. Vastgelegd als regel {result.index}.",
        f"Erased: {result.keys_destroyed} key(s) destroyed; {result.entries_with_details} "
        f"entr(y/ies) with details are now unreadable. Free text overwritten: {outbox} "
        f"outbox event(s), {handover} handover reason(s). Unanswered commands in the "
        f"inbox: {inbox}. Logged as entry {result.index}.",
    ))


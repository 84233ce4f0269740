"""``busbaan keys``: the deployment's pseudonym key (session 9).

``busbaan keys rotate`` replaces the pseudonym key and re-keys what can be re-keyed;
``busbaan keys redact`` runs the wegwijzer's retention sweep now. What rotation means
per table is in docs/contracts.md ("busbaan keys") and docs/architecture.md ("Keyed
pseudonyms"). In short: an HMAC cannot be turned back, so a pseudonym can be re-keyed
only where the plain value is still held — a waiting lane's asker. Everything else
stays under the old key, and once the old key is gone nobody can link it to a person
again: rotation makes the older pseudonyms anonymous.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path

import click

from busbaan.cli import lang
from busbaan.errors import BusbaanError

_KEY_OPTION = click.option(
    "--pseudonym-key", envvar="BUSBAAN_PSEUDONYM_KEY", default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The deployment's pseudonym key, the one the wegwijzer uses (default "
         "STATE_DIR/pseudonym.key).")
_STATE_OPTION = click.option(
    "--state-dir", envvar="BUSBAAN_STATE_DIR", default=".busbaan",
    type=click.Path(file_okay=False, path_type=Path), show_default=True)
_DB_OPTION = click.option("--db", "url", default=None,
                          help="Database URL (default: BUSBAAN_DATABASE_URL).")


@click.group()
def keys() -> None:
    """The pseudonym key: rotate it, or forget Matrix IDs past their retention now."""
    # outside10: unconfigured, structlog printed "[debug] audit.appended" to standard
    # output before the Dutch result line, without the redacting processor. Log lines
    # go to stderr, from WARNING, as for `busbaan audit`.
    from busbaan.log import configure as configure_logging

    configure_logging(os.environ.get("BUSBAAN_LOG_LEVEL", "WARNING"))


def _key_path(pseudonym_key: Path | None, state_dir: Path) -> Path:
    from busbaan.keyfile import PSEUDONYM_KEY_FILE

    return pseudonym_key or state_dir / PSEUDONYM_KEY_FILE


def _counts_text(counts: dict[str, int]) -> str:
    if lang() == "en":
        return (f"{counts['pseudonymised']} row(s) pseudonymised, {counts['rekeyed']} lane "
                f"asker(s) re-keyed, {counts['expired']} Matrix ID(s) past retention removed, "
                f"{counts['answers_forgotten']} answer(s) past retention no longer tied to "
                "their room and messages")
    return (f"{counts['pseudonymised']} rij(en) gepseudonimiseerd, {counts['rekeyed']} "
            f"vrager(s) van een baan opnieuw versleuteld, {counts['expired']} Matrix-ID('s) "
            f"na de bewaartermijn verwijderd, {counts['answers_forgotten']} antwoord(en) na "
            "de bewaartermijn losgemaakt van hun kamer en berichten")


@keys.command("redact")
@_KEY_OPTION
@_STATE_OPTION
@_DB_OPTION
def redact_cmd(pseudonym_key: Path | None, state_dir: Path, url: str | None) -> None:
    """Replace Matrix IDs in the wegwijzer's tables by pseudonyms and remove the ones past
    their retention, now (the wegwijzer does this itself at start and every check)."""
    from busbaan.keyfile import load_pseudonyms
    from busbaan.store import make_engine, migrate
    from busbaan.store.pseudonym_key import KeyGuard
    from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy

    path = _key_path(pseudonym_key, state_dir)
    pseudonyms = load_pseudonyms(path)
    migrate(url)
    engine = make_engine(url)
    try:
        # not under a key that was rotated away (exit 2); the first with a key records it
        pseudonyms = KeyGuard(engine, pseudonyms, path).check(dt.datetime.now(dt.UTC))
        counts = WegwijzerPrivacy(engine).sweep(pseudonyms, dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()
    click.echo(f"busbaan: {_counts_text(counts)}.")


@keys.command("rotate")
@_KEY_OPTION
@_STATE_OPTION
@_DB_OPTION
def rotate_cmd(pseudonym_key: Path | None, state_dir: Path, url: str | None) -> None:
    """Make a new pseudonym key, re-key what can be re-keyed and record it in the audit
    log, in one transaction; then put the new key in place of the old one. A running
    wegwijzer waits for the commit and goes on under the new key (session 10)."""
    from busbaan.audit.entry import AuditEntry
    from busbaan.keyfile import create_key, load_pseudonyms
    from busbaan.records import AuditWriter
    from busbaan.store import make_engine, migrate
    from busbaan.store.pseudonym_key import KeyGuard
    from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy

    path = _key_path(pseudonym_key, state_dir)
    old = load_pseudonyms(path)  # missing, readable by others, not a key: exit 2
    fresh = path.with_name(path.name + ".new")
    if fresh.exists():
        raise BusbaanError(
            f"Er ligt al een nieuwe sleutel klaar ({fresh}): een eerdere wissel is niet "
            "afgemaakt. Staat in het auditlog een 'pseudonym_key.rotated' met als nieuwe "
            f"vingerafdruk die van {fresh}, zet hem dan op zijn plaats (mv {fresh} {path}); "
            f"zo niet, verwijder hem (rm {fresh}) en wissel opnieuw.",
            f"A new key is already waiting ({fresh}): an earlier rotation was not finished. "
            "If the audit log has a 'pseudonym_key.rotated' whose new fingerprint is that of "
            f"{fresh}, put it in place (mv {fresh} {path}); if not, remove it (rm {fresh}) "
            "and rotate again.",
            errcode="BB_KEY_ROTATION_UNFINISHED")
    migrate(url)
    engine = make_engine(url)
    try:  # rotate only from the key in use (a wrong --pseudonym-key: exit 2, no change)
        KeyGuard(engine, old, path).check(dt.datetime.now(dt.UTC))
    finally:
        engine.dispose()
    try:
        create_key(fresh)
    except OSError as exc:
        raise BusbaanError(
            f"Kan geen nieuwe sleutel maken naast {path} ({type(exc).__name__}): de map moet "
            "schrijfbaar zijn voor dit proces. Er is niets gewijzigd.",
            f"Cannot make a new key beside {path} ({type(exc).__name__}): the directory must "
            "be writable for this process. Nothing was changed.",
            errcode="BB_PSEUDONYM_KEY_INVALID") from exc
    try:
        new = load_pseudonyms(fresh)
        engine = make_engine(url)
        try:
            def entry(counts: dict[str, int]) -> AuditEntry:
                return AuditEntry(
                    event_code="pseudonym_key.rotated", action="U",
                    occurred_at=dt.datetime.now(dt.UTC), outcome="done", source="cli",
                    user_id=getpass.getuser(), reason_code="key_rotation",
                    details={"old_key": old.fingerprint(), "new_key": new.fingerprint(),
                             **{k: str(v) for k, v in counts.items()}})

            counts = WegwijzerPrivacy(engine).rekey(new, dt.datetime.now(dt.UTC),
                                                    AuditWriter(url).log(), entry)
        finally:
            engine.dispose()
    except BaseException:
        fresh.unlink(missing_ok=True)  # nothing committed: the old key stays in use
        raise
    try:
        os.replace(fresh, path)
    except OSError as exc:
        click.echo(
            f"busbaan: the database was re-keyed and audited, but the new key could not be "
            f"put in place ({type(exc).__name__}). Do it now: mv {fresh} {path}"
            if lang() == "en" else
            f"busbaan: de database is opnieuw versleuteld en vastgelegd in het auditlog, maar "
            f"de nieuwe sleutel kon niet op zijn plaats worden gezet ({type(exc).__name__}). "
            f"Doe dat nu: mv {fresh} {path}", err=True)
        raise SystemExit(1) from exc
    click.echo(
        f"busbaan: pseudonym key rotated (fingerprint {old.fingerprint()} -> "
        f"{new.fingerprint()}); {_counts_text(counts)}; recorded in the audit log. Answers, "
        "feedback and learning votes from before keep their old pseudonyms, which nobody "
        "can link to a person any more. A running wegwijzer goes on with the new key; "
        "copies of the old key (backups) should go too."
        if lang() == "en" else
        f"busbaan: pseudoniemsleutel gewisseld (vingerafdruk {old.fingerprint()} -> "
        f"{new.fingerprint()}); {_counts_text(counts)}; vastgelegd in het auditlog. "
        "Antwoorden, beoordelingen en leerstemmen van hiervoor houden hun oude pseudoniem, "
        "dat niemand meer aan een persoon kan koppelen. Een draaiende wegwijzer gaat verder "
        "met de nieuwe sleutel; kopieën van de oude sleutel (back-ups) horen ook weg.")

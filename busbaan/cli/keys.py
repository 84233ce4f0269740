"""``busbaan keys``: the deployment's pseudonym key (session 9).

``busbaan keys rotate`` replaces the pseudonym key and re-keys what can be re-keyed;
``busbaan keys redact`` runs the wegwijzer's retention sweep now; ``busbaan keys
investigate`` links, with the key, what the database alone no longer links (session
11: audit entries about an answer or lane, a professional's rows), and audits it.
What rotation means per table is in docs/contracts.md ("busbaan keys") and
docs/architecture.md ("Keyed pseudonyms"). In short: an HMAC cannot be turned back, so
a pseudonym can be re-keyed only where the plain value is still held — a waiting lane's
asker. Everything else stays under the old key, and once the old key is gone nobody can
link it to a person again: rotation makes the older pseudonyms anonymous.
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
    """The pseudonym key: rotate it, forget Matrix IDs past their retention now, or
    investigate with it (audited)."""
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
    from busbaan.store.wegwijzer_learned import LearnedRepository
    from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy

    path = _key_path(pseudonym_key, state_dir)
    pseudonyms = load_pseudonyms(path)
    migrate(url)
    engine = make_engine(url)
    try:
        # not under a key that was rotated away (exit 2); the first with a key records it
        pseudonyms = KeyGuard(engine, pseudonyms, path).check(dt.datetime.now(dt.UTC))
        counts = WegwijzerPrivacy(engine).sweep(pseudonyms, dt.datetime.now(dt.UTC))
        # learned votes from before migration 0130 (one row per vote) per association
        moved = LearnedRepository(engine).convert_legacy(pseudonyms,
                                                         key=pseudonyms.fingerprint())
    finally:
        engine.dispose()
    click.echo(f"busbaan: {_counts_text(counts)}.")
    if moved:
        click.echo(f"busbaan: {moved} learned vote(s) now kept per association."
                   if lang() == "en" else
                   f"busbaan: {moved} geleerde stem(men) nu per associatie bewaard.")


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


@keys.command("investigate")
@click.argument("object_ids", nargs=-1, metavar="[A-…|L-…|F-…]...")
@click.option("--person", "user_id", default=None, metavar="@NAAM:SERVER",
              help="List what this professional did in the wegwijzer's tables (answers "
                   "asked for, verdicts, lanes opened, answered, closed).")
@_KEY_OPTION
@_STATE_OPTION
@_DB_OPTION
def investigate_cmd(object_ids: tuple[str, ...], user_id: str | None,
                    pseudonym_key: Path | None, state_dir: Path, url: str | None) -> None:
    """An investigation with the pseudonym key (the privacy officer): the audit entries
    about wegwijzer answers, lanes or verdicts by id, or the rows of one professional.
    Without the key the database does not link them (session 11). Each investigation is
    recorded in the audit log (audit.investigated) before its result is shown."""
    from busbaan.audit.entry import AuditEntry
    from busbaan.audit.reading import local_time
    from busbaan.directory import is_user_id
    from busbaan.errors import UsageError
    from busbaan.keyfile import load_pseudonyms
    from busbaan.records import AuditWriter
    from busbaan.store import make_engine, migrate
    from busbaan.store.pseudonym_key import KeyGuard
    from busbaan.store.wegwijzer_investigation import entries_about, rows_of
    from busbaan.wegwijzer.audit_refs import object_refs, ref_kind

    en = lang() == "en"
    if not object_ids and user_id is None:
        raise UsageError(
            "Noem een antwoord, baan of beoordeling (A-…, L-…, F-…) of --person @naam:server.",
            "Name an answer, lane or verdict (A-…, L-…, F-…) or --person @name:server.")
    for object_id in object_ids:
        try:
            ref_kind(object_id)
        except ValueError:
            raise UsageError(
                f"'{object_id}' is geen id van een antwoord (A-…), baan (L-…) of "
                "beoordeling (F-…) van de wegwijzer.",
                f"'{object_id}' is not the id of a wegwijzer answer (A-…), lane (L-…) or "
                "verdict (F-…).") from None
    if user_id is not None and not is_user_id(user_id):
        raise UsageError(f"'{user_id}' is geen Matrix-ID; geef --person als @naam:server.",
                         f"'{user_id}' is not a Matrix ID; give --person as @name:server.")
    path = _key_path(pseudonym_key, state_dir)
    pseudonyms = load_pseudonyms(path)  # missing or unusable: exit 2
    migrate(url)
    engine = make_engine(url)
    writer = AuditWriter(url)
    officer = getpass.getuser()

    def record(details: dict[str, str], subject: str | None = None) -> None:
        writer.write([AuditEntry(
            event_code="audit.investigated", action="R", occurred_at=dt.datetime.now(dt.UTC),
            outcome="done", source="cli", user_id=officer, subject_user=subject,
            reason_code="investigation", details=details)])

    try:
        # the key in use (exit 2 for one rotated away: it would find nothing new)
        KeyGuard(engine, pseudonyms, path, claim=False).check(dt.datetime.now(dt.UTC))
        for object_id in object_ids:
            found = entries_about(writer.log(), pseudonyms, object_id)
            record({**object_refs(pseudonyms, object_id), "found": str(len(found))})
            click.echo(f"{object_id}: {len(found)} "
                       + ("audit entries" if en else "auditregels"))
            for logged in found:
                e = logged.entry
                click.echo(f"  #{logged.index} {local_time(e.occurred_at)} {e.event_code} "
                           f"{e.user_id or '-'}")
        if user_id is not None:
            rows = rows_of(engine, pseudonyms, user_id)
            record({"pseudonym_key": pseudonyms.fingerprint(), "found": str(rows.count())},
                   subject=user_id)
            for label_nl, label_en, ids in (
                    ("antwoorden gevraagd", "answers asked for", rows.answers),
                    ("beoordelingen", "verdicts", rows.verdicts),
                    ("banen geopend", "lanes opened", rows.lanes_opened),
                    ("banen eerst beantwoord", "lanes answered first", rows.lanes_answered),
                    ("banen gesloten", "lanes closed", rows.lanes_closed)):
                click.echo(f"{label_en if en else label_nl}: {len(ids)}"
                           + (f" ({', '.join(ids)})" if ids else ""))
    finally:
        engine.dispose()
    click.echo("Recorded in the audit log (audit.investigated); rows and entries written "
               "under an earlier key are not found by person."
               if en else
               "Vastgelegd in het auditlog (audit.investigated); rijen en regels onder een "
               "eerdere sleutel worden niet per persoon gevonden.")

"""``busbaan route``: ask the wegwijzer from the command line, one question or a batch.

``batch`` reads JSON Lines ``{"id", "question", "context"}`` on stdin and writes one
JSON line per input line, in order: ``{"id", "results": [{"service_id", "score", "why"}],
"confident", "safety": [{"signal", "service_id"}], "caution": [{"signal", "service_id"}]}``
(``caution``: weak safety signals, their service in the top 3), or ``{"id", "error",
"errcode"}`` for a line it cannot use (plus ``"field"`` when a field is unknown: a
line has only ``id``, ``question``, ``context`` and, as if in ``context``,
``stadsdeel`` and ``leeftijd``).
``ask`` prints a readable answer (or ``--json``). Without ``--map`` the demo map
shipped with busbaan is used. Both read a question's dates (the personal-data check
before the semantic ranker, the safety signals' "within days") on one day: ``--today
YYYY-MM-DD``, else the clock's UTC day, read once when the command starts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from busbaan.cli import lang
from busbaan.clock import utc_today
from busbaan.errors import BusbaanError, UsageError
from busbaan.routing import (
    MAX_QUESTION_CHARS,
    RouteAnswer,
    Router,
    Tuning,
    expansion,
    load_map,
)

MAX_BATCH_RESULTS = 10

_MAP_OPTION = click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HSDS 3.0 social map (JSON); default: the demo map shipped with busbaan.",
)

_EXAMPLES_OPTION = click.option(
    "--examples",
    "example_files",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Example questions per service (YAML file or folder; repeat for several); "
    "default: BUSBAAN_EXAMPLES, else those shipped with busbaan. Check them with "
    "`busbaan socialmap check`.",
)


@click.group()
def route() -> None:
    """Route questions to services of the social map (the wegwijzer)."""


def _router(
    map_path: Path | None, threshold: int | None, example_files: tuple[Path, ...] = ()
) -> Router:
    """The router; ``threshold`` (per mille) is the calibrated confidence from which an
    answer is confident (default: the measured choice, ``CONFIDENT_AT``)."""
    social_map = load_map(map_path)
    examples = expansion.configured(example_files)
    tuning = Tuning() if threshold is None else dataclasses.replace(
        Tuning(), confident_at=threshold)
    return Router(social_map, tuning=tuning, examples=examples)


def _line_error(line_id: object, nl: str, en: str, errcode: str) -> dict[str, Any]:
    return {"id": line_id, "error": en if lang() == "en" else nl, "errcode": errcode}


#: The fields of a ``route batch`` line; ``stadsdeel`` and ``leeftijd`` may also stand at
#: the top level, as if in ``context`` (outside7: ``"stadsdeel": "Noord"`` beside
#: ``question`` was silently ignored).
_LINE_FIELDS = ("id", "question", "context")
_CONTEXT_FIELDS = ("stadsdeel", "leeftijd")
#: Names people reach for, and the field they mean.
_FIELD_HINTS = {"age": "leeftijd", "district": "stadsdeel", "stadsdelen": "stadsdeel",
                "leeftijden": "leeftijd", "wijk": "stadsdeel", "buurt": "stadsdeel",
                "text": "question", "vraag": "question", "query": "question"}


def _unknown_field(line_id: object, key: str, *, in_context: bool) -> dict[str, Any]:
    """The error line for a field ``route batch`` does not read (it was ignored)."""
    where = f"context.{key}" if in_context else key
    meant = _FIELD_HINTS.get(key.lower())
    if meant in _CONTEXT_FIELDS:
        hint_nl = f" Bedoel je '{meant}' (in 'context' of naast 'question')?"
        hint_en = f" Did you mean '{meant}' (in 'context' or beside 'question')?"
    elif meant is not None:
        hint_nl, hint_en = f" Bedoel je '{meant}'?", f" Did you mean '{meant}'?"
    else:
        hint_nl = hint_en = ""
    if in_context:
        nl = (f"onbekend veld '{where}': in 'context' staan alleen 'stadsdeel' en "
              f"'leeftijd'.{hint_nl}")
        en = (f"unknown field '{where}': 'context' holds only 'stadsdeel' and "
              f"'leeftijd'.{hint_en}")
    else:
        nl = (f"onbekend veld '{where}': een regel heeft 'id', 'question' en 'context' "
              f"(daarin 'stadsdeel' en 'leeftijd'; die mogen ook naast 'question').{hint_nl}")
        en = (f"unknown field '{where}': a line has 'id', 'question' and 'context' "
              f"('stadsdeel' and 'leeftijd' in it; they may also stand beside "
              f"'question').{hint_en}")
    return {**_line_error(line_id, nl, en, "BB_USAGE"), "field": where}


def _line_context(item: dict[str, Any], line_id: object
                  ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the line's context, None) or (None, the error line): unknown fields at either
    level are an error; top-level ``stadsdeel``/``leeftijd`` join the context."""
    for key in item:
        if key not in _LINE_FIELDS and key not in _CONTEXT_FIELDS:
            return None, _unknown_field(line_id, str(key), in_context=False)
    context = item.get("context")
    if context is not None and not isinstance(context, dict):
        return None, _line_error(
            line_id,
            '\'context\' moet een object zijn, bijvoorbeeld {"stadsdeel": "Noord"}',
            '\'context\' must be an object, for example {"stadsdeel": "Noord"}',
            "BB_USAGE",
        )
    merged = dict(context or {})
    for key in merged:
        if key not in _CONTEXT_FIELDS:
            return None, _unknown_field(line_id, str(key), in_context=True)
    for key in _CONTEXT_FIELDS:
        top = item.get(key)
        if top is None:
            continue
        inner = merged.get(key)
        if inner is not None and inner != top:
            return None, {**_line_error(
                line_id,
                f"'{key}' staat twee keer, met verschillende waarden ({top!r} en "
                f"context.{key} {inner!r}); noem het één keer",
                f"'{key}' is given twice, with different values ({top!r} and "
                f"context.{key} {inner!r}); give it once",
                "BB_USAGE"), "field": key}
        merged[key] = top
    return merged, None


def batch_line(router: Router, line: str, semantic: Any = None, *,
               today: dt.date | None = None) -> dict[str, Any]:
    """The output object for one input line of ``route batch`` (never raises);
    ``semantic``: a prepared :class:`busbaan.wegwijzer.semantic.SemanticRanker`.
    ``today``: the day the question is read on, the same for the personal-data check
    and the router (default: the clock's UTC day, read once for the line)."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return _line_error(
            None,
            f"geen geldige JSON ({exc.msg}, kolom {exc.colno})",
            f"not valid JSON ({exc.msg}, column {exc.colno})",
            "BB_USAGE",
        )
    if not isinstance(item, dict):
        return _line_error(
            None,
            "verwacht een JSON-object met 'id', 'question' en 'context'",
            "expected a JSON object with 'id', 'question' and 'context'",
            "BB_USAGE",
        )
    line_id = item.get("id")
    question = item.get("question")
    if not isinstance(question, str):
        return _line_error(
            line_id,
            "'question' ontbreekt of is geen tekst",
            "'question' is missing or not text",
            "BB_USAGE",
        )
    context, error = _line_context(item, line_id)
    if error is not None:
        return error
    today = today or utc_today()
    try:
        sims = (semantic.similarities(question, today=today) if semantic is not None
                else None)
        answer = router.route(question, context, limit=MAX_BATCH_RESULTS, lang=lang(),
                              semantic=sims, today=today)
    except BusbaanError as exc:
        return {"id": line_id, "error": exc.message(lang()), "errcode": exc.errcode}
    out: dict[str, Any] = {
        "id": line_id,
        "results": [
            {"service_id": r.service_id, "score": r.score, "why": r.why} for r in answer.results
        ],
        "confident": answer.confident,
        "safety": [{"signal": h.signal, "service_id": h.service_id} for h in answer.safety],
        "caution": [{"signal": h.signal, "service_id": h.service_id} for h in answer.caution],
    }
    if answer.partly_read:
        # session 15 (router33, additive): only on a question read in part, so that the
        # line of every other question keeps its shape
        out["partly_read"] = True
    return out


_EMBEDDINGS_OPTION = click.option(
    "--embeddings-url",
    "embeddings_url",
    envvar="BUSBAAN_EMBEDDINGS_URL",
    default=None,
    help="OpenAI-compatible embeddings endpoint (optional semantic ranker).",
)


_TODAY_OPTION = click.option(
    "--today",
    "today_text",
    default=None,
    metavar="YYYY-MM-DD",
    help="The day the questions are read on (their dates: a birth date or not, an "
    "eviction within days or not); default: today (UTC), read once.",
)


def _today(value: str | None) -> dt.date:
    """``--today`` as a day, or the clock's UTC day (read once per command)."""
    if value is None:
        return utc_today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"'{value}' is geen datum voor --today; schrijf hem als JJJJ-MM-DD, "
            "bijvoorbeeld --today 2026-12-31.",
            f"'{value}' is not a date for --today; write it as YYYY-MM-DD, for example "
            "--today 2026-12-31.",
            errcode="BB_USAGE",
        ) from None


def _semantic(router: Router, url: str | None) -> Any:
    if not url:
        return None
    from busbaan.log import configure
    from busbaan.wegwijzer.semantic import EmbeddingsEndpoint, SemanticRanker

    if sys.stderr is sys.__stderr__:  # stdout carries the JSON Lines: log to stderr
        configure("WARNING")
    ranker = SemanticRanker(EmbeddingsEndpoint(url), router.map)
    ranker.prepare()  # on failure: logged, lexical ranking only
    return ranker


@route.command()
@_MAP_OPTION
@click.option("--threshold", type=click.IntRange(0, 1000), default=None, help="Per mille.")
@_EMBEDDINGS_OPTION
@_EXAMPLES_OPTION
@_TODAY_OPTION
def batch(map_path: Path | None, threshold: int | None, embeddings_url: str | None,
          example_files: tuple[Path, ...], today_text: str | None) -> None:
    """Read JSON Lines questions on stdin, write JSON Lines answers on stdout."""
    today = _today(today_text)  # one day for the whole batch, however long it runs
    router = _router(map_path, threshold, example_files)
    semantic = _semantic(router, embeddings_url)
    out = sys.stdout
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            result = _line_error(None, "lege regel", "empty line", "BB_USAGE")
        else:
            result = batch_line(router, line, semantic, today=today)
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


def _source(value: str | None, en: bool) -> str:
    if value == "question":
        return " (from the question)" if en else " (uit de vraag)"
    return ""


def render(answer: RouteAnswer, *, limit: int = 3, lang_: str = "nl") -> str:
    """A readable answer for a person, in Dutch or English."""
    en = lang_ == "en"
    lines: list[str] = []
    if answer.truncated:
        lines.append(
            f"Note: the question was cut to {MAX_QUESTION_CHARS} characters."
            if en
            else f"Let op: de vraag is ingekort tot {MAX_QUESTION_CHARS} tekens."
        )
    if answer.partly_read:
        lines.append(
            "Note: I did not understand some of the words of the question; this answer "
            "rests on the words I do know."
            if en
            else "Let op: een deel van de woorden van de vraag heb ik niet begrepen; dit "
            "antwoord rust op de woorden die ik wel ken."
        )
    who = []
    if answer.stadsdeel:
        who.append(
            f"{'District' if en else 'Stadsdeel'}: {answer.stadsdeel}"
            f"{_source(answer.stadsdeel_source, en)}"
        )
    if answer.leeftijd is not None:
        who.append(
            f"{'Age' if en else 'Leeftijd'}: {answer.leeftijd}{_source(answer.leeftijd_source, en)}"
        )
    if who:
        lines.append(" · ".join(who))
    if not answer.results:
        lines.append(
            "No matching service found. Try other words, or give the district or age."
            if en
            else "Geen passende dienst gevonden. Probeer andere woorden, of noem het "
            "stadsdeel of de leeftijd."
        )
        return "\n".join(lines)
    for hit in answer.safety:
        lines.append(("SAFETY: " if en else "VEILIGHEID: ") + hit.why)
    for hit in answer.caution:
        lines.append(hit.why)  # "Als er sprake is van gevaar: ..." (weak signal)
    if not answer.confident and answer.safety:
        # the warning stays the first instruction: what is not sure is what else may be
        # going on (as the bot says it, bots/wegwijzer/render.py)
        lines.append(
            "Take the warning above seriously; the first service goes with it. Whether "
            "something else is going on, I am not sure."
            if en
            else "Neem het signaal hierboven serieus; de eerste dienst hoort erbij. Of er "
            "nog iets anders speelt, weet ik niet zeker."
        )
    elif not answer.confident:
        best = answer.results[0]
        if "single_word" in answer.notes:
            word = best.matched[0] if best.matched else ""
            lines.append(
                f"No confident answer: it rests on one word ('{word}'). Possible directions:"
                if en
                else f"Geen zeker antwoord: het rust op één woord ('{word}'). Mogelijke richtingen:"
            )
        else:
            lines.append(
                f"I am not sure (confidence {answer.confidence}‰ is below "
                f"{answer.threshold}‰). Possible directions:"
                if en
                else f"Ik weet het niet zeker (betrouwbaarheid {answer.confidence}‰ ligt onder "
                f"{answer.threshold}‰). Mogelijke richtingen:"
            )
    labels = (
        ("Organisation", "Why", "Conditions", "Contact")
        if en
        else ("Organisatie", "Waarom", "Voorwaarden", "Contact")
    )
    width = max(len(label) for label in labels) + 1
    for n, result in enumerate(answer.results[:limit], start=1):
        lines.append("")
        lines.append(f"{n}. {result.name}  [score {result.score}]")
        for label, value in zip(
            labels,
            (result.organization_name, answer.reason(result, lang_), result.conditions,
             result.contact),
            strict=True,
        ):
            if value:
                lines.append(f"   {(label + ':').ljust(width)} {value}")
    if "stadsdeel_unknown" in answer.notes:
        lines.append("")
        lines.append(
            "Tip: some teams work per district; give --stadsdeel for the right one."
            if en
            else "Tip: sommige teams werken per stadsdeel; geef --stadsdeel op voor het juiste."
        )
    return "\n".join(lines)


def answer_json(answer: RouteAnswer) -> dict[str, Any]:
    """The answer as plain JSON data (integers only, no floats)."""
    data: dict[str, Any] = asdict(answer)
    return data


@route.command()
@_MAP_OPTION
@click.argument("question")
@click.option("--stadsdeel", default=None, help="The person's stadsdeel, e.g. Zuidoost.")
@click.option("--leeftijd", type=int, default=None, help="The person's age in years.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--limit", type=click.IntRange(1, 10), default=3, show_default=True)
@_EXAMPLES_OPTION
@_TODAY_OPTION
def ask(
    map_path: Path | None,
    question: str,
    stadsdeel: str | None,
    leeftijd: int | None,
    as_json: bool,
    limit: int,
    example_files: tuple[Path, ...],
    today_text: str | None,
) -> None:
    """Ask where to take QUESTION; prints the best services with why and how."""
    today = _today(today_text)
    if not question.strip():
        raise UsageError(
            "De vraag is leeg. Beschrijf in een paar woorden waar iemand hulp bij zoekt, "
            'bijvoorbeeld: busbaan route ask "huurachterstand, Noord"',
            "The question is empty. Describe in a few words what someone needs help "
            'with, for example: busbaan route ask "rent arrears, Noord"',
            errcode="BB_EMPTY_QUESTION",
        )
    context: Mapping[str, object] = {"stadsdeel": stadsdeel, "leeftijd": leeftijd}
    answer = _router(map_path, None, example_files).route(question, context, limit=limit,
                                                          lang=lang(), today=today)
    if as_json:
        click.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        click.echo(render(answer, limit=limit, lang_=lang()))
    sys.stdout.flush()


# ---------------------------------------------------------------------- learned


@route.group()
def learned() -> None:
    """What the wegwijzer learned from professionals (per social map version)."""


_DB_OPTION = click.option(
    "--db", "url", default=None, help="Database URL (default: BUSBAAN_DATABASE_URL)."
)
_MAP_SHA_OPTION = click.option(
    "--map-sha", "map_sha", default=None, help="Only this map version (sha256 or its start)."
)


def _learned_repo(url: str | None) -> tuple[Any, Any]:
    from busbaan.store import make_engine, migrate
    from busbaan.store.wegwijzer_learned import LearnedRepository

    migrate(url)
    engine = make_engine(url)
    return engine, LearnedRepository(engine)


def _full_sha(repo: Any, prefix: str | None) -> str | None:
    if prefix is None:
        return None
    shas = {row.map_sha256 for row in repo.summary()}
    matches = [s for s in shas if s.startswith(prefix)]
    if len(matches) != 1:
        raise UsageError(
            f"Kaartversie '{prefix}' is {'niet' if not matches else 'niet eenduidig'} gevonden.",
            f"Map version '{prefix}' was {'not' if not matches else 'not uniquely'} found.",
            errcode="BB_NOT_FOUND",
        )
    return str(matches[0])


@learned.command("list")
@_DB_OPTION
@_MAP_SHA_OPTION
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The social map (HSDS JSON) the bot serves: shows, for its associations, how "
    "much each term weighs on it (with the example questions of --examples).",
)
@_EXAMPLES_OPTION
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one association a line.")
def learned_list(url: str | None, map_sha: str | None, map_path: Path | None,
                 example_files: tuple[Path, ...], as_json: bool) -> None:
    """List the learned associations: term -> service, net votes, sources; and which are
    held back, and why (against a safety service; fewer than 2 people)."""
    from busbaan.routing.learning import HELD_BACK, Association, held_back, safety_services
    from busbaan.routing.safety import load_signals

    engine, repo = _learned_repo(url)
    try:
        rows = repo.summary(_full_sha(repo, map_sha))
    finally:
        engine.dispose()
    protected = safety_services(load_signals().families)
    weigh: Any = None
    weighed_sha = None
    if map_path is not None and rows:
        import hashlib

        from busbaan.wegwijzer.mapdoc import canonical_json

        social_map = load_map(map_path)  # a broken map: the same error as `route ask`
        text = canonical_json(json.loads(Path(map_path).read_text(encoding="utf-8")))
        weighed_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()  # as the bot's
        weigh = Router(social_map,
                       examples=expansion.configured(example_files)).informativeness
    en = lang() == "en"
    for row in rows:
        reason = held_back(Association(row.term, row.service_id, row.net, row.sources),
                           protected)
        weight = (round(weigh(row.term), 2)
                  if weigh is not None and row.map_sha256 == weighed_sha else None)
        if as_json:
            click.echo(json.dumps({"map_sha256": row.map_sha256, "term": row.term,
                                   "service_id": row.service_id, "net": row.net,
                                   "sources": row.sources, "counts": reason is None,
                                   "held_back": reason, "weight": weight}))
        else:
            marks = []
            if weight is not None:
                marks.append(f"weight {weight:.2f}" if en else f"gewicht {weight:.2f}")
            if reason is not None:
                marks.append(HELD_BACK[reason][1 if en else 0])
            mark = f" ({'; '.join(marks)})" if marks else ""
            click.echo(f"{row.map_sha256[:12]}  {row.term:<20} -> {row.service_id:<32} "
                       f"{row.net:+d} ({row.sources}){mark}")
    if not rows and not as_json:
        click.echo("Nothing learned yet." if en else "Nog niets geleerd.")


@learned.command("forget")
@click.argument("term", required=False)
@click.argument("service_id", required=False)
@click.option("--person", "person", default=None, metavar="@NAAM:SERVER",
              help="Forget every vote of this professional (Matrix ID; AVG art. 17) "
              "instead of a term; needs the pseudonym key.")
@_DB_OPTION
@_MAP_SHA_OPTION
@click.option("--pseudonym-key", envvar="BUSBAAN_PSEUDONYM_KEY", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="With --person: the deployment's pseudonym key, the one the bot uses "
              "(default STATE_DIR/pseudonym.key).")
@click.option("--state-dir", envvar="BUSBAAN_STATE_DIR", default=".busbaan",
              type=click.Path(file_okay=False, path_type=Path), show_default=True)
def learned_forget(term: str | None, service_id: str | None, person: str | None,
                   url: str | None, map_sha: str | None, pseudonym_key: Path | None,
                   state_dir: Path) -> None:
    """Forget what was learned for TERM (optionally only towards SERVICE_ID), or with
    --person every vote of one professional; audited."""
    import datetime as dt
    import getpass

    from busbaan.audit.entry import AuditEntry
    from busbaan.records import AuditWriter
    from busbaan.routing.lexicon import fold

    if person is not None:
        if term is not None:
            raise UsageError(
                "Geef een term óf --person, niet allebei.",
                "Give a term or --person, not both.")
        _forget_person(person.strip(), url, map_sha, pseudonym_key, state_dir)
        return
    if term is None:
        raise UsageError(
            "Noem de term die vergeten moet worden, of --person @naam:server voor alle "
            "stemmen van één professional.",
            "Name the term to forget, or --person @name:server for every vote of one "
            "professional.")
    engine, repo = _learned_repo(url)
    try:
        sha = _full_sha(repo, map_sha)
        normal = fold(term).strip()
        deleted = repo.forget(normal, service_id, sha)
    finally:
        engine.dispose()
    details = {"term": normal, "deleted": str(deleted)}
    if service_id:
        details["service_id"] = service_id
    if sha:
        details["map_sha256"] = sha[:16]
    AuditWriter(url).write([AuditEntry(
        event_code="route.learned_forgotten", action="D", occurred_at=dt.datetime.now(dt.UTC),
        outcome="done", source="cli", user_id=getpass.getuser(), reason_code=None,
        details=details)])
    en = lang() == "en"
    click.echo(f"Forgot {deleted} vote(s) for '{normal}'; recorded in the audit log."
               if en else
               f"{deleted} stem(men) voor '{normal}' vergeten; vastgelegd in het auditlog.")


def _forget_person(user_id: str, url: str | None, map_sha: str | None,
                   pseudonym_key: Path | None, state_dir: Path) -> None:
    """``route learned forget --person``: delete one professional's votes and audit it
    (the pseudonym and the count, never the Matrix ID), in one transaction."""
    import datetime as dt
    import getpass

    from busbaan.audit.entry import AuditEntry
    from busbaan.directory import is_user_id
    from busbaan.keyfile import PSEUDONYM_KEY_FILE, load_pseudonyms
    from busbaan.records import AuditWriter
    from busbaan.store.pseudonym_key import KeyGuard

    if not is_user_id(user_id):
        raise UsageError(
            f"'{user_id}' is geen Matrix-ID; geef --person als @naam:server.",
            f"'{user_id}' is not a Matrix ID; give --person as @name:server.")
    # the key the bot hashes with (exit 2 when missing or unusable; never made here)
    pseudonyms = load_pseudonyms(pseudonym_key or state_dir / PSEUDONYM_KEY_FILE)
    who = pseudonyms.person(user_id)
    engine, repo = _learned_repo(url)
    try:
        # the key in use, not one rotated away (exit 2): its pseudonyms would find no one
        KeyGuard(engine, pseudonyms, pseudonym_key or state_dir / PSEUDONYM_KEY_FILE,
                 claim=False).check(dt.datetime.now(dt.UTC))
        sha = _full_sha(repo, map_sha)

        def entry(deleted: int) -> AuditEntry:
            details = {"person": who, "deleted": str(deleted),
                       "pseudonym_key": pseudonyms.fingerprint()}
            if sha:
                details["map_sha256"] = sha[:16]
            return AuditEntry(
                event_code="route.learned_forgotten", action="D",
                occurred_at=dt.datetime.now(dt.UTC), outcome="done", source="cli",
                user_id=getpass.getuser(), reason_code="erasure", details=details)

        deleted = repo.forget_person(who, sha, pseudonyms, AuditWriter(url).log(), entry)
    finally:
        engine.dispose()
    en = lang() == "en"
    if deleted == 0:
        click.echo(
            f"No votes found for this person (pseudonym {who}, key {pseudonyms.fingerprint()})"
            f"{' in this map version' if sha else ''}; nothing deleted. Check the Matrix ID "
            "and that this is the key the wegwijzer uses (its fingerprint is in the log "
            "line wegwijzer.started); votes from before the keyed pseudonyms (migration "
            "0060) cannot be found by person. Recorded in the audit log."
            if en else
            f"Geen stemmen gevonden van deze persoon (pseudoniem {who}, sleutel "
            f"{pseudonyms.fingerprint()}){' in deze kaartversie' if sha else ''}; niets "
            "verwijderd. Controleer de Matrix-ID en of dit de sleutel is die de wegwijzer "
            "gebruikt (zijn vingerafdruk staat in de logregel wegwijzer.started); stemmen "
            "van vóór de sleutelpseudoniemen (migratie 0060) zijn niet per persoon te "
            "vinden. Vastgelegd in het auditlog.")
        return
    click.echo(
        f"Forgot {deleted} vote(s) of this person (pseudonym {who}); recorded in the audit "
        "log. A running wegwijzer applies this within a minute (before its next question)."
        if en else
        f"{deleted} stem(men) van deze persoon vergeten (pseudoniem {who}); vastgelegd in "
        "het auditlog. Een draaiende wegwijzer past dit binnen een minuut toe (vóór zijn "
        "volgende vraag).")

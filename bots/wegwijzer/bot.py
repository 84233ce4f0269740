"""The wegwijzer bot: "where do I take this?", answered from the social map.

How professionals use it (Dutch; English aliases answer in English):

    a direct message with a question      → the three services that fit best
    !wie <vraag>          (!who)          the same, in any room
    !baan <n>             (!lane <n>)     open a lane to team n of the answer; also a
                                          1️⃣ 2️⃣ 3️⃣ reaction on the answer
    !baan status          (!lane status)  per team: open lanes, median first answer
    !baan sluit           (!lane close)   close the lane you are in
    !goed                 (!good)         the last answer was useful
    !fout [dienst-id]     (!wrong)        it was wrong (and which service fits)
    !wegwijzer            (!wayfinder)    what the bot does; "help" in a direct message

Every answer carries ``nl.busbaan.route`` = {``query``, ``results``: [{``service_id``,
``organization_id``, ``score``, ``lane``}], ``confident``, ``answer_id``, ``context``}
(plus ``nl.busbaan.reply`` for ``!wie``, ``nl.busbaan.notice`` kind ``route.answer``
for a direct message). A question with identifying data (BSN, IBAN, name, address, birth
date, e-mail, phone, postcode) is refused with ``BB_PERSONAL_DATA`` and a pointer to a
case room; it is not routed and nothing of it is kept.

The store keeps answers, lanes and feedback by question hash, never the question's
text; logs never carry it either. Lanes live in :mod:`bots.wegwijzer.lanes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import math
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import nio
import structlog
from sqlalchemy.engine import Engine

from bots.wegwijzer.lanes import LaneDesk, error_data
from bots.wegwijzer.languages import LanguageBook
from bots.wegwijzer.render import (
    REACTIONS,
    SHOWN,
    answer_texts,
    feedback_text,
    help_texts,
    named_first_text,
    no_lane_contact,
    other_ways,
    t,
)
from busbaan.audit.entry import AuditEntry
from busbaan.clock import Clock
from busbaan.errors import (
    BusbaanError,
    Forbidden,
    NotFound,
    PersonalData,
    Unavailable,
    UsageError,
)
from busbaan.language import Language, reply_language
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.reply import esc, notice_content
from busbaan.matrix.runner import BotRunner, is_edit, markup_text, message_text
from busbaan.pseudonyms import Pseudonyms
from busbaan.records import AuditBacklog, AuditWriter
from busbaan.routing import (
    MAX_QUESTION_CHARS,
    RouteAnswer,
    Router,
    SocialMap,
    demo_map_path,
    expansion,
)
from busbaan.routing.context import person
from busbaan.routing.hsds import read_raw
from busbaan.routing.learning import (
    Learned,
    evidence_for,
    learning_terms,
    source_key,
)
from busbaan.routing.model import Service as MapService
from busbaan.routing.safety import detect
from busbaan.store.pseudonym_key import STALE_KEY, KeyGuard
from busbaan.store.wegwijzer_learned import LearnedRepository
from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy
from busbaan.store.wegwijzer_repo import (
    AnswerRepository,
    FeedbackRepository,
    LaneRepository,
    Rated,
    SocialMapRepository,
)
from busbaan.store.wegwijzer_unread import UnreadRepository
from busbaan.wegwijzer import (
    DEFAULT_TARGET_MINUTES,
    AnswerRecord,
    Question,
    ResultRef,
    Verdict,
    follow_up,
    guess_lang,
    map_names,
    parse_question,
    question_hash,
    refuse_personal_data,
)
from busbaan.wegwijzer.audit_refs import object_refs
from busbaan.wegwijzer.mapdoc import MapDocument, document_from_text, map_document
from busbaan.wegwijzer.retention import MATRIX_ID_DAYS, before_rotation, is_forgotten_person
from busbaan.wegwijzer.semantic import EmbeddingsEndpoint, SemanticRanker

T = TypeVar("T")

log = get_logger("busbaan.wegwijzer")

ROUTE_KEY = "nl.busbaan.route"
#: The refusals of a question the wegwijzer cannot read (another script, emoji only, a
#: language other than Dutch and English): after one, `!baan mens` opens a lane to the
#: human triage desk without the question (botlane, session 20; outside23 finding 7).
UNREADABLE = frozenset({"BB_NO_WORDS", "BB_LANGUAGE"})
#: The question hash of the answer a lane after such a refusal hangs on: no hash of the
#: unread text is kept, and this marker is no hash of any text (never carried, never
#: learned from: :meth:`WegwijzerBot.question_for`).
UNREAD_QUESTION = "-" * 64
#: Question texts kept in memory (never in the store) to carry into a lane.
QUESTION_CACHE = 1000
#: Seconds after which the learned associations are read again before a question: the
#: map's editor forgets associations with the CLI (`route learned forget`), in another
#: process; one small query a minute at most.
LEARNED_REFRESH_S = 60.0
_HELP_WORDS = frozenset({"help", "hulp", "?", "!help", "!hulp"})
#: The first words of the casus bot's commands (bots/casus), Dutch and English: sent to
#: the wegwijzer they get a pointer to the casus bot instead of "I do not know that
#: command" (session 14, outside17: `!casus nieuw` in a direct chat with the wegwijzer).
_CASUS_COMMANDS = frozenset({
    "casus", "case", "toestemming", "consent", "uitnodigen", "invite", "noodtoegang",
    "breakglass", "loper", "status", "timeline", "burgerlink", "citizen", "overdracht",
    "handover", "accepteer", "accept", "weiger", "decline", "regie", "lead", "label",
    "mijn-casussen", "my-cases"})


def is_casus_command(text: str) -> bool:
    """Whether ``text`` is a command of the casus bot (``!casus nieuw …``, ``!consent``)."""
    words = text[1:].split() if text.startswith("!") else []
    return bool(words) and words[0].lower() in _CASUS_COMMANDS
#: A greeting alone gets the help text, not a search of the map (outside check s5:
#: "hoi" got "geen dienst die past"); English ones in English.
_GREETINGS_NL = frozenset({"hoi", "hallo", "hey", "hee", "hai", "dag", "goedemorgen",
                           "goedemiddag", "goedenavond", "goeiemorgen", "goeiedag"})
_GREETINGS_EN = frozenset({"hi", "hello", "good morning", "good afternoon",
                           "good evening"})
_COMMAND_PREFIXES = ("!wie", "!who")
#: A thank-you alone is no question (outside16: "dank je wel" after an answer was searched,
#: gave the Sociaal Loket and the Voedselbank, and became "the last answer", so a following
#: !goed rated that instead of the answer meant): a short reply, nothing searched, the
#: answer before stays the last one. The everyday forms (Van Dale: "dank je (wel)",
#: "dank u (wel)", "bedankt"; Cambridge Dictionary: "thanks", "thank you", "cheers"),
#: read as their words only ("Top, bedankt!" is "top bedankt").
_THANKS_NL = frozenset({"dank", "dank je", "dank je wel", "dankjewel", "dank u",
                        "dank u wel", "dankuwel", "bedankt", "heel erg bedankt",
                        "hartelijk dank", "top bedankt", "super bedankt", "ok bedankt",
                        "oké bedankt", "oke bedankt", "ok dank je", "top dank je"})
_THANKS_EN = frozenset({"thanks", "thank you", "thanks a lot", "thank you very much",
                        "many thanks", "cheers", "thx", "ok thanks", "great thanks"})


def thanks_reply(text: str) -> tuple[str, str] | None:
    """The language and body of the reply to a thank-you sent alone, else None."""
    if text.lstrip().startswith("!"):  # a command, known or not
        return None
    words = " ".join(re.findall(r"\w+", text.lower()))
    if words in _THANKS_NL:
        lang = "nl"
    elif words in _THANKS_EN:
        lang = "en"
    else:
        return None
    return lang, t(lang,
                   "Graag gedaan. Was het antwoord nuttig? Zeg dan !goed; paste het niet, "
                   "dan !fout <dienst-id>. Een nieuwe vraag mag altijd.",
                   "You're welcome. Was the answer useful? Say !good; if it did not fit, "
                   "!wrong <service-id>. A new question is always welcome.")


#: The answer to a voice note, photo, video or file in a direct chat (outside25: it got
#: none; a person who sends a voice note waits for an answer that never comes).
MEDIA_TEXT = (
    "Ik kan geen spraakberichten, foto's, video's of bestanden lezen; ik heb er niets mee "
    "gedaan en niets bewaard. Typ je vraag in een paar gewone woorden, zonder namen, BSN, "
    "adres of geboortedatum (bijvoorbeeld 'cliënt, 58, Zuidoost, kan de energierekening "
    "niet betalen').\nIs er direct gevaar? Bel 112.\n\n"
    "I cannot read voice messages, photos, videos or files; I did nothing with it and kept "
    "nothing. Type your question in a few plain words, without names, BSN, address or date "
    "of birth.\nIn immediate danger? Call 112.")


def undecryptable_text(sender: str, before_join: bool) -> str:
    """The wegwijzer's notice for a message it cannot read, in its own voice ("je",
    outside17: the runner's formal "uw" was the only one in its direct chats). Dutch,
    then English; after the runner's "<sender>: " (busbaan.matrix.runner). A message
    sent before the bot joined is the usual case: a person who typed at once into a new
    direct chat, with an app that did not encrypt it for the invited bot."""
    if before_join:
        return ("ik kan je bericht niet lezen: je app versleutelde het voordat ik in dit "
                "gesprek was en gaf mij de sleutel niet. Ik heb er niets mee gedaan. Stuur "
                "je vraag nog een keer (kopiëren en plakken mag): nu ik in het gesprek ben, "
                "kan ik een nieuw bericht wel lezen.\n\n"
                f"{sender}: I cannot read your message: your app encrypted it before I was "
                "in this chat and did not give me the key. I did nothing with it. Please "
                "send your question again (copy and paste is fine): now that I am in the "
                "chat, I can read a new message.")
    return ("ik kan je bericht niet lezen: het is versleuteld met een sleutel die ik niet "
            "heb (bijvoorbeeld na een herstel van busbaan, of omdat je app mij de sleutel "
            "niet gaf). Ik heb er niets mee gedaan. Stuur je vraag nog een keer (kopiëren "
            "en plakken mag).\n\n"
            f"{sender}: I cannot read your message: it is encrypted with a key I do not have "
            "(for instance after busbaan was restored, or because your app did not give me "
            "the key). I did nothing with it. Please send your question again (copy and "
            "paste is fine).")


def load_socialmap(map_file: Path | None, engine: Engine) -> MapDocument:
    """The map the bot uses: the configured file, else the newest import in the store,
    else the demo map shipped with busbaan (with a warning). Blocking: run in a thread."""
    if map_file is not None:
        document = map_document(read_raw(map_file), str(map_file))
        log.info("wegwijzer.map", source="file", sha256=document.sha256[:12])
        return document
    stored = SocialMapRepository(engine).latest()
    if stored is not None:
        document = document_from_text(stored.document, f"store:{stored.map_id}")
        log.info("wegwijzer.map", source="store", map_id=stored.map_id,
                 sha256=stored.sha256[:12])
        return document
    log.warning("wegwijzer.map_demo_fallback", hint="busbaan socialmap import FILE")
    return map_document(read_raw(demo_map_path()), str(demo_map_path()))


def check_files(map_file: Path | None) -> expansion.ExampleSet:
    """Before anything starts (``make dev``, ``busbaan serve``): the map file (when one is
    configured), the safety signals file and the example questions (``BUSBAAN_EXAMPLES``
    or the shipped ones) can be used together, else a :class:`BusbaanError` whose message
    is one line naming the first problem (outside7: a BSN in an example file stopped
    ``make dev`` only after Synapse and the casus bot had started, with aiohttp's
    "Unclosed client session" lines). Blocking: a few hundred ms; nothing is kept."""
    from busbaan.routing.safety import SafetyFileError, load_signals
    from busbaan.routing.safety import check_against_map as safety_against_map

    document = (map_document(read_raw(map_file), str(map_file))
                if map_file is not None else None)  # a broken map: SocialMapError
    examples = expansion.configured()  # a broken one (personal data...): BB_EXAMPLES
    try:
        signals = load_signals()
    except SafetyFileError as exc:
        first, more = exc.found[0], len(exc.found) - 1
        raise UsageError(
            f"Veiligheidssignalen {exc.source}: {first.where}: {first.nl}"
            + (f" (en {more} meer)" if more else "")
            + ". Controleer het bestand met: busbaan socialmap check <kaart>",
            f"Safety signals {exc.source}: {first.where}: {first.en}"
            + (f" (and {more} more)" if more else "")
            + ". Check the file with: busbaan socialmap check <map>",
            errcode="BB_SAFETY_FILE") from None
    if document is not None:
        errors = [p for p in safety_against_map(signals, document.social_map)
                  if p.severity == "error"]
        if errors:
            raise UsageError(
                f"Veiligheidssignalen en kaart {map_file}: {errors[0].where}: {errors[0].nl}"
                + ". Controleer met: busbaan socialmap check <kaart>",
                f"Safety signals and map {map_file}: {errors[0].where}: {errors[0].en}"
                + ". Check with: busbaan socialmap check <map>",
                errcode="BB_SAFETY_FILE")
    return examples


def embeddings_from_env() -> EmbeddingsEndpoint | None:
    """The semantic ranker's endpoint from ``BUSBAAN_EMBEDDINGS_URL`` (optional:
    ``BUSBAAN_EMBEDDINGS_MODEL``, ``BUSBAAN_EMBEDDINGS_TIMEOUT`` in seconds); None when
    unset (the default: lexical ranking only, no model, no download)."""
    url = os.environ.get("BUSBAAN_EMBEDDINGS_URL", "").strip()
    if not url:
        return None
    try:
        timeout = float(os.environ.get("BUSBAAN_EMBEDDINGS_TIMEOUT", "1.0"))
    except ValueError:
        timeout = 1.0
    return EmbeddingsEndpoint(url, os.environ.get("BUSBAAN_EMBEDDINGS_MODEL", "default"),
                              timeout)


#: Routed once at start (see :func:`build_router`).
WARM_UP_QUESTION = "Mijn cliënt is het huis uit gezet en heeft schulden, waar kan ze terecht?"

#: What a question or command that arrives while the router is still being built is
#: told at once (session 21; then it is answered, once).
STARTING_NL = ("Ik ben net opnieuw gestart en laad de sociale kaart nog. Je bericht is "
               "binnen: ik beantwoord het zo, over hooguit een minuut. Je hoeft niets "
               "opnieuw te sturen.")
STARTING_EN = ("I have just restarted and am still loading the social map. Your message "
               "has arrived: I will answer it in a moment, within a minute or so. No need "
               "to send it again.")


def build_router(document: MapDocument, examples: expansion.ExampleSet) -> Router:
    """The router for ``document`` with ``examples``, warmed up. Blocking: seconds of
    CPU (run it in a thread)."""
    router = Router(document.social_map, examples=examples)
    # The first question builds what the router builds on first use (the safety file's
    # index of phrasal cues, …): done here, not in a professional's first answer
    # (latency16). The question is a fixed one; nothing is recorded.
    router.route(WARM_UP_QUESTION, None, limit=SHOWN)
    with_examples, services, used = expansion.coverage(examples, document.social_map)
    # outside7: a map whose example files no longer fit lost them all, silently
    (log.info if with_examples == services else log.warning)(
        "route.examples", services_with_examples=with_examples, services=services,
        examples=used)
    return router


#: How many replies deep :meth:`WegwijzerBot.question_for` reads a question sent as a
#: reply to an earlier answer (each level one more event read from Matrix).
_REPLIES_READ = 3


@dataclasses.dataclass(slots=True)
class Unread:
    """A person's newest question in a room could not be read: what is kept of it (in
    memory, and in the store's ``route_unread`` under ``ref``: session 21)."""

    ref: str
    stadsdeel: str | None
    expires_at: dt.datetime
    answer_id: str | None = None


class WegwijzerBot:
    name = "wegwijzer"

    def __init__(self, runner: BotRunner, *, engine: Engine, clock: Clock, audit: AuditWriter,
                 document: MapDocument, router: Router | None, pseudonyms: Pseudonyms,
                 check_seconds: float = 30.0,
                 default_target_minutes: int = DEFAULT_TARGET_MINUTES,
                 embeddings: EmbeddingsEndpoint | None = None,
                 key_path: Path | None = None) -> None:
        self.runner = runner
        #: The key of the keyed hashes of questions and people (the deployment's
        #: pseudonym key, read from ``key_path``), checked against the store's current
        #: key before anything is written under it, and read again after a rotation
        #: (session 9, privacy11; busbaan.store.pseudonym_key).
        self.keys = KeyGuard(engine, pseudonyms, key_path)
        self.engine = engine
        self.clock = clock
        self.audit = audit
        self.backlog = AuditBacklog(audit)
        self._backlog_task: asyncio.Task[None] | None = None
        self.document = document
        #: The router; None while it is being built (:meth:`build_router`, beside the
        #: first sync: session 21). Questions and commands wait for it (the runner holds
        #: them and says at once that the answer comes in a moment: :meth:`notice`).
        self._router = router
        self._built = asyncio.Event()
        if router is not None:
            self._built.set()
        self._building: asyncio.Task[None] | None = None
        self._known_names: tuple[object, str] = (None, "")
        self.answers = AnswerRepository(engine)
        self.feedback = FeedbackRepository(engine)
        self.learned_repo = LearnedRepository(engine)
        self.privacy = WegwijzerPrivacy(engine)
        #: What professionals taught for this map version (reloaded after each vote, and
        #: before a question when older than ``learned_refresh_s``, so that the editor's
        #: `busbaan route learned forget` takes effect within that time; session 8).
        self.learned = Learned()
        self.learned_refresh_s = LEARNED_REFRESH_S
        self._learned_at = -math.inf
        #: The optional semantic ranker (an embeddings endpoint on premises).
        self.semantic = (SemanticRanker(embeddings, document.social_map)
                         if embeddings is not None else None)
        self.lanes = LaneDesk(self, LaneRepository(engine), check_seconds=check_seconds,
                              default_target_minutes=default_target_minutes)
        self._questions: OrderedDict[str, str] = OrderedDict()  # answer_id -> question
        #: The language of each person's last answered question per direct chat (memory
        #: only, bounded): a command the bot does not know is answered in it when the
        #: person chose none (outside25: "!right" after English questions got Dutch).
        self._spoken: OrderedDict[tuple[str, str], Language] = OrderedDict()
        # answer_id -> the stadsdeel the answer was for (for !baan mens; no personal data)
        self._stadsdelen: OrderedDict[str, str | None] = OrderedDict()
        # (room, asker) -> the event id of their last question there, answered or refused
        # (outside7: `!fout` after a refused question was booked on the answer before it)
        self._last_question: OrderedDict[tuple[str, str], str] = OrderedDict()
        # the (room, asker) whose newest question there was refused (a subset of the keys
        # above): said before "since a security update" (CI, session 19: a refused Arabic
        # question was told the key-change text when another test had rotated the key)
        self._last_refused: set[tuple[str, str]] = set()
        # their newest question in a room could not be read (UNREADABLE), by the keyed
        # reference to room and asker (Pseudonyms.unread): the stadsdeel it named (never
        # its text) and the answer id of the lane to the human desk opened after it, once
        # there is one (botlane, session 20). Kept in the store too, so that a restart
        # does not forget it (session 21; busbaan.store.wegwijzer_unread); read at start
        self._unread: OrderedDict[str, Unread] = OrderedDict()
        self.unread_repo = UnreadRepository(engine)
        self._reactions: asyncio.Queue[tuple[str, nio.ReactionEvent]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._started_ms = 0
        #: The language each person chose (``nl.busbaan.language``, read by the gate):
        #: replies follow it where there is one (outside23 finding 8; session 20), for
        #: questions and commands alike (:func:`busbaan.language.reply_language`).
        self.languages = LanguageBook(lambda: runner.client)
        runner.dispatcher.language_of = self.languages.of
        for owner in (self, self.lanes):
            runner.dispatcher.bind(owner)
        runner.message_hooks.append(self._on_message)
        runner.undecryptable_text = undecryptable_text
        runner.warming = self
        runner.media_text = self._media_text
        # Questions in a direct chat are answered through the inbox, like commands:
        # one asked while the bot is down is answered after it starts, once.
        runner.answer_messages(self._is_question, self._answer_stored, self._answer_sent)

    @classmethod
    async def create(cls, runner: BotRunner, *, engine: Engine, clock: Clock,
                     audit: AuditWriter, map_file: Path | None, pseudonyms: Pseudonyms,
                     check_seconds: float = 30.0,
                     default_target_minutes: int = DEFAULT_TARGET_MINUTES,
                     key_path: Path | None = None,
                     examples: expansion.ExampleSet | None = None) -> WegwijzerBot:
        """Load the map (file, store or demo) and start building its router, off the
        loop, in the background: the bot can log in and sync meanwhile (session 21:
        after a restart a question waited ~50 s in silence while the router was built
        before the bot even logged in). :meth:`ready` waits for the router.
        ``examples``: the example set already read (:func:`check_files`), else read
        here."""
        document = await asyncio.to_thread(load_socialmap, map_file, engine)
        bot = cls(runner, engine=engine, clock=clock, audit=audit, document=document,
                  router=None, pseudonyms=pseudonyms, check_seconds=check_seconds,
                  default_target_minutes=default_target_minutes,
                  embeddings=embeddings_from_env(), key_path=key_path)
        bot._building = asyncio.create_task(bot._build(examples), name="wegwijzer-router")
        return bot

    async def _build(self, examples: expansion.ExampleSet | None) -> None:
        """Build the router for :attr:`document` (in a thread) and mark the bot ready."""
        if examples is None:  # BUSBAAN_EXAMPLES or the shipped files
            examples = await asyncio.to_thread(expansion.configured)
        self._router = await asyncio.to_thread(build_router, self.document, examples)
        self._built.set()
        log.info("wegwijzer.router_ready")

    async def ready(self) -> None:
        """Wait until the router is built; its error when building failed."""
        if self._building is not None:
            await asyncio.shield(self._building)
        await self._built.wait()

    # -- runner.warming (busbaan.matrix.runner.Warming) ------------------------------

    def ready_now(self) -> bool:
        return self._built.is_set()

    async def wait(self) -> None:
        if self._building is not None:
            await asyncio.wait({self._building})  # done, also when failed (start says it)
        else:
            await self._built.wait()

    async def notice(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        """Said at once to a question or command that arrives before the router is
        ready (after a restart): it is in, and answered in a moment — in the person's
        language (their choice, else the question's or the command's, else Dutch)."""
        text = str(entry.get("text") or "")
        found = self.runner.dispatcher.match(text) if entry.get("command") else None
        asked_in = found[2] if found is not None else guess_lang(text)
        lang = reply_language(await self.languages.of(str(entry.get("sender") or "")),
                              asked_in)
        body = t(lang, STARTING_NL, STARTING_EN)
        content = notice_content(kind="wegwijzer.starting", body=body,
                                 html_body=f"<p>{esc(body)}</p>", data={})
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": str(entry["event_id"])}}
        return content

    @property
    def router(self) -> Router:
        """The router (:meth:`ready` first: while it is built there is none, and asking
        for it is an AttributeError, which the dispatcher's look at the bot's members
        passes over)."""
        if self._router is None:
            raise AttributeError("the wegwijzer's router is still being built")
        return self._router

    @router.setter
    def router(self, router: Router) -> None:
        self._router = router
        if "_built" not in vars(self):  # a bot made without __init__ (tests' stubs)
            self._built = asyncio.Event()
        self._built.set()

    @property
    def user_id(self) -> str:
        return self.runner.user_id

    @property
    def pseudonyms(self) -> Pseudonyms:
        """The key in use (:attr:`keys`; after a rotation, the key file's new key)."""
        return self.keys.pseudonyms

    async def check_key(self) -> None:
        """Before a pseudonym is written or compared: is this key still the current one?
        Reads the key file again after a rotation; raises :data:`STALE_KEY` (for the
        person in the chat, in plain words; the log line says what to do) when this
        process has no current key. At start, the operator's error instead."""
        await self._keyed(self.keys.check, self.clock.now())

    async def write_under_key(self, write: Callable[[Pseudonyms], T]) -> T:
        """``write(pseudonyms)`` off the loop: one transaction that starts with
        :func:`busbaan.store.pseudonym_key.fence` under that key, so that a rotation
        committing after :meth:`check_key` cannot let it through under the old key
        (session 10, keys20). Such a write is made again under the key file's new key,
        or refused like :meth:`check_key` (nothing stored)."""
        return await self._keyed(self.keys.write, self.clock.now(), write)

    async def _keyed(self, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` of :attr:`keys` off the loop: a stale key becomes the chat's
        :class:`Unavailable`; a switch to a new key re-reads the lanes (re-keyed)."""
        before = self.pseudonyms.fingerprint()
        try:
            return await asyncio.to_thread(call, *args)
        except BusbaanError as exc:
            if exc.errcode != STALE_KEY:
                raise
            raise Unavailable(
                "De wegwijzer kan nu niets vastleggen en moet door de beheerder opnieuw "
                "worden gestart; er is niets opgeslagen. Probeer het later opnieuw.",
                "The wayfinder cannot record anything now and has to be restarted by its "
                "administrator; nothing was stored. Try again later.",
                errcode=STALE_KEY) from exc
        finally:
            if self.pseudonyms.fingerprint() != before:  # switched: lanes were re-keyed
                await self.lanes.reload()
                await self._load_unread()

    def before_key_change(self, answer: AnswerRecord) -> bool:
        """Whether ``answer`` was given before the current key was rotated in (its
        asker's pseudonym is under the old key: nobody can be matched to it), or before
        the per-answer pseudonyms (migration 0110 forgot its asker)."""
        return (before_rotation(answer.created_at, self.keys.rotated_at)
                or is_forgotten_person(answer.asker))

    def is_asker(self, answer: AnswerRecord, user_id: str) -> bool:
        """Whether ``user_id`` asked for ``answer`` (its per-answer pseudonym)."""
        return answer.asker == self.pseudonyms.asker(answer.answer_id, user_id)

    def asker_of(self, user_id: str) -> Callable[[str], str]:
        """answer id → ``user_id``'s pseudonym for that answer, under the key in use."""
        pseudonyms = self.pseudonyms
        return lambda answer_id: pseudonyms.asker(answer_id, user_id)

    async def sweep_ids(self, *, legacy: bool) -> dict[str, int]:
        """The retention sweep (:mod:`busbaan.store.wegwijzer_privacy`): at start with
        ``legacy`` (rows from before migration 0070), then on the reminder clock; not
        under a key that was rotated away (the check logs it once)."""
        try:
            await self.check_key()
        except Unavailable as exc:
            if exc.errcode != STALE_KEY:
                raise
            return {}
        now = self.clock.now()
        try:
            counts = await self.write_under_key(
                lambda pseudonyms: self.privacy.sweep(pseudonyms, now, legacy=legacy))
            counts["unread_expired"] = await asyncio.to_thread(self.unread_repo.sweep, now)
            if legacy:  # votes from before migration 0130, per association (privacy16)
                counts["votes_converted"] = await self.write_under_key(
                    lambda pseudonyms: self.learned_repo.convert_legacy(
                        pseudonyms, key=pseudonyms.fingerprint()))
        except Unavailable as exc:
            if exc.errcode != STALE_KEY:
                raise
            return {}
        if any(counts.values()):
            log.info("wegwijzer.ids_swept", **counts)
        return counts

    def lane_person(self, lane_id: str, user_id: str) -> str:
        """The keyed pseudonym lane ``lane_id`` names ``user_id`` by (never the Matrix
        ID, and per lane: :mod:`busbaan.wegwijzer.retention`)."""
        return self.pseudonyms.lane_person(lane_id, user_id)

    @property
    def client(self) -> nio.AsyncClient:
        return self.runner.client

    @property
    def social_map(self) -> SocialMap:
        return self.document.social_map

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """After the runner's first sync: lanes, the reminder clock, reactions. Not with
        a key that is not the current one (the operator's error: which file, what to do)."""
        await asyncio.to_thread(self.keys.check, self.clock.now())
        await self._load_learned()
        await self._load_unread()
        if self.semantic is not None:
            await asyncio.to_thread(self.semantic.prepare)
        await self.lanes.start()
        self._started_ms = int(time.time() * 1000)
        self.client.add_event_callback(self._on_reaction, nio.ReactionEvent)
        self._task = asyncio.create_task(self._reaction_worker(), name="wegwijzer-reactions")
        self._backlog_task = asyncio.create_task(self.backlog.run(), name="wegwijzer-audit")
        log.info("wegwijzer.started", services=len(self.social_map.services),
                 map_sha256=self.document.sha256[:12],
                 pseudonym_key=self.pseudonyms.fingerprint())

    async def stop(self) -> None:
        if self._building is not None and not self._building.done():
            self._building.cancel()  # the thread finishes on its own; nothing is kept
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._building
        await self.lanes.stop()
        if self._backlog_task is not None:
            self._backlog_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._backlog_task
            self._backlog_task = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.runner.dispatcher.unbind()

    async def drain(self) -> None:
        """Wait until queued messages and reactions are handled (tests, benchmarks)."""
        await self.runner.drain()
        await self._reactions.join()

    # -- records ------------------------------------------------------------------------

    async def record(self, event_code: str, action: str, *, actor: str | None,
                     details: Mapping[str, str], outcome: str = "done",
                     reason_code: str | None = None) -> None:
        """One audit entry (no question text ever goes in)."""
        entry = AuditEntry(event_code=event_code, action=action, occurred_at=self.clock.now(),
                           outcome=outcome, source="wegwijzer-bot", user_id=actor,
                           reason_code=reason_code, details=dict(details))
        # The audit-failure policy (docs/architecture.md): never dropped; retried.
        await self.backlog.record([entry])

    def require_audit(self) -> None:
        """The audit-failure policy (docs/architecture.md, rule 3), as the gate keeps it:
        while records have waited longer than their deadline, no new work that needs a
        record (feedback and what it teaches) — fail closed, nothing stored."""
        if self.backlog.overdue:
            raise Unavailable(
                "Het auditlog kan nu niet worden bijgewerkt, dus ik leg uw oordeel nu niet "
                "vast; er is niets veranderd. Probeer het over een minuut opnieuw.",
                "The audit log cannot be written now, so I do not store your verdict; "
                "nothing was changed. Try again in a minute.",
                errcode="BB_AUDIT_UNAVAILABLE")

    def team_names(self) -> dict[str, str]:
        """Intake room → the names of the services that use it (for the figures)."""
        names: dict[str, list[str]] = {}
        for service in self.social_map.services:
            if service.matrix_room:
                names.setdefault(service.matrix_room, []).append(service.name)
        return {room: " / ".join(sorted(n)) for room, n in names.items()}

    # -- answering ----------------------------------------------------------------------

    def today(self) -> dt.date:
        """The day a question is asked on: the bot's clock, read once per question and
        handed to every step that reads its dates (the personal-data check, the safety
        signals, the router, what is learned; session 13, privacy17), so that a date
        cannot be read one way by the refusal and another by the routing (midnight)."""
        return self.clock.now().date()

    def route(self, raw: str, lang: str,
              semantic: Mapping[str, float] | None = None, *,
              today: dt.date | None = None,
              earlier: str | None = None) -> tuple[Question, RouteAnswer]:
        """Check and route a question (pure CPU; a few ms). Raises the user's error.
        ``today``: the question's day (:meth:`today`; default: read here, once).
        ``earlier``: the question of the answer ``raw`` replies to (:func:`follow_up`)."""
        today = today or self.today()
        question = self.check(raw, today=today)
        if earlier:
            question = follow_up(earlier, question)
        return question, self._routed(question, lang, semantic, today)

    def _routed(self, question: Question, lang: str, semantic: Mapping[str, float] | None,
                today: dt.date) -> RouteAnswer:
        """The router's answer to a checked question (:meth:`check`, :func:`follow_up`)."""
        return self.router.route(question.text, question.context, limit=SHOWN, lang=lang,
                                 learned=self.learned, semantic=semantic, today=today)

    @property
    def known_names(self) -> str:
        """The map's service and organisation names (for the personal-data check), for
        the router's current map."""
        if self._known_names[0] is not self.router.map:
            self._known_names = (self.router.map, map_names(self.router.map))
        return self._known_names[1]

    def check(self, raw: str, *, today: dt.date | None = None, markup: str = "") -> Question:
        """Parse a chat question; refuse it when it carries personal data. ``today``: the
        question's day (:meth:`today`; default: read here, once). ``markup``: the text of
        the message's HTML part (:func:`markup_text`), checked too: a client shows that
        part, so personal data there is personal data sent (outside21 finding 13)."""
        today = today or self.today()
        question = parse_question(raw, self.known_names, today=today)
        if not question.personal and markup and markup != raw:
            with contextlib.suppress(UsageError):  # nothing but context words: no data
                shown = parse_question(markup, self.known_names, today=today)
                if shown.personal:
                    question = shown
        if question.personal:
            # not searched, but a danger told with a name still gets what to do now
            raise refuse_personal_data(
                question.findings,
                detect(self.router.safety, question.text, today=today))
        return question

    async def _load_learned(self) -> None:
        """Read what counts for this map version from the store (off the loop)."""
        self.learned = await asyncio.to_thread(self.learned_repo.learned, self.document.sha256)
        self._learned_at = time.monotonic()

    async def ask(self, raw: str, lang: str, earlier: str | None = None, *,
                  markup: str = "") -> tuple[Question, RouteAnswer]:
        """:meth:`route`, with the semantic ranker's similarities when one is configured
        (asked off the loop, only after the personal-data check; on failure: lexical).
        The clock is read once: every step reads the question's dates on that day."""
        today = self.today()
        question = self.check(raw, today=today, markup=markup)
        if earlier:
            question = follow_up(earlier, question)
        await self.check_key()  # the answer's record is written under this key
        if time.monotonic() - self._learned_at >= self.learned_refresh_s:
            await self._load_learned()
        semantic = None
        if self.semantic is not None and self.semantic.ready:
            semantic = await asyncio.to_thread(
                functools.partial(self.semantic.similarities, question.text, today=today))
        # the question checked above, not checked again by :meth:`route` (the personal-data
        # check ran twice on every answer; session 19, speed)
        return question, self._routed(question, lang, semantic, today)

    async def _no_lane(self, answer: RouteAnswer, asker: str,
                       lang: str) -> tuple[dict[str, str], dict[str, str]]:
        """lanes8 (outside8 finding 2): for the shown results whose lane cannot open for
        ``asker`` now, service id → the errcode ``!baan`` would give, and → the contact
        line to show instead (phone, e-mail, website)."""
        services = [s for r in answer.results[:SHOWN]
                    if (s := self.social_map.service(r.service_id)) is not None]
        blocked = await self.lanes.reach.blocks(services, asker)
        contact = {s.id: no_lane_contact(s, blocked[s.id], lang)
                   for s in services if s.id in blocked}
        return blocked, contact

    async def _desk(self, answer: RouteAnswer, asker: str,
                    lang: str) -> tuple[str | None, str | None]:
        """The human desk offered with an unsure answer: the one ``!baan mens`` opens a
        lane to (the stadsdeel's, else the general one), by name; when neither takes a
        lane now, the stadsdeel's desk with how to reach it instead (name, contact)."""
        if answer.confident:
            return None, None
        desk, takes_lane = await self._desk_for(answer.stadsdeel, asker)
        if desk is None:
            return None, None
        return desk.name, None if takes_lane else other_ways(desk, lang)

    async def _desk_for(self, stadsdeel: str | None,
                        asker: str) -> tuple[MapService | None, bool]:
        """The human desk for ``stadsdeel`` that ``!baan mens`` opens a lane to (the
        stadsdeel's, else the general one) and True; when neither takes a lane now, the
        stadsdeel's desk and False; (None, False) when the map names none."""
        desk = self.router.triage_desk(stadsdeel)
        if desk is None:
            return None, False
        general = self.router.triage_desk(None)
        desks = [desk] + ([general] if general is not None and general.id != desk.id else [])
        blocked = await self.lanes.reach.blocks(desks, asker)
        for candidate in desks:
            if candidate.id not in blocked:
                return candidate, True
        return desk, False

    @staticmethod
    def _route_field(answer: RouteAnswer, answer_id: str,
                     no_lane: Mapping[str, str] | None = None) -> dict[str, Any]:
        no_lane = no_lane or {}
        context: dict[str, Any] = {}
        if answer.stadsdeel:
            context["stadsdeel"] = answer.stadsdeel
        if answer.leeftijd is not None:
            context["leeftijd"] = answer.leeftijd
        return {
            "query": answer.question,  # what was routed: at most MAX_QUESTION_CHARS
            "results": [{**ResultRef(r.service_id, r.organization_id, r.score,
                                     r.lane).to_json(),
                         # lanes8: whether the answer offers `!baan <n>` for it, else
                         # the errcode `!baan <n>` would give (added, session 7)
                         "lane_offered": r.service_id not in no_lane,
                         "lane_errcode": no_lane.get(r.service_id)}
                        for r in answer.results[:SHOWN]],
            "confident": answer.confident,
            "answer_id": answer_id,
            "context": context,
            "notes": list(answer.notes),
            "confidence": answer.confidence,
            "safety": [{"signal": h.signal, "service_id": h.service_id}
                       for h in answer.safety],
            "caution": [{"signal": h.signal, "service_id": h.service_id}
                        for h in answer.caution],
            # read in part: regional speech whose own words were not understood
            # (added, session 15; also the note "partly_read")
            "partly_read": answer.partly_read,
        }

    async def _remember(self, *, answer_id: str, room_id: str, event_id: str,
                        question_event_id: str, asker: str, question: Question,
                        answer: RouteAnswer) -> None:
        created_at = self.clock.now()

        def add(pseudonyms: Pseudonyms) -> AnswerRecord:
            record = AnswerRecord(
                answer_id=answer_id, room_id=pseudonyms.answer_room(answer_id, room_id),
                event_id=event_id, question_event_id=question_event_id,
                asker=pseudonyms.asker(answer_id, asker),
                question_sha256=question_hash(answer.question, pseudonyms),
                map_sha256=self.document.sha256,
                results=tuple(ResultRef(r.service_id, r.organization_id, r.score, r.lane)
                              for r in answer.results[:SHOWN]),
                confident=answer.confident, created_at=created_at)
            self.answers.add(record, key=pseudonyms.fingerprint())
            return record

        record = await self.write_under_key(add)
        self._keep_question(answer_id, answer.question, answer.stadsdeel)
        log.info("route.answered", confident=answer.confident, results=len(record.results),
                 top=record.results[0].service_id if record.results else None,
                 **object_refs(self.pseudonyms, answer_id))

    def _keep_question(self, answer_id: str, question: str, stadsdeel: str | None) -> None:
        """The question's text and stadsdeel, in memory only (for a lane), bounded."""
        self._questions[answer_id] = question
        self._stadsdelen[answer_id] = stadsdeel
        while len(self._questions) > QUESTION_CACHE:
            self._questions.popitem(last=False)
        while len(self._stadsdelen) > QUESTION_CACHE:
            self._stadsdelen.popitem(last=False)

    def _asked(self, room_id: str, sender: str, question_event_id: str) -> None:
        """Note the sender's newest question in this room (in memory, bounded): a command
        about "the last answer" is about this question's answer, or none when it was
        refused."""
        key = (room_id, sender)
        self._last_question.pop(key, None)
        self._last_question[key] = question_event_id
        self._last_refused.discard(key)
        while len(self._last_question) > QUESTION_CACHE:
            oldest = self._last_question.popitem(last=False)[0]
            self._last_refused.discard(oldest)

    async def _read_now(self, room_id: str, sender: str) -> None:
        """The sender's newest question in this room is one the bot could read (or is
        being read): a note that the one before could not be is forgotten, in memory
        and in the store (only when there is one: no write on an answer's path
        otherwise)."""
        ref = self.pseudonyms.unread(room_id, sender)
        if self._unread.pop(ref, None) is not None:
            await asyncio.to_thread(self.unread_repo.drop, ref)

    async def _load_unread(self) -> None:
        """The notes of unread questions kept in the store under the key in use (at
        start, and after a switch to a new key: rows under the old one match nobody)."""
        kept = await asyncio.to_thread(self.unread_repo.live, self.clock.now(),
                                       self.pseudonyms.fingerprint())
        self._unread = OrderedDict(
            (ref, Unread(ref, r.stadsdeel, r.expires_at, r.answer_id))
            for ref, r in sorted(kept.items(), key=lambda item: item[1].asked_at))

    async def _refused(self, room_id: str, sender: str, exc: BusbaanError,
                       raw: str = "") -> BusbaanError:
        """Note a refused question; the refusal to send (for a question the bot cannot
        read: with the way to a person, :meth:`unreadable_refusal`)."""
        if (room_id, sender) in self._last_question:
            self._last_refused.add((room_id, sender))
            if exc.errcode in UNREADABLE:
                unread = await self._note_unread(room_id, sender, self._stadsdeel_named(raw))
                exc = await self.unreadable_refusal(exc, unread.stadsdeel, sender)
        if isinstance(exc, PersonalData):
            await self.record("route.personal_data_refused", "E", actor=sender,
                              outcome="refused", reason_code="personal_data",
                              details={"kinds": ",".join(exc.data.get("kinds", []))})
        log.info("route.refused", errcode=exc.errcode)
        return exc

    async def _note_unread(self, room_id: str, sender: str,
                           stadsdeel: str | None) -> Unread:
        """Note (in memory and in the store) that the sender's newest question in this
        room could not be read, with the stadsdeel it named: nothing of its text."""
        asked_at = self.clock.now()

        def put(pseudonyms: Pseudonyms) -> Unread:
            ref = pseudonyms.unread(room_id, sender)
            kept = self.unread_repo.put(ref, stadsdeel=stadsdeel, asked_at=asked_at,
                                        key=pseudonyms.fingerprint())
            return Unread(ref, stadsdeel, kept.expires_at)

        unread = await self.write_under_key(put)
        self._unread.pop(unread.ref, None)
        self._unread[unread.ref] = unread
        while len(self._unread) > QUESTION_CACHE:  # memory only: the store's rows expire
            self._unread.popitem(last=False)
        return unread

    def _stadsdeel_named(self, raw: str) -> str | None:
        """The stadsdeel an unread question names (``stadsdeel=Noord``, or a place the
        router knows written in Latin letters: "Zuidoost'ta"), else None; its text is not
        kept."""
        try:
            question = parse_question(raw, self.known_names, today=self.today())
            return person(question.text, question.context).stadsdeel
        except UsageError:
            return None

    async def unreadable_refusal(self, exc: BusbaanError, stadsdeel: str | None,
                                 asker: str) -> BusbaanError:
        """The refusal of a question the bot cannot read, with one line before the 112
        line: `!baan mens` opens a lane to the human desk (the one it opens, as an unsure
        answer names it: :meth:`_desk_for`), without the question; when no desk takes a
        lane now, how to reach the desk instead. The refusal as it was when the map names
        no desk."""
        desk, takes_lane = await self._desk_for(stadsdeel, asker)
        if desk is None:
            return exc
        if takes_lane:
            nl = (f"Liever een mens laten meekijken? !baan mens opent een baan naar "
                  f"{desk.name}; je vraag gaat niet mee en wordt niet bewaard.")
            en = (f"Rather have a person look at it? !lane human opens a lane to {desk.name}; "
                  "your question is not passed on or kept.")
        else:
            nl = (f"Liever een mens laten meekijken? Neem contact op met {desk.name}: "
                  f"{other_ways(desk, 'nl')}.")
            en = (f"Rather have a person look at it? Contact {desk.name}: "
                  f"{other_ways(desk, 'en')}.")

        def before_last(text: str, line: str) -> str:
            head, sep, last = text.rpartition("\n")
            return f"{head}\n{line}\n{last}" if sep else f"{text}\n{line}"

        return UsageError(before_last(exc.nl, nl), before_last(exc.en, en),
                          errcode=exc.errcode, data={**exc.data, "human_desk": desk.id})

    def unread_question(self, room_id: str, sender: str) -> Unread | None:
        """The sender's newest question in this room, when it was one the bot could
        not read (else None)."""
        unread = self._unread.get(self.pseudonyms.unread(room_id, sender))
        if unread is not None and unread.expires_at <= self.clock.now():
            return None  # past UNREAD_KEEP: the retention sweep deletes its row
        return unread

    async def unread_answer(self, room_id: str, sender: str, event_id: str,
                            unread: Unread) -> AnswerRecord:
        """The answer a lane to the human desk after an unread question hangs on: made
        once (no results, :data:`UNREAD_QUESTION` for its hash, the `!baan mens` message
        as its question event: the unread text is never read back from Matrix)."""
        if unread.answer_id is not None:
            known = await asyncio.to_thread(self.answers.get, unread.answer_id)
            if known is not None:
                self._stadsdelen[known.answer_id] = unread.stadsdeel  # also after a restart
                return known
        answer_id = self.answers.new_id()
        created_at = self.clock.now()

        def add(pseudonyms: Pseudonyms) -> AnswerRecord:
            record = AnswerRecord(
                answer_id=answer_id, room_id=pseudonyms.answer_room(answer_id, room_id),
                event_id=event_id, question_event_id=event_id,
                asker=pseudonyms.asker(answer_id, sender), question_sha256=UNREAD_QUESTION,
                map_sha256=self.document.sha256, results=(), confident=False,
                created_at=created_at)
            self.answers.add(record, key=pseudonyms.fingerprint())
            return record

        record = await self.write_under_key(add)
        unread.answer_id = answer_id
        self._stadsdelen[answer_id] = unread.stadsdeel
        await self.write_under_key(lambda pseudonyms: self.unread_repo.opened(
            unread.ref, answer_id, key=pseudonyms.fingerprint()))
        return record

    @command("wie", en=["who"], usage="!wie <vraag>", usage_en="!who <question>",
             summary="Waar kan iemand terecht? De drie diensten die het best passen.",
             summary_en="Where can someone go? The three services that fit best.")
    async def cmd_who(self, ctx: CommandContext) -> Reply:
        self._asked(ctx.room_id, ctx.sender, ctx.event_id)
        await self._read_now(ctx.room_id, ctx.sender)
        try:
            question, answer = await self.ask(ctx.args, ctx.lang, markup=ctx.markup)
        except BusbaanError as exc:
            raise await self._refused(ctx.room_id, ctx.sender, exc, ctx.args) from None
        answer_id = self.answers.new_id()
        blocked, contact = await self._no_lane(answer, ctx.sender, ctx.lang)
        desk, desk_contact = await self._desk(answer, ctx.sender, ctx.lang)
        body, html = answer_texts(answer, ctx.lang, desk, no_lane=contact,
                                  desk_contact=desk_contact)
        route = self._route_field(answer, answer_id, blocked)

        async def remember(event_id: str) -> None:
            await self._remember(answer_id=answer_id, room_id=ctx.room_id, event_id=event_id,
                                 question_event_id=ctx.event_id, asker=ctx.sender,
                                 question=question, answer=answer)

        return Reply(body, html, data={"answer_id": answer_id, "confident": answer.confident,
                                       "results": route["results"]},
                     extra={ROUTE_KEY: route}, on_sent=remember)

    def stadsdeel_of(self, answer_id: str) -> str | None:
        """The stadsdeel an answer was for (None when unknown or forgotten)."""
        return self._stadsdelen.get(answer_id)

    def _is_direct(self, room: nio.MatrixRoom) -> bool:
        """A direct chat with the bot: what the person and the bot share alone, whatever
        its name (issue 13), and not a lane or a team's intake room."""
        if room.member_count > 2 or self.lanes.lane_in(room.room_id) is not None:
            return False
        intake = {s.matrix_room for s in self.social_map.services if s.matrix_room}
        return room.room_id not in intake and room.canonical_alias not in intake

    async def _on_message(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> bool:
        """Non-command messages: a lane's first answer, or a question in a direct chat."""
        if event.sender == self.user_id:
            return False
        lane = self.lanes.lane_in(room.room_id)
        if lane is not None:
            await self.lanes.on_lane_message(lane, event.sender)
            return True
        if not self._is_direct(room):
            return False
        # no room id: a direct chat's names its one person and would group all their
        # answers in the logs (session 12, privacy14; Dispatcher.room_in_logs)
        with structlog.contextvars.bound_contextvars(bot=self.name, event_id=event.event_id):
            await self.ready()  # a runner without an inbox: no notice, the answer waits
            await self._direct_question(room.room_id, event)
        return True

    def _media_text(self, room: nio.MatrixRoom, sender: str) -> str | None:
        """The notice for a voice note, photo, video or file sent in a direct chat (none
        elsewhere: a lane's files are for the team). Dutch, then English."""
        if sender == self.user_id or not self._is_direct(room):
            return None
        return MEDIA_TEXT

    def _is_question(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> bool:
        """A message the bot answers as a question: in a direct chat with it."""
        return event.sender != self.user_id and self._is_direct(room)

    async def _answer_stored(self, message: dict[str, Any]) -> dict[str, Any]:
        """The answer to a question the runner kept in the inbox (``answer_messages``)."""
        room_id, event_id = str(message["room_id"]), str(message["event_id"])
        with structlog.contextvars.bound_contextvars(bot=self.name, event_id=event_id):
            replied = message.get("in_reply_to")
            content, _ = await self._direct_answer(
                room_id, event_id, str(message["sender"]), str(message.get("text") or ""),
                in_reply_to=replied if isinstance(replied, str) else None,
                edited=message.get("edited") is True, markup=str(message.get("markup") or ""))
        return content

    async def _answer_sent(self, message: dict[str, Any], content: dict[str, Any],
                           event_id: str) -> None:
        """An answer from the inbox is sent: keep its record (``!baan``, ``!goed`` and
        reactions find it), built from the answer itself — so also after a restart —
        and only once."""
        ts = message.get("server_ts")
        self._count_question(content, time.time() - ts / 1000 if isinstance(ts, int) else None)
        route = content.get(ROUTE_KEY)
        if not isinstance(route, dict):
            return  # help or a refusal: nothing to keep
        answer_id = str(route["answer_id"])
        if await asyncio.to_thread(self.answers.get, answer_id) is not None:
            return
        query = str(route["query"])
        results = tuple(ResultRef(str(r["service_id"]), str(r["organization_id"]),
                                  int(r["score"]), r.get("lane"))
                        for r in route.get("results", []))
        created_at = self.clock.now()

        def add(pseudonyms: Pseudonyms) -> AnswerRecord:
            record = AnswerRecord(
                answer_id=answer_id,
                room_id=pseudonyms.answer_room(answer_id, str(message["room_id"])),
                event_id=event_id,
                question_event_id=str(message["event_id"]),
                asker=pseudonyms.asker(answer_id, str(message["sender"])),
                question_sha256=question_hash(query, pseudonyms),
                map_sha256=self.document.sha256,
                results=results, confident=bool(route.get("confident")),
                created_at=created_at)
            self.answers.add(record, key=pseudonyms.fingerprint())
            return record

        record = await self.write_under_key(add)
        self._keep_question(answer_id, query,
                            (route.get("context") or {}).get("stadsdeel"))
        log.info("route.answered", confident=record.confident, results=len(results),
                 top=results[0].service_id if results else None,
                 **object_refs(self.pseudonyms, answer_id))

    async def _direct_question(self, room_id: str, event: nio.RoomMessageText) -> None:
        """A question in a direct chat, answered at once (a runner without an inbox)."""
        source = event.source.get("content", {})
        relates = source.get("m.relates_to") or {}
        replied = (relates.get("m.in_reply_to") or {}).get("event_id")
        content, on_sent = await self._direct_answer(
            room_id, event.event_id, event.sender,
            message_text(event.body or "", source).strip(),
            in_reply_to=replied if isinstance(replied, str) else None,
            edited=is_edit(event), markup=markup_text(source))
        event_id = await self.runner.send(room_id, content)
        self._count_question(content, time.time() - event.server_timestamp / 1000
                             if event.server_timestamp else None)
        if on_sent is not None:
            await on_sent(event_id)

    def _count_question(self, content: Mapping[str, Any], latency: float | None) -> None:
        """``/metrics``: a direct question answered (the runner counts only commands):
        its outcome and errcode from the notice, never its text (outside check s5)."""
        if self.runner.metrics is None:
            return
        notice = content.get("nl.busbaan.notice") or {}
        errcode = notice.get("errcode") if isinstance(notice, Mapping) else None
        self.runner.metrics.question_answered(
            self.name, ok=not errcode, errcode=str(errcode) if errcode else None,
            latency_seconds=latency)

    async def _direct_answer(self, room_id: str, question_event_id: str, sender: str,
                             text: str, *, in_reply_to: str | None = None,
                             edited: bool = False,
                             markup: str = "") -> tuple[dict[str, Any], Any]:
        """The notice that answers a direct question (help, a refusal, or the services)
        as a reply to it, and what to do once it is sent (keep the answer's record). A
        question that replies to one of this bot's answers in this room is routed with
        the question that answer was for (:meth:`replied_question`, :func:`follow_up`).
        ``edited``: the message edits an earlier one; an edit into a command is not run
        (the runner's rule) and is told so (outside20: it was told "Dat commando ken ik
        niet" for `!baan 1`). ``markup``: the text of its HTML part, checked for personal
        data as well (:meth:`check`)."""
        # "help" is a Dutch word too: asked alone it is answered in Dutch, the default,
        # as the casus bot does (it was English: outside check, session 4).
        greeting = " ".join(text.lower().strip(" !.,?").split())
        asked_in = ("nl" if text.lower() in _HELP_WORDS or greeting in _GREETINGS_NL else
                    "en" if greeting in _GREETINGS_EN else guess_lang(text))
        # the person's own choice first (outside23 finding 8: an English speaker got the
        # Dutch refusal of an Arabic question), else the question's language
        chosen = await self.languages.of(sender)
        lang = reply_language(chosen, asked_in)
        if chosen is None and text.startswith("!") and text.lower() not in _HELP_WORDS:
            # one word after "!" says little of a language: the conversation does
            lang = self._spoken.get((room_id, sender), lang)
        relates = {"m.in_reply_to": {"event_id": question_event_id}}
        thanks = thanks_reply(text)
        if thanks is not None:  # no question: "the last answer" stays the one before
            content = notice_content(kind="wegwijzer.thanks", body=thanks[1],
                                     html_body=f"<p>{esc(thanks[1])}</p>", data={})
            content["m.relates_to"] = relates
            return content, None
        is_help = (text.lower() in _HELP_WORDS or text.startswith("!")
                   or greeting in _GREETINGS_NL | _GREETINGS_EN)
        if not is_help:
            self._asked(room_id, sender, question_event_id)
            await self._read_now(room_id, sender)
        if (text.lower() in _HELP_WORDS or text.startswith("!")
                or greeting in _GREETINGS_NL | _GREETINGS_EN):
            body, html = help_texts(lang, self._usages(lang))
            unknown = text.startswith("!") and text.lower() not in _HELP_WORDS
            if unknown and edited:
                prefix = t(lang, "Je hebt een bericht bewerkt tot een commando. Een bewerking "
                                 "voer ik niet uit: stuur het commando als nieuw bericht. ",
                           "You edited a message into a command. I do not run an edit: "
                           "send the command as a new message. ")
                body, html = prefix + body, f"<p>{prefix}</p>{html}"
            elif unknown and is_casus_command(text):
                prefix = t(lang, "Dat is een commando van de casus-bot, niet van mij: stuur het "
                                 "in een direct gesprek met de casus-bot of in de casuskamer. ",
                           "That is a command of the casus bot, not mine: send it in a direct "
                           "chat with the casus bot or in the case room. ")
                body, html = prefix + body, f"<p>{prefix}</p>{html}"
            elif unknown:
                prefix = t(lang, "Dat commando ken ik niet. ", "I do not know that command. ")
                body, html = prefix + body, f"<p>{prefix}</p>{html}"
            content = notice_content(kind="wegwijzer.help", body=body, html_body=html,
                                     data={"errcode": "BB_EDITED_COMMAND" if edited
                                           else "BB_UNKNOWN_COMMAND"} if unknown else {})
            content["m.relates_to"] = relates
            return content, None
        try:
            earlier = await self.replied_question(room_id, in_reply_to)
            question, answer = await self.ask(text, lang, earlier, markup=markup)
            self._spoken.pop((room_id, sender), None)
            self._spoken[(room_id, sender)] = lang
            while len(self._spoken) > QUESTION_CACHE:
                self._spoken.popitem(last=False)
        except BusbaanError as refusal:
            exc = await self._refused(room_id, sender, refusal, text)
            # a question the router reads as neither Dutch nor English has no language of
            # its own to answer in: a chance English word (Turkish "her", every) must not
            # choose English; the person's choice, else Dutch, the default (outside23: an
            # elder abuse told in Turkish got its refusal and its 112 line in English)
            said = reply_language(chosen, None) if exc.errcode == "BB_LANGUAGE" else lang
            content = notice_content(kind="route.refused", body=exc.message(said),
                                     data=error_data(exc))
            content["m.relates_to"] = relates
            return content, None
        answer_id = self.answers.new_id()
        blocked, contact = await self._no_lane(answer, sender, lang)
        desk, desk_contact = await self._desk(answer, sender, lang)
        body, html = answer_texts(answer, lang, desk, no_lane=contact,
                                  desk_contact=desk_contact)
        content = notice_content(kind="route.answer", body=body, html_body=html,
                                 data={"answer_id": answer_id})
        content[ROUTE_KEY] = self._route_field(answer, answer_id, blocked)
        content["m.relates_to"] = relates

        async def remember(event_id: str) -> None:
            await self._remember(answer_id=answer_id, room_id=room_id, event_id=event_id,
                                 question_event_id=question_event_id, asker=sender,
                                 question=question, answer=answer)

        return content, remember

    def _usages(self, lang: str) -> list[tuple[str, str]]:
        return [(s.usage_en if lang == "en" else s.usage_nl,
                 s.summary_en if lang == "en" else s.summary_nl)
                for s in self.runner.dispatcher.specs]

    @command("wegwijzer", en=["wayfinder"], usage="!wegwijzer", usage_en="!wayfinder",
             summary="Wat de wegwijzer doet, en zijn commando's.",
             summary_en="What the wayfinder does, and its commands.")
    async def cmd_help(self, ctx: CommandContext) -> Reply:
        body, html = help_texts(ctx.lang, self._usages(ctx.lang))
        return Reply(body, html, data={"commands": [s.name for s in
                                                    self.runner.dispatcher.specs]})

    # -- the answer a command is about ---------------------------------------------------

    async def find_answer(self, room_id: str, sender: str,
                          in_reply_to: str | None) -> AnswerRecord:
        """The answer replied to, else the sender's last answer in this room — but only
        when no question of theirs was asked (and refused) after it there."""
        await self.check_key()
        if in_reply_to:
            replied = await asyncio.to_thread(self.answers.by_event, in_reply_to)
            if replied is not None and (
                    replied.room_id == self.pseudonyms.answer_room(replied.answer_id, room_id)
                    or self.before_key_change(replied)):  # nobody's now: the caller says so
                return replied
            if replied is None and await self.forgotten_answer(room_id, in_reply_to):
                raise answer_forgotten(replied=True)  # not "your last answer": another
        pseudonyms = self.pseudonyms
        last = await asyncio.to_thread(
            self.answers.last_for,
            lambda answer_id: pseudonyms.answer_room(answer_id, room_id),
            self.asker_of(sender))
        newest = self._last_question.get((room_id, sender))
        if self.unread_question(room_id, sender) is not None:
            # their newest question here could not be read (kept in the store: also after
            # a restart, when the answer before it would otherwise be "the last one")
            raise last_question_refused()
        if last is not None and newest is not None and newest != last.question_event_id:
            # outside7: the newest question was refused (personal data, no words, another
            # language, empty); the answer before it is not what the person means now.
            raise last_question_refused()
        if last is None and (room_id, sender) in self._last_refused:
            # their newest question here was refused: that is what to say, not an older
            # answer's fate (forgotten, or under the key before an update)
            raise last_question_refused()
        if last is None and await asyncio.to_thread(self.answers.forgotten_for,
                                                    self.asker_of(sender)):
            # privacy12: all past the limit, maybe. Asked before the update below: theirs
            # can be told (per answer under the key); that one is about anyone's answers
            raise answer_forgotten(replied=False)
        if last is None and await asyncio.to_thread(
                self.answers.unmatchable_since,
                self.clock.now() - dt.timedelta(days=MATRIX_ID_DAYS), self.keys.rotated_at):
            # privacy11: their answers from before are under the old key (or, session 11,
            # from before the per-answer pseudonyms); which room they were in cannot be
            # told any more (per answer under the key), so: any such answer still kept
            raise NotFound(
                "Sinds een beveiligingsupdate van de wegwijzer heb ik je in deze kamer nog "
                "geen antwoord gegeven; antwoorden van daarvoor kan ik niet meer aan jou "
                "koppelen. Stel je vraag opnieuw: !wie <vraag> (of stuur me een direct "
                "bericht).",
                "Since a security update of the wayfinder I have not answered you in this "
                "room yet; answers from before it I can no longer link to you. Ask your "
                "question again: !who <question> (or send me a direct message).",
                errcode="BB_NO_ANSWER", data={"reason": "before_key_change"})
        if last is None and newest is not None:
            # outside14: the first question in this room was refused; "I have not answered
            # you yet, ask a question first" told someone who just asked one to ask.
            raise last_question_refused()
        if last is None:
            raise NotFound(
                "Ik heb je in deze kamer nog geen antwoord gegeven. Stel eerst een vraag: "
                "!wie <vraag> (of stuur me een direct bericht).",
                "I have not answered you in this room yet. Ask a question first: "
                "!who <question> (or send me a direct message).",
                errcode="BB_NO_ANSWER")
        return last

    async def replied_question(self, room_id: str, in_reply_to: str | None) -> str | None:
        """The question of this bot's answer that a message in ``room_id`` replies to
        (:meth:`question_for`: from memory, else read again from Matrix and checked);
        None for no reply, a reply to anything else, or an answer given in another room
        or no longer kept."""
        if not in_reply_to:
            return None
        await self.check_key()
        answer = await asyncio.to_thread(self.answers.by_event, in_reply_to)
        if answer is None or answer.forgotten or (
                answer.room_id != self.pseudonyms.answer_room(answer.answer_id, room_id)):
            return None
        return await self.question_for(answer, room_id)

    async def forgotten_answer(self, room_id: str, event_id: str) -> bool:
        """Whether ``event_id`` in ``room_id`` is an answer of this bot that no longer
        keeps where it was given (:func:`busbaan.wegwijzer.retention.keeps_answer_ids`):
        the table cannot find it by its event any more, but the answer in Matrix carries
        its ``answer_id``. False when that cannot be read (another message, an event
        this device cannot decrypt)."""
        resp = await self.client.room_get_event(room_id, event_id)
        if not isinstance(resp, nio.RoomGetEventResponse):
            return False
        event: Any = resp.event
        if isinstance(event, nio.MegolmEvent):
            try:
                event = self.client.decrypt_event(event)
            except Exception:  # nio.EncryptionError and the like: cannot tell
                return False
        if getattr(event, "sender", None) != self.user_id:
            return False
        route = (getattr(event, "source", None) or {}).get("content", {}).get(ROUTE_KEY)
        if not isinstance(route, dict) or not isinstance(route.get("answer_id"), str):
            return False
        answer = await asyncio.to_thread(self.answers.get, route["answer_id"])
        return answer is not None and answer.forgotten

    async def question_for(self, answer: AnswerRecord, room_id: str | None, *,
                           today: dt.date | None = None, depth: int = 0) -> str | None:
        """The question's text, to carry into a lane: from memory, else from Matrix in
        ``room_id`` (where it was asked: the store keeps no room id in the clear since
        session 11; checked again for personal data and against the question's hash).
        A question sent as a reply to an earlier answer was routed with that answer's
        question (:func:`follow_up`): read again, it is joined to the earlier question
        read the same way (at most :data:`_REPLIES_READ` replies deep), so that its hash
        matches after a restart too (session 16: the reply alone did not, and a lane from
        its answer carried no question). None when it cannot be had safely, or the
        answer no longer keeps where the question was asked (past the retention
        limit)."""
        cached = self._questions.get(answer.answer_id)
        if cached is not None:
            return cached
        if answer.question_sha256 == UNREAD_QUESTION:
            return None  # a lane after a question the bot could not read: nothing to carry
        if room_id is None or answer.question_event_id is None:
            return None
        resp = await self.client.room_get_event(room_id, answer.question_event_id)
        if not isinstance(resp, nio.RoomGetEventResponse):
            return None
        source = resp.event.source.get("content", {})
        body = message_text(str(source.get("body", "")), source).strip()
        for prefix in _COMMAND_PREFIXES:
            if body.lower().startswith(prefix + " "):
                body = body[len(prefix) + 1:]
        try:
            question = parse_question(body, self.known_names, today=today or self.today())
        except UsageError:
            return None
        if question.personal:
            return None
        routed = question.text[:MAX_QUESTION_CHARS]  # what the router read
        if question_hash(routed, self.pseudonyms) == answer.question_sha256:
            return routed
        replied = ((source.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get(
            "event_id")
        if isinstance(replied, str) and depth < _REPLIES_READ:
            earlier = await asyncio.to_thread(self.answers.by_event, replied)
            if earlier is not None and not earlier.forgotten:
                text = await self.question_for(earlier, room_id, today=today,
                                               depth=depth + 1)
                if text is not None:
                    joined = follow_up(text, question).text[:MAX_QUESTION_CHARS]
                    if question_hash(joined, self.pseudonyms) == answer.question_sha256:
                        return joined
        return None  # also an answer stored under another (or no longer a) key

    async def terms_for(self, answer: AnswerRecord,
                        room_id: str | None) -> tuple[str, ...] | None:
        """The terms ``answer``'s question teaches (stems, never its text): ``()`` for an
        answer with a safety signal (given by rule, not learned: feedback on it must not
        teach its ordinary words to other services; outside7: two people's !fout on
        suicide answers moved "zoon" towards the Taalhuis for everyone); None when the
        question cannot be read again (:meth:`question_for`, in ``room_id``)."""
        today = self.today()  # once: the check, the signals and the terms read it
        question = await self.question_for(answer, room_id, today=today)
        if question is None:
            return None
        if self.router.route(question, today=today).safety:
            log.info("route.learn_skipped", reason="safety")
            return ()
        return learning_terms(self.router.analyzer, question, today=today)

    async def learn(self, answer: AnswerRecord, source_id: str,
                    votes: list[tuple[str, int]], *, actor: str | None,
                    room_id: str | None) -> int:
        """Store what an accepted lane teaches: the question's normalised terms ->
        services (never its text); reload the associations. ``room_id``: where the
        question was asked (:meth:`question_for`). (Feedback stores its votes with its
        verdict, in one transaction: :meth:`_feedback`.)"""
        terms = await self.terms_for(answer, room_id) if votes else None
        if not terms:
            return 0

        def replace(pseudonyms: Pseudonyms) -> tuple[int, Pseudonyms]:
            stored = source_key(source_id, actor, pseudonyms)  # per person, not click
            return self.learned_repo.replace_source(
                answer.map_sha256, stored, evidence_for(terms, votes, stored), pseudonyms,
                key=pseudonyms.fingerprint()), pseudonyms

        n, pseudonyms = await self.write_under_key(replace)
        await self._learned(answer, source_id, n, actor, pseudonyms)
        return n

    async def _learned(self, answer: AnswerRecord, source_id: str, n: int,
                       actor: str | None, pseudonyms: Pseudonyms) -> None:
        """After a source's votes were replaced: reload, audit (``route.learned``), log."""
        if answer.map_sha256 == self.document.sha256:
            await self._load_learned()
        # No person (session 11): written next to the route.feedback or lane.answered
        # entry that names the professional, a person pseudonym here named them in
        # route_learned (all their votes). The source by keyed reference, under the key
        # of the votes (busbaan.wegwijzer.audit_refs). Entries written before keep their
        # `person` and `source_id` (the log is tamper-evident and is not rewritten).
        details = {"votes": str(n), "map_sha256": answer.map_sha256[:16],
                   **object_refs(pseudonyms, source_id)}
        await self.record("route.learned", "C", actor=None, details=details)
        log.info("route.learned", votes=n, associations=len(self.learned),
                 **object_refs(pseudonyms, source_id))

    # -- lanes by reaction ---------------------------------------------------------------

    async def _on_reaction(self, room: nio.MatrixRoom, event: nio.ReactionEvent) -> None:
        if (event.sender != self.user_id and event.key in REACTIONS
                and event.server_timestamp >= self._started_ms - 2_000):
            self._reactions.put_nowait((room.room_id, event))

    async def _reaction_worker(self) -> None:
        while True:
            room_id, event = await self._reactions.get()
            try:
                await self._lane_by_reaction(room_id, event)
            except Exception:
                log.exception("wegwijzer.reaction_failed")
            finally:
                self._reactions.task_done()

    async def _lane_by_reaction(self, room_id: str, event: nio.ReactionEvent) -> None:
        await self.ready()
        answer = await asyncio.to_thread(self.answers.by_event, event.reacts_to)
        if answer is None and not await self.forgotten_answer(room_id, event.reacts_to):
            return  # a reaction on something else
        n = REACTIONS[event.key]
        lang = "nl"
        relates = {"m.in_reply_to": {"event_id": event.reacts_to}}
        with structlog.contextvars.bound_contextvars(bot=self.name, event_id=event.event_id):
            try:
                if answer is None:  # an answer past the retention limit (privacy12)
                    raise answer_forgotten(replied=True)
                opened = await self.lanes.open(room_id=room_id, sender=event.sender,
                                               answer=answer, n=n, lang=lang)
            except BusbaanError as exc:
                log.info("lane.refused", errcode=exc.errcode)
                content = notice_content(kind="lane.refused", body=exc.message(lang),
                                         data=error_data(exc), mentions=(event.sender,))
            else:
                body, html = opened.texts(lang)
                content = notice_content(kind="lane.opened", body=body, html_body=html,
                                         data=opened.data(), mentions=(event.sender,))
            content["m.relates_to"] = relates
            await self.runner.send(room_id, content)

    # -- feedback -----------------------------------------------------------------------

    async def _feedback(self, ctx: CommandContext, verdict: Verdict,
                        expected: str | None) -> Reply:
        """Rate the answer meant (:meth:`find_answer`) as its asker: what the command does
        to the person's earlier verdict is :func:`busbaan.wegwijzer.feedback.decide`,
        applied with the verdict's learned votes in one transaction
        (:meth:`FeedbackRepository.rate`); audited only when something changed."""
        answer = await self.find_answer(ctx.room_id, ctx.sender, ctx.in_reply_to)
        if not self.is_asker(answer, ctx.sender):
            if self.before_key_change(answer):
                raise answer_before_key_change()
            raise Forbidden(
                "Alleen wie de vraag stelde kan het antwoord beoordelen.",
                "Only the person who asked can rate the answer.", errcode="BB_NOT_ASKER")
        self.require_audit()
        terms = await self.terms_for(answer, ctx.room_id)
        feedback_id, at = self.feedback.new_id(), self.clock.now()

        def rate(pseudonyms: Pseudonyms) -> tuple[Rated, Pseudonyms]:
            # per answer (the verdict's `by`) and, for the votes, the person's pseudonym
            # with the keyed verdict id (privacy13): no value names them twice
            return self.feedback.rate(
                answer, by=pseudonyms.asker(answer.answer_id, ctx.sender),
                source=lambda first_id: source_key(first_id, ctx.sender, pseudonyms),
                verdict=verdict, named=expected, feedback_id=feedback_id, at=at,
                terms=terms, pseudonyms=pseudonyms, key=pseudonyms.fingerprint()), pseudonyms

        rated, pseudonyms = await self.write_under_key(rate)
        decision, stored = rated.decision, rated.stored
        answered = tuple(r.service_id for r in answer.results)
        log.info("route.feedback", verdict=verdict, expected=expected,
                 outcome=decision.outcome, **object_refs(pseudonyms, answer.answer_id))
        if decision.rating is None:
            assert expected is not None  # named_first
            raise UsageError(named_first_text(expected, "nl"),
                             named_first_text(expected, "en"), errcode="BB_ALREADY_FIRST",
                             data={"answer_id": answer.answer_id, "service_id": expected})
        assert stored is not None
        if decision.changes:
            # the answer and the verdict by keyed reference, under the key the verdict
            # was written with (busbaan.wegwijzer.audit_refs)
            details = {"verdict": stored.verdict, "map_sha256": answer.map_sha256[:16],
                       "outcome": decision.outcome,
                       **object_refs(pseudonyms, answer.answer_id, stored.feedback_id)}
            if stored.expected_service_id:
                details["expected_service_id"] = stored.expected_service_id
            await self.record("route.feedback", "C", actor=ctx.sender, details=details)
        if rated.learned:
            await self._learned(answer, stored.feedback_id, rated.votes, ctx.sender,
                                pseudonyms)
        text = feedback_text(decision, answered, ctx.lang)
        named = decision.rating.expected_service_id
        if named is not None and named in self.router.protected:
            # a danger the answer missed: the verdict teaches the map, it alerts no one
            service = self.social_map.service(named)
            if service is not None:
                text += " " + t(ctx.lang,
                                f"Is er nu gevaar? Wacht dan niet op de kaart: neem zelf "
                                f"contact op met {service.name} ({other_ways(service, 'nl')}).",
                                f"Is there danger now? Then do not wait for the map: contact "
                                f"{service.name} yourself ({other_ways(service, 'en')}).")
        return Reply(text, data={"answer_id": answer.answer_id,
                                 "feedback_id": stored.feedback_id, "verdict": stored.verdict,
                                 "expected_service_id": stored.expected_service_id,
                                 "replaced": decision.before is not None and decision.changes,
                                 "outcome": decision.outcome})

    @command("goed", en=["good"], usage="!goed", usage_en="!good",
             summary="Het laatste antwoord was nuttig.",
             summary_en="The last answer was useful.")
    async def cmd_good(self, ctx: CommandContext) -> Reply:
        if ctx.args.strip():
            raise UsageError("!goed heeft geen verdere woorden nodig.",
                             "!good takes no further words.")
        return await self._feedback(ctx, "good", None)

    @command("fout", en=["wrong"], usage="!fout [dienst-id]", usage_en="!wrong [service-id]",
             summary="Het laatste antwoord klopte niet (en welke dienst wel past).",
             summary_en="The last answer was wrong (and which service does fit).")
    async def cmd_wrong(self, ctx: CommandContext) -> Reply:
        words = ctx.args.split()
        if len(words) > 1:
            raise UsageError("Noem hooguit één dienst-id, zoals die in het antwoord staat "
                             "(bijvoorbeeld bt-zuidoost-geld).",
                             "Name at most one service id, as shown in the answer (for "
                             "example bt-zuidoost-geld).")
        expected = words[0].strip("[]") if words else None
        if expected is not None and self.social_map.service(expected) is None:
            # "!fout Taalhuis": the id as typed at the start of a sentence
            same = [s.id for s in self.social_map.services
                    if s.id.casefold() == expected.casefold()]
            expected = same[0] if len(same) == 1 else expected
        if expected is not None and self.social_map.service(expected) is None:
            close = self.social_map.suggest(expected)
            hint_nl = (f" Bedoel je {' of '.join(close)}?" if close else
                       " De dienst-id staat in het antwoord tussen [ ] achter de naam "
                       "van de dienst.")
            hint_en = (f" Did you mean {' or '.join(close)}?" if close else
                       " The service id is shown in the answer in [ ] after the "
                       "service's name.")
            raise NotFound(
                f"Dienst '{expected}' staat niet op de sociale kaart; niets opgeslagen."
                f"{hint_nl}",
                f"Service '{expected}' is not on the social map; nothing was stored.{hint_en}",
                errcode="BB_UNKNOWN_SERVICE", data={"service_id": expected,
                                                    "suggestions": close})
        return await self._feedback(ctx, "wrong", expected)


def answer_forgotten(*, replied: bool) -> NotFound:
    """An answer past the retention limit (``replied``: the one replied or reacted to;
    else "your last answer", when the person has only such answers left): it cannot be
    rated or opened any more. One sentence: why, and what to do instead (privacy12)."""
    if replied:
        nl = (f"Dat antwoord is ouder dan {MATRIX_ID_DAYS} dagen en ik bewaar niet langer "
              "waar ik het gaf, dus je kunt het niet meer beoordelen of er een baan uit "
              "openen; stel de vraag opnieuw met !wie <vraag> (of in een direct bericht "
              "aan mij).")
        en = (f"That answer is older than {MATRIX_ID_DAYS} days and I no longer keep where "
              "I gave it, so it can no longer be rated or a lane opened from it; ask the "
              "question again with !who <question> (or in a direct message to me).")
    else:
        nl = (f"Ik heb je in deze kamer de afgelopen {MATRIX_ID_DAYS} dagen geen antwoord "
              "gegeven en van oudere antwoorden bewaar ik niet waar ik ze gaf, dus er is "
              "niets te beoordelen of te openen; stel de vraag opnieuw met !wie <vraag> (of "
              "in een direct bericht aan mij).")
        en = (f"I have not answered you in this room in the last {MATRIX_ID_DAYS} days, and "
              "of older answers I no longer keep where I gave them, so there is nothing to "
              "rate or open; ask the question again with !who <question> (or in a direct "
              "message to me).")
    return NotFound(nl, en, errcode="BB_NO_ANSWER", data={"reason": "expired"})


def last_question_refused() -> NotFound:
    """The person's newest question in this room was not answered (refused: personal
    data, no words, another language, empty), so no answer is "the last one" for
    `!goed`, `!fout` or `!baan` (outside7 finding 4; outside14: also when it was their
    first question there). It names every reason a question is refused, not one:
    after a question in Arabic script, "(zonder persoonsgegevens)" alone read as if it
    had held personal data (outside23)."""
    return NotFound(
        "Je laatste vraag heb ik niet beantwoord, dus er is geen antwoord om te "
        "beoordelen of om een baan uit te openen; er is niets opgeslagen. Stel de "
        "vraag opnieuw (in gewone Nederlandse of Engelse woorden, zonder "
        "persoonsgegevens), of reageer op het antwoord dat je bedoelt.",
        "I did not answer your last question, so there is no answer to rate or to "
        "open a lane from; nothing was stored. Ask the question again (in plain Dutch "
        "or English words, without personal data), or reply to the answer you mean.",
        errcode="BB_NO_ANSWER", data={"reason": "last_question_refused"})


def answer_before_key_change() -> Forbidden:
    """An answer from before a key rotation cannot be rated or opened: say why, plainly
    (who asked is no longer known; the person may well be the asker)."""
    return Forbidden(
        "Dit antwoord is van vóór een beveiligingsupdate van de wegwijzer, daardoor kan ik "
        "niet meer nagaan wie de vraag stelde. Stel de vraag opnieuw met !wie <vraag> om "
        "het antwoord te beoordelen of er een baan uit te openen.",
        "This answer is from before a security update of the wayfinder, so I can no longer "
        "tell who asked. Ask the question again with !who <question> to rate the answer or "
        "to open a lane from it.",
        errcode="BB_NOT_ASKER", data={"reason": "before_key_change"})


__all__ = ["ROUTE_KEY", "WegwijzerBot", "answer_before_key_change", "answer_forgotten",
           "check_files", "load_socialmap"]

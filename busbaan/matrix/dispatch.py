"""Commands: a decorator that only tags a handler, and a dispatcher that binds the
tagged methods of a bot at start, parses ``!word word args``, and runs the handler
with its context bound in the logs. One failing handler is logged and answered with
a plain message; it never takes the bot down and never shows a traceback.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from busbaan.errors import BusbaanError, UsageError
from busbaan.language import Language, reply_language
from busbaan.log import get_logger
from busbaan.store.db import store_away

log = get_logger("busbaan.dispatch")
_TAG = "_busbaan_command"


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # canonical (Dutch), e.g. "casus nieuw"
    english: tuple[str, ...]  # English aliases, e.g. ("case new",)
    usage_nl: str
    usage_en: str
    summary_nl: str
    summary_en: str
    aliases: tuple[str, ...] = ()  # other Dutch spellings


@dataclass(frozen=True, slots=True)
class CommandContext:
    """Everything a handler needs to know about the message that invoked it."""

    room_id: str
    event_id: str
    sender: str
    command: str  # canonical name
    args: str  # the rest of the line (and following lines), stripped
    lang: str  # "nl" or "en" (English when an English alias was used)
    is_direct: bool = False
    thread_root: str | None = None
    in_reply_to: str | None = None  # the event the command replies to, if any
    #: the text of the message's HTML part (runner.markup_text), for personal-data checks
    #: only: "" when it has none or it says what the body says
    markup: str = ""


@dataclass(slots=True)
class Reply:
    """A handler's answer; the dispatcher turns it into a Matrix reply."""

    body: str
    html: str | None = None
    ok: bool = True
    errcode: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    mentions: Sequence[str] = ()
    thread_root: str | None = None
    #: Further keys for the event content (e.g. ``nl.busbaan.route``); never the
    #: reply's own keys.
    extra: dict[str, Any] = field(default_factory=dict)
    #: Called with the reply's event id once it is sent (e.g. to remember an answer
    #: that later replies and reactions refer to).
    on_sent: Callable[[str], Awaitable[None]] | None = None
    #: The handler failed with an error that will likely pass (:attr:`BusbaanError.
    #: defer`): a runner with an inbox may run the command again instead of replying.
    defer: bool = False


Handler = Callable[[CommandContext], Awaitable[Reply]]


def command(name: str, *, en: Sequence[str] = (), aliases: Sequence[str] = (),
            usage: str = "", usage_en: str = "", summary: str = "",
            summary_en: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Tag a bot method as the handler of ``!name``; binding happens at start."""

    def tag(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, _TAG, CommandSpec(
            name=name, english=tuple(en), usage_nl=usage or f"!{name}",
            usage_en=usage_en or (f"!{en[0]}" if en else usage or f"!{name}"),
            summary_nl=summary, summary_en=summary_en or summary, aliases=tuple(aliases),
        ))
        return fn

    return tag


class Dispatcher:
    """Matches command lines to the handlers of one bot."""

    def __init__(self, bot_name: str, *, room_in_logs: bool = True) -> None:
        self.bot_name = bot_name
        #: False for a bot whose rooms are mostly direct chats with one person (the
        #: wegwijzer): there a room id names the person and groups all their lines, so
        #: neither the commands' log lines nor the runner's carry it (session 12,
        #: privacy14). :meth:`log_room` is the one rule.
        self.room_in_logs = room_in_logs
        self._routes: list[tuple[tuple[str, ...], str, CommandSpec, Handler]] = []
        #: The sender's own chosen language (``nl.busbaan.language``), or None: when set,
        #: a command is answered in it whatever alias was used (:func:`reply_language`;
        #: the wegwijzer, session 20). Never raises.
        self.language_of: Callable[[str], Awaitable[Language | None]] | None = None

    def bind(self, owner: object) -> None:
        for _, member in inspect.getmembers(owner, inspect.ismethod):
            spec = getattr(member, _TAG, None)
            if isinstance(spec, CommandSpec):
                for phrase in (spec.name, *spec.aliases):
                    self._routes.append((tuple(phrase.split()), "nl", spec, member))
                for phrase in spec.english:
                    self._routes.append((tuple(phrase.split()), "en", spec, member))
        # Longest phrase first: "toestemming geef" before "toestemming".
        self._routes.sort(key=lambda r: -len(r[0]))

    def log_room(self, room_id: str | None) -> dict[str, str | None]:
        """``{"room_id": room_id}`` for a log line, or nothing for a bot whose rooms
        name people (:attr:`room_in_logs`)."""
        return {"room_id": room_id} if self.room_in_logs else {}

    def unbind(self) -> None:
        self._routes.clear()

    @property
    def specs(self) -> list[CommandSpec]:
        seen: dict[str, CommandSpec] = {}
        for _, _, spec, _ in self._routes:
            seen.setdefault(spec.name, spec)
        return sorted(seen.values(), key=lambda s: s.name)

    def match(self, text: str) -> tuple[CommandSpec, Handler, str, str] | None:
        """(spec, handler, lang, args) for a ``!command`` line, or None."""
        if not text.startswith("!"):
            return None
        first, _, rest = text[1:].partition("\n")
        words = first.split()
        lowered = [w.lower() for w in words]
        for phrase, lang, spec, handler in self._routes:
            if tuple(lowered[: len(phrase)]) == phrase:
                args = " ".join(words[len(phrase):])
                if rest.strip():
                    args = (args + "\n" + rest).strip()
                return spec, handler, lang, args
        return None

    async def run(self, ctx_base: dict[str, Any], text: str) -> tuple[CommandContext, Reply] | None:
        """Run the handler for ``text``; None when it is no command of this bot."""
        found = self.match(text.strip())
        if found is None:
            return None
        spec, handler, lang, args = found
        if self.language_of is not None:
            lang = reply_language(await self.language_of(str(ctx_base["sender"])), lang)
        ctx = CommandContext(command=spec.name, args=args, lang=lang, **ctx_base)
        with structlog.contextvars.bound_contextvars(
            bot=self.bot_name, event_id=ctx.event_id, command=spec.name,
            **self.log_room(ctx.room_id)
        ):
            try:
                reply = await handler(ctx)
                log.info("command.done", ok=reply.ok, errcode=reply.errcode)
            except UsageError as exc:
                usage = spec.usage_en if lang == "en" else spec.usage_nl
                extra = ("\nUsage: " if lang == "en" else "\nGebruik: ") + usage
                reply = Reply(exc.message(lang) + extra, ok=False, errcode=exc.errcode,
                              data=exc.data)
                log.info("command.refused", errcode=exc.errcode)
            except BusbaanError as exc:
                reply = Reply(exc.message(lang), ok=False, errcode=exc.errcode, data=exc.data,
                              defer=exc.defer)
                log.info("command.refused", errcode=exc.errcode)
            except Exception as exc:
                log.exception("command.failed")
                reply = Reply(
                    "Something went wrong on our side; nothing was changed. Please try "
                    "again; if it keeps failing, tell the administrator."
                    if lang == "en" else
                    "Er ging bij ons iets mis; er is niets veranderd. Probeer het opnieuw; "
                    "blijft het misgaan, meld het dan bij de beheerder.",
                    ok=False, errcode="BB_INTERNAL",
                    defer=store_away(exc),  # a read that lost the store: run it again
                )
        return ctx, reply

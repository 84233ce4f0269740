"""The casus bot never leaves a message unanswered, and its help teaches.

- **No silence.** Every message in a direct chat with the bot (a room the person and
  the bot share alone, whatever its name: :func:`busbaan.matrix.direct.alone_with`)
  gets an answer: a command's reply, or — for free text or an unknown command — a short
  pointer ("Ik ben de casus-bot; typ !help"), in English when the message looks
  English. In every other room the bot answers commands only (docs/contracts.md lists
  where it stays quiet on purpose).
- **Personal data in free text** (session 19, guidepd): a message in a direct chat that
  seems to hold a BSN, a name, a phone number, an address (the one detector,
  :func:`busbaan.privacy.find_personal_data`, as the wegwijzer and the reasons use it)
  is kept nowhere and passed nowhere — as any free text here — and the answer says so,
  names the kinds found (never the values) and says what to do: remove the message,
  and put a client's details only in their case room. An edited command that holds
  them is not echoed back.
- **!help**: per command one line and an example. **!help toestemming** lists the
  organisations, data categories, legal bases and templates from the policy and, in a
  case room, the lawful combinations for the case's organisations (asked of
  :func:`busbaan.consent.lawful.check_grant_lawful`, never a second copy).
"""

from __future__ import annotations

import asyncio
import dataclasses
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import nio

from busbaan.consent.combinations import lawful_combinations
from busbaan.log import get_logger
from busbaan.matrix.direct import alone_with
from busbaan.matrix.dispatch import CommandContext, Reply
from busbaan.matrix.errors import MatrixError
from busbaan.matrix.reply import esc, notice_content
from busbaan.matrix.runner import message_text
from busbaan.privacy import Finding, find_personal_data, name_kinds

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.guide")

#: An example per command (canonical name → Dutch, English). A command without one
#: is shown with its usage line only.
EXAMPLES: dict[str, tuple[str, str]] = {
    "casus nieuw": ("!casus nieuw schulden en huur", "!case new debts and rent"),
    "toestemming": ("!toestemming", "!consent"),
    "toestemming geef": ("!toestemming geef schuldhulp contact,schulden grondslag=wgs "
                         "tot=2027-03-31",
                         "!consent give schuldhulp contact,schulden basis=wgs "
                         "until=2027-03-31"),
    "toestemming sjabloon": ("!toestemming sjabloon schulden-en-inkomen",
                             "!consent template schulden-en-inkomen"),
    "toestemming intrekken": ("!toestemming intrekken schuldhulp",
                              "!consent withdraw schuldhulp"),
    "uitnodigen": ("!uitnodigen @esra:example.org", "!invite @esra:example.org"),
    "overdracht": ("!overdracht @esra:example.org schuldhulp neemt het traject over",
                   "!handover @esra:example.org debt counselling takes over"),
    "overdracht intrekken": ("!overdracht intrekken", "!handover withdraw"),
    "accepteer": ("!accepteer C-7KQ2MX4A", "!accept C-7KQ2MX4A"),
    "weiger": ("!weiger C-7KQ2MX4A geen plek deze maand",
               "!decline C-7KQ2MX4A no capacity this month"),
    "regie": ("!regie", "!lead"),
    "status": ("!status", "!timeline"),
    "casus sluiten": ("!casus sluiten hulpvraag afgerond", "!case close request resolved"),
    "noodtoegang": ("!noodtoegang C-7KQ2MX4A acute dreiging van huisuitzetting morgen",
                    "!breakglass C-7KQ2MX4A acute threat of eviction tomorrow"),
    "burgerlink": ("!burgerlink bereikbaar=020 555 0101", "!citizen link reach=020 555 0101"),
    "toestemming voorstel": ("!toestemming voorstel humanitas contact grondslag=toestemming "
                             "tot=2027-03-31",
                             "!consent propose humanitas contact basis=toestemming "
                             "until=2027-03-31"),
    "label": ("!label schulden en huur", "!label debts and rent"),
    "mijn-casussen": ("!mijn-casussen huur pagina 2", "!my-cases rent page 2"),
    "help": ("!help toestemming", "!help consent"),
}

CONSENT_TOPICS = frozenset({"toestemming", "consent", "grondslagen", "sjablonen",
                            "templates"})
ENGLISH_TOPICS = frozenset({"consent", "templates"})

_EN_WORDS = frozenset((
    "the", "a", "an", "is", "are", "what", "how", "can", "you", "do", "does", "i", "my",
    "me", "please", "help", "hello", "hi", "hey", "thanks", "thank", "where", "who",
    "which", "why", "with", "for", "to", "of", "and", "case", "cases", "consent"))
_NL_WORDS = frozenset((
    "de", "het", "een", "is", "wat", "hoe", "kan", "kun", "je", "jij", "u", "doe", "doet",
    "ik", "mijn", "mij", "graag", "help", "hallo", "hoi", "dank", "bedankt", "waar", "wie",
    "welke", "waarom", "met", "voor", "naar", "van", "en", "casus", "casussen",
    "toestemming", "goedemorgen", "goedemiddag"))
_WORD = re.compile(r"[^\W\d_]+")


def looks_english(text: str) -> bool:
    """Whether a message looks English rather than Dutch (more English function words;
    a tie is Dutch, the default)."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN_WORDS for w in words)
    nl = sum(w in _NL_WORDS for w in words)
    return en > nl


def suggest(text: str, phrases: Iterable[str]) -> list[str]:
    """The commands (``!phrase``) a mistyped ``!command`` most likely meant, best
    first, at most three (pure). ``!casus`` alone names ``!casus nieuw`` and the other
    commands that start with it; ``!toestemmign`` names ``!toestemming``."""
    words = text.lstrip()[1:].split()
    if not words:
        return []
    first = words[0].lower()
    known = sorted(set(phrases))
    heads = sorted({p.split()[0] for p in known})
    close = [first] if first in heads else difflib.get_close_matches(first, heads, n=1,
                                                                      cutoff=0.75)
    if not close:
        return []
    found = [p for p in known if p.split()[0] == close[0]]
    second = words[1].lower() if len(words) > 1 else None
    exact = [p for p in found if p.split()[1:2] == [second]]
    return [f"!{p}" for p in (exact or found)[:3]]


def _edited_command(content: dict[str, Any]) -> str | None:
    """The new text of an edit (``m.replace``) that is a ``!command``, else None (the
    text as :func:`busbaan.matrix.runner.message_text` reads it; session 16, xfail26)."""
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict) or relates.get("rel_type") != "m.replace":
        return None
    body = content.get("body")
    text = message_text(body if isinstance(body, str) else "", content).strip()
    return text if text.startswith("!") and text[1:2].isalpha() else None


def _either(options: Sequence[str], word: str) -> str:
    return options[0] if len(options) == 1 else \
        f"{', '.join(options[:-1])} {word} {options[-1]}"


def personal_data_in(text: str) -> list[Finding]:
    """What the project's one personal-data check finds in a message to this bot
    (:func:`busbaan.privacy.find_personal_data`; no second copy of its rule)."""
    return find_personal_data(text)


def personal_data_warning(lang: str, findings: Sequence[Finding]) -> str:
    """The sentence that tells a professional their message seems to hold personal
    data: what was found (the kinds, never the values), that nothing was kept or passed
    on, and what to do. Session 19: free text here was answered with the pointer
    alone, as if a pasted BSN were any other message (house rule 4: say what is wrong
    and what to do)."""
    if lang == "en":
        return (f"Your message seems to contain {name_kinds(findings, 'en')}. I did not keep "
                "it or pass it on; please delete it here (in Element: ⋯ → Remove). A "
                "client's details belong only in their case room, never in a chat with me.")
    return (f"Uw bericht lijkt {name_kinds(findings)} te bevatten. Ik heb het niet bewaard "
            "en nergens doorgegeven; verwijder het hier (in Element: ⋯ → Verwijderen). "
            "Gegevens van een cliënt horen alleen in diens casuskamer, niet in een gesprek "
            "met mij.")


def pointer(text: str, suggestions: Sequence[str] = (),
            wayfinder: str | None = None,
            findings: Sequence[Finding] = ()) -> tuple[str, str, str]:
    """(language, body, HTML) of the short answer to a message that is no command;
    an unknown command names the ``suggestions`` (see :func:`suggest`). ``wayfinder``:
    the wegwijzer's Matrix ID when it runs alongside; the pointer then says where a
    "where can this client go?" question is answered (outside12: the wegwijzer's refusal
    of a named client sends the professional here, and ``!wie`` in a case room or a
    where-to-go question in this chat met only "Ik ben de casus-bot"). ``findings``:
    the personal data the message seems to hold (:func:`personal_data_in`); the answer
    then opens with :func:`personal_data_warning`."""
    unknown = text.lstrip().startswith("!")
    if looks_english(text) or (unknown and text.lstrip()[1:2].isascii()
                               and looks_english(text.lstrip()[1:])):
        lang = "en"
        first = ("I don't know that command. " if unknown else "")
        if unknown and suggestions:
            first += f"Did you mean {_either(suggestions, 'or')}? "
        body = (f"{first}I'm the casus bot: I open case rooms and look after consent and "
                "handovers. Type !help for my commands, or !my-cases for your cases.")
        if wayfinder:
            body += (f" Where someone can go: ask the wayfinder ({wayfinder}) in a direct "
                     "chat, without a name or BSN.")
    else:
        lang = "nl"
        first = ("Dat commando ken ik niet. " if unknown else "")
        if unknown and suggestions:
            first += f"Bedoelt u {_either(suggestions, 'of')}? "
        body = (f"{first}Ik ben de casus-bot: ik open casuskamers en help met toestemming "
                "en overdrachten. Typ !help voor mijn commando's, of !mijn-casussen voor uw "
                "casussen.")
        if wayfinder:
            body += (f" Waar iemand terecht kan: vraag het de wegwijzer ({wayfinder}) in een "
                     "direct gesprek, zonder naam of BSN.")
    if findings:
        warning = personal_data_warning(lang, findings)
        return lang, f"{warning}\n\n{body}", f"<p><b>{esc(warning)}</b></p><p>{esc(body)}</p>"
    return lang, body, f"<p>{esc(body)}</p>"


class GuideDesk:
    def __init__(self, bot: CasusBot) -> None:
        self.bot = bot
        bot.runner.message_hooks.append(self._on_text)

    # -- no silence ----------------------------------------------------------------------

    async def direct_partner(self, room_id: str) -> str | None:
        """The person this room is a direct chat with: the one member besides the bot
        (whatever the room's name) — never in a case room, even while the regie is
        alone there with the bot (others join later)."""
        room = self.bot.runner.client.rooms.get(room_id)
        if room is None:
            return None
        partner = alone_with(set(room.users) | set(room.invited_users), self.bot.user_id)
        if partner is None:
            return None
        if await asyncio.to_thread(self.bot.cases.by_room, room_id) is not None:
            return None
        return partner

    async def _on_text(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> bool:
        """Answer free text (or an unknown command) in a direct chat with a pointer; in
        a case room, an unknown command only (a typo must not pass for a command
        done: outside check, session 4). Elsewhere quiet on purpose."""
        text = event.body or ""
        edited = _edited_command(event.source.get("content") or {})
        if edited is not None:
            return await self._on_edited_command(room.room_id, event, edited)
        direct = await self.direct_partner(room.room_id) == event.sender
        if not direct and (
                not text.lstrip().startswith("!") or not text.lstrip()[1:2].isalpha()
                or await asyncio.to_thread(self.bot.cases.by_room, room.room_id) is None):
            return False  # free text in a case room, a lane, a group: quiet
        # In a case room a client's details are where they belong (an unknown command
        # there gets the pointer alone); in a direct chat with the bot they are not.
        findings = (personal_data_in(message_text(text, event.source.get("content") or {}))
                    if direct else [])
        lang, body, html = pointer(text, suggest(text, self.phrases()), self.bot.wayfinder,
                                   findings)
        kinds = [f.kind for f in findings]
        content = notice_content(kind="casus.pointer", body=body, html_body=html,
                                 data={"lang": lang, "personal_data": kinds})
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event.event_id}}
        try:
            await self.bot.runner.send(room.room_id, content)
        except MatrixError as exc:
            log.warning("casus.pointer_failed", status=exc.status)
        log.info("casus.pointer", lang=lang, personal_data=kinds)  # the kinds, no text
        return True

    async def _on_edited_command(self, room_id: str, event: nio.RoomMessageText,
                                 text: str) -> bool:
        """An edited ``!command`` (Element's way to fix a typo) is never run — it would
        run a second time, or late — but it is not met with silence either: in a case
        room or a direct chat the bot says to send it again (outside check, session 4)."""
        direct = await self.direct_partner(room_id) == event.sender
        if not direct and await asyncio.to_thread(self.bot.cases.by_room, room_id) is None:
            return False
        found = self.bot.runner.dispatcher.match(text)
        lang = found[2] if found else ("en" if looks_english(text[1:]) else "nl")
        findings = personal_data_in(text)
        # The command is echoed to copy from, but not with personal data in it: that
        # would put a second copy in the room (session 19).
        echo = "" if findings else f":\n{text}"
        if lang == "en":
            body = ("You edited a command. I do not run edits (nothing was done); send the "
                    f"command again as a new message{echo}")
        else:
            body = ("U heeft een commando bewerkt. Een bewerking voer ik niet uit (er is "
                    f"niets gedaan); stuur het commando opnieuw als nieuw bericht{echo}")
        if findings:
            body += "."
        if findings and direct:
            body += "\n\n" + personal_data_warning(lang, findings)
        content = notice_content(kind="casus.pointer", body=body,
                                 html_body=esc(body).replace("\n", "<br>"),
                                 data={"lang": lang, "edited": True,
                                       "personal_data": [f.kind for f in findings]})
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event.event_id}}
        try:
            await self.bot.runner.send(room_id, content)
        except MatrixError as exc:
            log.warning("casus.pointer_failed", status=exc.status)
        log.info("casus.pointer", lang=lang, edited=True)
        return True

    def phrases(self) -> list[str]:
        """Every command phrase the bot answers to, Dutch and English."""
        return [p for spec in self.bot.runner.dispatcher.specs
                for p in (spec.name, *spec.aliases, *spec.english)]

    # -- !help ---------------------------------------------------------------------------

    async def help(self, ctx: CommandContext) -> Reply:
        topic = ctx.args.strip().lower()
        if topic:
            first = topic.split()[0]
            if first in ENGLISH_TOPICS:  # "!help" is one word in both languages
                ctx = dataclasses.replace(ctx, lang="en")
            if first in CONSENT_TOPICS:
                return await self._consent_help(ctx, topic.split()[1:])
        lang = ctx.lang
        specs = self.bot.runner.dispatcher.specs
        head = t(lang, "Commando's van de casus-bot (per commando een voorbeeld):",
                 "Commands of the casus bot (an example for each):")
        lines, items = [head], []
        examples: dict[str, str] = {}
        for spec in specs:
            usage = spec.usage_en if lang == "en" else spec.usage_nl
            summary = spec.summary_en if lang == "en" else spec.summary_nl
            pair = EXAMPLES.get(spec.name)
            example = (pair[1] if lang == "en" else pair[0]) if pair else None
            lines.append(f"• {usage} — {summary}"
                         + (f" {t(lang, 'Bijvoorbeeld', 'Example')}: {example}"
                            if example else ""))
            items.append(f"<li><code>{esc(usage)}</code> — {esc(summary)}"
                         + (f"<br><i>{t(lang, 'Bijvoorbeeld', 'Example')}:</i> "
                            f"<code>{esc(example)}</code>" if example else "") + "</li>")
            if example:
                examples[spec.name] = example
        more = t(lang, "Meer over toestemming (organisaties, categorieën, grondslagen, "
                       "sjablonen): !help toestemming",
                 "More about consent (organisations, categories, legal bases, templates): "
                 "!help consent")
        lines.append(more)
        html = (f"<p><b>{esc(head)}</b></p><ul>{''.join(items)}</ul><p>{esc(more)}</p>")
        return Reply("\n".join(lines), html,
                     data={"commands": [s.name for s in specs], "examples": examples})

    async def _consent_help(self, ctx: CommandContext, rest: list[str]) -> Reply:
        lang, policy = ctx.lang, self.bot.policy
        row = await asyncio.to_thread(self.bot.cases.by_room, ctx.room_id)
        scope = (await asyncio.to_thread(self.bot.service.scope, row.case_id)
                 if row is not None and row.status == "open" else None)
        asked = [w for w in rest if policy.organisation(w) is not None]
        if asked:
            focus = asked
        elif scope is not None:
            focus = list(dict.fromkeys([scope.home_organisation,
                                        *(g.organisation for g in scope.grants)]))
        else:
            focus = []
        lines: list[str] = []
        html: list[str] = []

        def section(title: str, items: list[str]) -> None:
            lines.append(title)
            lines.extend(f"  • {i}" for i in items)
            html.append(f"<p><b>{esc(title)}</b></p><ul>"
                        + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")

        section(t(lang, "Organisaties:", "Organisations:"),
                [f"{o.id} — {o.name}" + (t(lang, " (publieke taak: geen toestemming als "
                                                 "grondslag)",
                                           " (public task: consent is no basis)")
                                         if o.public_task else "")
                 for o in policy.organisations])
        section(t(lang, "Gegevenscategorieën:", "Data categories:"),
                [f"{c.id} — {c.name}" + {None: "", "art9": t(lang, " (bijzonder, AVG art. 9)",
                                                             " (special, GDPR art. 9)"),
                                         "art10": t(lang, " (strafrechtelijk, nooit)",
                                                    " (criminal law, never)")}[c.special]
                 for c in policy.categories])
        section(t(lang, "Grondslagen:", "Legal bases:"),
                [f"{b.id} — {b.name} ({b.article})" for b in policy.legal_bases])
        section(t(lang, "Sjablonen (!toestemming sjabloon <id>):",
                  "Templates (!consent template <id>):"),
                [f"{tpl.id} — {tpl.name}: " + "; ".join(
                    f"{g.organisation} {','.join(g.categories)} "
                    f"{t(lang, 'grondslag', 'basis')}={','.join(g.legal_bases)}"
                    for g in tpl.grants) for tpl in policy.templates])
        combos: dict[str, Any] = {}
        for org in focus:
            found = lawful_combinations(policy, org)
            combos[org] = [{"legal_bases": list(c.legal_bases),
                            "categories": list(c.categories)} for c in found]
            section(t(lang, f"Wettig voor {org}:", f"Lawful for {org}:"),
                    [f"{t(lang, 'grondslag', 'basis')}={','.join(c.legal_bases)} → "
                     f"{', '.join(c.categories)}" for c in found])
        if not focus:
            hint = t(lang, "In een casuskamer toon ik ook de wettige combinaties voor de "
                           "organisaties van de casus; of vraag !help toestemming <organisatie>.",
                     "In a case room I also show the lawful combinations for the case's "
                     "organisations; or ask !help consent <organisation>.")
            lines.append(hint)
            html.append(f"<p>{esc(hint)}</p>")
        example = EXAMPLES["toestemming geef"][1 if lang == "en" else 0]
        tail = t(lang, f"Voorbeeld: {example}", f"Example: {example}")
        lines.append(tail)
        html.append(f"<p>{esc(tail)}</p>")
        return Reply("\n".join(lines), "".join(html), data={
            "topic": "toestemming",
            "organisations": [o.id for o in policy.organisations],
            "categories": [c.id for c in policy.categories],
            "legal_bases": [b.id for b in policy.legal_bases],
            "templates": [tpl.id for tpl in policy.templates],
            "case_id": scope.case_id if scope is not None else None,
            "combinations": combos})


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl

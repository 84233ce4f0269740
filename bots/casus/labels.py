"""Private case labels and the professional's own case list.

    !label <tekst>                    (!label)       in a case room: your label for it
    !label C-XXXXXXXX <tekst>                        anywhere (e.g. the bot's direct chat)
    !label wissen [C-XXXXXXXX]        (!label clear) remove your label
    !mijn-casussen [zoekwoord] [n]    (!my-cases)    your open cases, labels, regie, last
                                                     activity and a link (direct chat only)

A label is kept only in the professional's own account data on their homeserver,
written by the busbaan gate inside Synapse (``busbaan/gate/labels.py``): never in
room state, the audit log, a log line or busbaan's store. ``!label`` typed in a case
room is redacted by the bot after it is stored, so the other members do not keep
reading it; replies never repeat a label outside the direct chat. When a professional
leaves a case (or is removed) the bot removes the label; labels of cases someone left
while the bot was down are removed the next time they ask ``!mijn-casussen``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import nio
import sqlalchemy as sa

from busbaan.consent.state import is_case_id
from busbaan.errors import BusbaanError, NotFound, Unavailable, UsageError
from busbaan.labels import LabelBook, LabelCheck, LabelRules, check_label, pages
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.reply import esc
from busbaan.store.models import CaseRow
from busbaan.store.service_tables import outbox_table

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.labels")

#: The gate's label resource (busbaan.gate.labels.PATH; the gate is not imported here:
#: it needs Synapse).
GATE_PATH = "/_synapse/client/busbaan/v1/labels"
CLEAR_WORDS = frozenset({"wissen", "wis", "clear", "-"})
PAGE_WORDS = frozenset({"pagina", "page", "p"})


@dataclass(frozen=True, slots=True)
class MyCase:
    """One line of ``!mijn-casussen``."""

    case_id: str
    room_id: str
    label: str | None
    regie: str
    last_activity: dt.datetime


def matrix_to(room_id: str, server: str) -> str:
    """A matrix.to link to a room (room version 12 ids name no server: add ``via``)."""
    return f"https://matrix.to/#/{quote(room_id, safe='!')}?via={quote(server)}"


def when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


class LabelDesk:
    def __init__(self, bot: CasusBot) -> None:
        self.bot = bot
        self.rules = LabelRules.of(bot.policy)
        #: room id → newest event time (ms) the bot's sync saw there since its start.
        self._seen: dict[str, int] = {}
        bot.runner.member_hooks.append(self._on_member)
        bot.runner.client.add_event_callback(self._on_event, nio.Event)

    # -- the gate's label store (the professional's account data) -----------------------

    async def _gate(self, body: dict[str, Any]) -> LabelBook:
        client = self.bot.runner.client
        try:
            resp = await client.send(
                "POST", GATE_PATH, json.dumps(body),
                headers={"Authorization": f"Bearer {client.access_token}",
                         "Content-Type": "application/json"})
            status = resp.status
            try:
                payload = await resp.json(content_type=None)
            except ValueError:
                payload = None
        except (OSError, TimeoutError) as exc:
            log.warning("labels.gate_unreachable", error=type(exc).__name__)
            raise _unavailable() from exc
        if not isinstance(payload, dict):
            payload = {}
        if status == 200 and payload.get("ok") is True:
            return LabelBook.parse(payload.get("book"))
        errcode = str(payload.get("errcode") or "")
        log.warning("labels.gate_refused", status=status, errcode=errcode)
        if errcode.startswith("BB_") and errcode != "BB_INTERNAL":
            raise BusbaanError(str(payload.get("error") or errcode),
                               str(payload.get("error_en") or errcode), errcode=errcode,
                               data=payload.get("data") if isinstance(payload.get("data"),
                                                                       dict) else None)
        raise _unavailable()

    async def set_label(self, user_id: str, room_id: str, case_id: str, label: str) -> None:
        await self._gate({"op": "set", "user_id": user_id, "room_id": room_id,
                          "case_id": case_id, "label": label})

    async def remove_label(self, user_id: str, room_id: str) -> None:
        await self._gate({"op": "remove", "user_id": user_id, "room_id": room_id})

    async def book(self, user_id: str) -> LabelBook:
        return await self._gate({"op": "get", "user_id": user_id})

    def check(self, text: str, room_id: str) -> LabelCheck:
        """The policy's rule for a label (:func:`busbaan.labels.check_label`) typed in
        ``room_id``: stricter in a chat left unencrypted while encryption is on."""
        room = self.bot.runner.client.rooms.get(room_id)
        in_clear = self.bot.runner.encryption and (room is None or not room.encrypted)
        return check_label(text, self.rules, in_clear=in_clear)

    # -- !label --------------------------------------------------------------------------

    @command("label", en=["label"],
             usage="!label <tekst>  (in de casuskamer)  of  !label C-XXXXXXXX <tekst>",
             usage_en="!label <text>  (in the case room)  or  !label C-XXXXXXXX <text>",
             summary="Geef een casus een eigen label dat alleen u ziet (!label wissen haalt "
                     "het weg).",
             summary_en="Give a case a label of your own that only you see (!label clear "
                        "removes it).")
    async def cmd_label(self, ctx: CommandContext) -> Reply:
        lang, bot = ctx.lang, self.bot
        first, _, rest = ctx.args.partition(" ")
        in_case_room = await asyncio.to_thread(bot.cases.by_room, ctx.room_id)
        if in_case_room is None:
            await self.require_direct(ctx)
        if is_case_id(first.upper()):
            row = await asyncio.to_thread(bot.cases.get, first.upper())
            text = rest
            # One answer for "no such case" and "not yours": the reply must not tell a
            # non-member which ids exist (s3 #9). Only a label of one's own (a case one
            # has left) may still be cleared.
            if row is None or row.room_id is None or not (
                    bot.is_member(row.room_id, ctx.sender) or (
                        text.strip().lower() in CLEAR_WORDS
                        and (await self.book(ctx.sender)).label(row.room_id) is not None)):
                raise NotFound(f"Casus {first.upper()} bestaat niet, of u bent er geen lid "
                               "van.",
                               f"Case {first.upper()} does not exist, or you are not a "
                               "member of it.", errcode="BB_UNKNOWN_CASE")
        elif in_case_room is not None:
            row, text = in_case_room, ctx.args
        else:
            raise UsageError(
                "Noem de casus: !label C-XXXXXXXX <tekst>, of typ !label in de casuskamer. "
                "Uw casussen staan in !mijn-casussen.",
                "Name the case: !label C-XXXXXXXX <text>, or type !label in the case room. "
                "Your cases are listed by !my-cases.")
        if row.status != "open":
            raise BusbaanError(f"Casus {row.case_id} is gesloten.",
                               f"Case {row.case_id} is closed.", errcode="BB_CASE_CLOSED")
        assert row.room_id is not None
        room_id = row.room_id
        if in_case_room is not None:
            # Whatever happens, the text leaves the case room's history (others read it).
            bot.after_reply("label_redact", lambda: self._redact(ctx.room_id, ctx.event_id))
        note = t(lang, " Ik heb uw bericht uit de casuskamer weggehaald, zodat anderen het "
                       "label niet lezen; gebruik voortaan liever ons directe gesprek.",
                 " I removed your message from the case room so that others do not read "
                 "the label; next time, better use our direct chat.") if in_case_room else ""
        if text.strip().lower() in CLEAR_WORDS:
            await self.remove_label(ctx.sender, room_id)
            return Reply(t(lang, f"Uw label voor casus {row.case_id} is weggehaald.",
                           f"Your label for case {row.case_id} was removed.") + note,
                         data={"case_id": row.case_id, "room_id": room_id, "cleared": True,
                               "redacted": in_case_room is not None})
        checked = self.check(text, ctx.room_id)
        await self.set_label(ctx.sender, room_id, row.case_id, checked.text)
        body = t(lang, f"Label bewaard voor casus {row.case_id}, alleen zichtbaar voor u (in "
                       "!mijn-casussen en in apps die busbaan-labels tonen).",
                 f"Label saved for case {row.case_id}, visible to you alone (in !my-cases "
                 "and in apps that show busbaan labels).") + note
        warning = checked.warning(lang)
        if warning:
            body += "\n" + warning
        return Reply(body, data={"case_id": row.case_id, "room_id": room_id,
                                 "warnings": checked.warning_kinds,
                                 "redacted": in_case_room is not None})

    async def require_direct(self, ctx: CommandContext) -> None:
        """A label is typed only in the sender's direct chat with the bot (or in the case
        room, where the bot removes it): in a room with others — a team room, a lane —
        they would read it, and the bot cannot take it away there. Refuses with
        ``BB_NOT_DIRECT``; nothing is stored or created (outside check, session 3)."""
        if await self.bot.guide.direct_partner(ctx.room_id) != ctx.sender:
            raise BusbaanError(
                "Een label is privé: geef het in uw directe gesprek met mij, niet in een "
                "kamer met anderen. Er is niets opgeslagen of geopend; haal uw bericht hier "
                "zelf weg als het iets persoonlijks bevat.",
                "A label is private: give it in your direct chat with me, not in a room "
                "with others. Nothing was stored or opened; remove your message here "
                "yourself if it holds anything personal.",
                errcode="BB_NOT_DIRECT")

    async def _redact(self, room_id: str, event_id: str) -> None:
        resp = await self.bot.runner.client.room_redact(room_id, event_id,
                                                        reason="busbaan: privé-label")
        if isinstance(resp, nio.ErrorResponse):
            log.warning("labels.redact_failed", status=resp.status_code)

    # -- !mijn-casussen ------------------------------------------------------------------

    @command("mijn-casussen", en=["my-cases", "my cases"], aliases=["mijn casussen"],
             usage="!mijn-casussen [zoekwoord] [pagina N]",
             usage_en="!my-cases [search word] [page N]",
             summary="Uw open casussen met uw labels, regie, laatste activiteit en een link "
                     "(in ons directe gesprek).",
             summary_en="Your open cases with your labels, lead, last activity and a link "
                        "(in our direct chat).")
    async def cmd_my_cases(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        if await bot.guide.direct_partner(ctx.room_id) != ctx.sender:
            raise BusbaanError(
                "Uw labels zijn privé: vraag !mijn-casussen in uw directe gesprek met mij.",
                "Your labels are private: ask !my-cases in your direct chat with me.",
                errcode="BB_NOT_DIRECT")
        words = ctx.args.split()
        page = 1
        if len(words) == 1 and _is_page_number(words[0]):  # "!mijn-casussen 2"
            page = int(words.pop())
        elif (len(words) >= 2 and _is_page_number(words[-1])
              and words[-2].lower() in PAGE_WORDS):  # "!mijn-casussen huur pagina 2"
            page = int(words[-1])
            del words[-2:]
        query = " ".join(words).casefold()
        # The store and the professional's account data, read at the same time.
        cases, (book, labels_ok) = await asyncio.gather(self._my_cases(ctx.sender),
                                                        self._book_or_none(ctx.sender))
        mine = {c.room_id for c in cases}
        stale = [r for r in book.rooms if r not in mine]
        if stale:  # left while the bot was away: the label goes now
            bot.after_reply("label_cleanup", lambda: self._remove_all(ctx.sender, stale))
        listed = [MyCase(c.case_id, c.room_id, book.label(c.room_id), c.regie,
                         c.last_activity) for c in cases]
        if query:
            listed = [c for c in listed if query in c.case_id.casefold()
                      or (c.label is not None and query in c.label.casefold())]
        listed.sort(key=lambda c: (-c.last_activity.timestamp(), c.case_id))
        return render_my_cases(listed, sender=ctx.sender, lang=ctx.lang,
                               server=bot.user_id.partition(":")[2], page=page, query=query,
                               total=len(cases), labels_ok=labels_ok)

    async def _book_or_none(self, user_id: str) -> tuple[LabelBook, bool]:
        """(the labels, True), or (no labels, False) when they cannot be read now."""
        try:
            return await self.book(user_id), True
        except BusbaanError as exc:
            log.info("labels.unavailable", errcode=exc.errcode)
            return LabelBook(), False

    async def _remove_all(self, user_id: str, room_ids: list[str]) -> None:
        for room_id in room_ids:
            await self.remove_label(user_id, room_id)

    async def _my_cases(self, user_id: str) -> list[MyCase]:
        """Open cases where ``user_id`` is the regie or a member (joined or invited)."""
        bot = self.bot
        rows: list[CaseRow] = await asyncio.to_thread(bot.cases.open_cases)
        mine = [r for r in rows if r.room_id and (r.regie == user_id
                                                  or bot.is_member(r.room_id, user_id))]
        recorded = await asyncio.to_thread(self._last_recorded, [r.case_id for r in mine])
        out = []
        for r in mine:
            assert r.room_id is not None
            moments = [_aware(r.regie_since), _aware(r.created_at)]
            if r.case_id in recorded:
                moments.append(recorded[r.case_id])
            seen = self._seen.get(r.room_id)
            if seen is not None:
                moments.append(dt.datetime.fromtimestamp(seen / 1000, dt.UTC))
            out.append(MyCase(r.case_id, r.room_id, None, r.regie, max(moments)))
        return out

    def _last_recorded(self, case_ids: list[str]) -> dict[str, dt.datetime]:
        """The newest recorded event per case (one query per 500 cases)."""
        t = outbox_table
        out: dict[str, dt.datetime] = {}
        with self.bot.engine.connect() as conn:
            for start in range(0, len(case_ids), 500):
                chunk = case_ids[start:start + 500]
                for case_id, newest in conn.execute(
                        sa.select(t.c.case_id, sa.func.max(t.c.created_at))
                        .where(t.c.case_id.in_(chunk)).group_by(t.c.case_id)):
                    out[case_id] = _aware(newest)
        return out

    # -- sync hooks ----------------------------------------------------------------------

    async def _on_event(self, room: nio.MatrixRoom, event: nio.Event) -> None:
        ts = getattr(event, "server_timestamp", None)
        if isinstance(ts, int) and ts > self._seen.get(room.room_id, 0):
            self._seen[room.room_id] = ts

    async def _on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        """Someone left or was removed from a case room: their label goes with them."""
        if event.membership not in ("leave", "ban") or event.state_key == self.bot.user_id:
            return
        row = await asyncio.to_thread(self.bot.cases.by_room, room.room_id)
        if row is None:
            return
        try:
            await self.remove_label(event.state_key, room.room_id)
        except BusbaanError as exc:
            if exc.errcode != "BB_LABEL_REMOTE":
                log.warning("labels.remove_failed", case_id=row.case_id, errcode=exc.errcode)


def render_my_cases(listed: list[MyCase], *, sender: str, lang: str, server: str, page: int,
                    query: str, total: int, labels_ok: bool) -> Reply:
    """The reply to ``!mijn-casussen``: page ``page`` of ``listed``, each page small
    enough for one Matrix event (:func:`busbaan.labels.pages`)."""
    entries: list[dict[str, Any]] = []
    for c in listed:
        link = matrix_to(c.room_id, server)
        regie = t(lang, "u", "you") if c.regie == sender else c.regie
        label = c.label if c.label is not None else t(lang, "(geen label)", "(no label)")
        line = (f"• {c.case_id} — {label} — regie: {regie} — "
                f"{t(lang, 'laatst actief', 'last active')} {when(c.last_activity)} — "
                f"{link}")
        html = (f"<li><a href=\"{esc(link)}\">{esc(c.case_id)}</a> — {esc(label)} — "
                f"regie: {esc(regie)} — {t(lang, 'laatst actief', 'last active')} "
                f"{esc(when(c.last_activity))}</li>")
        data = {"case_id": c.case_id, "room_id": c.room_id, "label": c.label,
                "regie": c.regie, "last_activity": when(c.last_activity),
                "link": link}
        entries.append({"line": line, "html": html, "data": data})
    split = pages(entries)
    if not 1 <= page <= len(split):
        n = len(split)
        raise UsageError(
            "Er is maar 1 pagina; kies pagina 1." if n == 1 else
            f"Er zijn {n} pagina's; kies een pagina van 1 tot en met {n}.",
            "There is only 1 page; choose page 1." if n == 1 else
            f"There are {n} pages; choose a page from 1 to {n}.",
            data={"pages": n})
    shown = [entries[i] for i in split[page - 1]]
    if not listed:
        head = (t(lang, f"Geen open casussen met '{query}'.", f"No open cases with "
                        f"'{query}'.") if query else
                t(lang, "U hebt geen open casussen. Open er een met !casus nieuw <label>.",
                  "You have no open cases. Open one with !case new <label>."))
    else:
        head = t(lang, f"Uw open casussen ({len(listed)}"
                       f"{f' met {query!r}' if query else ''}), nieuwste eerst — pagina "
                       f"{page} van {len(split)}:",
                 f"Your open cases ({len(listed)}"
                 f"{f' with {query!r}' if query else ''}), newest first — page {page} "
                 f"of {len(split)}:")
    tail = []
    if page < len(split):
        nl = f"{query} pagina {page + 1}" if query else str(page + 1)
        en = f"{query} page {page + 1}" if query else str(page + 1)
        tail.append(t(lang, f"Meer: !mijn-casussen {nl}", f"More: !my-cases {en}"))
    if not labels_ok:
        tail.append(t(lang, "Uw labels konden nu niet worden gelezen; de lijst staat er "
                            "zonder.", "Your labels could not be read just now; the list "
                            "is shown without them."))
    body = "\n".join([head, *(str(e["line"]) for e in shown), *tail])
    html = (f"<p>{esc(head)}</p><ul>{''.join(e['html'] for e in shown)}</ul>"
            + "".join(f"<p>{esc(x)}</p>" for x in tail))
    return Reply(body, html, data={"cases": [e["data"] for e in shown],
                                   "total": total, "matching": len(listed),
                                   "page": page, "pages": len(split),
                                   "query": query or None, "labels": labels_ok})


def _is_page_number(word: str) -> bool:
    """ASCII digits only: ``str.isdecimal`` also takes Arabic-Indic and other digits,
    which a person types as a search word, not a page."""
    return word.isascii() and word.isdecimal()


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _unavailable() -> Unavailable:
    return Unavailable(
        "Uw labels kunnen nu niet worden bewaard of gelezen (de homeserver antwoordt niet). "
        "Er is niets veranderd; probeer het over een minuut opnieuw.",
        "Your labels cannot be stored or read right now (the homeserver does not answer). "
        "Nothing was changed; try again in a minute.", errcode="BB_LABELS_UNAVAILABLE")

"""The case as a whole: its track-and-trace timeline, and closing it.

    !status                       (!timeline)     what happened, from the records
    !casus sluiten <reden>        (!case close)   close the case (regie)

Closing ends every grant and temporary access and withdraws an open proposal (one
transaction in the store), sets ``nl.busbaan.case`` to ``closed`` so that the gate
refuses every join and invite, renames the room as an archive, and lets the
reconciliation remove every member except the bot — a moment after the reply, so
that the regie reads it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bots.casus.handover import when
from busbaan.consent import Access, Grant
from busbaan.handover import Record, close_case
from busbaan.handover.breakglass import end_access
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.reply import esc
from busbaan.store.repositories import HandoverRepository, lead_of
from busbaan.timeline import case_timeline

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.casefile")

#: How many timeline items ``!status`` shows in the message (data holds them all).
SHOWN = 30
#: Seconds between the closing reply and the removal of the members.
CLOSE_GRACE_SECONDS = 2.0
#: Nobody is removed before the closing reply is sent (at most this long).
HOLD_UNTIL_REPLY_SECONDS = 60.0


class CaseFileDesk:
    def __init__(self, bot: CasusBot) -> None:
        self.bot = bot
        self.repo = HandoverRepository(bot.engine)

    @command("status", en=["timeline"], usage="!status", usage_en="!timeline",
             summary="Wat er met deze casus is gebeurd (track en trace).",
             summary_en="What happened to this case (track and trace).")
    async def cmd_status(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, _ = await bot.case_for(ctx)
        await asyncio.to_thread(bot.audit_mirror.drain)  # read what was just recorded
        items = await asyncio.to_thread(case_timeline, bot.audit.log(), row.case_id)
        lang = ctx.lang
        lead = lead_of(row)
        head = bot.t(lang, f"Casus {row.case_id} — regie: {lead.regie} ({lead.organisation}) "
                           f"sinds {when(lead.since)}.",
                     f"Case {row.case_id} — lead: {lead.regie} ({lead.organisation}) since "
                     f"{when(lead.since)}.")
        shown = items[-SHOWN:]
        lines = [head]
        if len(items) > len(shown):
            lines.append(bot.t(lang, f"(de laatste {len(shown)} van {len(items)} stappen)",
                               f"(the last {len(shown)} of {len(items)} steps)"))
        html = [f"<p><b>{esc(head)}</b></p><ol>"]
        for item in shown:
            mark = " ⚑" if item.review else ""
            text = item.en if lang == "en" else item.nl
            lines.append(f"{when(item.occurred_at)} — {text}{mark}")
            html.append(f"<li><code>{esc(when(item.occurred_at))}</code> {esc(text)}{mark}</li>")
        html.append("</ol>")
        return Reply("\n".join(lines), "".join(html), data={
            "case_id": row.case_id, "regie": lead.regie, "organisation": lead.organisation,
            "items": [item.to_json() for item in items]})

    @command("casus sluiten", en=["case close"], usage="!casus sluiten <reden>",
             usage_en="!case close <reason>",
             summary="Sluit de casus: iedereen behalve de bot gaat eruit, toestemmingen "
                     "eindigen (regie).",
             summary_en="Close the case: everyone but the bot leaves, grants end (lead only).")
    async def cmd_close(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, scope = await bot.case_for(ctx)
        now = bot.clock.now()
        open_ = await asyncio.to_thread(self.repo.open_for_case, row.case_id)
        outcome = close_case(lead_of(row), open_, by=ctx.sender, reason=ctx.args, now=now)

        def records(ended: list[Grant], cut: list[Access]) -> list[Record]:
            # A break-glass or sideline access that closing cuts short ends on the record.
            return [*(end_access(row.case_id, a, now) for a in cut), *outcome.records]

        ended = await asyncio.to_thread(bot.service.close, row.case_id, by=ctx.sender,
                                        records=records)
        # Everyone leaves a moment after the reply is sent (the regie reads it first:
        # until then nobody is removed, at most HOLD_UNTIL_REPLY_SECONDS); the room-state
        # mirror writes the closed case, the ended grants and the name.
        room_id = scope.room_id
        bot.hold_removals(room_id, HOLD_UNTIL_REPLY_SECONDS)

        async def sent(_event_id: str) -> None:
            bot.hold_removals(room_id, CLOSE_GRACE_SECONDS)

        await bot.state_mirror.settle_case(row.case_id)
        log.info("case.closed", case_id=row.case_id, grants_ended=len(ended))
        return Reply(
            bot.t(ctx.lang,
                  f"Casus {row.case_id} is gesloten. {len(ended)} toestemming(en) beëindigd. "
                  "Iedereen behalve de bot verlaat nu de kamer; de kamer blijft als archief "
                  "bestaan en niemand kan er nog bij.",
                  f"Case {row.case_id} is closed. {len(ended)} grant(s) ended. Everyone but "
                  "the bot leaves the room now; the room stays as an archive and nobody can "
                  "enter it any more."),
            data={"case_id": row.case_id, "status": "closed",
                  "grants_ended": [g.grant_id for g in ended]}, on_sent=sent)

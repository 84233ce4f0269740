"""The "loper": emergency access to a case room, asked for in a direct chat.

    !noodtoegang <casus-id> <reden>   (!breakglass)

Only roles the policy allows, only with a reason of at least a sentence. The bot
writes a ``break_glass`` access into the room state (the gate and ``decide`` honour
it until it runs out), invites the professional, tells the regie at once in the case
room, and records ``breakglass.started`` flagged for review. When the access runs
out, :meth:`BreakGlassDesk.end_expired` records ``breakglass.ended`` and the bot's
reconciliation removes them. Never silent: refusals are recorded too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING

from bots.casus.handover import when
from bots.casus.parse import parse_case_and_reason
from busbaan.consent import Access, CaseScope
from busbaan.errors import BusbaanError
from busbaan.handover import UnknownCase, breakglass
from busbaan.handover.breakglass import end_access
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.store.repositories import HandoverRepository

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.breakglass")


class BreakGlassDesk:
    """The emergency-access command and the end of temporary accesses."""

    def __init__(self, bot: CasusBot) -> None:
        self.bot = bot
        self.repo = HandoverRepository(bot.engine)

    @command("noodtoegang", en=["breakglass"], aliases=["loper"],
             usage="!noodtoegang <casus-id> <reden>", usage_en="!breakglass <case-id> <reason>",
             summary="Noodtoegang tot een casus buiten de toestemming (alleen bepaalde rollen; "
                     "altijd gemeld en gecontroleerd).",
             summary_en="Emergency access to a case outside its scope (some roles only; "
                        "always reported and reviewed).")
    async def cmd_breakglass(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        case_id, reason = parse_case_and_reason(ctx.args)
        directory = await bot.refresh_directory(need=[ctx.sender])
        who = directory(ctx.sender)
        now = bot.clock.now()
        row = await asyncio.to_thread(bot.cases.get, case_id)
        try:
            if row is None or row.room_id is None or row.status == "opening":
                raise UnknownCase(
                    f"Casus {case_id} bestaat niet. Controleer het casusnummer bij wie u "
                    "het doorgaf; er is geen noodtoegang gegeven.",
                    f"Case {case_id} does not exist. Check the case id with whoever gave it "
                    "to you; no emergency access was given.",
                )
            outcome = breakglass.start(bot.policy, user_id=ctx.sender, who=who,
                                       case_id=row.case_id, case_closed=row.status == "closed",
                                       reason=reason, now=now, rules=bot.handover.rules)
        except BusbaanError as exc:
            await self._record_refusal(ctx.sender, row.case_id if row else None, exc.errcode,
                                       now)
            raise
        access = outcome.access
        assert access is not None and row.room_id is not None and who is not None
        room_id = row.room_id
        # The invitation after the access is stored (the gate admits them only then);
        # the room-state mirror writes the access before anything else for the case.
        await asyncio.to_thread(bot.service.start_access, row.case_id, access, by=ctx.sender,
                                records=outcome.records)
        await bot.state_mirror.settle_case(row.case_id)
        scope = await bot.scope_of(row)
        if not bot.is_member(room_id, ctx.sender):
            try:
                check(await bot.runner.client.room_invite(room_id, ctx.sender), "invite")
            except MatrixError:
                # Not started after all: end it (recorded as ended), say so.
                await asyncio.to_thread(bot.service.end_access, row.case_id, access,
                                        records=lambda: [end_access(row.case_id, access,
                                                                    bot.clock.now())])
                raise
        log.warning("breakglass.started", case_id=row.case_id, org=who.organisation,
                    role=who.role, reason_code=access.reason_code)
        regie = scope.regie
        body = (f"⚠ Noodtoegang: {ctx.sender} ({who.organisation}/{who.role}) heeft zich "
                f"toegang gegeven tot deze casus tot {when(access.until)}, buiten de toestemming "
                f"om. Regie {regie}: u wordt hierbij direct ingelicht; bespreek met "
                f"{ctx.sender} wat er nodig is. Dit is vastgelegd en wordt door de privacy "
                f"officer gecontroleerd (soort reden: {access.reason_code}).\n\n"
                f"⚠ Emergency access: {ctx.sender} ({who.organisation}/{who.role}) entered this "
                f"case outside its consent scope until {when(access.until)}. Lead {regie}: you "
                "are told at once. This is recorded and reviewed by the privacy officer.")
        await bot.safe_notice(room_id, kind="breakglass.started", body=body, data={
            "case_id": row.case_id, "user_id": ctx.sender, "organisation": who.organisation,
            "role": who.role, "until": when(access.until), "reason_code": access.reason_code,
            "regie": regie}, mentions=(regie, ctx.sender))
        link = f"https://matrix.to/#/{room_id}"
        return Reply(
            bot.t(ctx.lang,
                  f"Noodtoegang tot casus {row.case_id} gegeven tot {when(access.until)}. U bent "
                  f"uitgenodigd in de casuskamer ({link}). De regie ({regie}) is direct "
                  "ingelicht; dit is vastgelegd en wordt gecontroleerd.",
                  f"Emergency access to case {row.case_id} given until {when(access.until)}. "
                  f"You have been invited to the case room ({link}). The lead ({regie}) has "
                  "been told at once; this is recorded and will be reviewed."),
            data={"case_id": row.case_id, "room_id": room_id, "until": when(access.until),
                  "reason_code": access.reason_code, "regie": regie})

    async def _record_refusal(self, user_id: str, case_id: str | None, errcode: str,
                              now: dt.datetime) -> None:
        """A refused emergency request is recorded as well (an exception for review)."""
        await asyncio.to_thread(self.bot.service.refuse_breakglass, user_id=user_id,
                                case_id=case_id, errcode=errcode)
        log.warning("breakglass.refused", errcode=errcode, case_known=case_id is not None)

    # -- the end of temporary accesses ---------------------------------------------------

    async def end_expired(self) -> None:
        """End every break-glass or sideline access that has run out: record it (once),
        say it in the room; the room-state mirror clears its state and the
        reconciliation removes whoever the scope no longer covers."""
        now = self.bot.clock.now()
        # Only the cases with an access due (an index read), not every open case.
        due = await asyncio.to_thread(self.bot.cases.cases_with_due_accesses, now)
        for case_id in due:
            scope = await asyncio.to_thread(self.bot.service.scope, case_id)
            if scope is None:
                continue
            for access in scope.accesses:
                if now >= access.until:
                    await self._end(scope, access, now)

    async def _end(self, scope: CaseScope, access: Access, now: dt.datetime) -> None:
        bot = self.bot
        first = await asyncio.to_thread(
            bot.service.end_access, scope.case_id, access,
            records=lambda: [end_access(scope.case_id, access, now)])
        if not first:
            return
        await bot.state_mirror.settle_case(scope.case_id)
        if access.kind == "break_glass":
            log.warning("breakglass.ended", case_id=scope.case_id)
            body = (f"De noodtoegang van {access.user_id} is afgelopen; valt deze persoon "
                    "buiten de toestemming, dan haal ik hem of haar nu uit de kamer.\n\n"
                    f"The emergency access of {access.user_id} has ended; if they are outside "
                    "the consent scope, I remove them now.")
            kind = "breakglass.ended"
        else:
            log.info("handover.sideline_ended", case_id=scope.case_id)
            body = (f"{access.user_id} leest niet langer mee als vorige regie.\n\n"
                    f"{access.user_id} no longer follows the case as previous lead.")
            kind = "handover.sideline_ended"
        await bot.safe_notice(scope.room_id, kind=kind, body=body,
                              data={"case_id": scope.case_id, "user_id": access.user_id,
                                    "access": access.kind})

"""Warm handovers in the case room: propose, accept, decline, withdraw; the regie's
history; and the reminder/expiry sweep.

    !overdracht @user:server <reden>   (!handover)          propose (regie)
    !accepteer [casus-id]              (!accept)            accept (addressee; also in a DM)
    !weiger [casus-id] <reden>         (!decline)           decline (addressee; also in a DM)
    !overdracht intrekken              (!handover withdraw) withdraw (regie)
    !regie                             (!lead)              who leads, since when, history

The rules are :mod:`busbaan.handover` (pure); this module carries out their
outcomes: the store, the room state (``nl.busbaan.case``, power levels, the previous
regie's sideline access), invitations, direct messages and the records. Everything
the bot says about one handover in the case room is a thread on the proposal.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bots.casus.parse import parse_user_and_reason, split_case_id
from busbaan.cases import CaseService
from busbaan.consent import Access, Action, CaseScope, decide, outside_scope
from busbaan.consent.decide import DirectoryLookup
from busbaan.errors import UsageError
from busbaan.handover import (
    Due,
    Handover,
    HandoverRules,
    NoOpenHandover,
    NotInDirectory,
    Outcome,
    Record,
    UnknownCase,
    accept,
    decline,
    grant_command,
    next_deadline,
    plan_sweep,
    propose,
    regie_history,
    withdraw,
)
from busbaan.handover.machine import SIDELINE_REASON
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.matrix.reply import esc
from busbaan.store.models import CaseRow
from busbaan.store.repositories import HandoverRepository, lead_of, new_id

if TYPE_CHECKING:
    from bots.casus.bot import CasusBot

log = get_logger("busbaan.casus.handover")


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


def when(moment: dt.datetime) -> str:
    """A moment as people read it in a message (UTC, minutes)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- the sweep: pure + store, no Matrix (benchmarked in bench/handover.py) -------------


@dataclass(frozen=True, slots=True)
class SweepResult:
    steps: tuple[tuple[Due, Outcome], ...]
    next_due: dt.datetime | None


class HandoverSweep:
    """One reminder/expiry sweep: read the open proposals, decide what is due (pure),
    store the reminders and expiries and their events in one transaction of the case
    service (the audit mirror appends them). Synchronous: the bot runs it in a thread."""

    def __init__(self, service: CaseService) -> None:
        self.service = service
        self.repo = service.handovers

    def run(self, now: dt.datetime) -> SweepResult:
        open_ = self.repo.open_all()
        steps = plan_sweep(open_, now)
        if steps:
            reminded = [o.handover for d, o in steps if d.kind == "remind" and o.handover]
            expired = [o.handover for d, o in steps if d.kind == "expire" and o.handover]

            def records(applied: set[str]) -> list[Record]:
                return [r for d, o in steps if d.handover.handover_id in applied
                        for r in o.records]

            applied = self.service.sweep_handovers(reminded, expired, records)
            steps = [(d, o) for d, o in steps if d.handover.handover_id in applied]
        changed = {o.handover.handover_id: o.handover for _, o in steps if o.handover}
        remaining = [changed.get(h.handover_id, h) for h in open_]
        return SweepResult(tuple(steps), next_deadline(remaining))


# -- the commands ---------------------------------------------------------------------


class HandoverDesk:
    """The handover commands of the casus bot (bound next to the bot's own)."""

    def __init__(self, bot: CasusBot) -> None:
        self.bot = bot
        self.repo = HandoverRepository(bot.engine)
        self.rules = HandoverRules.from_limits(bot.policy.limits)
        self.next_due: dt.datetime | None = None
        self._sweep_lock = asyncio.Lock()

    # -- locating the case and the proposal ----------------------------------------------

    async def _case_row(self, case_id: str) -> CaseRow:
        row = await asyncio.to_thread(self.bot.cases.get, case_id)
        if row is None or row.room_id is None or row.status == "opening":
            raise UnknownCase(
                f"Casus {case_id} bestaat niet. Controleer het casusnummer (C- en acht tekens).",
                f"Case {case_id} does not exist. Check the case id (C- and eight characters).",
            )
        return row

    async def _locate(self, ctx: CommandContext) -> tuple[CaseRow, CaseScope, Handover | None, str]:
        """(case, scope, its open proposal, the rest of the arguments) for an answer given
        in the case room, or in a direct message with a case id or with exactly one
        proposal addressed to the sender."""
        case_id, rest = split_case_id(ctx.args)
        in_room = await asyncio.to_thread(self.bot.cases.by_room, ctx.room_id)
        if in_room is not None:
            row, scope = await self.bot.case_for(ctx)
        elif case_id is not None:
            # Outside the case room a case id is all the sender shows: someone who is not
            # the addressee and not a member learns nothing (not whether the case exists,
            # nor to whom or to which organisation it is being handed over).
            row = await self._case_row_for_outsider(case_id, ctx.sender)
            scope = await self.bot.scope_of(row)
        else:
            mine = await asyncio.to_thread(self.repo.open_for_addressee, ctx.sender)
            if not mine:
                raise NoOpenHandover(
                    "Er staat geen voorstel tot overdracht aan u open.",
                    "There is no open handover proposal addressed to you.",
                )
            if len(mine) > 1:
                ids = ", ".join(h.case_id for h in mine)
                raise UsageError(
                    f"Er staan meerdere voorstellen aan u open ({ids}); noem de casus.",
                    f"Several proposals to you are open ({ids}); name the case.",
                )
            row = await self._case_row(mine[0].case_id)
            scope = await self.bot.scope_of(row)
        open_ = await asyncio.to_thread(self.repo.open_for_case, row.case_id)
        if (in_room is None and case_id is not None
                and (open_ is None or open_.addressee != ctx.sender)
                and not self.bot.is_member(row.room_id or "", ctx.sender)):
            raise _nothing_for(case_id)
        return row, scope, open_, rest

    async def _case_row_for_outsider(self, case_id: str, sender: str) -> CaseRow:
        """The case named in a direct message; an unknown case gets the same answer as a
        case with no proposal to ``sender`` (no oracle for which case ids exist)."""
        try:
            return await self._case_row(case_id)
        except UnknownCase:
            raise _nothing_for(case_id) from None

    async def _thread_root(self, handover: Handover) -> str | None:
        room_event, _ = await asyncio.to_thread(self.repo.links, handover.handover_id)
        return room_event

    # -- !overdracht ---------------------------------------------------------------------

    @command("overdracht", en=["handover"], usage="!overdracht @gebruiker:server <reden>",
             usage_en="!handover @user:server <reason>",
             summary="Stel voor de regie over te dragen aan een collega (regie).",
             summary_en="Propose to hand the lead to a colleague (lead only).")
    async def cmd_propose(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, scope = await bot.case_for(ctx)
        user_id, reason = parse_user_and_reason(ctx.args)
        directory = await bot.refresh_directory(need=[user_id, ctx.sender])
        now = bot.clock.now()
        open_ = await asyncio.to_thread(self.repo.open_for_case, row.case_id)
        admission = decide(bot.policy, scope, directory, Action.INVITE, actor=ctx.sender,
                           subject=user_id, now=now, bot_user_id=bot.user_id)
        who = directory(user_id)
        hint = (grant_command(bot.policy, who.organisation, now)
                if who is not None and not admission.allowed else None)
        root = ctx.thread_root or ctx.event_id
        outcome = propose(lead_of(row), open_, proposer=ctx.sender, addressee_id=user_id,
                          addressee=who, reason=reason, admission=admission, now=now,
                          rules=self.rules, handover_id=new_id("H"), grant_hint=hint)
        h = outcome.handover
        assert h is not None
        invited = False
        if not bot.is_member(ctx.room_id, user_id):
            # The invitation first (asking twice is harmless); then the proposal and its
            # record in one transaction.
            await bot.settle_before_invite(scope.case_id)
            check(await bot.runner.client.room_invite(ctx.room_id, user_id), "invite")
            invited = True
        await asyncio.to_thread(bot.service.propose_handover, h, outcome.records,
                                room_event_id=root)
        if self.next_due is None or h.remind_at < self.next_due:
            self.next_due = h.remind_at
        log.info("handover.proposed", case_id=h.case_id, handover_id=h.handover_id,
                 to_org=h.to_organisation)
        dm_room = await self._dm_for(h, scope)
        losing = self._losing_access(scope, h, directory, now)
        lang = ctx.lang
        lines = [t(lang,
                   f"Voorstel {h.handover_id}: de regie van casus {h.case_id} overdragen aan "
                   f"{user_id} ({h.to_organisation}). {user_id} kan antwoorden met !accepteer of "
                   f"!weiger <reden>, hier of in een direct gesprek met mij; het voorstel "
                   f"verloopt op {when(h.expires_at)}.",
                   f"Proposal {h.handover_id}: hand the lead of case {h.case_id} to {user_id} "
                   f"({h.to_organisation}). {user_id} can answer with !accept or !decline "
                   f"<reason>, here or in a direct chat with me; the proposal expires at "
                   f"{when(h.expires_at)}.")]
        lines.append(t(lang, "Uitgenodigd in deze kamer." if invited else
                       "Al lid van deze kamer.",
                       "Invited to this room." if invited else "Already a member of this room."))
        if dm_room is None:
            lines.append(t(lang, "Een direct bericht aan de collega lukte niet.",
                           "A direct message to the colleague could not be sent."))
        if h.to_organisation != h.from_organisation:
            lines.append(t(
                lang,
                f"Na acceptatie blijft u nog {self.rules.sideline_days} dagen meelezen; daarna "
                f"valt {h.from_organisation} buiten de casus, tenzij er toestemming voor is.",
                f"After acceptance you stay informed for {self.rules.sideline_days} days; then "
                f"{h.from_organisation} is outside the case unless a grant covers it."))
        if losing:
            hint_from = grant_command(bot.policy, h.from_organisation, now)
            lines.append(t(
                lang,
                f"Bij acceptatie verlaten de kamer: {', '.join(losing)}."
                + (f" Wilt u dat niet, geef dan eerst toestemming: {hint_from[0]}"
                   if hint_from else ""),
                f"On acceptance these leave the room: {', '.join(losing)}."
                + (f" To keep them, give consent first: {hint_from[1]}" if hint_from else "")))
        return Reply(" ".join(lines), mentions=[user_id], thread_root=root, data={
            "case_id": h.case_id, "handover_id": h.handover_id, "addressee": user_id,
            "to_organisation": h.to_organisation, "invited": invited,
            "dm_room_id": dm_room, "remind_at": when(h.remind_at),
            "expires_at": when(h.expires_at), "loses_access_on_accept": losing,
        })

    def _losing_access(self, scope: CaseScope, h: Handover, directory: DirectoryLookup,
                       now: dt.datetime) -> list[str]:
        """Members whom ``decide`` would remove once the proposal is accepted."""
        sideline = Access(h.proposer, "sideline",
                          now + dt.timedelta(days=self.rules.sideline_days), SIDELINE_REASON)
        after = dataclasses.replace(scope, regie=h.addressee,
                                    home_organisation=h.to_organisation,
                                    accesses=(*scope.accesses, sideline))
        return self._leaving(after, directory, now)

    async def _dm_for(self, h: Handover, scope: CaseScope) -> str | None:
        """The addressee's direct room with the bot (made now if there is none); the
        summary is sent into it after the reply."""
        try:
            dm = await self.bot.direct_room(h.addressee)
        except MatrixError as exc:
            log.warning("handover.dm_failed", case_id=h.case_id, status=exc.status)
            return None
        await asyncio.to_thread(self.bot.service.link_handover, h.handover_id, dm_room_id=dm)

        async def send() -> None:
            await self._dm_proposal(h, scope, dm)

        self.bot.after_reply("handover_dm", send)
        return dm

    async def _dm_proposal(self, h: Handover, scope: CaseScope, dm: str) -> None:
        """Send the addressee the case summary in a direct chat: case id, reason, scope
        (organisations, categories, until when). No personal data: the reason was
        checked, the rest are codes."""
        now = self.bot.clock.now()
        grants = [g for g in scope.grants if g.active_at(now)]
        scope_nl = "; ".join(f"{g.organisation}: {', '.join(g.categories)} (tot "
                             f"{g.valid_until.date().isoformat()})" for g in grants) or "—"
        scope_en = "; ".join(f"{g.organisation}: {', '.join(g.categories)} (until "
                             f"{g.valid_until.date().isoformat()})" for g in grants) or "—"
        body = (
            f"{h.proposer} ({h.from_organisation}) stelt voor dat u de regie van casus "
            f"{h.case_id} overneemt.\nReden: {h.reason}\nToestemming (scope): de organisatie van "
            f"de regie; {scope_nl}\nAntwoord hier met !accepteer {h.case_id} of !weiger "
            f"{h.case_id} <reden>, vóór {when(h.expires_at)}.\n\n"
            f"{h.proposer} ({h.from_organisation}) proposes that you take over the lead of case "
            f"{h.case_id}. Scope: the lead's organisation; {scope_en}. Answer here with !accept "
            f"{h.case_id} or !decline {h.case_id} <reason>, before {when(h.expires_at)}."
        )
        html = (f"<p><b>Voorstel tot overdracht — casus {esc(h.case_id)}</b></p>"
                f"<p>{esc(h.proposer)} ({esc(h.from_organisation)}) stelt voor dat u de regie "
                f"overneemt.</p><ul><li>Reden: {esc(h.reason)}</li><li>Toestemming: de "
                f"organisatie van de regie; {esc(scope_nl)}</li><li>Verloopt: "
                f"{esc(when(h.expires_at))}</li></ul><p>Antwoord met <code>!accepteer "
                f"{esc(h.case_id)}</code> of <code>!weiger {esc(h.case_id)} &lt;reden&gt;"
                f"</code>.</p><p><i>{esc(h.proposer)} proposes that you take over the lead of "
                f"case {esc(h.case_id)}. Answer with <code>!accept {esc(h.case_id)}</code> or "
                f"<code>!decline {esc(h.case_id)} &lt;reason&gt;</code>.</i></p>")
        data = {"case_id": h.case_id, "handover_id": h.handover_id, "proposer": h.proposer,
                "from_organisation": h.from_organisation, "reason": h.reason,
                "scope": [{"organisation": g.organisation, "categories": list(g.categories),
                           "valid_until": g.valid_until.date().isoformat()} for g in grants],
                "expires_at": when(h.expires_at)}
        try:
            await self.bot.runner.notice(dm, kind="handover.proposed", body=body, html=html,
                                         data=data, mentions=(h.addressee,))
        except MatrixError as exc:
            log.warning("handover.dm_failed", case_id=h.case_id, status=exc.status)

    # -- !accepteer ----------------------------------------------------------------------

    @command("accepteer", en=["accept"], usage="!accepteer [casus-id]",
             usage_en="!accept [case-id]",
             summary="Neem de regie over die u is voorgesteld (ook in een direct gesprek).",
             summary_en="Take over the lead proposed to you (also in a direct chat).")
    async def cmd_accept(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, scope, open_, _ = await self._locate(ctx)
        directory = await bot.refresh_directory(need=[ctx.sender, row.regie])
        now = bot.clock.now()
        who = directory(ctx.sender)
        if who is None:
            raise NotInDirectory(
                f"{ctx.sender} staat niet in de gids van busbaan; vraag de beheerder om opname.",
                f"{ctx.sender} is not in busbaan's directory; ask the administrator to add you.")
        admission = decide(bot.policy, scope, directory, Action.JOIN, actor=ctx.sender,
                           now=now, bot_user_id=bot.user_id)
        outcome = accept(lead_of(row), open_, by=ctx.sender, admission=admission,
                         new_organisation=who.organisation, now=now, rules=self.rules)
        h, lead, sideline = outcome.handover, outcome.lead, outcome.access
        assert h is not None and lead is not None and sideline is not None
        room_id = scope.room_id
        invite = not bot.is_member(room_id, ctx.sender)
        scope = await bot.move_regie(scope, h, lead, sideline, outcome.records)
        log.info("handover.accepted", case_id=h.case_id, handover_id=h.handover_id)
        root = await self._thread_root(h)
        leaving = self._leaving(scope, directory, now)
        text_nl = (f"{ctx.sender} ({lead.organisation}) heeft de regie van casus {h.case_id} "
                   f"overgenomen van {h.proposer}. {h.proposer} leest nog mee tot "
                   f"{when(sideline.until)}.")
        text_en = (f"{ctx.sender} ({lead.organisation}) has taken over the lead of case "
                   f"{h.case_id} from {h.proposer}. {h.proposer} stays informed until "
                   f"{when(sideline.until)}.")
        if leaving:
            text_nl += f" Buiten de toestemming, dus uit de kamer: {', '.join(leaving)}."
            text_en += f" Outside the consent scope, so leaving the room: {', '.join(leaving)}."
        in_room = ctx.room_id == room_id
        if not in_room:
            async def tell_room() -> None:
                await bot.thread_notice(room_id, root, kind="handover.accepted",
                                        body=f"{text_nl}\n\n{text_en}",
                                        data={"handover_id": h.handover_id,
                                              "regie": ctx.sender, "previous": h.proposer},
                                        mentions=(ctx.sender, h.proposer))

            bot.after_reply("handover_accepted_notice", tell_room)
        body = t(ctx.lang, text_nl, text_en)
        if invite:
            body += t(ctx.lang, " Ik nodig u uit in de casuskamer.",
                      " I am inviting you to the case room.")
        return Reply(body, mentions=[h.proposer], thread_root=root if in_room else None, data={
            "case_id": h.case_id, "handover_id": h.handover_id, "regie": ctx.sender,
            "organisation": lead.organisation, "previous": h.proposer,
            "sideline_until": when(sideline.until), "room_id": room_id, "leaving": leaving})

    def _leaving(self, scope: CaseScope, directory: DirectoryLookup,
                 now: dt.datetime) -> list[str]:
        """Members and invitees ``decide`` no longer admits under ``scope``."""
        room = self.bot.runner.client.rooms.get(scope.room_id)
        if room is None:
            return []
        members = set(room.users) | set(room.invited_users)
        return [u for u, _ in outside_scope(self.bot.policy, scope, directory, members,
                                            now=now, bot_user_id=self.bot.user_id)]

    # -- !weiger -------------------------------------------------------------------------

    @command("weiger", en=["decline"], usage="!weiger [casus-id] <reden>",
             usage_en="!decline [case-id] <reason>",
             summary="Neem de voorgestelde regie niet over, met een reden.",
             summary_en="Decline the lead proposed to you, with a reason.")
    async def cmd_decline(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, scope, open_, reason = await self._locate(ctx)
        now = bot.clock.now()
        outcome = decline(lead_of(row), open_, by=ctx.sender, reason=reason, now=now)
        h = outcome.handover
        assert h is not None
        await asyncio.to_thread(bot.service.answer_handover, h, outcome.records,
                                decline_reason=outcome.records[0].personal.get("reason"))
        log.info("handover.declined", case_id=h.case_id, handover_id=h.handover_id)
        root = await self._thread_root(h)
        text = (f"{ctx.sender} neemt de regie van casus {h.case_id} niet over. Reden: "
                f"{outcome.records[0].personal.get('reason', '')}. De regie blijft bij "
                f"{h.proposer}.")
        text_en = (f"{ctx.sender} declined the lead of case {h.case_id}. The lead stays with "
                   f"{h.proposer}.")
        in_room = ctx.room_id == scope.room_id
        if not in_room:
            await bot.thread_notice(scope.room_id, root, kind="handover.declined",
                                    body=f"{text}\n\n{text_en}",
                                    data={"handover_id": h.handover_id, "by": ctx.sender},
                                    mentions=(h.proposer,))
        return Reply(t(ctx.lang, text, text_en), mentions=[h.proposer],
                     thread_root=root if in_room else None,
                     data={"case_id": h.case_id, "handover_id": h.handover_id,
                           "regie": h.proposer, "status": h.status.value})

    # -- !overdracht intrekken -----------------------------------------------------------

    @command("overdracht intrekken", en=["handover withdraw"], usage="!overdracht intrekken",
             usage_en="!handover withdraw",
             summary="Trek uw voorstel tot overdracht in (regie).",
             summary_en="Withdraw your handover proposal (lead only).")
    async def cmd_withdraw(self, ctx: CommandContext) -> Reply:
        bot = self.bot
        row, _ = await bot.case_for(ctx)
        open_ = await asyncio.to_thread(self.repo.open_for_case, row.case_id)
        outcome = withdraw(lead_of(row), open_, by=ctx.sender, now=bot.clock.now())
        h = outcome.handover
        assert h is not None
        await asyncio.to_thread(bot.service.answer_handover, h, outcome.records)
        root, dm = await asyncio.to_thread(self.repo.links, h.handover_id)
        if dm is not None:
            await bot.safe_notice(dm, kind="handover.withdrawn", body=(
                f"{h.proposer} heeft het voorstel tot overdracht van casus {h.case_id} "
                f"ingetrokken; u hoeft niets te doen.\n\n{h.proposer} withdrew the handover "
                f"proposal for case {h.case_id}; no action is needed."),
                data={"case_id": h.case_id, "handover_id": h.handover_id})
        return Reply(t(ctx.lang, f"Voorstel {h.handover_id} aan {h.addressee} is ingetrokken.",
                       f"Proposal {h.handover_id} to {h.addressee} has been withdrawn."),
                     thread_root=root,
                     data={"case_id": h.case_id, "handover_id": h.handover_id,
                           "status": h.status.value})

    # -- !regie ----------------------------------------------------------------------------

    @command("regie", en=["lead"], usage="!regie", usage_en="!lead",
             summary="Wie heeft de regie, sinds wanneer, en de geschiedenis.",
             summary_en="Who leads this case, since when, and the history.")
    async def cmd_lead(self, ctx: CommandContext) -> Reply:
        row, scope = await self.bot.case_for(ctx)
        handovers = await asyncio.to_thread(self.repo.for_case, row.case_id)
        first_org = handovers[0].from_organisation if handovers else row.home_organisation
        created_at = row.created_at.replace(tzinfo=dt.UTC) if row.created_at.tzinfo is None \
            else row.created_at
        history = regie_history(row.created_by, first_org, created_at, handovers)
        lead = lead_of(row)
        lang = ctx.lang
        lines = [t(lang, f"Casus {row.case_id}: de regie ligt bij {lead.regie} "
                         f"({lead.organisation}) sinds {when(lead.since)}.",
                   f"Case {row.case_id}: {lead.regie} ({lead.organisation}) leads since "
                   f"{when(lead.since)}.")]
        lines.append(t(lang, "Geschiedenis:", "History:"))
        for p in history:
            until = when(p.until) if p.until else t(lang, "nu", "now")
            lines.append(f"• {p.regie} ({p.organisation}) {when(p.since)} – {until}")
        pending = next((h for h in handovers if h.is_open), None)
        if pending is not None:
            lines.append(t(lang, f"Open voorstel: aan {pending.addressee} "
                                 f"({pending.to_organisation}), verloopt "
                                 f"{when(pending.expires_at)}.",
                           f"Open proposal: to {pending.addressee} ({pending.to_organisation}), "
                           f"expires {when(pending.expires_at)}."))
        sidelines = [a for a in scope.accesses if a.kind == "sideline"
                     and a.until > self.bot.clock.now()]
        for a in sidelines:
            lines.append(t(lang, f"Leest mee als vorige regie: {a.user_id} tot {when(a.until)}.",
                           f"Stays informed as previous lead: {a.user_id} until {when(a.until)}."))
        return Reply("\n".join(lines), data={
            "case_id": row.case_id, "regie": lead.regie, "organisation": lead.organisation,
            "since": when(lead.since),
            "history": [{"regie": p.regie, "organisation": p.organisation,
                         "since": when(p.since), "until": when(p.until) if p.until else None,
                         "handover_id": p.handover_id} for p in history],
            "open_handover": pending.handover_id if pending else None,
            "sideline": [{"user_id": a.user_id, "until": when(a.until)} for a in sidelines],
        })

    # -- the sweep -----------------------------------------------------------------------

    async def sweep(self) -> None:
        """Remind and expire what is due now; tell the addressee and the proposer."""
        now = self.bot.clock.now()
        if self.next_due is not None and now < self.next_due:
            return
        async with self._sweep_lock:
            sweeper = HandoverSweep(self.bot.service)
            result = await asyncio.to_thread(sweeper.run, now)
            self.next_due = result.next_due or (now + dt.timedelta(days=1))
        for item, outcome in result.steps:
            h = outcome.handover or item.handover
            if item.kind == "expire":
                log.info("handover.expired", case_id=h.case_id, handover_id=h.handover_id)
            else:
                log.info("handover.reminded", case_id=h.case_id, handover_id=h.handover_id)
            try:
                await self._tell_due(item.kind, h)
            except Exception:
                log.exception("handover.notify_failed", case_id=h.case_id)

    async def _tell_due(self, kind: str, h: Handover) -> None:
        bot = self.bot
        room_event, dm = await asyncio.to_thread(self.repo.links, h.handover_id)
        row = await asyncio.to_thread(bot.cases.get, h.case_id)
        room_id = row.room_id if row else None
        if kind == "remind":
            body = (f"Herinnering: {h.proposer} stelt voor dat u de regie van casus {h.case_id} "
                    f"overneemt. Antwoord met !accepteer {h.case_id} of !weiger {h.case_id} "
                    f"<reden>, vóór {when(h.expires_at)}.\n\nReminder: {h.proposer} proposes "
                    f"that you take over the lead of case {h.case_id}. Answer with !accept "
                    f"{h.case_id} or !decline {h.case_id} <reason>, before {when(h.expires_at)}.")
            data = {"case_id": h.case_id, "handover_id": h.handover_id,
                    "addressee": h.addressee, "expires_at": when(h.expires_at)}
            if dm is not None:
                await bot.safe_notice(dm, kind="handover.reminder", body=body, data=data,
                                      mentions=(h.addressee,))
            if room_id is not None:
                await bot.thread_notice(room_id, room_event, kind="handover.reminder",
                                        body=body, data=data, mentions=(h.addressee,))
            return
        body = (f"{h.proposer}: het voorstel om de regie van casus {h.case_id} over te dragen aan "
                f"{h.addressee} is verlopen zonder antwoord. De regie blijft bij u; doe zo nodig "
                f"een nieuw voorstel met !overdracht.\n\n{h.proposer}: the proposal to hand the "
                f"lead of case {h.case_id} to {h.addressee} expired without an answer. You keep "
                "the lead; make a new proposal with !handover if needed.")
        data = {"case_id": h.case_id, "handover_id": h.handover_id, "proposer": h.proposer,
                "addressee": h.addressee}
        if room_id is not None:
            await bot.thread_notice(room_id, room_event, kind="handover.expired", body=body,
                                    data=data, mentions=(h.proposer,))
        if dm is not None:
            await bot.safe_notice(dm, kind="handover.expired", body=(
                f"Het voorstel voor casus {h.case_id} is verlopen.\n\nThe proposal for case "
                f"{h.case_id} has expired."), data=data)

    async def start(self) -> None:
        """Pick up proposals that fell due while the bot was down."""
        open_ = await asyncio.to_thread(self.repo.open_all)
        self.next_due = next_deadline(open_)


def _nothing_for(case_id: str) -> NoOpenHandover:
    return NoOpenHandover(
        f"Er staat geen voorstel tot overdracht van casus {case_id} aan u open. "
        "Controleer het casusnummer in het bericht met het voorstel.",
        f"There is no handover proposal of case {case_id} addressed to you. Check the case "
        "id in the message with the proposal.",
    )

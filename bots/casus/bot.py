"""The casus bot: case rooms, consent scopes, invitations, reconciliation.

Commands (Dutch; English aliases answer in English):

    !casus nieuw [label]          open a case room; you become the regie
    !toestemming                  show the case's consent scope
    !toestemming geef ...         give a grant (regie only)
    !toestemming sjabloon <id>    apply a consent template (regie only)
    !toestemming intrekken <grant-id|organisatie>   withdraw (regie only)
    !uitnodigen @user             invite someone the scope covers (regie only)
    !help

Handovers, the regie and break-glass live in their own modules, bound next to these:
``handover.py`` (!overdracht, !accepteer, !weiger, !regie; reminders and expiry),
``breakglass.py`` (!noodtoegang), ``casefile.py`` (!status, !casus sluiten).

The store is the bot's truth; room state mirrors it for the homeserver gate. Both
the bot and the gate decide with :func:`busbaan.consent.decide`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import nio
from sqlalchemy.engine import Engine

from bots.casus.breakglass import BreakGlassDesk
from bots.casus.casefile import CaseFileDesk
from bots.casus.citizen import CitizenDesk
from bots.casus.handover import HandoverDesk
from bots.casus.parse import GRANT_USAGE_EN, GRANT_USAGE_NL, parse_grant, parse_user
from bots.casus.records import audit_items
from busbaan.audit.entry import AuditEntry
from busbaan.clock import Clock
from busbaan.consent import (
    Access,
    Action,
    CaseScope,
    Decision,
    Grant,
    Professional,
    check_grant_lawful,
    check_grant_period,
    decide,
)
from busbaan.consent.state import (
    ACCESS_EVENT,
    CASE_EVENT,
    CONSENT_EVENT,
    access_content,
    access_state_key,
    case_content,
    grant_content,
)
from busbaan.directory import Directory
from busbaan.errors import Forbidden, NotFound, PersonalData, Unlawful, UsageError
from busbaan.handover import CaseClosed, Handover, Lead, Record
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.matrix.reply import esc, notice_content
from busbaan.matrix.rooms import REGIE_LEVEL, case_room_request, server_acl
from busbaan.matrix.runner import BotRunner
from busbaan.policy import Policy
from busbaan.privacy import find_personal_data
from busbaan.records import AuditWriter, decision_entry
from busbaan.store.models import CaseRow
from busbaan.store.repositories import (
    CaseRepository,
    DirectoryRepository,
    HandoverRepository,
    new_id,
)

log = get_logger("busbaan.casus")

#: At most this many seconds between a reply and its follow-ups (room state, notices).
FOLLOWUP_WAIT = 1.0


def t(lang: str, nl: str, en: str) -> str:
    return en if lang == "en" else nl


@dataclass(frozen=True, slots=True)
class Removal:
    case_id: str
    room_id: str
    user_id: str
    decision: Decision


class CasusBot:
    name = "casus"

    def __init__(self, runner: BotRunner, *, policy: Policy, engine: Engine, clock: Clock,
                 audit: AuditWriter, reconcile_seconds: float = 1.0,
                 directory_refresh_seconds: float = 5.0) -> None:
        self.runner = runner
        self.engine = engine
        self.policy = policy
        self.clock = clock
        self.audit = audit
        self.cases = CaseRepository(engine)
        self._directory_repo = DirectoryRepository(engine)
        self._directory = Directory.of(policy, [])
        self._directory_loaded = 0.0
        self._directory_refresh = directory_refresh_seconds
        self._reconcile_seconds = reconcile_seconds
        self.scopes: dict[str, CaseScope] = {}  # room_id -> scope (from the store)
        self.lock = asyncio.Lock()  # one change to cases at a time
        self._task: asyncio.Task[None] | None = None
        # Matrix work that follows a reply (room state, notices), in order, owned here.
        self._followups: asyncio.Queue[tuple[str, Callable[[], Awaitable[None]]]] = (
            asyncio.Queue())
        self._followup_task: asyncio.Task[None] | None = None
        self.removals: list[Removal] = []
        self._accesses = HandoverRepository(engine)
        self._room_locks: dict[str, asyncio.Lock] = {}
        self._hold: dict[str, float] = {}  # room_id -> loop time until which nobody is removed
        self._dirty: set[str] = set()  # rooms whose lead state must be written again
        self._dms: dict[str, str] = {}  # user_id -> direct room with the bot
        self._written: dict[tuple[str, str, str], dict[str, Any]] = {}  # last state we set
        self.handover = HandoverDesk(self)
        self.breakglass = BreakGlassDesk(self)
        self.casefile = CaseFileDesk(self)
        self.citizen = CitizenDesk(self)  # !burgerlink, !toestemming voorstel (issue 10)
        for owner in (self, self.handover, self.breakglass, self.casefile, self.citizen):
            runner.dispatcher.bind(owner)
        runner.member_hooks.append(self._on_member)

    @property
    def user_id(self) -> str:
        return self.runner.user_id

    @property
    def directory(self) -> Directory:
        """The bot's current copy of the directory (see :meth:`refresh_directory`)."""
        return self._directory

    t = staticmethod(t)

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        await self.refresh_directory(force=True)
        for row in await asyncio.to_thread(self.cases.open_cases):
            if row.room_id:
                self.scopes[row.room_id] = await self.scope_of(row)
        await self.handover.start()
        self._task = asyncio.create_task(self._reconcile_loop(), name="casus-reconcile")
        self._followup_task = asyncio.create_task(self._followup_loop(), name="casus-followups")
        log.info("casus.started", cases=len(self.scopes))

    async def stop(self) -> None:
        for task in (self._task, self._followup_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._task = self._followup_task = None
        self.runner.dispatcher.unbind()

    def after_reply(self, name: str, step: Callable[[], Awaitable[None]]) -> None:
        """Run ``step`` after the current command's reply, in order with the other
        follow-ups: room state that mirrors the store, notices. The store and the bot's
        scope are already changed; a failing step is logged (room state is retried by
        the loop through :meth:`sync_state`)."""
        self._followups.put_nowait((name, step))

    async def settle(self) -> None:
        """Wait until every follow-up queued so far has run (tests, shutdown)."""
        await self._followups.join()

    async def _followup_loop(self) -> None:
        while True:
            name, step = await self._followups.get()
            try:
                # After the reply: the runner marks a command handled once its reply is
                # sent. Waiting keeps state events from queueing in front of the reply
                # in the homeserver; a busy bot waits at most FOLLOWUP_WAIT seconds.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.runner.drain(), FOLLOWUP_WAIT)
                await step()
            except Exception:
                log.exception("casus.followup_failed", step=name)
            finally:
                self._followups.task_done()

    async def refresh_directory(self, force: bool = False,
                                need: Sequence[str] = ()) -> Directory:
        """The directory, re-read every few seconds, or at once when someone in
        ``need`` is missing (a professional just added must not be refused or,
        worse, removed because the bot's copy is a few seconds old)."""
        now = asyncio.get_running_loop().time()
        missing = any(self._directory(u) is None for u in need)
        if (force or now - self._directory_loaded > self._directory_refresh
                or (missing and now - self._directory_loaded > 0.2)):
            entries = await asyncio.to_thread(self._directory_repo.all)
            self._directory = Directory.of(self.policy, entries)
            self._directory_loaded = now
        return self._directory

    async def scope_of(self, row: CaseRow) -> CaseScope:
        grants = await asyncio.to_thread(self.cases.grants, row.case_id)
        accesses = await asyncio.to_thread(self._accesses.accesses, row.case_id)
        return CaseScope(case_id=row.case_id, room_id=row.room_id or "",
                         home_organisation=row.home_organisation, regie=row.regie,
                         grants=tuple(grants), accesses=tuple(accesses),
                         closed=row.status == "closed")

    async def _record(self, entries: Sequence[AuditEntry]) -> None:
        await asyncio.to_thread(self.audit.write, entries)

    async def record(self, records: Sequence[Record],
                     before: Sequence[AuditEntry] = ()) -> None:
        """Write the handover core's records (after ``before``) in one append; free
        text goes into the case-encrypted details, never into the entry."""
        items = [*((e, None) for e in before),
                 *audit_items(records, bot_user_id=self.user_id, directory=self._directory,
                              now=self.clock.now())]
        if items:
            await asyncio.to_thread(self.audit.log().append_many, items)

    def entry(self, event_code: str, action: str, outcome: str, *, actor: str,
               case_id: str | None = None, subject: str | None = None,
               grant: Grant | None = None, reason_code: str | None = None,
               checks: dict[str, str] | None = None,
               details: dict[str, str] | None = None) -> AuditEntry:
        who = self._directory(actor)
        return AuditEntry(
            event_code=event_code, action=action, occurred_at=self.clock.now(),
            outcome=outcome, source="casus-bot", user_id=actor,
            user_role=who.role if who else None,
            organisation=who.organisation if who else None, case_id=case_id,
            subject_user=subject,
            data_categories=grant.categories if grant else (),
            legal_bases=grant.legal_bases if grant else (),
            grant_id=grant.grant_id if grant else None, reason_code=reason_code,
            checks=checks or {}, details=details or {},
        )

    # -- helpers ------------------------------------------------------------------------

    async def case_for(self, ctx: CommandContext) -> tuple[CaseRow, CaseScope]:
        row = await asyncio.to_thread(self.cases.by_room, ctx.room_id)
        if row is not None and row.status == "closed":
            raise CaseClosed(f"Casus {row.case_id} is gesloten; er kan niets meer gebeuren.",
                             f"Case {row.case_id} is closed; nothing can be done any more.")
        if row is None or row.status != "open":
            raise UsageError(
                "Dit commando werkt alleen in een casuskamer. Open er een met !casus nieuw "
                "(in een direct gesprek met mij).",
                "This command only works in a case room. Open one with !case new (in a "
                "direct chat with me).",
            )
        scope = self.scopes.get(ctx.room_id) or await self.scope_of(row)
        self.scopes[ctx.room_id] = scope
        return row, scope

    def _require_regie(self, ctx: CommandContext, scope: CaseScope) -> None:
        if ctx.sender != scope.regie:
            raise Forbidden(
                f"Alleen de regie ({scope.regie}) kan dit doen in casus {scope.case_id}.",
                f"Only the lead professional ({scope.regie}) can do this in case "
                f"{scope.case_id}.",
                errcode="BB_NOT_REGIE",
            )

    async def _professional(self, user_id: str, lang: str) -> Professional:
        directory = await self.refresh_directory(need=[user_id])
        who = directory(user_id)
        if who is None:
            raise Forbidden(
                f"{user_id} staat niet in de gids van busbaan (organisatie en rol onbekend). "
                "Vraag de beheerder om opname in de gids.",
                f"{user_id} is not in busbaan's directory (organisation and role unknown). "
                "Ask the administrator to add them.",
                errcode="BB_NOT_IN_DIRECTORY",
            )
        return who

    def _acl_servers(self, scope: CaseScope) -> set[str]:
        now = self.clock.now()
        servers = {self.user_id.partition(":")[2], scope.regie.partition(":")[2]}
        orgs = {scope.home_organisation} | {g.organisation for g in scope.grants
                                            if g.active_at(now)}
        for org_id in orgs:
            org = self.policy.organisation(org_id)
            if org is not None:
                servers.update(org.homeservers)
        for who in self._directory.entries.values():
            if who.organisation in orgs:
                servers.add(who.user_id.partition(":")[2])
        servers.update(a.user_id.partition(":")[2] for a in scope.accesses if now < a.until)
        return servers

    async def put_state(self, room_id: str, event_type: str, content: dict[str, Any],
                         state_key: str = "") -> None:
        check(await self.runner.client.room_put_state(room_id, event_type, content, state_key),
              f"state {event_type}")
        self._written[(room_id, event_type, state_key)] = content

    # -- the lead of a case (handovers) -------------------------------------------------

    async def move_regie(self, scope: CaseScope, handover: Handover, lead: Lead,
                         sideline: Access) -> CaseScope:
        """Carry out an accepted handover in the store (one transaction) and the bot's
        scope, and queue the room state after the reply: the previous regie's sideline
        access first, so the gate never sees them uncovered, then ``nl.busbaan.case``,
        power levels, the ACL, and an invitation for the new regie when they are not in
        the room. Until then the gate decides on the scope as it was a moment ago."""
        async with self.lock:
            await asyncio.to_thread(self._accesses.accept, handover, lead, sideline,
                                    access_id=new_id("A"))
            current = self.scopes.get(scope.room_id, scope)
            kept = tuple(a for a in current.accesses if not (
                a.kind == "sideline" and a.user_id in (lead.regie, sideline.user_id)))
            scope = replace(current, regie=lead.regie, home_organisation=lead.organisation,
                            accesses=(*kept, sideline))
            self.scopes[scope.room_id] = scope
        room_id = scope.room_id

        async def mirror() -> None:
            await self.sync_state(room_id)
            if not self.is_member(room_id, lead.regie):
                try:
                    check(await self.runner.client.room_invite(room_id, lead.regie), "invite")
                except MatrixError as exc:
                    log.warning("casus.invite_failed", case_id=lead.case_id, status=exc.status)
            await self.reconcile_room(room_id)

        self.after_reply("lead_state", mirror)
        return scope

    def is_member(self, room_id: str, user_id: str) -> bool:
        """Joined or invited, as far as the bot's sync knows."""
        room = self.runner.client.rooms.get(room_id)
        return room is not None and (user_id in room.users or user_id in room.invited_users)

    async def sync_state(self, room_id: str) -> None:
        """Write the lead's room state from the store and the scope (idempotent): every
        access, ``nl.busbaan.case``, power levels (the regie alone at the regie level),
        the server ACL. A failure marks the room for another try by the loop."""
        scope = self.scopes.get(room_id)
        row = await asyncio.to_thread(self.cases.by_room, room_id)
        if scope is None or row is None:
            return
        latest: dict[str, Access] = {}
        for access in scope.accesses:  # one state key per user: the longest access
            if access.user_id not in latest or access.until > latest[access.user_id].until:
                latest[access.user_id] = access
        try:
            for access in latest.values():
                await self._put_changed(room_id, ACCESS_EVENT, access_content(access),
                                        access_state_key(access.user_id))
            since = row.regie_since.replace(tzinfo=dt.UTC) if row.regie_since.tzinfo is None \
                else row.regie_since
            await self._put_changed(room_id, CASE_EVENT, case_content(
                row.case_id, row.home_organisation, row.regie, regie_since=since,
                closed=row.status == "closed", policy_version=self.policy.version))
            cached = self._written.get((room_id, "m.room.power_levels", ""))
            if cached is None:
                current = await self.runner.client.room_get_state_event(room_id,
                                                                        "m.room.power_levels")
                cached = dict(getattr(current, "content", {}) or {})
            levels = dict(cached)
            users = {u: lvl for u, lvl in dict(levels.get("users", {})).items()
                     if lvl != REGIE_LEVEL}
            users[row.regie] = REGIE_LEVEL
            if levels and levels.get("users") != users:
                levels["users"] = users
                await self.put_state(room_id, "m.room.power_levels", levels)
            self._dirty.discard(room_id)
        except MatrixError as exc:
            self._dirty.add(room_id)
            log.warning("casus.state_sync_failed", case_id=row.case_id, status=exc.status)
            return
        await self.update_acl(scope)

    async def _put_changed(self, room_id: str, event_type: str, content: dict[str, Any],
                           state_key: str = "") -> None:
        """``put_state``, skipped when this process last wrote the same content there."""
        key = (room_id, event_type, state_key)
        if self._written.get(key) == content:
            return
        await self.put_state(room_id, event_type, content, state_key)

    def mark_dirty(self, room_id: str) -> None:
        self._dirty.add(room_id)

    def hold_removals(self, room_id: str, seconds: float) -> None:
        """Remove nobody from ``room_id`` for ``seconds`` (so a closing reply is read)."""
        self._hold[room_id] = asyncio.get_running_loop().time() + seconds

    # -- telling people ------------------------------------------------------------------

    async def safe_notice(self, room_id: str, *, kind: str, body: str,
                          data: dict[str, Any] | None = None,
                          mentions: tuple[str, ...] = ()) -> str | None:
        """A notice that answers no command; a failure is logged, not raised."""
        try:
            return await self.runner.notice(room_id, kind=kind, body=body, data=data,
                                            mentions=mentions)
        except MatrixError as exc:
            log.warning("casus.notice_failed", kind=kind, status=exc.status)
            return None

    async def thread_notice(self, room_id: str, root: str | None, *, kind: str, body: str,
                            data: dict[str, Any] | None = None,
                            mentions: tuple[str, ...] = ()) -> str | None:
        """A notice in the thread on ``root`` (a handover proposal), so the whole
        conversation about it stays together in Element."""
        content = notice_content(kind=kind, body=body, data=data, mentions=mentions)
        if root:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": root,
                                       "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": root}}
        try:
            return await self.runner.send(room_id, content)
        except MatrixError as exc:
            log.warning("casus.notice_failed", kind=kind, status=exc.status)
            return None

    async def direct_room(self, user_id: str) -> str:
        """A direct room with ``user_id``: one the bot already shares with them alone
        (not a case room), or a new one to which they are invited."""
        known = self._dms.get(user_id)
        client = self.runner.client
        if known is not None:  # also before the next sync has shown the new room
            return known
        case_rooms = set(self.scopes)
        for room in client.rooms.values():
            if room.room_id in case_rooms:
                continue
            people = (set(room.users) | set(room.invited_users)) - {self.user_id}
            if people == {user_id}:
                row = await asyncio.to_thread(self.cases.by_room, room.room_id)
                if row is None:
                    self._dms[user_id] = str(room.room_id)
                    return str(room.room_id)
        created = check(await client.room_create(is_direct=True, invite=[user_id],
                                                 preset=nio.RoomPreset.trusted_private_chat),
                        "createRoom")
        self._dms[user_id] = created.room_id
        return str(created.room_id)

    # -- commands ----------------------------------------------------------------------

    @command("help", en=["help"], aliases=["hulp"], summary="Deze uitleg.",
             summary_en="This help.")
    async def cmd_help(self, ctx: CommandContext) -> Reply:
        lines = [t(ctx.lang, "Commando's van de casus-bot:", "Commands of the casus bot:")]
        html = [f"<p><b>{esc(lines[0])}</b></p><ul>"]
        for spec in self.runner.dispatcher.specs:
            usage = spec.usage_en if ctx.lang == "en" else spec.usage_nl
            summary = spec.summary_en if ctx.lang == "en" else spec.summary_nl
            lines.append(f"  {usage} — {summary}")
            html.append(f"<li><code>{esc(usage)}</code> — {esc(summary)}</li>")
        html.append("</ul>")
        return Reply("\n".join(lines), "".join(html),
                     data={"commands": [s.name for s in self.runner.dispatcher.specs]})

    @command("casus nieuw", en=["case new"], usage="!casus nieuw [label]",
             usage_en="!case new [label]",
             summary="Open een casuskamer; u wordt de regie.",
             summary_en="Open a case room; you become the lead professional.")
    async def cmd_new_case(self, ctx: CommandContext) -> Reply:
        label = ctx.args.strip()
        if len(label) > 80:
            raise UsageError("Het label is te lang (hooguit 80 tekens).",
                             "The label is too long (at most 80 characters).")
        findings = find_personal_data(label)
        if findings:
            kinds_nl = ", ".join(f.nl for f in findings)
            kinds_en = ", ".join(f.en for f in findings)
            raise PersonalData(
                f"Het label lijkt {kinds_nl} te bevatten. Zet nooit een BSN, naam, adres of "
                "geboortedatum in een label; er is niets aangemaakt. Kies een neutraal label, "
                "bijvoorbeeld 'schulden en huur'.",
                f"The label seems to contain {kinds_en}. Never put a BSN, name, address or "
                "birth date in a label; nothing was created. Choose a neutral label, for "
                "example 'debts and rent'.",
                data={"kinds": [f.kind for f in findings]},
            )
        who = await self._professional(ctx.sender, ctx.lang)
        now = self.clock.now()
        async with self.lock:
            row = await asyncio.to_thread(self.cases.create, home_organisation=who.organisation,
                                          regie=ctx.sender, label=label, now=now)
            scope = CaseScope(case_id=row.case_id, room_id="", home_organisation=who.organisation,
                              regie=ctx.sender)
            request = case_room_request(
                case_id=row.case_id, regie=ctx.sender,
                case_state=case_content(row.case_id, who.organisation, ctx.sender,
                                        regie_since=now, policy_version=self.policy.version),
                acl_servers=self._acl_servers(scope),
            )
            try:
                created = check(await self.runner.client.room_create(**request), "createRoom")
                await asyncio.to_thread(self.cases.attach_room, row.case_id, created.room_id)
            except BaseException:
                await asyncio.to_thread(self.cases.discard, row.case_id)
                raise
            self.scopes[created.room_id] = replace(scope, room_id=created.room_id)
        self.after_reply("panel_widget",  # the case panel in Element (issue 10)
                         lambda: self.citizen.add_panel(created.room_id, row.case_id))
        await self._record([self.entry("case.created", "C", "done", actor=ctx.sender,
                                        case_id=row.case_id,
                                        details={"room_id": created.room_id,
                                                 "policy_version": self.policy.version})])
        body = t(ctx.lang,
                 f"Casus {row.case_id} is geopend; u bent de regie. Ik heb u uitgenodigd in de "
                 f"casuskamer. De toestemming omvat nu alleen {who.organisation}; voeg andere "
                 "organisaties toe met !toestemming geef.",
                 f"Case {row.case_id} is open; you are the lead professional. I invited you to "
                 f"the case room. The consent scope covers only {who.organisation} for now; "
                 "add other organisations with !consent give.")
        html = (f"<p>{esc(body)}</p><p><a href=\"https://matrix.to/#/{created.room_id}\">"
                f"Casus {row.case_id}</a></p>")
        return Reply(body, html, data={"case_id": row.case_id, "room_id": created.room_id,
                                       "regie": ctx.sender,
                                       "home_organisation": who.organisation})

    @command("toestemming", en=["consent"], usage="!toestemming", usage_en="!consent",
             summary="Toon de toestemming (scope) van deze casus.",
             summary_en="Show this case's consent scope.")
    async def cmd_show_scope(self, ctx: CommandContext) -> Reply:
        _, scope = await self.case_for(ctx)
        now = self.clock.now()
        lang = ctx.lang
        lines = [t(lang, f"Casus {scope.case_id} — regie: {scope.regie}",
                   f"Case {scope.case_id} — lead professional: {scope.regie}"),
                 t(lang, f"Altijd toegelaten: {scope.home_organisation} (organisatie van de regie)",
                   f"Always admitted: {scope.home_organisation} (the lead's organisation)")]
        grants_data = []
        for g in scope.grants:
            status = g.status(now)
            status_nl = {"active": "actief", "withdrawn": "ingetrokken", "expired": "verlopen",
                         "pending": "nog niet ingegaan"}[status]
            roles = f" ({', '.join(g.roles)})" if g.roles else ""
            lines.append(
                f"• {g.grant_id}: {g.organisation}{roles} — {', '.join(g.categories)} — "
                f"{t(lang, 'grondslag', 'basis')} {', '.join(g.legal_bases)} — "
                f"{t(lang, 'tot', 'until')} {g.valid_until.date().isoformat()} — "
                f"{t(lang, status_nl, status)}")
            grants_data.append({"grant_id": g.grant_id, "organisation": g.organisation,
                                "roles": list(g.roles), "categories": list(g.categories),
                                "legal_bases": list(g.legal_bases),
                                "valid_until": g.valid_until.date().isoformat(),
                                "status": status})
        if not scope.grants:
            lines.append(t(lang, "Nog geen toestemmingen voor andere organisaties.",
                           "No grants for other organisations yet."))
        body = "\n".join(lines)
        return Reply(body, data={"case_id": scope.case_id, "regie": scope.regie,
                                 "home_organisation": scope.home_organisation,
                                 "grants": grants_data})

    @command("toestemming geef", en=["consent give"], usage=GRANT_USAGE_NL,
             usage_en=GRANT_USAGE_EN,
             summary="Geef een organisatie toegang tot deze casus (regie).",
             summary_en="Admit an organisation to this case (lead only).")
    async def cmd_grant(self, ctx: CommandContext) -> Reply:
        row, scope = await self.case_for(ctx)
        self._require_regie(ctx, scope)
        req = parse_grant(ctx.args)
        now = self.clock.now()
        until = (dt.datetime.combine(req.until, dt.time(23, 59, 59), dt.UTC) if req.until
                 else now + dt.timedelta(days=self.policy.limits.consent_default_days))
        grant = Grant(grant_id=new_id("G"), organisation=req.organisation,
                      categories=req.categories, legal_bases=req.legal_bases, roles=req.roles,
                      valid_from=now, valid_until=until, given_by=ctx.sender)
        await self._give(ctx, row, scope, [grant])
        return self._granted_reply(ctx, scope, [grant])

    @command("toestemming sjabloon", en=["consent template"],
             usage="!toestemming sjabloon <sjabloon>", usage_en="!consent template <template>",
             summary="Pas een toestemmingssjabloon toe (regie).",
             summary_en="Apply a consent template (lead only).")
    async def cmd_template(self, ctx: CommandContext) -> Reply:
        row, scope = await self.case_for(ctx)
        self._require_regie(ctx, scope)
        template_id = ctx.args.strip().lower()
        template = self.policy.template(template_id)
        if template is None:
            known = ", ".join(f"{x.id} ({x.name})" for x in self.policy.templates)
            raise NotFound(f"Onbekend sjabloon '{template_id}'. Kies uit: {known}.",
                           f"Unknown template '{template_id}'. Choose from: {known}.")
        now = self.clock.now()
        until = now + dt.timedelta(days=template.duration_days)
        grants = [Grant(grant_id=new_id("G"), organisation=g.organisation,
                        categories=g.categories, legal_bases=g.legal_bases, roles=g.roles,
                        valid_from=now, valid_until=until, given_by=ctx.sender,
                        template=template.id)
                  for g in template.grants]
        await self._give(ctx, row, scope, grants)
        return self._granted_reply(ctx, scope, grants)

    def _granted_reply(self, ctx: CommandContext, scope: CaseScope,
                       grants: Sequence[Grant]) -> Reply:
        lines = [t(ctx.lang, "Toestemming gegeven:", "Consent given:")]
        for g in grants:
            lines.append(f"• {g.grant_id}: {g.organisation} — {', '.join(g.categories)} — "
                         f"{', '.join(g.legal_bases)} — "
                         f"{t(ctx.lang, 'tot', 'until')} {g.valid_until.date().isoformat()}")
        return Reply("\n".join(lines), data={
            "case_id": scope.case_id,
            "grants": [{"grant_id": g.grant_id, "organisation": g.organisation,
                        "roles": list(g.roles), "categories": list(g.categories),
                        "legal_bases": list(g.legal_bases),
                        "valid_until": g.valid_until.date().isoformat()} for g in grants]})

    async def _give(self, ctx: CommandContext, row: CaseRow, scope: CaseScope,
                    grants: Sequence[Grant]) -> None:
        problems = []
        for g in grants:
            problems += check_grant_lawful(self.policy, g.organisation, g.categories,
                                           g.legal_bases, g.roles)
            problems += check_grant_period(self.policy, g.valid_from, g.valid_until)
        if not problems:  # only the citizen gives again what the citizen withdrew
            await self.citizen.check_regrant(scope, list(grants))
        if problems:
            await self._record([self.entry(
                "consent.grant_refused", "C", "refused", actor=ctx.sender, case_id=scope.case_id,
                reason_code=problems[0].rule, details={"rules": ",".join(p.rule for p in problems)},
            )])
            raise Unlawful(
                "Deze toestemming kan niet worden gegeven; er is niets vastgelegd:\n"
                + "\n".join(f"• {p.nl}" for p in problems),
                "This consent cannot be given; nothing was recorded:\n"
                + "\n".join(f"• {p.en}" for p in problems),
                data={"rules": [p.rule for p in problems]},
            )
        async with self.lock:
            await asyncio.to_thread(self.cases.add_grants, scope.case_id, grants)
            put: list[Grant] = []
            try:
                for g in grants:
                    await self.put_state(ctx.room_id, CONSENT_EVENT, grant_content(g), g.grant_id)
                    put.append(g)
            except MatrixError:
                # Nothing half-written: withdraw what reached the room, forget the rest.
                now = self.clock.now()
                for g in put:
                    await self.put_state(ctx.room_id, CONSENT_EVENT,
                                          grant_content(replace(g, withdrawn_at=now)), g.grant_id)
                await asyncio.to_thread(self.cases.remove_grants, [g.grant_id for g in grants])
                raise
            scope = replace(scope, grants=scope.grants + tuple(grants))
            self.scopes[ctx.room_id] = scope
        await self.update_acl(scope)
        await self._record([self.entry("consent.granted", "C", "done", actor=ctx.sender,
                                        case_id=scope.case_id, grant=g,
                                        details={"organisation": g.organisation,
                                                 "valid_until": g.valid_until.date().isoformat(),
                                                 **({"template": g.template} if g.template
                                                    else {})})
                            for g in grants])

    async def update_acl(self, scope: CaseScope) -> None:
        try:
            await self._put_changed(scope.room_id, "m.room.server_acl",
                                    server_acl(self._acl_servers(scope)))
        except MatrixError:
            log.warning("casus.acl_update_failed", case_id=scope.case_id)

    @command("toestemming intrekken", en=["consent withdraw"],
             usage="!toestemming intrekken <grant-id|organisatie>",
             usage_en="!consent withdraw <grant-id|organisation>",
             summary="Trek een toestemming in (regie); wie erbuiten valt, gaat de kamer uit.",
             summary_en="Withdraw a grant (lead only); whoever falls outside leaves the room.")
    async def cmd_withdraw(self, ctx: CommandContext) -> Reply:
        _, scope = await self.case_for(ctx)
        self._require_regie(ctx, scope)
        target = ctx.args.strip()
        if not target:
            raise UsageError("Noem de toestemming (G-...) of de organisatie.",
                             "Name the grant (G-...) or the organisation.")
        now = self.clock.now()
        matching = [g for g in scope.grants if g.active_at(now) or g.status(now) == "pending"]
        chosen = [g for g in matching
                  if g.grant_id.lower() == target.lower() or g.organisation == target.lower()]
        if not chosen:
            active = ", ".join(f"{g.grant_id} ({g.organisation})" for g in matching) or "—"
            raise NotFound(
                f"Geen lopende toestemming '{target}' in deze casus. Lopend: {active}.",
                f"No running grant '{target}' in this case. Running: {active}.",
            )
        removed = await self.withdraw(scope.room_id, [g.grant_id for g in chosen],
                                      by=ctx.sender, channel="matrix")
        ids = ", ".join(g.grant_id for g in chosen)
        body = t(ctx.lang, f"Toestemming ingetrokken: {ids}.", f"Consent withdrawn: {ids}.")
        if removed:
            who = ", ".join(r.user_id for r in removed)
            body += t(ctx.lang, f" Uit de kamer gehaald: {who}.", f" Removed from the room: {who}.")
        return Reply(body, data={"case_id": scope.case_id,
                                 "withdrawn": [g.grant_id for g in chosen],
                                 "removed": [r.user_id for r in removed]})

    async def withdraw(self, room_id: str, grant_ids: Sequence[str], *, by: str,
                       channel: str) -> list[Removal]:
        """Withdraw grants (from a command, or the citizen's page) and remove at once
        whoever falls outside the scope. Returns who was removed."""
        mark = len(self.removals)
        now = self.clock.now()
        async with self.lock:
            scope = self.scopes[room_id]
            updated = await asyncio.to_thread(self.cases.withdraw, grant_ids, by=by, now=now,
                                              channel=channel)
            by_id = {g.grant_id: g for g in updated}
            scope = replace(scope, grants=tuple(by_id.get(g.grant_id, g) for g in scope.grants))
            self.scopes[room_id] = scope
        await self._record([self.entry("consent.withdrawn", "U", "done", actor=by,
                                        case_id=scope.case_id, grant=g,
                                        details={"channel": channel,
                                                 "organisation": g.organisation})
                            for g in updated])
        await self.reconcile_room(room_id)
        # Whoever removed them (this call or the loop, a moment earlier), report them.
        removed = [r for r in self.removals[mark:] if r.room_id == room_id]
        for g in updated:
            try:
                await self.put_state(room_id, CONSENT_EVENT, grant_content(g), g.grant_id)
            except MatrixError:
                log.warning("casus.state_put_failed", case_id=scope.case_id, grant_id=g.grant_id)
        await self.update_acl(scope)
        return removed

    @command("uitnodigen", en=["invite"], usage="!uitnodigen @gebruiker:server",
             usage_en="!invite @user:server",
             summary="Nodig iemand uit die binnen de toestemming valt (regie).",
             summary_en="Invite someone the consent scope covers (lead only).")
    async def cmd_invite(self, ctx: CommandContext) -> Reply:
        _, scope = await self.case_for(ctx)
        user_id = parse_user(ctx.args)
        directory = await self.refresh_directory(need=[user_id])
        decision = decide(self.policy, scope, directory, Action.INVITE, actor=ctx.sender,
                          subject=user_id, now=self.clock.now(), bot_user_id=self.user_id)
        await self._record([decision_entry(decision, action="invite", actor=ctx.sender,
                                           subject=user_id, case_id=scope.case_id,
                                           source="casus-bot", now=self.clock.now(),
                                           details={"room_id": scope.room_id})])
        if not decision.allowed:
            return Reply(decision.reason(ctx.lang), ok=False,
                         errcode="BB_" + decision.code.split(".", 1)[1].upper(),
                         data={"code": decision.code, "user_id": user_id})
        room = self.runner.client.rooms.get(ctx.room_id)
        if room is not None and user_id in room.users:
            return Reply(t(ctx.lang, f"{user_id} is al lid van deze kamer.",
                           f"{user_id} is already a member of this room."),
                         data={"user_id": user_id, "already_member": True})
        check(await self.runner.client.room_invite(ctx.room_id, user_id), "invite")
        return Reply(t(ctx.lang, f"{user_id} is uitgenodigd. {decision.nl}",
                       f"{user_id} has been invited. {decision.en}"),
                     data={"user_id": user_id, "code": decision.code,
                           "grant_id": decision.grant_id})

    # -- reconciliation ------------------------------------------------------------------

    async def _on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        if room.room_id in self.scopes and event.membership in ("join", "invite"):
            await self.reconcile_room(room.room_id)

    async def _still_member(self, room_id: str, user_id: str) -> bool:
        """Whether the server still has ``user_id`` joined or invited in the room."""
        resp = await self.runner.client.room_get_state_event(room_id, "m.room.member",
                                                             user_id)
        content = getattr(resp, "content", None)
        if not isinstance(content, dict):
            return True  # cannot tell: keep trying to remove (fail closed)
        return content.get("membership") in ("join", "invite")

    async def reconcile_room(self, room_id: str) -> list[Removal]:
        """Remove every member or invitee the scope no longer covers; record each. One
        reconciliation per room at a time (the loop, a member event and a command may
        ask at once); each removal is done and recorded once."""
        lock = self._room_locks.setdefault(room_id, asyncio.Lock())
        async with lock:
            return await self._reconcile_room(room_id)

    async def _reconcile_room(self, room_id: str) -> list[Removal]:
        scope = self.scopes.get(room_id)
        room = self.runner.client.rooms.get(room_id)
        if scope is None or room is None:
            return []
        held = self._hold.get(room_id)
        if held is not None:
            if asyncio.get_running_loop().time() < held:
                return []
            del self._hold[room_id]
        members = set(room.users) | set(room.invited_users)
        directory = await self.refresh_directory(need=sorted(members - {self.user_id}))
        now = self.clock.now()
        removals = []
        for user_id in sorted(members):
            if user_id == self.user_id:
                continue
            decision = decide(self.policy, scope, directory, Action.STAY, actor=self.user_id,
                              subject=user_id, now=now, bot_user_id=self.user_id)
            if decision.allowed:
                continue
            try:
                check(await self.runner.client.room_kick(room_id, user_id,
                                                         reason=decision.nl), "kick")
            except MatrixError as exc:
                if not await self._still_member(room_id, user_id):
                    # Already gone (left, or removed a moment ago): our view was stale.
                    room.users.pop(user_id, None)
                    room.invited_users.pop(user_id, None)
                    continue
                log.warning("casus.remove_failed", case_id=scope.case_id, status=exc.status)
                continue
            room.users.pop(user_id, None)
            room.invited_users.pop(user_id, None)
            removal = Removal(scope.case_id, room_id, user_id, decision)
            removals.append(removal)
            self.removals.append(removal)
            log.info("membership.removed", case_id=scope.case_id, code=decision.code)
            subject = directory(user_id)
            incident = "case_closed" if scope.closed else "out_of_scope"
            await self._record([self.entry(
                "membership.removed", "D", "done", actor=self.user_id, case_id=scope.case_id,
                subject=user_id, reason_code=decision.code, checks=dict(decision.checks),
                details={"room_id": room_id, "incident": incident,
                         **({"subject_organisation": subject.organisation} if subject else {})},
            )])
            try:
                await self.runner.notice(
                    room_id, kind="membership.removed",
                    body=f"{user_id} is uit de kamer gehaald: {decision.nl}",
                    data={"user_id": user_id, "code": decision.code, "reason": decision.nl,
                          "reason_en": decision.en},
                )
            except MatrixError:
                log.warning("casus.notice_failed", case_id=scope.case_id)
        return removals

    async def tick(self) -> None:
        """The clock's work: remind and expire handovers, end accesses that ran out,
        write room state that failed before. Each part fails on its own."""
        for name, step in (("handover_sweep", self.handover.sweep),
                           ("access_end", self.breakglass.end_expired),
                           ("state_sync", self._sync_dirty)):
            try:
                await step()
            except Exception:
                log.exception("casus.tick_failed", step=name)

    async def _sync_dirty(self) -> None:
        for room_id in sorted(self._dirty):
            await self.sync_state(room_id)

    async def _reconcile_loop(self) -> None:
        while True:
            await asyncio.sleep(self._reconcile_seconds)
            await self.tick()
            for room_id in list(self.scopes):
                try:
                    await self.reconcile_room(room_id)
                except Exception:
                    log.exception("casus.reconcile_failed", room_id=room_id)


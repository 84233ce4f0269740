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
from dataclasses import dataclass
from typing import Any

import nio
from sqlalchemy.engine import Engine

from bots.casus.breakglass import BreakGlassDesk
from bots.casus.casefile import CaseFileDesk
from bots.casus.citizen import CitizenDesk
from bots.casus.guide import GuideDesk
from bots.casus.handover import HandoverDesk
from bots.casus.labels import LabelDesk, matrix_to
from bots.casus.parse import (
    GRANT_USAGE_EN,
    GRANT_USAGE_NL,
    check_unknown_user,
    parse_grant,
    parse_invitee,
)
from bots.casus.reconcile import Reconciler
from busbaan.cases import AuditMirror, CaseService, RoomStateMirror
from busbaan.cases.mirrors import CaseFacts, acl_servers
from busbaan.clock import Clock
from busbaan.consent import (
    Access,
    Action,
    CaseScope,
    Decision,
    Grant,
    Professional,
    decide,
    outside_scope,
)
from busbaan.consent.state import CASE_EVENT, case_content
from busbaan.directory import Directory
from busbaan.errors import BusbaanError, Forbidden, NotFound, Unavailable, UsageError
from busbaan.handover import CaseClosed, Handover, Lead, Record
from busbaan.log import get_logger
from busbaan.matrix.crypto import encryption_state, with_encryption
from busbaan.matrix.dispatch import CommandContext, Reply, command
from busbaan.matrix.errors import MatrixError, check
from busbaan.matrix.remote import remote_failure, server_of
from busbaan.matrix.reply import esc, notice_content
from busbaan.matrix.rooms import case_room_request
from busbaan.matrix.runner import BotRunner
from busbaan.policy import Policy
from busbaan.records import AuditWriter
from busbaan.store.inbox import DirectRooms
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


def _servers_by_organisation(directory: Directory) -> set[tuple[str, str]]:
    """(organisation, server) pairs of the directory: what the case rooms' ACLs use."""
    return {(p.organisation, p.user_id.partition(":")[2]) for p in directory.entries.values()}


class CasusBot:
    name = "casus"

    def __init__(self, runner: BotRunner, *, policy: Policy, engine: Engine, clock: Clock,
                 audit: AuditWriter, reconcile_seconds: float = 1.0,
                 directory_refresh_seconds: float = 5.0,
                 full_pass_seconds: float = 600.0, wayfinder: str | None = None) -> None:
        self.runner = runner
        #: the wegwijzer's Matrix ID when it runs alongside (named in the pointer)
        self.wayfinder = wayfinder
        self.engine = engine
        self.policy = policy
        self.clock = clock
        self.audit = audit
        self.cases = CaseRepository(engine)  # reads only; every write goes through service
        self.service = CaseService(engine, policy=policy, clock=clock)
        self.dms = DirectRooms(engine, self.name)
        self._directory_repo = DirectoryRepository(engine)
        self._directory = Directory.of(policy, [])
        self._directory_loaded = 0.0  # loop time of the last check
        self._directory_read = 0.0  # loop time of the last full read
        self._directory_version: tuple[int, str] | None = None
        self._acl_stale = False  # the directory moved an organisation's servers
        self._directory_refresh = directory_refresh_seconds
        self._reconcile_seconds = reconcile_seconds
        self._tasks: list[asyncio.Task[None]] = []
        self._removal_tasks: set[asyncio.Task[list[Removal]]] = set()  # after withdrawals
        # Matrix work that follows a reply (notices, invitations), in order, owned here.
        self._followups: asyncio.Queue[tuple[str, Callable[[], Awaitable[None]]]] = (
            asyncio.Queue())
        self.removals: list[Removal] = []
        self._accesses = HandoverRepository(engine)
        self._room_locks: dict[str, asyncio.Lock] = {}
        self._hold: dict[str, float] = {}  # room_id -> loop time until which nobody is removed
        self.state_mirror = RoomStateMirror(
            engine, policy=policy, writer=self._write_state, directory=lambda: self._directory,
            bot_user_id=runner.user_id, now=clock.now, before_write=self._after_replies)
        self.audit_mirror = AuditMirror(engine, audit.log(), bot_user_id=runner.user_id)
        self._audit_wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.service.on_commit.append(self.state_mirror.wake)
        self.service.on_commit.append(self._wake_audit)
        self.service.on_events.append(self.audit_mirror.remember)
        # Which rooms to reconcile when (issue 12: not every room every second).
        self.reconciler = Reconciler(self, tick_seconds=reconcile_seconds,
                                     full_pass_seconds=full_pass_seconds)
        self.service.on_commit.append(self.reconciler.mark_cases)
        self.handover = HandoverDesk(self)
        self.breakglass = BreakGlassDesk(self)
        self.casefile = CaseFileDesk(self)
        self.citizen = CitizenDesk(self)  # !burgerlink, !toestemming voorstel (issue 10)
        self.labels = LabelDesk(self)
        self.guide = GuideDesk(self)
        for owner in (self, self.handover, self.breakglass, self.casefile, self.citizen,
                      self.labels):
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
        self._loop = asyncio.get_running_loop()
        await self.refresh_directory(force=True)
        await self.handover.start()
        for name, loop in (("casus-reconcile", self.reconciler.run()),
                           ("casus-followups", self._followup_loop()),
                           ("casus-state-mirror", self.state_mirror.run()),
                           ("casus-audit-mirror", self._audit_loop())):
            self._tasks.append(asyncio.create_task(loop, name=name))
        scopes = await asyncio.to_thread(self.service.open_scopes)
        log.info("casus.started", cases=len(scopes))

    async def stop(self) -> None:
        for task in [*self._tasks, *self._removal_tasks]:
            task.cancel()
        for task in [*self._tasks, *self._removal_tasks]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.audit_mirror.drain)
        self.runner.dispatcher.unbind()

    def after_reply(self, name: str, step: Callable[[], Awaitable[None]]) -> None:
        """Run ``step`` after the current command's reply, in order with the other
        follow-ups (notices, invitations). The store is already changed; a failing step
        is logged."""
        self._followups.put_nowait((name, step))

    async def settle(self) -> None:
        """Wait until every follow-up queued so far has run and both mirrors hold
        (tests, benchmarks, ``!status``)."""
        await self._followups.join()
        await asyncio.to_thread(self.audit_mirror.drain)
        await self.state_mirror.pass_once()

    async def _after_replies(self) -> None:
        # The runner marks a command handled once its reply is sent. Waiting keeps
        # state events from queueing in front of the reply in the homeserver; a busy
        # bot waits at most FOLLOWUP_WAIT seconds.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.runner.drain(), FOLLOWUP_WAIT)

    async def _followup_loop(self) -> None:
        while True:
            name, step = await self._followups.get()
            try:
                await self._after_replies()
                await step()
            except Exception:
                log.exception("casus.followup_failed", step=name)
            finally:
                self._followups.task_done()

    # -- the audit mirror (one policy for every writer: docs/architecture.md) -------------

    def _wake_audit(self, _cases: object = ()) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._audit_wake.set)

    async def _audit_loop(self) -> None:
        """Append the outbox to the audit log, retrying with back-off while the log
        cannot be written (records are never dropped; the backlog is logged)."""
        delay = 0.25
        while True:
            try:
                await asyncio.to_thread(self.audit_mirror.drain)
                delay = 0.25
                timeout = 5.0
            except Exception as exc:
                backlog = await asyncio.to_thread(_safe_count, self.audit_mirror)
                log.warning("audit_mirror.append_failed", error=type(exc).__name__,
                            backlog=backlog, retry_in=delay)
                timeout, delay = delay, min(delay * 2, 30.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._audit_wake.wait(), timeout)
            self._audit_wake.clear()

    async def refresh_directory(self, force: bool = False,
                                need: Sequence[str] = ()) -> Directory:
        """The directory, checked every few seconds (re-read only when its version
        says it changed, and at least every minute), or at once when someone in
        ``need`` is missing (a professional just added must not be refused or,
        worse, removed because the bot's copy is a few seconds old). The rooms of
        everyone whose entry changed are reconciled at the next tick."""
        now = asyncio.get_running_loop().time()
        missing = any(self._directory(u) is None for u in need)
        if (force or now - self._directory_loaded > self._directory_refresh
                or (missing and now - self._directory_loaded > 0.2)):
            version = await asyncio.to_thread(self._directory_repo.version)
            self._directory_loaded = now
            if (not force and version == self._directory_version
                    and now - self._directory_read < 60.0):
                return self._directory
            entries = await asyncio.to_thread(self._directory_repo.all)
            before = _servers_by_organisation(self._directory)
            old = self._directory.entries
            self._directory = Directory.of(self.policy, entries)
            self._directory_read, self._directory_version = now, version
            new = self._directory.entries
            self.reconciler.mark_users(u for u in old.keys() | new.keys()
                                       if old.get(u) != new.get(u))
            if _servers_by_organisation(self._directory) != before:
                # A professional on a server new to their organisation: every case
                # room's ACL is derived from the directory too; the next tick writes
                # what changed (issue 11: federation).
                self._acl_stale = True
        return self._directory

    async def scope_of(self, row: CaseRow) -> CaseScope:
        """The case's scope, read from the store (no copy is kept between commands)."""
        scope = await asyncio.to_thread(self.service.scope, row.case_id)
        assert scope is not None
        return scope

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
        return row, await self.scope_of(row)

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

    async def _write_state(self, room_id: str, event_type: str, content: dict[str, Any],
                           state_key: str) -> None:
        """The room-state mirror's edge: one state event, as the bot."""
        check(await self.runner.client.room_put_state(room_id, event_type, content, state_key),
              f"state {event_type}")

    # -- the lead of a case (handovers) -------------------------------------------------

    async def move_regie(self, scope: CaseScope, handover: Handover, lead: Lead,
                         sideline: Access, records: Sequence[Record] = ()) -> CaseScope:
        """Carry out an accepted handover through the case service (one transaction);
        the room-state mirror then writes the previous regie's sideline access first,
        so the gate never sees them uncovered, then ``nl.busbaan.case``, power levels
        and the ACL. After the reply the new regie is invited when not in the room."""
        await asyncio.to_thread(self.service.accept_handover, handover, lead, sideline,
                                records)
        await self.state_mirror.settle_case(scope.case_id)
        room_id = scope.room_id
        after = await asyncio.to_thread(self.service.scope, scope.case_id)
        assert after is not None

        async def invite_and_reconcile() -> None:
            if not self.is_member(room_id, lead.regie):
                try:
                    check(await self.runner.client.room_invite(room_id, lead.regie), "invite")
                except MatrixError as exc:
                    log.warning("casus.invite_failed", case_id=lead.case_id, status=exc.status)
            await self.reconcile_room(room_id)

        self.after_reply("lead_state", invite_and_reconcile)
        return after

    def is_member(self, room_id: str, user_id: str) -> bool:
        """Joined or invited, as far as the bot's sync knows."""
        room = self.runner.client.rooms.get(room_id)
        return room is not None and (user_id in room.users or user_id in room.invited_users)

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
        """A direct room with ``user_id`` that the bot knows is private: one the bot
        created itself (remembered in the store) and that nobody else ever joined. A
        room someone else set up — even one with only the two of them — is never used:
        a planted "direct chat" must not receive another person's handover."""
        client = self.runner.client
        known = await asyncio.to_thread(self.dms.get, user_id)
        if known is not None:
            room = client.rooms.get(known)
            people = ((set(room.users) | set(room.invited_users)) - {self.user_id}
                      if room is not None else {user_id})
            if people <= {user_id}:
                return known
            log.warning("casus.dm_not_private")
        created = check(await client.room_create(
            is_direct=True, invite=[user_id], preset=nio.RoomPreset.trusted_private_chat,
            initial_state=[encryption_state()] if self.runner.encryption else []),
            "createRoom")
        await asyncio.to_thread(self.dms.remember, user_id, created.room_id)
        return str(created.room_id)

    async def _room_made_for(self, case_id: str) -> str | None:
        """The room a crashed run of ``!casus nieuw`` made for ``case_id``, if any: one
        of the bot's rooms that no case has yet, with ``nl.busbaan.case`` for this case,
        created by the bot and its case state sent by the bot. Asked only when a
        command is run again (one request per such room, at most two per match)."""
        client = self.runner.client
        joined = await client.joined_rooms()
        if not isinstance(joined, nio.JoinedRoomsResponse):
            raise Unavailable("De homeserver geeft mijn kamers nu niet; ik probeer het zo "
                              "opnieuw.", "The homeserver does not list my rooms now; I "
                              "will try again shortly.")
        cases = await asyncio.to_thread(self.service.scopes_by_rooms, list(joined.rooms))
        known = {c.room_id for c in cases}
        for room_id in joined.rooms:
            if room_id in known:
                continue
            st = await client.room_get_state_event(room_id, CASE_EVENT, "")
            if getattr(st, "content", {}).get("case_id") != case_id:
                continue
            full = await client.room_get_state(room_id)
            events = getattr(full, "events", [])
            senders = {(e.get("type"), e.get("state_key")): e.get("sender") for e in events}
            if (senders.get(("m.room.create", "")) == self.user_id
                    and senders.get((CASE_EVENT, "")) == self.user_id):
                return str(room_id)
        return None

    async def _abandon_room(self, room_id: str, regie: str) -> None:
        """Take back the regie's invitation and leave a room the store could not record
        (best effort: a failure is logged)."""
        client = self.runner.client
        try:
            await client.room_kick(room_id, regie, reason="Casus niet vastgelegd")
            await client.room_leave(room_id)
        except Exception:
            log.warning("casus.abandon_failed")

    # -- commands ----------------------------------------------------------------------

    @command("help", en=["help"], aliases=["hulp"], usage="!help [toestemming]",
             usage_en="!help [consent]", summary="Deze uitleg; !help toestemming: "
             "organisaties, categorieën, grondslagen en sjablonen.",
             summary_en="This help; !help consent: organisations, categories, legal bases "
             "and templates.")
    async def cmd_help(self, ctx: CommandContext) -> Reply:
        return await self.guide.help(ctx)  # bots/casus/guide.py

    @command("casus nieuw", en=["case new"], usage="!casus nieuw [label]",
             usage_en="!case new [label]",
             summary="Open een casuskamer; u wordt de regie.",
             summary_en="Open a case room; you become the lead professional.")
    async def cmd_new_case(self, ctx: CommandContext) -> Reply:
        # The label is the regie's own (bots/casus/labels.py): checked by the policy's
        # rule before anything is made, kept only in their account data, never here.
        label = self.labels.check(ctx.args, ctx.room_id) if ctx.args.strip() else None
        if label is not None:
            await self.labels.require_direct(ctx)
        who = await self._professional(ctx.sender, ctx.lang)
        now = self.clock.now()
        # The opening is recorded with this command before the room is made: the
        # command run again after a crash gets the same case and adopts the room made
        # before the crash, never a second case or a room nobody records.
        row, resumed = await asyncio.to_thread(
            self.service.open_case_once, regie=ctx.sender, organisation=who.organisation,
            label="")
        room_id = await self._room_made_for(row.case_id) if resumed else None
        initial: list[tuple[str, str, dict[str, Any]]] = []
        if room_id is None:
            facts = CaseFacts(case_id=row.case_id, room_id="",
                              home_organisation=who.organisation, regie=ctx.sender,
                              regie_since=now, closed=False, grants=(), running=(),
                              access_users=())
            request = case_room_request(
                case_id=row.case_id, regie=ctx.sender,
                case_state=case_content(row.case_id, who.organisation, ctx.sender,
                                        regie_since=now, policy_version=self.policy.version),
                acl_servers=acl_servers(facts, self.policy, self._directory, self.user_id,
                                        now),
            )
            request["initial_state"].append(self.citizen.panel_state(row.case_id))  # issue 10
            with_encryption(request, self.runner.encryption)  # issue 11: Megolm from the start
            try:
                created = check(await self.runner.client.room_create(**request), "createRoom")
            except BaseException:
                await asyncio.to_thread(self.service.discard, row.case_id)
                raise
            room_id = str(created.room_id)
            initial = [(e["type"], e["state_key"], e["content"])
                       for e in request["initial_state"]]
            initial += [("m.room.power_levels", "", request["power_level_override"]),
                        ("m.room.name", "", {"name": request["name"]})]
        else:
            log.info("casus.opening_adopted", case_id=row.case_id)
        try:
            # Without initial state (an adopted room) the mirror writes all of it.
            await asyncio.to_thread(self.service.attach_room, row.case_id, room_id,
                                    initial_state=initial)
        except BusbaanError as exc:
            if exc.defer:  # the store is away for now: the command runs again, adopts it
                raise
            # The store refused ("nothing changed"): the room must not outlive that answer.
            await self._abandon_room(room_id, ctx.sender)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.service.discard, row.case_id)
            raise
        body = t(ctx.lang,
                 f"Casus {row.case_id} is geopend; u bent de regie. Ik heb u uitgenodigd in de "
                 f"casuskamer. De toestemming omvat nu alleen {who.organisation}; voeg andere "
                 "organisaties toe met !toestemming geef.",
                 f"Case {row.case_id} is open; you are the lead professional. I invited you to "
                 f"the case room. The consent scope covers only {who.organisation} for now; "
                 "add other organisations with !consent give.")
        data: dict[str, Any] = {"case_id": row.case_id, "room_id": room_id,
                                "regie": ctx.sender, "home_organisation": who.organisation}
        if label is not None:
            data["label_saved"], data["label_warnings"] = False, label.warning_kinds
            try:
                await self.labels.set_label(ctx.sender, room_id, row.case_id,
                                            label.text)
                data["label_saved"] = True
                body += t(ctx.lang, " Uw label is bewaard, alleen zichtbaar voor u "
                                    "(!mijn-casussen).",
                          " Your label is saved, visible to you alone (!my-cases).")
                if label.warnings:
                    body += "\n" + label.warning(ctx.lang)
            except BusbaanError as exc:
                body += "\n" + t(ctx.lang, "Het label is niet bewaard: ",
                                  "The label was not saved: ") + exc.message(ctx.lang)
        link = matrix_to(room_id, self.user_id.partition(":")[2])
        html = (esc(body).replace("\n", "<br>")
                + f"<p><a href=\"{esc(link)}\">Casus {row.case_id}</a></p>")
        return Reply(body, html, data=data)

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

    async def settle_before_invite(self, case_id: str) -> None:
        """The case room's state first, before any invitation into it: a grant's reply
        does not wait for its state event, and the gate (which reads the room state)
        refuses an invitation the state does not yet admit."""
        if not await self.state_mirror.settle_case(case_id):
            raise Unavailable(
                "De casuskamer is nog niet bijgewerkt met de toestemming (de homeserver "
                "weigert nu); ik probeer het steeds opnieuw. Er is niemand uitgenodigd: "
                "vraag het over een paar seconden nog eens.",
                "The case room does not yet show the consent (the homeserver refuses for "
                "now); I keep retrying. Nobody was invited: ask again in a few seconds.")

    async def _give(self, ctx: CommandContext, row: CaseRow, scope: CaseScope,
                    grants: Sequence[Grant]) -> None:
        """Give the grants through the case service (lawful or refused, recorded either
        way in the same transaction; the service also refuses what the citizen withdrew,
        ``BB_CITIZEN_WITHDREW``); the room-state mirror writes them.

        The reply does not wait for the room state: a grant only admits more, so until
        its state event lands the gate refuses (fails closed), never admits wrongly.
        The commit wakes the mirror, which writes the state right after the reply and
        retries until it holds (a crash first: the outbox row is still pending at the
        next start). ``!uitnodigen`` settles the case before it invites."""
        await asyncio.to_thread(self.service.give_grants, scope.case_id, grants,
                                by=ctx.sender)

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
        ids = [g.grant_id for g in chosen]
        leaving = await self.withdraw_committed(scope.room_id, ids, by=ctx.sender,
                                                channel="matrix")
        listed = ", ".join(ids)
        body = t(ctx.lang, f"Toestemming ingetrokken: {listed}.", f"Consent withdrawn: {listed}.")
        if leaving:
            who = ", ".join(leaving)
            body += t(ctx.lang, f" Valt nu buiten de toestemming en gaat de kamer uit: {who}.",
                      f" Now outside the consent and leaving the room: {who}.")
        # The removals start now, alongside the reply, not after it: waiting for the
        # reply's round trip added one event's latency to every removal (bench.casesvc).
        # The room state follows the reply: written alongside it, its events queued in
        # front of the reply in the homeserver (the reply ratio went 1.3 -> 1.7).
        case_id = scope.case_id
        self._start_removals(scope.room_id, case_id, leaving)

        async def state_after_reply(_reply_event_id: str) -> None:
            await self._settle_quietly(case_id)

        # ``removed``: who the withdrawal puts outside the scope (decided at commit over
        # the room's members), being removed as this reply goes out (docs/contracts.md).
        return Reply(body, data={"case_id": scope.case_id, "withdrawn": ids,
                                 "removed": leaving}, on_sent=state_after_reply)

    async def _settle_quietly(self, case_id: str) -> None:
        """The case room's state now; a failure is left to the mirror's retries."""
        try:
            await self.state_mirror.settle_case(case_id)
        except Exception:
            log.exception("casus.withdrawal_state_failed", case_id=case_id)

    def _start_removals(self, room_id: str, case_id: str, leaving: Sequence[str]) -> None:
        """Run the removals of :meth:`finish_withdrawal` in a task the bot owns
        (cancelled on stop); the room state is written after the reply."""
        task = asyncio.create_task(self.finish_withdrawal(room_id, case_id, leaving,
                                                          state=False),
                                   name="casus-withdrawal-removals")
        self._removal_tasks.add(task)
        task.add_done_callback(self._removal_tasks.discard)

    async def withdraw_committed(self, room_id: str, grant_ids: Sequence[str], *, by: str,
                                 channel: str) -> list[str]:
        """Withdraw grants through the case service and say who falls outside the new
        scope: the members and invitees of the room (the bot's view) that
        :func:`busbaan.consent.outside_scope` — the reconciliation's own rule — no longer
        covers. Nobody is removed here: :meth:`finish_withdrawal` does that (alongside
        the reply), and should it not run (a crash, a homeserver away), the commit has
        marked the case for the reconciler, which removes them from the store's scope at
        its next tick or, after a restart, in its pass over every room at start."""
        row = await asyncio.to_thread(self.cases.by_room, room_id)
        if row is None:
            raise NotFound("Dit is geen casuskamer.", "This is not a case room.")
        await asyncio.to_thread(self.service.withdraw, row.case_id, grant_ids, by=by,
                                channel=channel)
        scope = await asyncio.to_thread(self.service.scope, row.case_id)
        if scope is None:
            return []
        leaving = [user_id for user_id, _ in await self.outside(room_id, scope)]
        # Nothing the bot sends from now on (its reply first) is readable for them.
        self.runner.leaving_room_key(room_id, leaving)
        return leaving

    async def finish_withdrawal(self, room_id: str, case_id: str,
                                leaving: Sequence[str] = (), *,
                                state: bool = True) -> list[Removal]:
        """After a withdrawal: remove whoever falls outside (first: that is what the
        reply announced), then bring the room state to the store (the mirror retries
        until it holds). Never raises: what fails here the reconciler and the mirror
        do again (the reconciler also after a restart)."""
        try:
            removed = await self.reconcile_room(room_id, also=leaving)
        except Exception:
            log.exception("casus.withdrawal_removal_failed", case_id=case_id)
            removed = []
        if state:
            await self._settle_quietly(case_id)
        return removed

    async def withdraw(self, room_id: str, grant_ids: Sequence[str], *, by: str,
                       channel: str) -> list[Removal]:
        """Withdraw grants and remove at once whoever falls outside the scope (the
        citizen's page, which shows who *was* removed: it waits for the removals).
        Returns who was removed (by this call, or by the reconciler a moment earlier)."""
        mark = len(self.removals)
        leaving = await self.withdraw_committed(room_id, grant_ids, by=by, channel=channel)
        row = await asyncio.to_thread(self.cases.by_room, room_id)
        assert row is not None
        await self.finish_withdrawal(room_id, row.case_id, leaving)
        return [r for r in self.removals[mark:] if r.room_id == room_id]

    async def outside(self, room_id: str, scope: CaseScope, also: Sequence[str] = ()
                      ) -> list[tuple[str, Decision]]:
        """Members and invitees of ``room_id`` (the bot's view, plus ``also``: those a
        withdrawal's reply named, whom an encrypted send may have taken out of that
        view) that ``scope`` does not cover, with the refusal for each
        (:func:`busbaan.consent.outside_scope`)."""
        room = self.runner.client.rooms.get(room_id)
        if room is None:
            return []
        members = set(room.users) | set(room.invited_users) | set(also)
        directory = await self.refresh_directory(need=sorted(members - {self.user_id}))
        return outside_scope(self.policy, scope, directory, members, now=self.clock.now(),
                             bot_user_id=self.user_id)

    @command("uitnodigen", en=["invite"], usage="!uitnodigen @gebruiker:server",
             usage_en="!invite @user:server",
             summary="Nodig iemand uit die binnen de toestemming valt (regie).",
             summary_en="Invite someone the consent scope covers (lead only).")
    async def cmd_invite(self, ctx: CommandContext) -> Reply:
        _, scope = await self.case_for(ctx)
        user_id = parse_invitee(ctx.args)
        directory = await self.refresh_directory(need=[user_id])
        decision = decide(self.policy, scope, directory, Action.INVITE, actor=ctx.sender,
                          subject=user_id, now=self.clock.now(), bot_user_id=self.user_id)
        if not decision.allowed:
            if directory(user_id) is None:
                check_unknown_user(user_id)  # its refusal's record would keep the ID
            await asyncio.to_thread(self.service.record_invite, scope.case_id, decision,
                                    actor=ctx.sender, subject=user_id, room_id=scope.room_id)
            return Reply(decision.reason(ctx.lang), ok=False,
                         errcode="BB_" + decision.code.split(".", 1)[1].upper(),
                         data={"code": decision.code, "user_id": user_id})
        room = self.runner.client.rooms.get(ctx.room_id)
        if room is not None and user_id in room.users:
            return Reply(t(ctx.lang, f"{user_id} is al lid van deze kamer.",
                           f"{user_id} is already a member of this room."),
                         data={"user_id": user_id, "already_member": True})
        await self.settle_before_invite(scope.case_id)
        # The invitation first (asking twice is harmless), then its record: a crash in
        # between runs the command again, never leaves an invitation unrecorded.
        try:
            check(await self.runner.client.room_invite(ctx.room_id, user_id), "invite")
        except MatrixError as exc:  # another homeserver: outside the federation, or down
            remote = remote_failure(exc, user_id, server_of(self.user_id))
            if remote is None:
                raise
            log.warning("casus.remote_invite_failed", case_id=scope.case_id,
                        server=server_of(user_id), errcode=remote.errcode)
            raise remote from exc
        await asyncio.to_thread(self.service.record_invite, scope.case_id, decision,
                                actor=ctx.sender, subject=user_id, room_id=scope.room_id)
        return Reply(t(ctx.lang, f"{user_id} is uitgenodigd. {decision.nl}",
                       f"{user_id} has been invited. {decision.en}"),
                     data={"user_id": user_id, "code": decision.code,
                           "grant_id": decision.grant_id})

    # -- reconciliation ------------------------------------------------------------------

    async def _on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        if event.membership in ("join", "invite"):
            await self.reconcile_room(room.room_id)

    async def _still_member(self, room_id: str, user_id: str) -> bool:
        """Whether the server still has ``user_id`` joined or invited in the room."""
        resp = await self.runner.client.room_get_state_event(room_id, "m.room.member",
                                                             user_id)
        content = getattr(resp, "content", None)
        if not isinstance(content, dict):
            return True  # cannot tell: keep trying to remove (fail closed)
        return content.get("membership") in ("join", "invite")

    async def reconcile_room(self, room_id: str, scope: CaseScope | None = None,
                             also: Sequence[str] = ()) -> list[Removal]:
        """Remove every member or invitee the scope (read from the store) no longer
        covers; record each. One reconciliation per room at a time (the loop, a member
        event and a command may ask at once); each removal is done and recorded once."""
        lock = self._room_locks.setdefault(room_id, asyncio.Lock())
        async with lock:
            if scope is None:
                scope = await asyncio.to_thread(self.service.scope_by_room, room_id)
            if scope is None:
                return []
            return await self._reconcile_room(room_id, scope, also)

    async def _reconcile_room(self, room_id: str, scope: CaseScope,
                              also: Sequence[str] = ()) -> list[Removal]:
        room = self.runner.client.rooms.get(room_id)
        if room is None:
            return []
        held = self._hold.get(room_id)
        if held is not None:
            if asyncio.get_running_loop().time() < held:
                return []
            del self._hold[room_id]
        leaving = await self.outside(room_id, scope, also)
        directory = self._directory  # as outside() just refreshed it
        removals = []
        for user_id, decision in leaving:
            try:
                check(await self.runner.client.room_kick(room_id, user_id,
                                                         reason=decision.nl), "kick")
            except MatrixError as exc:
                if not await self._still_member(room_id, user_id):
                    # Already gone (left, or removed a moment ago): our view was stale.
                    self.runner.removed(room_id, user_id)
                    continue
                log.warning("casus.remove_failed", case_id=scope.case_id, status=exc.status)
                continue
            self.runner.removed(room_id, user_id)  # and out of the room key
            removal = Removal(scope.case_id, room_id, user_id, decision)
            removals.append(removal)
            self.removals.append(removal)
            log.info("membership.removed", case_id=scope.case_id, code=decision.code)
            subject = directory(user_id)
            await asyncio.to_thread(
                self.service.record_removal, scope.case_id, decision, subject=user_id,
                room_id=room_id, closed=scope.closed,
                subject_organisation=subject.organisation if subject else None)
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
        """The clock's work: remind and expire handovers, end accesses that ran out.
        Each part fails on its own."""
        for name, step in (("handover_sweep", self.handover.sweep),
                           ("access_end", self.breakglass.end_expired),
                           ("directory", self.refresh_directory),
                           ("directory_acl", self._rewrite_acls)):
            try:
                await step()
            except Exception:
                log.exception("casus.tick_failed", step=name)

    async def _rewrite_acls(self) -> None:
        """After the directory put an organisation on another server: bring every open
        case room's state (its ACL) to what the store and directory say; only what
        differs is written. Tried again next tick if a room does not hold."""
        if not self._acl_stale:
            return
        self._acl_stale = False
        scopes = await asyncio.to_thread(self.service.open_scopes)
        results = [await self.state_mirror.settle_case(s.case_id) for s in scopes]
        if not all(results):
            self._acl_stale = True


def _safe_count(mirror: AuditMirror) -> int | None:
    try:
        return mirror.pending()
    except Exception:
        return None

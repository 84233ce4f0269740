"""The case service: the only writer of cases, grants, accesses and handovers.

Every command is one database transaction that changes the case *and* stores the
typed events (:mod:`busbaan.events`) that describe the change in the outbox. Nothing
else is written by a command: the room state and the audit log are mirrors that
drain the outbox afterwards (:mod:`busbaan.cases.mirrors`) and retry until they hold.
If the transaction fails, nothing changed — not the case, not the record.

The service is synchronous (SQLAlchemy); async callers run it in a thread. It keeps
no state between calls: every read comes from the store. It also marks the bot
command that is running as handled, in the same transaction
(:mod:`busbaan.store.inbox`), so a command's work happens at most once.

Use (a bot's desk, the citizen page, a CLI)::

    service = CaseService(engine, policy=policy, clock=clock)
    grants = service.give_grants(case_id, [grant], by="@regie:example.org")
    service.withdraw(case_id, ["G-..."], by="@regie:example.org", channel="matrix")
    scope = service.scope_by_room(room_id)      # CaseScope, from the store

Errors are :class:`busbaan.errors.BusbaanError` subclasses with a stable ``errcode``
and a Dutch and English message; a database that cannot be written raises
:class:`busbaan.errors.Unavailable` ("nothing was changed").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from busbaan.citizen.rules import REGRANT_RULE, GrantHistory, regrant_refusals
from busbaan.clock import Clock, SystemClock
from busbaan.consent import Access, CaseScope, Decision, Grant
from busbaan.consent.lawful import check_grant_lawful, check_grant_period
from busbaan.consent.state import CASE_ID, is_case_id
from busbaan.errors import (
    BusbaanError,
    Forbidden,
    NotFound,
    Unavailable,
    Unlawful,
    UsageError,
)
from busbaan.events import (
    BreakGlassRefused,
    CaseCreated,
    ConsentGranted,
    ConsentGrantRefused,
    ConsentWithdrawn,
    Event,
    InviteAllowed,
    InviteRefused,
    MembershipRemoved,
    event_from_record,
    new_event_id,
)
from busbaan.handover.model import Handover, Lead, Record
from busbaan.log import get_logger
from busbaan.policy import Policy
from busbaan.store.citizen_repo import CitizenRepository
from busbaan.store.db import store_away
from busbaan.store.inbox import CommandMark, current_command, mark_handled
from busbaan.store.models import AccessRow, CaseRow, DirectoryRow, GrantRow
from busbaan.store.repositories import (
    CaseRepository,
    HandoverRepository,
    _aware,
    _grant,
    case_scopes,
    new_id,
)
from busbaan.store.service_tables import case_opening_table, outbox_table, room_state_table

__all__ = ["CASE_ID", "CaseService", "is_case_id"]

log = get_logger("busbaan.cases")

def _naive(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(tzinfo=None)


class _Unit:
    """One transaction: the session, and the events it will put in the outbox."""

    def __init__(self, session: Session, now: dt.datetime) -> None:
        self.session = session
        self.now = now
        self.events: list[Event] = []

    def who(self, user_id: str | None) -> tuple[str | None, str | None]:
        """(role, organisation) of ``user_id`` in the directory now."""
        if user_id is None:
            return None, None
        row = self.session.get(DirectoryRow, user_id)
        return (row.role, row.organisation) if row is not None else (None, None)

    def emit(self, cls: type[Event], *, actor: str | None, case_id: str,
             **fields: Any) -> Event:
        role, org = self.who(actor)
        event = cls(event_id=new_event_id(), case_id=case_id, occurred_at=self.now,
                    actor=actor, actor_role=role, actor_organisation=org, **fields)
        self.events.append(event)
        return event

    def records(self, records: Sequence[Record]) -> None:
        """The handover core's records, as typed events."""
        for r in records:
            role, org = self.who(r.actor)
            self.events.append(event_from_record(r, event_id=new_event_id(),
                                                 occurred_at=self.now, actor_role=role,
                                                 actor_organisation=org))


class CaseService:
    """Commands on cases (each one transaction + outbox events) and reads of them."""

    def __init__(self, engine: Engine, *, policy: Policy, clock: Clock | None = None) -> None:
        self.engine = engine
        self.policy = policy
        self.clock: Clock = clock or SystemClock()
        self.cases = CaseRepository(engine)
        self.handovers = HandoverRepository(engine)
        #: Called (from the committing thread) after a transaction that stored events,
        #: with the case ids it touched: the mirrors' wake-up.
        self.on_commit: list[Callable[[set[str]], None]] = []
        #: Called with the events of every committed transaction (in the committing
        #: thread, after the commit): the audit mirror keeps them so it need not read
        #: their payloads back. A failing callback is logged, never raised.
        self.on_events: list[Callable[[Sequence[Event]], None]] = []

    # -- the unit of work -----------------------------------------------------------

    @contextmanager
    def _unit(self, now: dt.datetime | None = None, *, mark: bool = True) -> Iterator[_Unit]:
        """One transaction with its outbox events; with ``mark``, it also marks the bot
        command that is running as handled (a preparatory step passes False)."""
        handled: CommandMark | None = None
        unit: _Unit | None = None
        try:
            with Session(self.engine) as s, s.begin():
                unit = _Unit(s, now or self.clock.now())
                yield unit
                conn = s.connection()
                if unit.events:
                    conn.execute(outbox_table.insert(), [
                        {"event_id": e.event_id, "case_id": e.case_id, "code": e.CODE,
                         "version": e.VERSION, "payload": e.to_dict(),
                         "created_at": _naive(unit.now)} for e in unit.events])
                if mark:
                    handled = mark_handled(conn)
        except BusbaanError:
            raise
        except DBAPIError as exc:
            log.error("cases.write_failed", error=type(exc.orig).__name__ if exc.orig else "db")
            failure = Unavailable(
                "De opslag van busbaan kon de wijziging niet vastleggen; er is niets "
                "veranderd. Probeer het over een minuut opnieuw; blijft het misgaan, meld "
                "het dan bij de beheerder.",
                "busbaan's store could not record the change; nothing was changed. Try "
                "again in a minute; if it keeps failing, tell the administrator.",
                errcode="BB_STORE_UNAVAILABLE")
            # A lost or refused connection (the server restarting, a lock): the bot runs
            # the command again shortly rather than answering (busbaan.matrix.runner).
            failure.defer = store_away(exc)
            raise failure from exc
        if handled is not None:
            handled.handled = True
        if unit is not None and unit.events:
            for keep in self.on_events:
                try:
                    keep(unit.events)
                except Exception:
                    log.exception("cases.on_events_failed")
            touched = {e.case_id for e in unit.events}
            for wake in self.on_commit:
                wake(touched)

    def _case(self, s: Session, case_id: str, *, open_only: bool = True) -> CaseRow:
        row = s.get(CaseRow, case_id)
        if row is None:
            raise NotFound(f"Casus {case_id} bestaat niet.", f"Case {case_id} does not exist.",
                           errcode="BB_UNKNOWN_CASE")
        if open_only and row.status == "closed":
            from busbaan.handover import CaseClosed

            raise CaseClosed(f"Casus {case_id} is gesloten; er kan niets meer gebeuren.",
                             f"Case {case_id} is closed; nothing can be done any more.")
        return row

    # -- reads (no state kept here) -------------------------------------------------

    def scope(self, case_id: str) -> CaseScope | None:
        with Session(self.engine) as s:
            row = s.get(CaseRow, case_id)
            return self._scope(s, row) if row is not None else None

    def scope_by_room(self, room_id: str) -> CaseScope | None:
        """The case scope of the case room ``room_id`` (None: no case room of ours)."""
        with Session(self.engine) as s:
            row = s.exec(select(CaseRow).where(CaseRow.room_id == room_id)).first()
            if row is None or row.status == "opening":
                return None
            return self._scope(s, row)

    def open_scopes(self) -> list[CaseScope]:
        """Every open case with a room, with its grants and running accesses."""
        with Session(self.engine) as s:
            rows = list(s.exec(select(CaseRow).where(CaseRow.status == "open",
                                                     col(CaseRow.room_id).is_not(None))))
            return self._scopes(s, rows)

    def scopes_by_rooms(self, room_ids: Sequence[str]) -> list[CaseScope]:
        """The scopes of those of ``room_ids`` that are case rooms (open or closed), in
        a few queries whatever their number: the reconciliation reads this every
        second for the rooms that have members."""
        with Session(self.engine) as s:
            rows: list[CaseRow] = []
            ids = list(room_ids)
            for start in range(0, len(ids), 500):
                rows += list(s.exec(select(CaseRow).where(
                    col(CaseRow.room_id).in_(ids[start:start + 500]),
                    CaseRow.status != "opening")))
            return self._scopes(s, rows)

    def _scopes(self, s: Session, rows: Sequence[CaseRow]) -> list[CaseScope]:
        return case_scopes(s, rows)

    def _scope(self, s: Session, row: CaseRow) -> CaseScope:
        return case_scopes(s, [row])[0]

    # -- cases --------------------------------------------------------------------------

    def open_case(self, *, regie: str, organisation: str, label: str) -> CaseRow:
        """A new case (status ``opening``) with a generated id; its room comes next."""
        return self.open_case_once(regie=regie, organisation=organisation, label=label)[0]

    def open_case_once(self, *, regie: str, organisation: str, label: str
                       ) -> tuple[CaseRow, bool]:
        """Like :meth:`open_case`, once per bot command: the opening is recorded with the
        running command (``case_opening``), so the command run again after a crash gets
        the same case back, still ``opening`` — True then (its room may already exist)."""
        mark = current_command.get()
        o = case_opening_table
        with self._unit(mark=False) as u:
            conn = u.session.connection()
            if mark is not None:
                known = conn.execute(sa.select(o.c.case_id).where(
                    o.c.bot == mark.bot, o.c.command_event_id == mark.event_id)).scalar()
                row = u.session.get(CaseRow, known) if known is not None else None
                if row is not None and row.status == "opening":
                    u.session.expunge(row)
                    return row, True
            row = self.cases.create(home_organisation=organisation, regie=regie, label=label,
                                    now=u.now, session=u.session)
            if mark is not None:
                conn.execute(o.insert().values(case_id=row.case_id, bot=mark.bot,
                                               command_event_id=mark.event_id,
                                               created_at=_naive(u.now)))
        if not is_case_id(row.case_id):  # the generator and the check are one pair
            raise AssertionError("generated case id does not match CASE_ID")
        return row, False

    def attach_room(self, case_id: str, room_id: str, *,
                    initial_state: Sequence[tuple[str, str, dict[str, Any]]] = ()) -> None:
        """The case's room exists: the case is open (``case.created``). ``initial_state``
        is what the room was created with (the mirror need not write it again)."""
        from busbaan.cases.mirrors import digest

        with self._unit() as u:
            row = self._case(u.session, case_id)
            self.cases.attach_room(case_id, room_id, session=u.session)
            u.session.connection().execute(case_opening_table.delete().where(
                case_opening_table.c.case_id == case_id))
            u.emit(CaseCreated, actor=row.regie, case_id=case_id, room_id=room_id,
                   home_organisation=row.home_organisation,
                   policy_version=self.policy.version)
            if initial_state:
                u.session.connection().execute(room_state_table.insert(), [
                    {"room_id": room_id, "event_type": t, "state_key": k,
                     "digest": digest(c), "written_at": _naive(u.now)}
                    for t, k, c in initial_state])

    def discard(self, case_id: str) -> None:
        """Forget a case whose room could not be created (nothing was recorded yet)."""
        with self._unit(mark=False) as u:
            u.session.connection().execute(case_opening_table.delete().where(
                case_opening_table.c.case_id == case_id))
            self.cases.discard(case_id, session=u.session)

    # -- consent ------------------------------------------------------------------------

    def give_grants(self, case_id: str, grants: Sequence[Grant], *, by: str) -> list[Grant]:
        """Give grants, if lawful and not shut by the citizen; otherwise record the
        refusal and raise (nothing is given): :class:`Unlawful` with every violated
        rule, or :class:`Forbidden` (``BB_CITIZEN_WITHDREW``) when a professional gives
        again what the citizen withdrew — only the citizen (``by`` the data subject)
        can give that again (:func:`busbaan.citizen.rules.regrant_refusals`)."""
        problems = []
        for g in grants:
            problems += check_grant_lawful(self.policy, g.organisation, g.categories,
                                           g.legal_bases, g.roles)
            problems += check_grant_period(self.policy, g.valid_from, g.valid_until)
        shut: list[str] = []
        with self._unit() as u:
            self._case(u.session, case_id)
            if not problems:
                history = [GrantHistory(_grant(r), r.withdrawal_channel)
                           for r in u.session.exec(select(GrantRow).where(
                               GrantRow.case_id == case_id))]
                shut = regrant_refusals(self.policy, history, grants, by)
            if problems or shut:
                first = next((g for g in grants if g.organisation in shut),
                             grants[0] if grants else None)
                organisation, categories, bases = (_known_only(self.policy, first)
                                                   if first else ("", (), ()))
                u.emit(ConsentGrantRefused, actor=by, case_id=case_id,
                       organisation=organisation,
                       rules=(REGRANT_RULE,) if shut else tuple(p.rule for p in problems),
                       categories=categories, legal_bases=bases)
            else:
                self.cases.add_grants(case_id, grants, session=u.session)
                for g in grants:
                    u.emit(ConsentGranted, actor=by, case_id=case_id, grant_id=g.grant_id,
                           organisation=g.organisation, roles=g.roles,
                           categories=g.categories, legal_bases=g.legal_bases,
                           valid_from=g.valid_from, valid_until=g.valid_until,
                           template=g.template)
        if problems:
            raise Unlawful(
                "Deze toestemming kan niet worden gegeven; er is niets vastgelegd:\n"
                + "\n".join(f"• {p.nl}" for p in problems),
                "This consent cannot be given; nothing was recorded:\n"
                + "\n".join(f"• {p.en}" for p in problems),
                data={"rules": [p.rule for p in problems]})
        if shut:
            orgs = ", ".join(shut)
            raise Forbidden(
                f"De burger heeft de toestemming voor {orgs} zelf ingetrokken. Alleen de "
                "burger kan die opnieuw geven: stel het de burger voor (!toestemming "
                "voorstel). Er is niets vastgelegd.",
                f"The citizen withdrew the consent for {orgs} themselves. Only the citizen "
                "can give it again: propose it to them (!consent propose). Nothing was "
                "recorded.",
                errcode="BB_CITIZEN_WITHDREW",
                data={"organisations": shut, "rules": [REGRANT_RULE]})
        return list(grants)

    def withdraw(self, case_id: str, grant_ids: Sequence[str], *, by: str,
                 channel: str) -> list[Grant]:
        """Withdraw grants of ``case_id`` (idempotent: one already withdrawn is not
        recorded again). Returns the grants as they are now."""
        with self._unit() as u:
            self._case(u.session, case_id)
            before = {g.grant_id: g for g in (
                _grant(r) for r in u.session.exec(select(GrantRow).where(
                    col(GrantRow.grant_id).in_(list(grant_ids)))))}
            for gid in grant_ids:
                g = before.get(gid)
                if g is None or u.session.get(GrantRow, gid).case_id != case_id:  # type: ignore[union-attr]
                    raise NotFound(f"Toestemming {gid} bestaat niet in casus {case_id}.",
                                   f"Grant {gid} does not exist in case {case_id}.")
            updated = self.cases.withdraw(grant_ids, by=by, now=u.now, channel=channel,
                                          session=u.session)
            for g in updated:
                if before[g.grant_id].withdrawn_at is None:
                    u.emit(ConsentWithdrawn, actor=by, case_id=case_id, grant_id=g.grant_id,
                           organisation=g.organisation, channel=channel,
                           categories=g.categories, legal_bases=g.legal_bases)
        return updated

    # -- membership ---------------------------------------------------------------------

    def record_invite(self, case_id: str, decision: Decision, *, actor: str, subject: str,
                      room_id: str) -> None:
        """Record an invitation decided by ``decide`` (allowed or refused)."""
        cls = InviteAllowed if decision.allowed else InviteRefused
        with self._unit() as u:
            u.emit(cls, actor=actor, case_id=case_id, subject=subject,
                   decision_code=decision.code,
                   room_id=room_id, grant_id=decision.grant_id,
                   categories=decision.categories, legal_bases=decision.legal_bases,
                   checks=dict(decision.checks))

    def record_removal(self, case_id: str, decision: Decision, *, subject: str,
                       room_id: str, closed: bool, subject_organisation: str | None) -> None:
        """Record that the bot removed ``subject`` (an incident: out of scope)."""
        with self._unit() as u:
            u.emit(MembershipRemoved, actor=None, case_id=case_id, subject=subject,
                   decision_code=decision.code, room_id=room_id,
                   incident="case_closed" if closed else "out_of_scope",
                   subject_organisation=subject_organisation, checks=dict(decision.checks))

    # -- handovers ----------------------------------------------------------------------

    def propose_handover(self, handover: Handover, records: Sequence[Record], *,
                         room_event_id: str | None) -> None:
        with self._unit() as u:
            self._case(u.session, handover.case_id)
            self.handovers.add(handover, room_event_id=room_event_id, session=u.session)
            u.records(records)

    def link_handover(self, handover_id: str, *, dm_room_id: str) -> None:
        with self._unit() as u:
            self.handovers.set_links(handover_id, dm_room_id=dm_room_id, session=u.session)

    def answer_handover(self, handover: Handover, records: Sequence[Record], *,
                        decline_reason: str | None = None) -> None:
        """A declined or withdrawn proposal (only if it was still open)."""
        with self._unit() as u:
            self.handovers.answer(handover, decline_reason=decline_reason, session=u.session)
            u.records(records)

    def accept_handover(self, handover: Handover, lead: Lead, sideline: Access,
                        records: Sequence[Record]) -> None:
        """The regie moves (one transaction: proposal, case, sideline, records)."""
        with self._unit() as u:
            self.handovers.accept(handover, lead, sideline, access_id=new_id("A"),
                                  session=u.session)
            u.records(records)

    def sweep_handovers(self, reminded: Sequence[Handover], expired: Sequence[Handover],
                        records_for: Callable[[set[str]], Sequence[Record]]) -> set[str]:
        """Store a sweep's reminders and expiries; record the steps that took effect."""
        with self._unit() as u:
            applied = self.handovers.sweep(reminded, expired, session=u.session)
            u.records(records_for(applied))
        return applied

    # -- temporary accesses and closing -----------------------------------------------

    def start_access(self, case_id: str, access: Access, *, by: str,
                     records: Sequence[Record]) -> None:
        with self._unit() as u:
            self._case(u.session, case_id)
            self.handovers.add_access(case_id, access, access_id=new_id("A"), by=by,
                                      now=u.now, session=u.session)
            u.records(records)

    def end_access(self, case_id: str, access: Access, *,
                   records: Callable[[], Sequence[Record]] | None) -> bool:
        """End an access; its records only if this call ended it (recorded once)."""
        with self._unit() as u:
            first = self.handovers.end_access(case_id, access, u.now, session=u.session)
            if first and records is not None:
                u.records(records())
        return first

    def refuse_breakglass(self, *, user_id: str, case_id: str | None, errcode: str) -> None:
        """A refused emergency request is recorded too (an exception for review)."""
        if case_id is None or not is_case_id(case_id):
            case_id = ""  # never what was typed: it may be a name
        with self._unit() as u:
            u.emit(BreakGlassRefused, actor=user_id, case_id=case_id, errcode=errcode)

    def close(self, case_id: str, *, by: str,
              records: Callable[[list[Grant], list[Access]], Sequence[Record]]) -> list[Grant]:
        """Close a case: every grant and access ended, an open handover proposal and
        the consent proposals still waiting for the citizen withdrawn, the withdrawals
        and ``records(ended grants, cut-short accesses)`` recorded."""
        with self._unit() as u:
            row = self._case(u.session, case_id)
            if row.status != "open":
                raise UsageError(f"Casus {case_id} is niet open.", f"Case {case_id} is not open.")
            running = [_access_of(a) for a in u.session.exec(select(AccessRow).where(
                AccessRow.case_id == case_id, col(AccessRow.ended_at).is_(None)))]
            ended = self.cases.close(case_id, now=u.now, by=by, session=u.session)
            CitizenRepository(self.engine).close_proposals(case_id, u.now, session=u.session)
            for g in ended:
                u.emit(ConsentWithdrawn, actor=by, case_id=case_id, grant_id=g.grant_id,
                       organisation=g.organisation, channel="case_close",
                       categories=g.categories, legal_bases=g.legal_bases)
            u.records(records(ended, [a for a in running if u.now < a.until]))
        return ended

    # -- the outbox, for mirrors and tests --------------------------------------------

    def outbox(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """The outbox rows (oldest first), optionally of one case."""
        t = outbox_table
        q = sa.select(t).order_by(t.c.seq)
        if case_id is not None:
            q = q.where(t.c.case_id == case_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]


def _access_of(row: AccessRow) -> Access:
    return Access(user_id=row.user_id, kind=row.kind, until=_aware(row.until),  # type: ignore[arg-type]
                  reason_code=row.reason_code)


def replace_grant(g: Grant, **changes: Any) -> Grant:
    return dataclasses.replace(g, **changes)


def _known_only(policy: Policy, grant: Grant) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The organisation, categories and legal bases of a refused grant as its audit
    entry may hold them: only the ids the policy knows ("" and left out otherwise; the
    rule ``unknown-organisation`` / ``unknown-category`` / ``unknown-legal-basis`` says
    one was typed). Session 19 (guidepd): these are words the regie typed, and a
    refusal put them in a leaf as typed — ``!toestemming geef schuldhulp 111222333 …``
    a BSN in ``data_categories`` (a Merkle leaf: never sealed, never erased), a name as
    the organisation, and a BSN as the organisation made the log refuse the entry, so
    the refusal was never logged and the BSN stayed in the outbox (house rule 5)."""
    organisation = grant.organisation if policy.organisation(grant.organisation) else ""
    categories = tuple(c for c in grant.categories if c and policy.category(c))
    bases = tuple(b for b in grant.legal_bases if policy.legal_basis(b))
    return organisation, categories, bases

"""Property tests: no sequence of handover commands, clock moves, grants and closing
leaves two regies, a regie outside the room, or an accepted proposal without its records.

A rule-based state machine drives the pure core the way the casus bot does: ``decide``
for admissions, ``propose``/``accept``/``decline``/``withdraw``, the sweep
(``plan_sweep``), accesses that end when they run out, and reconciliation (everyone
``decide(STAY)`` refuses leaves the room).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from busbaan.consent import Action, CaseScope, Grant, decide
from busbaan.directory import Directory
from busbaan.errors import BusbaanError
from busbaan.handover import (
    Handover,
    HandoverRules,
    Lead,
    Outcome,
    Record,
    Status,
    accept,
    close_case,
    decline,
    plan_sweep,
    propose,
    withdraw,
)
from busbaan.policy import load_policy
from tests.handover.conftest import (
    BOT,
    COLLEGA,
    NOW,
    PEOPLE,
    POLICY_DIR,
    REGIE,
    SH,
    SH_LEAD,
    STRANGER,
    WMO,
)

POLICY = load_policy(POLICY_DIR)
DIRECTORY = Directory.of(POLICY, PEOPLE)
RULES = HandoverRules.from_limits(POLICY.limits)
USERS = st.sampled_from([REGIE, COLLEGA, SH, SH_LEAD, WMO, STRANGER])
# Mostly the one who may act (the regie, the addressee), sometimes anybody.
ACTOR = st.one_of(st.just("@the-right-one"), st.just("@the-right-one"), USERS)
REASONS = st.sampled_from(["schulden lopen op", "", "bsn 111222333", "budgetbeheer nodig"])
GRANTABLE = {"schuldhulp": ("contact",), "wmo": ("contact",), "buurtteam": ("contact",)}
BASIS = {"schuldhulp": "wgs", "wmo": "wmo2015", "buurtteam": "wgs"}


class HandoverMachine(RuleBasedStateMachine):
    """One case: its lead, proposals, scope, room members and records."""

    @initialize()
    def open_case(self) -> None:
        self.now = NOW
        self.lead = Lead("C-PROP0001", REGIE, "buurtteam", NOW)
        self.scope = CaseScope("C-PROP0001", "!r:x", "buurtteam", REGIE, grants=(Grant(
            "G-sh-0", "schuldhulp", ("contact",), ("wgs",), NOW, NOW + dt.timedelta(days=60),
            REGIE),))
        self.members: set[str] = {REGIE}
        self.handovers: list[Handover] = []
        self.records: list[Record] = []
        self.counter = 0

    # -- helpers -------------------------------------------------------------------------

    def _open(self) -> Handover | None:
        return next((h for h in self.handovers if h.is_open), None)

    def _store(self, h: Handover) -> None:
        self.handovers = [h if x.handover_id == h.handover_id else x for x in self.handovers]
        if all(x.handover_id != h.handover_id for x in self.handovers):
            self.handovers.append(h)

    def _try(self, step: object) -> Outcome | None:
        before = len(self.records)
        try:
            out = step()  # type: ignore[operator]
        except BusbaanError:
            assert len(self.records) == before  # a refusal records nothing as done
            return None
        self.records.extend(out.records)
        if out.handover is not None:
            self._store(out.handover)
        return out

    def _decide(self, action: Action, actor: str, subject: str | None = None) -> object:
        return decide(POLICY, self.scope, DIRECTORY, action, actor=actor, subject=subject,
                      now=self.now, bot_user_id=BOT)

    def _reconcile(self) -> None:
        ended = [a for a in self.scope.accesses if self.now >= a.until]
        if ended:
            self.scope = dataclasses.replace(
                self.scope, accesses=tuple(a for a in self.scope.accesses if a not in ended))
        self.members = {m for m in self.members
                        if self._decide(Action.STAY, BOT, m).allowed}  # type: ignore[attr-defined]

    # -- rules ---------------------------------------------------------------------------

    def _who(self, by: str) -> str:
        if by != "@the-right-one":
            return by
        pending = self._open()
        return pending.addressee if pending is not None else self.lead.regie

    @rule(by=ACTOR, to=USERS, reason=REASONS)
    def propose(self, by: str, to: str, reason: str) -> None:
        by = self.lead.regie if by == "@the-right-one" else by
        self.counter += 1
        out = self._try(lambda: propose(
            self.lead, self._open(), proposer=by, addressee_id=to, addressee=DIRECTORY(to),
            reason=reason, admission=self._decide(Action.INVITE, by, to), now=self.now,
            rules=RULES, handover_id=f"H-{self.counter}"))
        if out is not None:
            self.members.add(to)  # the bot invites the addressee

    @rule(to=USERS, answer=st.sampled_from(["accept", "decline", "wait"]))
    def warm_handover(self, to: str, answer: str) -> None:
        """The usual path: the regie proposes with a good reason, the addressee answers."""
        self.propose("@the-right-one", to, "schulden lopen op, budgetbeheer nodig")
        if answer == "accept":
            self.accept("@the-right-one")
        elif answer == "decline":
            self.decline("@the-right-one", "geen capaciteit")

    @rule(by=ACTOR)
    def accept(self, by: str) -> None:
        by = self._who(by)
        who = DIRECTORY(by)
        out = self._try(lambda: accept(
            self.lead, self._open(), by=by, admission=self._decide(Action.JOIN, by),
            new_organisation=who.organisation if who else "", now=self.now, rules=RULES))
        if out is not None:
            assert out.lead is not None and out.access is not None
            self.lead = out.lead
            self.scope = dataclasses.replace(
                self.scope, regie=out.lead.regie, home_organisation=out.lead.organisation,
                accesses=(*self.scope.accesses, out.access))
            self.members.add(by)  # the bot invites the new regie when not in the room
        self._reconcile()

    @rule(by=ACTOR, reason=REASONS)
    def decline(self, by: str, reason: str) -> None:
        by = self._who(by)
        self._try(lambda: decline(self.lead, self._open(), by=by, reason=reason, now=self.now))

    @rule(by=ACTOR)
    def withdraw(self, by: str) -> None:
        by = self.lead.regie if by == "@the-right-one" else by
        self._try(lambda: withdraw(self.lead, self._open(), by=by, now=self.now))

    @rule(hours=st.one_of(st.integers(1, 48), st.integers(1, 24 * 20)))
    def time_passes(self, hours: int) -> None:
        self.now += dt.timedelta(hours=hours)
        for _, out in plan_sweep(self.handovers, self.now):
            self.records.extend(out.records)
            if out.handover is not None:
                self._store(out.handover)
        self._reconcile()

    @rule(org=st.sampled_from(sorted(GRANTABLE)), withdraw_it=st.booleans())
    def consent_changes(self, org: str, withdraw_it: bool) -> None:
        if withdraw_it:
            grants = tuple(dataclasses.replace(g, withdrawn_at=self.now)
                           if g.organisation == org and g.withdrawn_at is None else g
                           for g in self.scope.grants)
        else:
            grants = (*self.scope.grants, Grant(
                f"G-{org}-{len(self.scope.grants)}", org, GRANTABLE[org], (BASIS[org],),
                self.now, self.now + dt.timedelta(days=60), self.lead.regie))
        self.scope = dataclasses.replace(self.scope, grants=grants)
        self._reconcile()

    @rule(by=ACTOR, dice=st.integers(0, 5))
    def close(self, by: str, dice: int) -> None:
        if dice:  # closing ends the story: keep it rare
            return
        by = self.lead.regie if by == "@the-right-one" else by
        out = self._try(lambda: close_case(self.lead, self._open(), by=by,
                                           reason="hulpvraag afgerond", now=self.now))
        if out is not None:
            assert out.lead is not None
            self.lead = out.lead
            self.scope = dataclasses.replace(self.scope, closed=True, accesses=())
            self._reconcile()

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def one_regie(self) -> None:
        """The lead, the scope the gate and bot decide on, and the last accepted handover
        all name the same single regie; at most one proposal is open."""
        assert self.scope.regie == self.lead.regie
        assert self.scope.home_organisation == self.lead.organisation
        accepted = [h for h in self.handovers if h.status is Status.ACCEPTED]
        if accepted:
            # One proposal open at a time: list order is the order of acceptance.
            assert accepted[-1].addressee == self.lead.regie
        assert sum(h.is_open for h in self.handovers) <= 1

    @invariant()
    def regie_in_the_room(self) -> None:
        """While the case is open the regie is in the room and decide keeps them there."""
        if not self.lead.closed:
            assert self.lead.regie in self.members
            assert self._decide(Action.STAY, BOT, self.lead.regie).allowed  # type: ignore[attr-defined]
        else:
            assert self.members == set()

    @invariant()
    def every_acceptance_is_recorded(self) -> None:
        """Each accepted proposal has a handover.accepted and a regie.changed record;
        each final state has its record."""
        by_code: dict[str, set[str]] = {}
        for r in self.records:
            by_code.setdefault(r.event_code, set()).add(r.details.get("handover_id", ""))
        for h in self.handovers:
            assert h.handover_id in by_code["handover.proposed"]
            if h.status is Status.ACCEPTED:
                assert h.handover_id in by_code["handover.accepted"]
                assert h.handover_id in by_code["regie.changed"]
            elif h.status is not Status.PROPOSED:
                assert h.handover_id in by_code[f"handover.{h.status.value}"]


HandoverMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_handover_state_machine = HandoverMachine.TestCase
test_handover_state_machine.__doc__ = (
    "No sequence of commands leaves two regies, a regie outside the room, or an accepted "
    "proposal without a recorded acceptance.")

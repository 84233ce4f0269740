"""The handover state machine: who may do what, what each step changes and records."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from busbaan.consent import Action, CaseScope, decide
from busbaan.directory import Directory
from busbaan.errors import BusbaanError
from busbaan.handover import (
    Handover,
    HandoverRules,
    Lead,
    Status,
    accept,
    close_case,
    decline,
    due,
    expire,
    next_deadline,
    plan_sweep,
    propose,
    regie_history,
    remind,
    withdraw,
)
from busbaan.policy import Policy
from tests.handover.conftest import (
    BOT,
    COLLEGA,
    NOW,
    REGIE,
    SH,
    STRANGER,
    WMO,
    with_access,
)

REASON = "schulden lopen op, budgetbeheer nodig"


def admission(policy: Policy, scope: CaseScope, directory: Directory, actor: str,
              subject: str, action: Action = Action.INVITE, now: dt.datetime = NOW):
    return decide(policy, scope, directory, action, actor=actor, subject=subject, now=now,
                  bot_user_id=BOT)


def proposal(policy, scope, directory, lead, rules, *, to=SH, by=REGIE, reason=REASON,
             open_=None, now=NOW) -> Handover:
    out = propose(lead, open_, proposer=by, addressee_id=to, addressee=directory(to),
                  reason=reason, admission=admission(policy, scope, directory, by, to),
                  now=now, rules=rules, handover_id="H-1")
    assert out.handover is not None
    return out.handover


def errcode(fn, *args, **kwargs) -> str:
    with pytest.raises(BusbaanError) as info:
        fn(*args, **kwargs)
    return info.value.errcode


# -- proposing ---------------------------------------------------------------------------


def test_regie_proposes_to_someone_in_scope(policy, scope, directory, lead, rules) -> None:
    """A proposal to a professional the scope covers is open, with working-day deadlines and
    one record that carries the reason only in the encrypted details."""
    out = propose(lead, None, proposer=REGIE, addressee_id=SH, addressee=directory(SH),
                  reason=f"  {REASON}  ", admission=admission(policy, scope, directory, REGIE, SH),
                  now=NOW, rules=rules, handover_id="H-1")
    h = out.handover
    assert h is not None and h.status is Status.PROPOSED and h.is_open
    assert (h.from_organisation, h.to_organisation, h.reason) == ("buurtteam", "schuldhulp", REASON)
    assert h.remind_at == NOW + dt.timedelta(days=1)  # Monday → Tuesday
    assert h.expires_at == NOW + dt.timedelta(days=7)  # five working days: next Monday
    assert out.lead == lead and out.access is None
    (record,) = out.records
    assert record.event_code == "handover.proposed" and record.subject == SH
    assert record.personal == {"reason": REASON}
    assert REASON not in "".join(record.details.values())


@pytest.mark.parametrize(("by", "to", "code"), [
    (REGIE, REGIE, "BB_HANDOVER_SELF"),
    (COLLEGA, COLLEGA, "BB_HANDOVER_SELF"),
    (COLLEGA, REGIE, "BB_HANDOVER_TO_REGIE"),
    (COLLEGA, SH, "BB_NOT_REGIE"),
    (REGIE, STRANGER, "BB_NOT_IN_DIRECTORY"),
    (REGIE, WMO, "BB_HANDOVER_NOT_IN_SCOPE"),
])
def test_bad_proposals_are_refused(policy, scope, directory, lead, rules, by, to, code) -> None:
    """Self, the current regie, a non-regie proposer, an unknown or out-of-scope addressee:
    each refused with its own errcode."""
    assert errcode(propose, lead, None, proposer=by, addressee_id=to, addressee=directory(to),
                   reason=REASON, admission=admission(policy, scope, directory, by, to), now=NOW,
                   rules=rules, handover_id="H-1") == code


def test_out_of_scope_refusal_carries_the_grant_command(policy, scope, directory, lead,
                                                        rules) -> None:
    """An addressee outside the scope is refused with the exact grant command to add."""
    hint = ("!toestemming geef wmo contact grondslag=wmo2015 tot=2025-11-29",
            "!consent give wmo contact basis=wmo2015 until=2025-11-29")
    with pytest.raises(BusbaanError) as info:
        propose(lead, None, proposer=REGIE, addressee_id=WMO, addressee=directory(WMO),
                reason=REASON, admission=admission(policy, scope, directory, REGIE, WMO),
                now=NOW, rules=rules, handover_id="H-1", grant_hint=hint)
    assert hint[0] in info.value.message("nl") and hint[1] in info.value.message("en")
    assert info.value.data["command"] == hint[0]


@pytest.mark.parametrize(("reason", "code"), [
    ("", "BB_REASON_MISSING"),
    ("   ", "BB_REASON_MISSING"),
    ("cliënt met bsn 111222333 heeft schulden", "BB_PERSONAL_DATA"),
    ("mevr. Jansen heeft hulp nodig", "BB_PERSONAL_DATA"),
    ("x" * 501, "BB_USAGE"),
])
def test_bad_reasons_are_refused(policy, scope, directory, lead, rules, reason, code) -> None:
    """An empty, personal or overly long reason refuses the proposal."""
    assert errcode(propose, lead, None, proposer=REGIE, addressee_id=SH, addressee=directory(SH),
                   reason=reason, admission=admission(policy, scope, directory, REGIE, SH),
                   now=NOW, rules=rules, handover_id="H-1") == code


def test_a_second_open_proposal_is_refused(policy, scope, directory, lead, rules) -> None:
    """While one proposal is open, another one for the case is refused."""
    first = proposal(policy, scope, directory, lead, rules)
    assert errcode(propose, lead, first, proposer=REGIE, addressee_id=COLLEGA,
                   addressee=directory(COLLEGA), reason=REASON,
                   admission=admission(policy, scope, directory, REGIE, COLLEGA), now=NOW,
                   rules=rules, handover_id="H-2") == "BB_HANDOVER_OPEN"


def test_a_closed_case_cannot_be_handed_over(policy, scope, directory, lead, rules) -> None:
    """A closed case refuses proposals."""
    closed = dataclasses.replace(lead, closed=True)
    assert errcode(propose, closed, None, proposer=REGIE, addressee_id=SH,
                   addressee=directory(SH), reason=REASON,
                   admission=admission(policy, scope, directory, REGIE, SH), now=NOW,
                   rules=rules, handover_id="H-1") == "BB_CASE_CLOSED"


# -- answering ---------------------------------------------------------------------------


def test_acceptance_moves_the_regie_and_puts_the_previous_on_the_sideline(
    policy, scope, directory, lead, rules
) -> None:
    """On acceptance the addressee becomes regie for their organisation; the previous regie
    gets a sideline access for sideline_days; both steps are recorded."""
    h = proposal(policy, scope, directory, lead, rules)
    later = NOW + dt.timedelta(hours=3)
    out = accept(lead, h, by=SH, admission=admission(policy, scope, directory, SH, SH,
                                                     Action.JOIN, later),
                 new_organisation="schuldhulp", now=later, rules=rules)
    assert out.lead == Lead("C-TEST0001", SH, "schuldhulp", later)
    assert out.handover is not None and out.handover.status is Status.ACCEPTED
    assert (out.handover.decided_by, out.handover.decided_at) == (SH, later)
    assert out.access is not None
    assert (out.access.user_id, out.access.kind) == (REGIE, "sideline")
    assert out.access.until == later + dt.timedelta(days=rules.sideline_days)
    assert [r.event_code for r in out.records] == ["handover.accepted", "regie.changed"]
    changed = out.records[1].details
    assert (changed["from_organisation"], changed["to_organisation"]) == ("buurtteam",
                                                                          "schuldhulp")


def test_after_acceptance_decide_admits_new_regie_and_sideline_until_it_ends(
    policy, scope, directory, lead, rules
) -> None:
    """With the accepted outcome applied, decide keeps the new regie and the previous one
    (sideline) in; after the sideline ends, the previous regie is out."""
    h = proposal(policy, scope, directory, lead, rules)
    out = accept(lead, h, by=SH, admission=admission(policy, scope, directory, SH, SH,
                                                     Action.JOIN),
                 new_organisation="schuldhulp", now=NOW, rules=rules)
    assert out.lead is not None and out.access is not None
    after = dataclasses.replace(with_access(scope, out.access), regie=out.lead.regie,
                                home_organisation=out.lead.organisation)

    def stay(user: str, at: dt.datetime) -> str:
        return decide(policy, after, directory, Action.STAY, actor=BOT, subject=user, now=at,
                      bot_user_id=BOT).code

    assert stay(SH, NOW) == "ok.home_organisation"
    assert stay(REGIE, NOW + dt.timedelta(days=13)) == "ok.sideline"
    assert stay(REGIE, NOW + dt.timedelta(days=15)).startswith("refused.")
    assert stay(COLLEGA, NOW).startswith("refused.")  # buurtteam no longer leads


@pytest.mark.parametrize(("by", "code"), [(REGIE, "BB_NOT_ADDRESSEE"),
                                          (COLLEGA, "BB_NOT_ADDRESSEE")])
def test_only_the_addressee_answers(policy, scope, directory, lead, rules, by, code) -> None:
    """Someone other than the addressee cannot accept or decline."""
    h = proposal(policy, scope, directory, lead, rules)
    ok = admission(policy, scope, directory, by, by, Action.JOIN)
    assert errcode(accept, lead, h, by=by, admission=ok, new_organisation="buurtteam", now=NOW,
                   rules=rules) == code
    assert errcode(decline, lead, h, by=by, reason="geen tijd", now=NOW) == code


def test_no_open_proposal_no_answer(policy, scope, directory, lead, rules) -> None:
    """Accepting, declining or withdrawing without an open proposal is refused."""
    ok = admission(policy, scope, directory, SH, SH, Action.JOIN)
    assert errcode(accept, lead, None, by=SH, admission=ok, new_organisation="schuldhulp",
                   now=NOW, rules=rules) == "BB_NO_OPEN_HANDOVER"
    assert errcode(decline, lead, None, by=SH, reason="nee", now=NOW) == "BB_NO_OPEN_HANDOVER"
    assert errcode(withdraw, lead, None, by=REGIE, now=NOW) == "BB_NO_OPEN_HANDOVER"
    h = proposal(policy, scope, directory, lead, rules)
    done = dataclasses.replace(h, status=Status.DECLINED)
    assert errcode(accept, lead, done, by=SH, admission=ok, new_organisation="schuldhulp",
                   now=NOW, rules=rules) == "BB_NO_OPEN_HANDOVER"


def test_acceptance_after_the_deadline_is_refused(policy, scope, directory, lead, rules) -> None:
    """A proposal past its deadline cannot be accepted, even before the sweep expired it."""
    h = proposal(policy, scope, directory, lead, rules)
    ok = admission(policy, scope, directory, SH, SH, Action.JOIN)
    assert errcode(accept, lead, h, by=SH, admission=ok, new_organisation="schuldhulp",
                   now=h.expires_at, rules=rules) == "BB_HANDOVER_EXPIRED"


def test_acceptance_needs_the_scope_still(policy, scope, directory, lead, rules) -> None:
    """When the addressee's grant was withdrawn after the proposal, acceptance is refused."""
    h = proposal(policy, scope, directory, lead, rules)
    gone = dataclasses.replace(scope, grants=(dataclasses.replace(scope.grants[0],
                                                                  withdrawn_at=NOW),))
    refused = admission(policy, gone, directory, SH, SH, Action.JOIN, NOW + dt.timedelta(hours=1))
    assert errcode(accept, lead, h, by=SH, admission=refused, new_organisation="schuldhulp",
                   now=NOW + dt.timedelta(hours=1), rules=rules) == "BB_HANDOVER_NOT_IN_SCOPE"


def test_decline_keeps_the_regie_and_needs_a_reason(policy, scope, directory, lead,
                                                    rules) -> None:
    """Declining needs a reason, keeps the lead and records the decline."""
    h = proposal(policy, scope, directory, lead, rules)
    assert errcode(decline, lead, h, by=SH, reason="", now=NOW) == "BB_REASON_MISSING"
    out = decline(lead, h, by=SH, reason="geen capaciteit deze maand", now=NOW)
    assert out.lead == lead and out.handover is not None
    assert out.handover.status is Status.DECLINED
    assert [r.event_code for r in out.records] == ["handover.declined"]


def test_withdraw_is_for_the_regie(policy, scope, directory, lead, rules) -> None:
    """Only the regie withdraws; the withdrawal is recorded."""
    h = proposal(policy, scope, directory, lead, rules)
    assert errcode(withdraw, lead, h, by=SH, now=NOW) == "BB_NOT_REGIE"
    out = withdraw(lead, h, by=REGIE, now=NOW)
    assert out.handover is not None and out.handover.status is Status.WITHDRAWN
    assert [r.event_code for r in out.records] == ["handover.withdrawn"]


# -- the clock ---------------------------------------------------------------------------


def test_due_reminds_then_expires(policy, scope, directory, lead, rules) -> None:
    """Nothing is due before the reminder time; then a reminder, once; then expiry."""
    h = proposal(policy, scope, directory, lead, rules)
    assert due([h], h.remind_at - dt.timedelta(seconds=1)) == []
    (item,) = due([h], h.remind_at)
    assert item.kind == "remind"
    reminded = remind(h, h.remind_at)
    assert reminded is not None and reminded.handover is not None
    assert [r.event_code for r in reminded.records] == ["handover.reminded"]
    assert due([reminded.handover], h.remind_at + dt.timedelta(hours=1)) == []
    (item,) = due([reminded.handover], h.expires_at)
    assert item.kind == "expire"
    expired = expire(reminded.handover, h.expires_at)
    assert expired is not None and expired.handover is not None
    assert expired.handover.status is Status.EXPIRED
    assert [r.event_code for r in expired.records] == ["handover.expired"]
    assert due([expired.handover], h.expires_at + dt.timedelta(days=9)) == []


def test_an_unreminded_proposal_past_its_deadline_only_expires(policy, scope, directory, lead,
                                                               rules) -> None:
    """A sweep that comes late expires the proposal instead of reminding first."""
    h = proposal(policy, scope, directory, lead, rules)
    assert [(d.kind, o.handover.status) for d, o in plan_sweep([h], h.expires_at)
            if o.handover] == [("expire", Status.EXPIRED)]
    assert remind(h, h.expires_at - dt.timedelta(seconds=1)) is not None
    assert expire(h, h.expires_at - dt.timedelta(seconds=1)) is None


def test_next_deadline_is_the_earliest_pending_step(policy, scope, directory, lead,
                                                    rules) -> None:
    """The next deadline is the reminder time, or the expiry once reminded."""
    h = proposal(policy, scope, directory, lead, rules)
    assert next_deadline([h]) == h.remind_at
    assert next_deadline([dataclasses.replace(h, reminded_at=h.remind_at)]) == h.expires_at
    assert next_deadline([dataclasses.replace(h, status=Status.EXPIRED)]) is None


def test_holidays_move_the_deadlines(policy, scope, directory, lead) -> None:
    """A holiday in the rules pushes the reminder a day further."""
    rules = HandoverRules(holidays=frozenset({dt.date(2025, 6, 3)}))
    h = proposal(policy, scope, directory, lead, rules)
    assert h.remind_at == NOW + dt.timedelta(days=2)


# -- closing and history -----------------------------------------------------------------


def test_close_withdraws_an_open_proposal_and_records_the_close(policy, scope, directory,
                                                                lead, rules) -> None:
    """Closing is for the regie, needs a reason, withdraws an open proposal, and records
    case.closed last."""
    h = proposal(policy, scope, directory, lead, rules)
    assert errcode(close_case, lead, h, by=SH, reason="klaar", now=NOW) == "BB_NOT_REGIE"
    assert errcode(close_case, lead, h, by=REGIE, reason="", now=NOW) == "BB_REASON_MISSING"
    out = close_case(lead, h, by=REGIE, reason="hulpvraag afgerond", now=NOW)
    assert out.lead is not None and out.lead.closed
    assert out.handover is not None and out.handover.status is Status.WITHDRAWN
    assert [r.event_code for r in out.records] == ["handover.withdrawn", "case.closed"]
    assert errcode(close_case, out.lead, None, by=REGIE, reason="x y", now=NOW) == (
        "BB_CASE_CLOSED")


def test_regie_history_lists_each_period(policy, scope, directory, lead, rules) -> None:
    """The history starts with the creator and adds a period per accepted handover."""
    h = proposal(policy, scope, directory, lead, rules)
    accepted = dataclasses.replace(h, status=Status.ACCEPTED, decided_at=NOW, decided_by=SH)
    declined = dataclasses.replace(h, handover_id="H-2", status=Status.DECLINED,
                                   decided_at=NOW)
    start = NOW - dt.timedelta(days=10)
    periods = regie_history(REGIE, "buurtteam", start, [declined, accepted])
    assert [(p.regie, p.organisation, p.since, p.until) for p in periods] == [
        (REGIE, "buurtteam", start, NOW), (SH, "schuldhulp", NOW, None)]

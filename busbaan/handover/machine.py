"""The handover state machine (pure): propose, accept, decline, withdraw, remind,
expire; and closing a case.

Every step takes the case's :class:`Lead` and the open proposal (at most one per
case), checks who may do it, and returns an :class:`Outcome`: the new proposal and
lead, a temporary access, and the records to write. A refused step raises a
:class:`~busbaan.errors.BusbaanError` with a stable errcode and returns nothing, so
nothing is recorded as done. Whether the scope admits the addressee is
:func:`busbaan.consent.decide`'s answer, passed in as a ``Decision``; this module
has no rule of its own about who may be in a case room.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from busbaan.consent.decide import Decision
from busbaan.consent.model import Access, Professional
from busbaan.errors import PersonalData, UsageError
from busbaan.handover.errors import (
    CaseClosed,
    HandoverExpired,
    HandoverNotInScope,
    HandoverOpen,
    HandoverToRegie,
    HandoverToSelf,
    NoOpenHandover,
    NotAddressee,
    NotInDirectory,
    NotRegie,
    ReasonMissing,
)
from busbaan.handover.model import (
    Due,
    Handover,
    HandoverRules,
    Lead,
    Outcome,
    Record,
    RegiePeriod,
    Status,
)
from busbaan.handover.workdays import add_working_days
from busbaan.privacy import find_personal_data, name_kinds

__all__ = [
    "MAX_REASON_CHARS",
    "SIDELINE_REASON",
    "accept",
    "check_reason",
    "close_case",
    "decline",
    "due",
    "expire",
    "next_deadline",
    "plan_sweep",
    "propose",
    "regie_history",
    "remind",
    "withdraw",
]

MAX_REASON_CHARS = 500
SIDELINE_REASON = "handover"


def _day(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


# -- reasons ---------------------------------------------------------------------------


def check_reason(reason: str, *, what_nl: str = "reden", what_en: str = "reason") -> str:
    """The reason, stripped; refused when empty, too long or carrying personal data."""
    text = " ".join(reason.split())
    if not text:
        raise ReasonMissing(
            f"Een {what_nl} is verplicht: schrijf kort waarom, zonder naam, BSN of adres.",
            f"A {what_en} is required: write briefly why, without a name, BSN or address.",
        )
    if len(text) > MAX_REASON_CHARS:
        raise UsageError(
            f"De {what_nl} is te lang ({len(text)} tekens, hooguit {MAX_REASON_CHARS}).",
            f"The {what_en} is too long ({len(text)} characters, at most {MAX_REASON_CHARS}).",
        )
    findings = find_personal_data(text)
    if findings:
        kinds_nl = name_kinds(findings)
        kinds_en = name_kinds(findings, "en")
        raise PersonalData(
            f"De {what_nl} lijkt {kinds_nl} te bevatten; er is niets vastgelegd. Beschrijf "
            "de situatie zonder BSN, naam, adres, telefoonnummer of geboortedatum, "
            "bijvoorbeeld 'schulden lopen op, budgetbeheer nodig'.",
            f"The {what_en} seems to contain {kinds_en}; nothing was recorded. Describe "
            "the situation without a BSN, name, address, phone number or birth date, for "
            "example 'debts are growing, budget management needed'.",
            data={"kinds": [f.kind for f in findings]},
        )
    return text


# -- proposing -------------------------------------------------------------------------


def propose(
    lead: Lead,
    open_handover: Handover | None,
    *,
    proposer: str,
    addressee_id: str,
    addressee: Professional | None,
    reason: str,
    admission: Decision,
    now: dt.datetime,
    rules: HandoverRules,
    handover_id: str,
    grant_hint: tuple[str, str] | None = None,
) -> Outcome:
    """The regie proposes to hand the case to ``addressee_id``.

    ``admission`` is ``decide(INVITE, actor=proposer, subject=addressee_id)``: a
    proposal to someone the scope does not cover is refused, with ``grant_hint``
    (the exact ``!toestemming geef`` command, Dutch and English) added.
    """
    case = lead.case_id
    if lead.closed:
        raise CaseClosed(f"Casus {case} is gesloten; overdragen kan niet meer.",
                         f"Case {case} is closed; it can no longer be handed over.")
    if addressee_id == proposer:
        raise HandoverToSelf(
            "U kunt de regie niet aan uzelf overdragen. Noem de collega die de regie "
            "overneemt: !overdracht @naam:server <reden>.",
            "You cannot hand the lead over to yourself. Name the colleague who takes "
            "over: !handover @name:server <reason>.",
        )
    if addressee_id == lead.regie:
        raise HandoverToRegie(
            f"{addressee_id} heeft de regie van casus {case} al; er valt niets over te dragen.",
            f"{addressee_id} already leads case {case}; there is nothing to hand over.",
        )
    if proposer != lead.regie:
        raise NotRegie(
            f"Alleen de regie ({lead.regie}) kan casus {case} overdragen. Vraag de regie "
            "om de overdracht voor te stellen.",
            f"Only the lead professional ({lead.regie}) can hand case {case} over. Ask "
            "them to propose the handover.",
        )
    if open_handover is not None and open_handover.is_open:
        raise HandoverOpen(
            f"Er loopt al een voorstel om de regie over te dragen aan "
            f"{open_handover.addressee} (tot {_day(open_handover.expires_at)}). Wacht op "
            "het antwoord of trek het in met !overdracht intrekken.",
            f"A proposal to hand the lead to {open_handover.addressee} is already open "
            f"(until {_day(open_handover.expires_at)}). Wait for the answer or withdraw "
            "it with !handover withdraw.",
            data={"handover_id": open_handover.handover_id},
        )
    if addressee is None:
        raise NotInDirectory(
            f"{addressee_id} staat niet in de gids van busbaan, dus busbaan weet niet "
            "namens welke organisatie en in welke rol deze persoon werkt. Vraag de "
            "beheerder om opname in de gids, of kies iemand anders.",
            f"{addressee_id} is not in busbaan's directory, so busbaan does not know which "
            "organisation and role they act in. Ask the administrator to add them, or "
            "choose someone else.",
        )
    text = check_reason(reason)
    if not admission.allowed:
        hint_nl, hint_en = grant_hint or ("", "")
        raise HandoverNotInScope(
            f"{addressee_id} valt buiten de toestemming van casus {case}: {admission.nl}"
            + (f" Geef eerst toestemming, bijvoorbeeld: {hint_nl}" if hint_nl else ""),
            f"{addressee_id} is outside the consent scope of case {case}: {admission.en}"
            + (f" Give consent first, for example: {hint_en}" if hint_en else ""),
            data={"code": admission.code, "organisation": addressee.organisation,
                  **({"command": hint_nl} if hint_nl else {})},
        )
    handover = Handover(
        handover_id=handover_id, case_id=case, proposer=proposer, addressee=addressee_id,
        from_organisation=lead.organisation, to_organisation=addressee.organisation,
        reason=text, proposed_at=now,
        remind_at=add_working_days(now, rules.remind_after_working_days, rules.holidays),
        expires_at=add_working_days(now, rules.expire_after_working_days, rules.holidays),
    )
    record = Record(
        "handover.proposed", "C", case, proposer, subject=addressee_id,
        details={"handover_id": handover_id, "from_organisation": lead.organisation,
                 "to_organisation": addressee.organisation,
                 "expires_at": _day(handover.expires_at)},
        personal={"reason": text},
    )
    return Outcome(lead=lead, handover=handover, records=(record,))


# -- answering -------------------------------------------------------------------------


def _open(lead: Lead, handover: Handover | None, now: dt.datetime) -> Handover:
    if lead.closed:
        raise CaseClosed(f"Casus {lead.case_id} is gesloten.", f"Case {lead.case_id} is closed.")
    if handover is None or not handover.is_open or handover.case_id != lead.case_id:
        raise NoOpenHandover(
            f"Er staat geen voorstel tot overdracht open in casus {lead.case_id}. De regie "
            "kan er een doen met !overdracht @naam:server <reden>.",
            f"There is no open handover proposal in case {lead.case_id}. The lead "
            "professional can make one with !handover @name:server <reason>.",
        )
    if now >= handover.expires_at:
        raise HandoverExpired(
            f"Het voorstel tot overdracht van casus {lead.case_id} is verlopen op "
            f"{_day(handover.expires_at)}. Vraag de regie om een nieuw voorstel.",
            f"The handover proposal for case {lead.case_id} expired at "
            f"{_day(handover.expires_at)}. Ask the lead professional for a new one.",
        )
    return handover


def _addressee_only(handover: Handover, by: str, verb_nl: str, verb_en: str) -> None:
    if by != handover.addressee:
        raise NotAddressee(
            f"Alleen {handover.addressee}, aan wie de overdracht is voorgesteld, kan hem "
            f"{verb_nl}.",
            f"Only {handover.addressee}, to whom the handover was proposed, can {verb_en} it.",
        )


def accept(
    lead: Lead,
    handover: Handover | None,
    *,
    by: str,
    admission: Decision,
    new_organisation: str,
    now: dt.datetime,
    rules: HandoverRules,
) -> Outcome:
    """The addressee accepts: the regie moves to them (and the lead organisation to
    theirs); the previous regie stays on the sideline for ``sideline_days``.

    ``admission`` is ``decide(JOIN, subject=by)`` under the current scope: a grant
    withdrawn since the proposal makes the acceptance fail, not the scope.
    """
    h = _open(lead, handover, now)
    _addressee_only(h, by, "accepteren", "accept")
    if h.proposer != lead.regie:  # cannot happen with one open proposal; fail closed
        raise NoOpenHandover(
            f"Het voorstel hoort niet meer bij de huidige regie ({lead.regie}).",
            f"The proposal no longer belongs to the current lead ({lead.regie}).")
    if not admission.allowed:
        raise HandoverNotInScope(
            f"U valt nu buiten de toestemming van casus {lead.case_id}: {admission.nl} "
            "Vraag de regie de toestemming te herstellen en accepteer dan opnieuw.",
            f"You are now outside the consent scope of case {lead.case_id}: "
            f"{admission.en} Ask the lead professional to restore it, then accept again.",
            data={"code": admission.code},
        )
    accepted = dataclasses.replace(h, status=Status.ACCEPTED, decided_at=now, decided_by=by)
    new_lead = Lead(case_id=lead.case_id, regie=by, organisation=new_organisation, since=now)
    sideline = Access(user_id=lead.regie, kind="sideline",
                      until=now + dt.timedelta(days=rules.sideline_days),
                      reason_code=SIDELINE_REASON)
    ids = {"handover_id": h.handover_id}
    records = (
        Record("handover.accepted", "U", lead.case_id, by, subject=h.proposer, details=ids),
        Record("regie.changed", "U", lead.case_id, by, subject=lead.regie, details={
            **ids, "from_organisation": lead.organisation, "to_organisation": new_organisation,
            "sideline_until": _day(sideline.until)}),
    )
    return Outcome(lead=new_lead, handover=accepted, access=sideline, records=records)


def decline(lead: Lead, handover: Handover | None, *, by: str, reason: str,
            now: dt.datetime) -> Outcome:
    """The addressee declines, with a reason; the regie stays where it is."""
    h = _open(lead, handover, now)
    _addressee_only(h, by, "weigeren", "decline")
    text = check_reason(reason)
    declined = dataclasses.replace(h, status=Status.DECLINED, decided_at=now, decided_by=by)
    record = Record("handover.declined", "U", lead.case_id, by, subject=h.proposer,
                    details={"handover_id": h.handover_id}, personal={"reason": text})
    return Outcome(lead=lead, handover=declined, records=(record,))


def withdraw(lead: Lead, handover: Handover | None, *, by: str, now: dt.datetime) -> Outcome:
    """The regie withdraws the open proposal (also one whose deadline just passed)."""
    if lead.closed:
        raise CaseClosed(f"Casus {lead.case_id} is gesloten.", f"Case {lead.case_id} is closed.")
    if by != lead.regie:
        raise NotRegie(
            f"Alleen de regie ({lead.regie}) kan het voorstel tot overdracht intrekken.",
            f"Only the lead professional ({lead.regie}) can withdraw the handover proposal.",
        )
    if handover is None or not handover.is_open:
        raise NoOpenHandover(
            f"Er staat geen voorstel tot overdracht open in casus {lead.case_id}.",
            f"There is no open handover proposal in case {lead.case_id}.",
        )
    withdrawn = dataclasses.replace(handover, status=Status.WITHDRAWN, decided_at=now,
                                    decided_by=by)
    record = Record("handover.withdrawn", "U", lead.case_id, by, subject=handover.addressee,
                    details={"handover_id": handover.handover_id})
    return Outcome(lead=lead, handover=withdrawn, records=(record,))


# -- the clock ---------------------------------------------------------------------------


def due(handovers: Iterable[Handover], now: dt.datetime) -> list[Due]:
    """The open proposals to expire (deadline passed) or remind (reminder time passed,
    not yet reminded) at ``now``; each proposal at most once, expiry first."""
    out = []
    for h in handovers:
        if not h.is_open:
            continue
        if now >= h.expires_at:
            out.append(Due("expire", h))
        elif h.reminded_at is None and now >= h.remind_at:
            out.append(Due("remind", h))
    return out


def remind(handover: Handover, now: dt.datetime) -> Outcome | None:
    """Mark an open proposal reminded (None when it needs no reminder)."""
    if not handover.is_open or handover.reminded_at is not None or now < handover.remind_at:
        return None
    reminded = dataclasses.replace(handover, reminded_at=now)
    record = Record("handover.reminded", "E", handover.case_id, None,
                    subject=handover.addressee, details={"handover_id": handover.handover_id})
    return Outcome(handover=reminded, records=(record,))


def expire(handover: Handover, now: dt.datetime) -> Outcome | None:
    """Expire an open proposal whose deadline passed (None otherwise)."""
    if not handover.is_open or now < handover.expires_at:
        return None
    expired = dataclasses.replace(handover, status=Status.EXPIRED, decided_at=now)
    record = Record("handover.expired", "U", handover.case_id, None,
                    subject=handover.addressee, details={"handover_id": handover.handover_id})
    return Outcome(handover=expired, records=(record,))


# -- closing -----------------------------------------------------------------------------


def close_case(lead: Lead, open_handover: Handover | None, *, by: str, reason: str,
               now: dt.datetime) -> Outcome:
    """The regie closes the case, with a reason. An open proposal is withdrawn; the
    edge then ends the grants and accesses and removes everyone but the bot."""
    if lead.closed:
        raise CaseClosed(f"Casus {lead.case_id} is al gesloten.",
                         f"Case {lead.case_id} is already closed.")
    if by != lead.regie:
        raise NotRegie(
            f"Alleen de regie ({lead.regie}) kan casus {lead.case_id} sluiten.",
            f"Only the lead professional ({lead.regie}) can close case {lead.case_id}.",
        )
    text = check_reason(reason)
    records: list[Record] = []
    withdrawn = None
    if open_handover is not None and open_handover.is_open:
        withdrawn = dataclasses.replace(open_handover, status=Status.WITHDRAWN,
                                        decided_at=now, decided_by=by)
        records.append(Record("handover.withdrawn", "U", lead.case_id, by,
                              subject=open_handover.addressee,
                              details={"handover_id": open_handover.handover_id,
                                       "cause": "case_closed"}))
    records.append(Record("case.closed", "U", lead.case_id, by,
                          details={"organisation": lead.organisation},
                          personal={"reason": text}))
    closed = dataclasses.replace(lead, closed=True)
    return Outcome(lead=closed, handover=withdrawn, records=tuple(records))


# -- history -----------------------------------------------------------------------------


def regie_history(created_by: str, organisation_at_start: str, created_at: dt.datetime,
                  handovers: Sequence[Handover]) -> list[RegiePeriod]:
    """Who had the regie when: the case's creator, then each accepted handover."""
    accepted = sorted(((h.decided_at, h) for h in handovers
                       if h.status is Status.ACCEPTED and h.decided_at is not None),
                      key=lambda pair: pair[0])
    periods = [RegiePeriod(created_by, organisation_at_start, created_at)]
    for when, h in accepted:
        periods[-1] = dataclasses.replace(periods[-1], until=when)
        periods.append(RegiePeriod(h.addressee, h.to_organisation, when,
                                   handover_id=h.handover_id))
    return periods


def plan_sweep(handovers: Iterable[Handover], now: dt.datetime) -> list[tuple[Due, Outcome]]:
    """What one reminder/expiry sweep does at ``now``: each due proposal with its outcome."""
    steps = []
    for item in due(handovers, now):
        outcome = (expire if item.kind == "expire" else remind)(item.handover, now)
        if outcome is not None:
            steps.append((item, outcome))
    return steps


def next_deadline(handovers: Iterable[Handover]) -> dt.datetime | None:
    """The earliest moment a sweep has something to do for these proposals."""
    times = []
    for h in handovers:
        if h.is_open:
            times.append(h.expires_at if h.reminded_at is not None else h.remind_at)
    return min(times, default=None)

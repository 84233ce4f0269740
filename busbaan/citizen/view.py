"""What the "Mijn hulpvraag" page says, in the citizen's language (pure).

:func:`build_page` turns :class:`~busbaan.citizen.model.CaseFacts` into sentences and
the actions the citizen can take. No user ids, case ids or free text reach the page:
organisations, roles, first names, categories and dates only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from busbaan.audit.entry import AuditEntry
from busbaan.citizen import DATA_SUBJECT
from busbaan.citizen.i18n import Catalogue
from busbaan.citizen.model import CaseFacts, Proposal
from busbaan.citizen.rules import laws_of, rests_on_consent
from busbaan.policy import Policy
from busbaan.timeline import item_for

__all__ = ["GrantLine", "Page", "ProposalLine", "build_page", "org_name", "privacy_line",
           "regie_name"]


@dataclass(frozen=True, slots=True)
class GrantLine:
    grant_id: str
    text: str
    withdrawable: bool
    button: str = ""
    note: str = ""  # what withdrawing changes, or why it cannot be withdrawn


@dataclass(frozen=True, slots=True)
class ProposalLine:
    proposal_id: str
    question: str
    why: str
    yes: str
    no: str


@dataclass(frozen=True, slots=True)
class Receipt:
    proposal_id: str
    label: str


@dataclass(frozen=True, slots=True)
class Page:
    who: tuple[str, ...]
    earlier: tuple[str, ...]
    timeline: tuple[tuple[str, str], ...]  # (date, sentence), newest first
    home: str
    grants: tuple[GrantLine, ...]
    ended: tuple[str, ...]
    proposals: tuple[ProposalLine, ...]
    receipts: tuple[Receipt, ...]


def org_name(policy: Policy, org_id: str | None) -> str:
    if not org_id:
        return "busbaan"
    org = policy.organisation(org_id)
    return org.name if org else org_id


def regie_name(facts: CaseFacts, c: Catalogue) -> str:
    """The regie's first name (a professional's, never the citizen's)."""
    who = facts.regie
    if who is not None and who.display_name.strip():
        return who.display_name.split()[0]
    return {"nl": "uw hulpverlener", "en": "your social worker", "tr": "sosyal görevliniz",
            "ar": "المرشد الاجتماعي"}.get(c.lang, "uw hulpverlener")


def _role(policy: Policy, facts: CaseFacts, c: Catalogue) -> str:
    who = facts.regie
    if who is None:
        return ""
    org = policy.organisation(who.organisation)
    role = org.role(who.role) if org else None
    return c.role(who.role, (role.name if role else who.role).lower())


def _reach(policy: Policy, facts: CaseFacts, c: Catalogue, name: str, org: str) -> str:
    """How to reach the regie: what they gave with the link (``bereikbaar=``), else
    their organisation's contact from the policy, else where to look it up."""
    if facts.contact:
        return c("who.reach", name=name, contact=c.ltr(facts.contact))
    home = policy.organisation(facts.home_organisation)
    if home is not None and home.contact:
        return c("who.reach_org", name=name, org=org, contact=c.ltr(home.contact))
    return c("who.reach_none", name=name, org=org)


def privacy_line(policy: Policy, c: Catalogue) -> str:
    """The footer's way to the privacy officer: their contact from the policy, else
    whom to ask for."""
    contact = policy.privacy_contact()
    return c("footer.privacy", contact=c.ltr(contact)) if contact else c("footer.privacy_ask")


def _cats(c: Catalogue, categories: tuple[str, ...]) -> str:
    return c.join([c.category(x) for x in categories])


def _sentence(policy: Policy, c: Catalogue, e: AuditEntry) -> str | None:
    org = org_name(policy, e.details.get("organisation") or e.organisation)
    you = e.user_id == DATA_SUBJECT
    if e.event_code == "consent.proposed":
        return c("tl.proposed", org=org)
    if e.event_code == "consent.refused":
        return c("tl.refused_you", org=org) if you else None
    item = item_for(0, e)
    if item is None:
        return None
    kind = item.kind
    if kind == "created":
        return c("tl.created", org=org_name(policy, e.organisation))
    if kind == "grant_given":
        return c("tl.grant_given_you" if you else "tl.grant_given", org=org)
    if kind == "grant_withdrawn":
        if you:
            return c("tl.grant_withdrawn_you", org=org)
        if e.details.get("channel") == "case_close":
            return c("tl.grant_ended", org=org)
        return c("tl.grant_withdrawn", org=org)
    if kind == "removed":
        subject_org = e.details.get("subject_organisation")
        return (c("tl.removed", org=org_name(policy, subject_org)) if subject_org
                else c("tl.removed_anon"))
    if kind == "handover_accepted":
        return c("tl.handover_accepted", org=org_name(policy, e.organisation))
    if kind == "regie_changed":
        return c("tl.regie_changed", org=org_name(policy, e.details.get("to_organisation")))
    if kind == "handover_proposed":
        return c("tl.handover_proposed",
                 org=org_name(policy, e.details.get("from_organisation")))
    if kind in ("breakglass_started", "breakglass_ended", "closed", "handover_declined",
                "handover_withdrawn", "handover_expired", "sideline_ended"):
        return c(f"tl.{kind}", org=org)
    return None  # reminders and the like: not the citizen's concern


def build_page(policy: Policy, facts: CaseFacts, c: Catalogue, now: dt.datetime) -> Page:
    name = regie_name(facts, c)
    regie_org = org_name(policy, facts.home_organisation)
    who = [c("who.now", name=name, role=_role(policy, facts, c) or "-", org=regie_org),
           c("who.since", name=name, date=c.date(facts.regie_since))]
    who.append(_reach(policy, facts, c, name, regie_org))
    earlier = tuple(c("who.earlier", org=org_name(policy, e.organisation), date=c.date(e.until))
                    for e in facts.earlier)

    timeline = []
    for _, entry in facts.history:
        text = _sentence(policy, c, entry)
        if text is not None:
            timeline.append((c.date(entry.occurred_at), text))
    timeline.reverse()

    lines, ended = [], []
    for h in facts.grants:
        g = h.grant
        org = org_name(policy, g.organisation)
        status = g.status(now)
        if status in ("withdrawn", "expired"):
            end = g.withdrawn_at if status == "withdrawn" and g.withdrawn_at else g.valid_until
            ended.append(c("grants.ended", org=org, date=c.date(end)))
            continue
        cats = _cats(c, g.categories)
        until = c.date(g.valid_until)
        if rests_on_consent(policy, g.legal_bases):
            lines.append(GrantLine(g.grant_id, c("grants.consent", org=org, cats=cats, date=until),
                                   True, c("grants.withdraw", org=org),
                                   c("grants.withdraw_what", org=org)))
        else:
            law = ", ".join(laws_of(policy, g.legal_bases)) or "-"
            lines.append(GrantLine(g.grant_id, c("grants.law", org=org, cats=cats, law=law,
                                                 date=until), False, "", c("grants.law_note")))

    proposals, receipts = [], []
    for p in facts.proposals:
        org = org_name(policy, p.organisation)
        if p.status == "proposed" and p.valid_until > now:
            proposals.append(ProposalLine(
                p.proposal_id,
                c("prop.ask", org=org, cats=_cats(c, p.categories), date=c.date(p.valid_until)),
                c("prop.why", name=name, org=org), c("prop.yes", org=org), c("prop.no")))
        elif p.receipt and p.decided_at is not None:
            receipts.append(Receipt(p.proposal_id,
                                    c("prop.receipt", org=org, date=c.date(p.decided_at))))
    return Page(tuple(who), earlier, tuple(timeline), c("grants.home", org=regie_org),
                tuple(lines), tuple(ended), tuple(proposals), tuple(receipts))


def open_proposal(facts: CaseFacts, proposal_id: str) -> Proposal | None:
    return next((p for p in facts.proposals if p.proposal_id == proposal_id), None)

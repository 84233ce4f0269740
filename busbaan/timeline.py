"""Track and trace: what happened to a help request, in plain words, from the records.

``case_timeline(log, case_id)`` reads a case's audit entries and turns the ones a
citizen and a privacy officer care about into :class:`TimelineItem` objects: when,
what (a stable ``kind``), a plain-Dutch (B1) label with an English one beside it, and
the organisation that acted. No names, user ids or free text: organisations, data
categories and dates only. The casus bot shows it as ``!status``; the citizen page
and the privacy workbench use the same function.

Building an item from an entry (:func:`item_for`) is pure; only reading the log is I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from busbaan.audit.entry import AuditEntry

if TYPE_CHECKING:
    from busbaan.audit.storage import AuditLog, LoggedEntry

__all__ = ["KINDS", "TimelineItem", "case_timeline", "item_for", "timeline_of"]


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One step in a case's history."""

    index: int  # the entry's position in the audit log (stable, for proofs)
    occurred_at: dt.datetime
    kind: str  # e.g. "created", "grant_given", "handover_accepted", "regie_changed"
    event_code: str
    nl: str
    en: str
    organisation: str | None  # who acted (None: busbaan itself)
    review: bool = False  # flagged for a privacy officer (break-glass)

    def to_json(self) -> dict[str, object]:
        return {"index": self.index, "occurred_at": self.occurred_at.isoformat(),
                "kind": self.kind, "event_code": self.event_code, "nl": self.nl,
                "en": self.en, "organisation": self.organisation, "review": self.review}


Label = Callable[[AuditEntry], tuple[str, str]]


def _d(e: AuditEntry, key: str, default: str = "?") -> str:
    return e.details.get(key) or default


def _org(e: AuditEntry) -> str:
    return e.organisation or "busbaan"


def _cats(e: AuditEntry, sep: str = ", ") -> str:
    return sep.join(e.data_categories) if e.data_categories else "—"


def _day(text: str) -> str:
    return text[:10]


_REMOVAL_NL = {"refused.case_closed": "de casus is gesloten",
               "refused.grant_withdrawn": "de toestemming is ingetrokken",
               "refused.grant_expired": "de toestemming is verlopen"}
_REMOVAL_EN = {"refused.case_closed": "the case is closed",
               "refused.grant_withdrawn": "the consent was withdrawn",
               "refused.grant_expired": "the consent expired"}


def _removed(e: AuditEntry) -> tuple[str, str]:
    org = e.details.get("subject_organisation")
    who_nl = f"Iemand van {org}" if org else "Iemand"
    who_en = f"Someone from {org}" if org else "Someone"
    code = e.reason_code or ""
    why_nl = _REMOVAL_NL.get(code, "die persoon valt niet (meer) binnen de toestemming")
    why_en = _REMOVAL_EN.get(code, "they are not (or no longer) within the consent")
    return (f"{who_nl} is uit de casus gehaald, want {why_nl}.",
            f"{who_en} was removed from the case because {why_en}.")


def _withdrawn(e: AuditEntry) -> tuple[str, str]:
    org = _d(e, "organisation")
    if e.details.get("channel") == "case_close":
        return (f"De toestemming voor {org} is beëindigd bij het sluiten van de casus.",
                f"The consent for {org} ended when the case was closed.")
    return (f"De toestemming voor {org} is ingetrokken.",
            f"The consent for {org} was withdrawn.")


#: event code → (kind, label). Only these appear in a timeline.
KINDS: Mapping[str, tuple[str, Label]] = {
    "case.created": ("created", lambda e: (
        f"De hulpvraag is geopend door {_org(e)}; zij hebben de regie.",
        f"The request for help was opened by {_org(e)}, who lead it.")),
    "consent.granted": ("grant_given", lambda e: (
        f"Toestemming gegeven: {_d(e, 'organisation')} mag meewerken (over: {_cats(e)}) tot "
        f"{_d(e, 'valid_until')}.",
        f"Consent given: {_d(e, 'organisation')} may take part (about: {_cats(e)}) until "
        f"{_d(e, 'valid_until')}.")),
    "consent.withdrawn": ("grant_withdrawn", _withdrawn),
    "handover.proposed": ("handover_proposed", lambda e: (
        f"{_d(e, 'from_organisation')} stelt voor de regie over te dragen aan "
        f"{_d(e, 'to_organisation')}.",
        f"{_d(e, 'from_organisation')} proposes to hand the lead to "
        f"{_d(e, 'to_organisation')}.")),
    "handover.reminded": ("handover_reminded", lambda e: (
        "Herinnering gestuurd: het voorstel tot overdracht wacht op antwoord.",
        "Reminder sent: the handover proposal is waiting for an answer.")),
    "handover.accepted": ("handover_accepted", lambda e: (
        f"{_org(e)} heeft de overdracht aangenomen.",
        f"{_org(e)} accepted the handover.")),
    "handover.declined": ("handover_declined", lambda e: (
        f"{_org(e)} heeft de overdracht niet aangenomen. De regie blijft waar hij was.",
        f"{_org(e)} declined the handover. The lead stays where it was.")),
    "handover.withdrawn": ("handover_withdrawn", lambda e: (
        "Het voorstel tot overdracht is ingetrokken.",
        "The handover proposal was withdrawn.")),
    "handover.expired": ("handover_expired", lambda e: (
        "Het voorstel tot overdracht is verlopen zonder antwoord. De regie blijft waar hij was.",
        "The handover proposal expired without an answer. The lead stays where it was.")),
    "regie.changed": ("regie_changed", lambda e: (
        f"De regie is nu bij {_d(e, 'to_organisation')} (was: {_d(e, 'from_organisation')}). "
        f"De vorige regie kijkt mee tot {_day(_d(e, 'sideline_until'))}.",
        f"{_d(e, 'to_organisation')} now leads (before: {_d(e, 'from_organisation')}). "
        f"The previous lead stays informed until {_day(_d(e, 'sideline_until'))}.")),
    "handover.sideline_ended": ("sideline_ended", lambda e: (
        "De vorige regie kijkt niet meer mee.",
        "The previous lead no longer follows the case.")),
    "breakglass.started": ("breakglass_started", lambda e: (
        f"Noodtoegang: {_d(e, 'organisation')} kreeg in een spoedsituatie toegang tot "
        f"{_d(e, 'until')}. Dit wordt altijd gecontroleerd.",
        f"Emergency access: {_d(e, 'organisation')} got access in an urgent situation until "
        f"{_d(e, 'until')}. This is always reviewed.")),
    "breakglass.ended": ("breakglass_ended", lambda e: (
        "De noodtoegang is beëindigd.", "The emergency access has ended.")),
    "membership.removed": ("removed", _removed),
    "case.closed": ("closed", lambda e: (
        f"De casus is gesloten door {_org(e)}. Niemand kan er nog bij.",
        f"The case was closed by {_org(e)}. Nobody can access it any more.")),
}
_REVIEW = frozenset({"breakglass.started", "breakglass.ended"})


def item_for(index: int, entry: AuditEntry) -> TimelineItem | None:
    """The timeline item for one audit entry, or None when it is not a timeline step."""
    found = KINDS.get(entry.event_code)
    if found is None or entry.outcome not in ("done", "allowed"):
        return None
    kind, label = found
    nl, en = label(entry)
    return TimelineItem(index=index, occurred_at=entry.occurred_at, kind=kind,
                        event_code=entry.event_code, nl=nl, en=en,
                        organisation=entry.organisation,
                        review=entry.event_code in _REVIEW)


def timeline_of(entries: Iterable[LoggedEntry]) -> list[TimelineItem]:
    """Timeline items for logged entries, in log order."""
    out = []
    for logged in entries:
        item = item_for(logged.index, logged.entry)
        if item is not None:
            out.append(item)
    return out


def case_timeline(log: AuditLog, case_id: str) -> list[TimelineItem]:
    """The case's timeline, oldest first, from the audit log."""
    return timeline_of(log.query(case_id=case_id))

"""Figures the workbench shows, computed from logged entries in one pass each (pure).

- :func:`access_summary`: for one case, who (organisation, role, professional) touched
  which data categories on which legal basis or grant: the heart of an art. 15 answer.
- :func:`consent_states`: every grant from ``consent.*`` entries with its state now
  (valid, expiring soon, expired, withdrawn), and :func:`expiring_per_day`.
- :func:`refusals_per_week`: refusals per organisation per ISO week.
- :func:`handover_times`: how long handover proposals waited for an answer.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from busbaan.audit import LoggedEntry
from busbaan.audit.entry import format_time
from busbaan.audit.reading import grant_recipient, is_professional

__all__ = [
    "Access",
    "ConsentState",
    "HandoverTimes",
    "access_summary",
    "consent_states",
    "expiring_per_day",
    "handover_times",
    "iso_week",
    "refusals_per_week",
    "weeks_between",
]

UNKNOWN_ORG = "-"


# --------------------------------------------------------------------------- access


@dataclass
class Access:
    """What one professional (in one organisation and role) did in a case."""

    organisation: str
    role: str
    user_id: str
    first: dt.datetime
    last: dt.datetime
    entries: int = 0
    refused: int = 0
    emergency: int = 0
    categories: set[str] = field(default_factory=set)
    grounds: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "role": self.role,
                "user_id": self.user_id, "first": format_time(self.first),
                "last": format_time(self.last), "entries": self.entries,
                "refused": self.refused, "emergency": self.emergency,
                "data_categories": sorted(self.categories), "grounds": sorted(self.grounds)}


def access_summary(items: Iterable[LoggedEntry]) -> list[Access]:
    """Per professional, in order of first appearance: what they touched and on which
    ground. One row per person (their organisation and role from the first entry that
    names them); the busbaan bot and the officer's workbench are no professionals."""
    out: dict[str, Access] = {}
    for item in items:
        e = item.entry
        if e.user_id is None or not is_professional(e):
            continue
        a = out.get(e.user_id)
        if a is None:
            a = out[e.user_id] = Access(e.organisation or UNKNOWN_ORG, e.user_role or "-",
                                        e.user_id, e.occurred_at, e.occurred_at)
        elif a.organisation == UNKNOWN_ORG and e.organisation:
            a.organisation, a.role = e.organisation, e.user_role or a.role
        a.entries += 1
        a.last = max(a.last, e.occurred_at)
        if e.outcome == "refused":
            a.refused += 1
            continue
        if e.event_code.startswith("breakglass.") or e.checks.get("emergency") in (
                "yes", "true", "used", "ja"):
            a.emergency += 1
        if e.event_code.startswith("consent."):
            continue  # giving consent for others is not access to those categories
        a.categories.update(e.data_categories)
        a.grounds.update(e.legal_bases)
        if e.grant_id:
            a.grounds.add(f"grant:{e.grant_id}")
    return list(out.values())


# --------------------------------------------------------------------------- consents


@dataclass
class ConsentState:
    """One consent grant as the log tells it."""

    grant_id: str
    case_id: str | None
    organisation: str | None = None
    data_categories: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    given_at: dt.datetime | None = None
    given_by: str | None = None
    valid_until: dt.date | None = None
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = None
    state: str = "valid"  # valid | expiring | expired | withdrawn
    days_left: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "grant_id": self.grant_id, "case_id": self.case_id,
            "organisation": self.organisation,
            "data_categories": list(self.data_categories),
            "legal_bases": list(self.legal_bases),
            "given_at": format_time(self.given_at) if self.given_at else None,
            "given_by": self.given_by,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "withdrawn_at": format_time(self.withdrawn_at) if self.withdrawn_at else None,
            "withdrawn_by": self.withdrawn_by, "state": self.state,
            "days_left": self.days_left,
        }


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def consent_states(items: Iterable[LoggedEntry], today: dt.date,
                   soon_days: int = 30) -> list[ConsentState]:
    """Grants from ``consent.granted`` / ``consent.withdrawn`` / ``consent.expired``
    entries, with their state on ``today``; newest grant first."""
    grants: dict[str, ConsentState] = {}
    for item in items:
        e = item.entry
        if not e.event_code.startswith("consent.") or not e.grant_id:
            continue
        if e.outcome not in ("done", "allowed"):
            continue
        g = grants.get(e.grant_id)
        if g is None:
            g = grants[e.grant_id] = ConsentState(e.grant_id, e.case_id)
        org = grant_recipient(e)
        if org:
            g.organisation = org
        if e.event_code == "consent.granted":
            g.given_at, g.given_by = e.occurred_at, e.user_id
            g.data_categories = e.data_categories or g.data_categories
            g.legal_bases = e.legal_bases or g.legal_bases
            g.valid_until = _date(e.details.get("valid_until")) or g.valid_until
        elif e.event_code == "consent.withdrawn":
            g.withdrawn_at, g.withdrawn_by = e.occurred_at, e.user_id
        elif e.event_code == "consent.expired":
            g.valid_until = g.valid_until or e.occurred_at.date()
    for g in grants.values():
        if g.withdrawn_at is not None:
            g.state = "withdrawn"
        elif g.valid_until is not None:
            g.days_left = (g.valid_until - today).days
            if g.days_left < 0:
                g.state = "expired"
            elif g.days_left <= soon_days:
                g.state = "expiring"
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(grants.values(), key=lambda g: g.given_at or epoch, reverse=True)


def expiring_per_day(states: Iterable[ConsentState], today: dt.date,
                     days: int = 30) -> list[tuple[dt.date, int]]:
    """For each of the next ``days`` days (today first), how many valid grants end then."""
    counts: Counter[dt.date] = Counter(
        g.valid_until for g in states
        if g.state in ("valid", "expiring") and g.valid_until is not None)
    return [(today + dt.timedelta(days=n), counts.get(today + dt.timedelta(days=n), 0))
            for n in range(days + 1)]


# --------------------------------------------------------------------------- refusals


def iso_week(when: dt.datetime | dt.date) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_between(first: dt.date, last: dt.date) -> list[str]:
    """Every ISO week from the one holding ``first`` to the one holding ``last``."""
    start = first - dt.timedelta(days=first.weekday())
    out: list[str] = []
    day = start
    while day <= last:
        out.append(iso_week(day))
        day += dt.timedelta(days=7)
    return out


def refusals_per_week(items: Iterable[LoggedEntry]) -> dict[str, Counter[str]]:
    """ISO week → organisation → refusals (entries whose outcome is ``refused``)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        e = item.entry
        if e.outcome == "refused":
            out[iso_week(e.occurred_at)][e.organisation or UNKNOWN_ORG] += 1
    return dict(out)


# --------------------------------------------------------------------------- handovers

#: Buckets of waiting time, in hours: (upper bound exclusive, Dutch, English).
HANDOVER_BUCKETS: tuple[tuple[float, str, str], ...] = (
    (1, "< 1 uur", "< 1 hour"),
    (4, "1–4 uur", "1–4 hours"),
    (24, "4–24 uur", "4–24 hours"),
    (72, "1–3 dagen", "1–3 days"),
    (168, "3–7 dagen", "3–7 days"),
    (float("inf"), "> 7 dagen", "> 7 days"),
)


@dataclass
class HandoverTimes:
    """Handover proposals and how long the answered ones waited."""

    answered_hours: list[float] = field(default_factory=list)
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    withdrawn: int = 0
    open: int = 0

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.answered_hours) if self.answered_hours else None

    def buckets(self) -> list[tuple[str, str, int]]:
        """(Dutch label, English label, count) per waiting-time bucket."""
        counts = [0] * len(HANDOVER_BUCKETS)
        for h in self.answered_hours:
            for n, (upper, _, _) in enumerate(HANDOVER_BUCKETS):
                if h < upper:
                    counts[n] += 1
                    break
        return [(nl, en, c) for (_, nl, en), c in zip(HANDOVER_BUCKETS, counts, strict=True)]

    def to_json(self) -> dict[str, Any]:
        median = self.median_hours
        return {
            "accepted": self.accepted, "declined": self.declined, "expired": self.expired,
            "withdrawn": self.withdrawn, "open": self.open,
            # JSON API: minutes as integers (no floats anywhere near Matrix or the log).
            "median_minutes": round(median * 60) if median is not None else None,
            "buckets": [{"nl": nl, "en": en, "count": c} for nl, en, c in self.buckets()],
        }


def handover_times(items: Iterable[LoggedEntry]) -> HandoverTimes:
    """Pair ``handover.proposed`` with its answer (by ``handover_id``)."""
    proposed: dict[str, dt.datetime] = {}
    closed: set[str] = set()
    out = HandoverTimes()
    for item in items:
        e = item.entry
        hid = e.details.get("handover_id")
        if not hid or not e.event_code.startswith("handover."):
            continue
        if e.event_code == "handover.proposed":
            proposed[hid] = e.occurred_at
            continue
        if hid in closed:
            continue
        if e.event_code in ("handover.accepted", "handover.declined"):
            closed.add(hid)
            if e.event_code == "handover.accepted":
                out.accepted += 1
            else:
                out.declined += 1
            start = proposed.get(hid)
            if start is not None:
                out.answered_hours.append((e.occurred_at - start).total_seconds() / 3600)
        elif e.event_code in ("handover.expired", "handover.withdrawn"):
            closed.add(hid)
            if e.event_code == "handover.expired":
                out.expired += 1
            else:
                out.withdrawn += 1
    out.open = sum(1 for hid in proposed if hid not in closed)
    return out

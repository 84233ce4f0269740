"""What each page shows, built from the log (synchronous: call them in a thread).

Every builder returns a view object with ``to_json`` (what the JSON API answers) that
the HTML template renders too, so page and API never disagree. Long lists keep the
newest :data:`LIMIT` rows and say how many there were; the download has them all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from busbaan.audit import AuditLog, LoggedEntry
from busbaan.audit.reports import (
    CitizenReport,
    ExceptionSummary,
    Register,
    citizen_report,
    emergency_used,
    entry_row,
    is_exception,
)
from busbaan.web.workbench.analysis import (
    Access,
    ConsentState,
    HandoverTimes,
    access_summary,
    consent_states,
    expiring_per_day,
    handover_times,
    refusals_per_week,
    weeks_between,
)
from busbaan.web.workbench.charts import Series, bar_chart
from busbaan.web.workbench.filters import LOCAL, Filters
from busbaan.web.workbench.i18n import Translator, event_label

try:  # the shared track-and-trace timeline (busbaan/timeline.py), when it is there
    from busbaan.timeline import timeline_of as _shared_timeline
except ImportError:  # pragma: no cover - only while that module is not in the tree
    _shared_timeline = None  # type: ignore[assignment]

__all__ = [
    "LIMIT",
    "CaseView",
    "ConsentsView",
    "ExceptionsView",
    "OverviewView",
    "ProfessionalView",
    "build_case",
    "build_consents",
    "build_exceptions",
    "build_overview",
    "build_professional",
    "register_json",
]

LIMIT = 500
OVERVIEW_WEEKS = 8
HANDOVER_DAYS = 90


def _row(item: LoggedEntry) -> dict[str, Any]:
    return {**entry_row(item), "emergency": emergency_used(item)}


# --------------------------------------------------------------------------- case


@dataclass(frozen=True, slots=True)
class Step:
    """A timeline step when :mod:`busbaan.timeline` is missing: one per entry."""

    index: int
    occurred_at: dt.datetime
    kind: str
    event_code: str
    nl: str
    en: str
    organisation: str | None
    review: bool = False

    def to_json(self) -> dict[str, object]:
        return {"index": self.index, "occurred_at": self.occurred_at.isoformat(),
                "kind": self.kind, "event_code": self.event_code, "nl": self.nl,
                "en": self.en, "organisation": self.organisation, "review": self.review}


def case_steps(items: list[LoggedEntry]) -> list[Any]:
    """The case's timeline: :func:`busbaan.timeline.timeline_of` (plain-Dutch steps)."""
    if _shared_timeline is not None:
        return list(_shared_timeline(items))
    return [Step(i.index, i.entry.occurred_at, i.entry.event_code, i.entry.event_code,
                 event_label(i.entry.event_code, "nl"), event_label(i.entry.event_code, "en"),
                 i.entry.organisation, i.entry.event_code.startswith("breakglass."))
            for i in items if i.entry.source != "workbench"]


@dataclass
class CaseView:
    case_id: str
    report: CitizenReport
    access: list[Access]
    timeline: list[Any]  # busbaan.timeline.TimelineItem (or Step)

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "report": "case", **self.report.as_json(),
                "access": [a.to_json() for a in self.access],
                "timeline": [i.to_json() for i in self.timeline]}


def build_case(log: AuditLog, case_id: str) -> CaseView:
    """The art. 15 view of one case: summary, access per professional, timeline, entries."""
    items = list(log.query(case_id=case_id, with_personal=True))
    return CaseView(case_id, citizen_report(case_id, items), access_summary(items),
                    case_steps(items))


# --------------------------------------------------------------------------- professional


@dataclass
class ProfessionalView:
    user_id: str
    organisation: str | None
    role: str | None
    total: int = 0
    as_actor: int = 0
    on_behalf: int = 0
    as_subject: int = 0
    cases: set[str] = field(default_factory=set)
    items: deque[LoggedEntry] = field(default_factory=lambda: deque(maxlen=LIMIT))

    def newest_first(self) -> list[LoggedEntry]:
        return list(reversed(self.items))

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "report": "professional", "user_id": self.user_id,
                "organisation": self.organisation, "role": self.role, "total": self.total,
                "as_actor": self.as_actor, "on_behalf": self.on_behalf,
                "as_subject": self.as_subject, "cases": sorted(self.cases),
                "truncated": self.total > len(self.items),
                "entries": [_row(i) for i in self.newest_first()]}


def build_professional(log: AuditLog, filters: Filters, organisation: str | None,
                       role: str | None) -> ProfessionalView:
    assert filters.user_id is not None
    user = filters.user_id
    view = ProfessionalView(user, organisation, role)
    for item in log.query(**filters.query_args()):
        e = item.entry
        view.total += 1
        view.as_actor += e.user_id == user
        view.on_behalf += e.responsible_user == user
        view.as_subject += e.subject_user == user
        if e.case_id:
            view.cases.add(e.case_id)
        view.items.append(item)
    return view


# --------------------------------------------------------------------------- exceptions


@dataclass
class ExceptionsView:
    filters: Filters
    summary: ExceptionSummary = field(default_factory=ExceptionSummary)
    items: deque[LoggedEntry] = field(default_factory=lambda: deque(maxlen=LIMIT))
    per_week: dict[str, Counter[str]] = field(default_factory=dict)
    #: The log entries read so far: indexes below this (issue 12, session 4).
    upto: int = 0

    def copy(self) -> ExceptionsView:
        """An independent copy (the workbench keeps one per filter and extends it)."""
        s = self.summary
        return ExceptionsView(
            self.filters,
            ExceptionSummary(s.total, Counter(s.by_kind), Counter(s.by_organisation),
                             Counter(s.by_reason), Counter(s.by_week)),
            deque(self.items, maxlen=LIMIT),
            {week: Counter(orgs) for week, orgs in self.per_week.items()}, self.upto)

    def newest_first(self) -> list[LoggedEntry]:
        return list(reversed(self.items))

    def weeks(self) -> list[str]:
        f = self.filters
        if f.since_day and f.until_day:
            return weeks_between(f.since_day, f.until_day)
        return sorted(self.per_week)

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "report": "exceptions", **self.summary.as_json(),
                "period": _period(self.filters),
                "refusals_per_week": {w: dict(self.per_week.get(w, {})) for w in self.weeks()},
                "truncated": self.summary.total > len(self.items),
                "entries": [_row(i) for i in self.newest_first()]}


def _period(f: Filters) -> dict[str, str | None]:
    return {"since": f.since_day.isoformat() if f.since_day else None,
            "until": f.until_day.isoformat() if f.until_day else None}


def build_exceptions(log: AuditLog, filters: Filters,
                     earlier: ExceptionsView | None = None) -> ExceptionsView:
    """The exceptions report. With ``earlier`` (a report for the same filters, which
    is changed and returned) only the entries appended since it was made are read: the
    log is append-only and whether an entry belongs depends on that entry alone, so
    the result is what reading the whole log would give (issue 12, session 4: every
    officer request appends to the log, and reading all of it per report made the
    report's cost grow with the log)."""
    size = log.size()
    if earlier is None or size < earlier.upto:  # none yet, or not this log any more
        earlier = ExceptionsView(filters)
    view = earlier
    for item in log.query(**filters.query_args(), start=view.upto, stop=size):
        if not is_exception(item):
            continue
        view.summary.add(item)
        view.items.append(item)
        for week, orgs in refusals_per_week([item]).items():
            view.per_week.setdefault(week, Counter()).update(orgs)
    view.upto = max(view.upto, size)
    return view


# --------------------------------------------------------------------------- consents


@dataclass
class ConsentsView:
    filters: Filters
    today: dt.date
    grants: list[ConsentState]
    expiring: list[tuple[dt.date, int]]

    def counts(self) -> Counter[str]:
        return Counter(g.state for g in self.grants)

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "report": "consents", "today": self.today.isoformat(),
                "period": _period(self.filters), "counts": dict(self.counts()),
                "expiring_per_day": [{"day": d.isoformat(), "count": n}
                                     for d, n in self.expiring],
                "grants": [g.to_json() for g in self.grants[:LIMIT]],
                "truncated": len(self.grants) > LIMIT}


def _in_period(g: ConsentState, f: Filters) -> bool:
    if f.since is None and f.until is None:
        return True
    start = f.since or dt.datetime.min.replace(tzinfo=dt.UTC)
    stop = f.until or dt.datetime.max.replace(tzinfo=dt.UTC)
    moments = [g.given_at, g.withdrawn_at]
    if g.valid_until is not None:
        moments.append(dt.datetime.combine(g.valid_until, dt.time(12), LOCAL))
    return any(m is not None and start <= m < stop for m in moments)


def build_consents(log: AuditLog, filters: Filters, today: dt.date) -> ConsentsView:
    """Grants, their state today, and those ending in the next 30 days.

    The organisation filter is the organisation the consent admits; the period keeps
    grants given, withdrawn or ending in it.
    """
    states = consent_states(log.query(case_id=filters.case_id, event_prefix="consent"), today)
    states = [g for g in states
              if (filters.organisation is None or g.organisation == filters.organisation)
              and _in_period(g, filters)]
    return ConsentsView(filters, today, states, expiring_per_day(states, today))


# --------------------------------------------------------------------------- overview


@dataclass
class OverviewView:
    today: dt.date
    weeks: list[str]
    per_week: dict[str, Counter[str]]
    expiring: list[tuple[dt.date, int]]
    handovers: HandoverTimes
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "today": self.today.isoformat(), "size": self.size,
                "refusals_per_week": {w: dict(self.per_week.get(w, {})) for w in self.weeks},
                "expiring_per_day": [{"day": d.isoformat(), "count": n}
                                     for d, n in self.expiring],
                "handovers": self.handovers.to_json()}


def build_overview(log: AuditLog, now: dt.datetime) -> OverviewView:
    today = now.astimezone(LOCAL).date()
    first = today - dt.timedelta(weeks=OVERVIEW_WEEKS - 1)
    first -= dt.timedelta(days=first.weekday())
    since = dt.datetime.combine(first, dt.time(), LOCAL).astimezone(dt.UTC)
    per_week = refusals_per_week(log.query(outcome="refused", since=since))
    states = consent_states(log.query(event_prefix="consent"), today)
    handovers = handover_times(log.query(
        event_prefix="handover", since=now - dt.timedelta(days=HANDOVER_DAYS)))
    return OverviewView(today, weeks_between(first, today), per_week,
                        expiring_per_day(states, today), handovers, log.size())


# --------------------------------------------------------------------------- register


def register_json(register: Register) -> dict[str, Any]:
    return {"ok": True, "report": "register", **register.as_json()}


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and the same numbers as a table."""

    id: str
    title: str
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: bool
    note: str = ""


def refusals_chart(t: Translator, weeks: list[str],
                   per_week: dict[str, Counter[str]]) -> Chart:
    orgs = sorted({o for c in per_week.values() for o in c})
    series = [Series(o, tuple(per_week.get(w, Counter())[o] for w in weeks)) for o in orgs]
    labels = [w.split("-")[1] for w in weeks]
    desc = t("chart.refusals_desc", first=weeks[0] if weeks else "-",
             last=weeks[-1] if weeks else "-")
    svg = bar_chart("chart-refusals", labels, series or [Series("-", (0,) * len(weeks))],
                    title=t("chart.refusals"), desc=desc,
                    label_every=max(1, len(weeks) // 12))
    rows = tuple((w, *(str(per_week.get(w, Counter())[o]) for o in orgs),
                  str(sum(per_week.get(w, Counter()).values()))) for w in weeks)
    return Chart("chart-refusals", t("chart.refusals"), svg,
                 (t("chart.week"), *orgs, t("chart.total")), rows, not orgs)


def expiring_chart(t: Translator, expiring: list[tuple[dt.date, int]]) -> Chart:
    labels = [d.strftime("%d-%m") for d, _ in expiring]
    svg = bar_chart("chart-expiring", labels,
                    [Series(t("chart.count"), tuple(n for _, n in expiring))],
                    title=t("chart.expiring"), desc=t("chart.expiring_desc"), label_every=7)
    rows = tuple((d.isoformat(), str(n)) for d, n in expiring if n)
    return Chart("chart-expiring", t("chart.expiring"), svg,
                 (t("chart.day"), t("chart.count")), rows,
                 not any(n for _, n in expiring))


def handover_chart(t: Translator, h: HandoverTimes) -> Chart:
    buckets = h.buckets()
    labels = [t.pick(nl, en) for nl, en, _ in buckets]
    svg = bar_chart("chart-handover", labels,
                    [Series(t("chart.count"), tuple(c for _, _, c in buckets))],
                    title=t("chart.handover"), desc=t("chart.handover_desc"))
    note = t("chart.handover_summary", accepted=h.accepted, declined=h.declined,
             expired=h.expired, open=h.open)
    median = h.median_hours
    if median is not None:
        value = (f"{median * 60:.0f} min" if median < 1 else
                 f"{median:.1f} " + t.pick("uur", "hours") if median < 48 else
                 f"{median / 24:.1f} " + t.pick("dagen", "days"))
        if t.lang == "nl":
            value = value.replace(".", ",")  # 4,0 uur
        note += " " + t("chart.median", value=value)
    rows = tuple((label, str(c)) for label, (_, _, c) in zip(labels, buckets, strict=True))
    empty = not (h.accepted or h.declined or h.expired or h.withdrawn or h.open)
    return Chart("chart-handover", t("chart.handover"), svg,
                 (t("chart.wait"), t("chart.count")), rows, empty, note)

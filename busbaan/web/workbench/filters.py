"""Report filters from a form or query string, parsed once into a frozen object (pure).

Every problem is collected (not just the first), each naming its field, the value and
what to do instead, in Dutch and English. Whether a well-formed case or professional
*exists* is a question for the log and the directory: :func:`unknown_problems` asks
it through two callables, so this module stays free of I/O.

Professionals are people: their Matrix ID never travels in a URL. A ``professional``
in a query string is refused; forms send it in a POST body.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from busbaan.errors import UsageError
from busbaan.policy import Policy

__all__ = [
    "LOCAL",
    "FilterError",
    "FilterProblem",
    "Filters",
    "parse_filters",
    "unknown_problems",
]

LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")
_CASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_GENERATED_CASE = re.compile(r"C-[A-Z2-9]{8}", re.IGNORECASE)
_USER_ID = re.compile(r"@[^\s:@]+:[^\s@]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIELDS = ("case", "professional", "organisation", "since", "until", "format")
FORMATS = ("csv", "jsonl")


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """What is wrong with one field."""

    field: str
    nl: str
    en: str

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl

    def to_json(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "message": self.message(lang)}


class FilterError(UsageError):
    """One or more filters are malformed or name something unknown."""

    errcode = "BB_FILTER"

    def __init__(self, problems: tuple[FilterProblem, ...]) -> None:
        super().__init__(
            "De filters kloppen niet: " + " ".join(p.nl for p in problems),
            "The filters are not right: " + " ".join(p.en for p in problems),
            data={"fields": [p.field for p in problems]},
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Filters:
    """Validated filters. ``since`` is inclusive, ``until`` exclusive (UTC); the form's
    dates are Dutch calendar days, ``until`` included."""

    case_id: str | None = None
    user_id: str | None = None
    organisation: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    since_day: dt.date | None = None
    until_day: dt.date | None = None
    fmt: str = "csv"

    def query_args(self) -> dict[str, Any]:
        """Keyword arguments for ``AuditLog.query`` / ``count``."""
        return {"case_id": self.case_id, "user_id": self.user_id,
                "organisation": self.organisation, "since": self.since, "until": self.until}

    def form_values(self) -> dict[str, str]:
        """The filters as the form shows them again."""
        return {
            "case": self.case_id or "", "professional": self.user_id or "",
            "organisation": self.organisation or "",
            "since": self.since_day.isoformat() if self.since_day else "",
            "until": self.until_day.isoformat() if self.until_day else "",
            "format": self.fmt,
        }

    def audit_details(self) -> dict[str, str]:
        """What was asked, for the workbench's own audit entry (no person in it)."""
        out: dict[str, str] = {}
        if self.organisation:
            out["filter_organisation"] = self.organisation
        if self.since_day:
            out["filter_since"] = self.since_day.isoformat()
        if self.until_day:
            out["filter_until"] = self.until_day.isoformat()
        return out

    def with_default_period(self, today: dt.date, days: int) -> Filters:
        """These filters, or the last ``days`` days up to today when no period is set."""
        if self.since is not None or self.until is not None:
            return self
        start = today - dt.timedelta(days=days - 1)
        return _with_period(self, start, today)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), LOCAL).astimezone(dt.UTC)


def _with_period(f: Filters, start: dt.date | None, end: dt.date | None) -> Filters:
    return Filters(
        case_id=f.case_id, user_id=f.user_id, organisation=f.organisation,
        since=_start_of(start) if start else None,
        until=_start_of(end + dt.timedelta(days=1)) if end else None,
        since_day=start, until_day=end, fmt=f.fmt,
    )


#: Dates a filter may name: wide enough for any log, narrow enough that the day after
#: and the local midnight in UTC still exist (year 1 and 9999 overflow).
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9998, 12, 31)


def _day(value: str, field_name: str, label_nl: str, label_en: str,
         problems: list[FilterProblem]) -> dt.date | None:
    if not value:
        return None
    day: dt.date | None = None
    if _DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        problems.append(FilterProblem(
            field_name,
            f"'{value}' bij '{label_nl}' ligt buiten het bereik van het logboek: kies een "
            f"datum tussen {FIRST_DAY.isoformat()} en {LAST_DAY.isoformat()}.",
            f"'{value}' in '{label_en}' is outside the log's range: choose a date between "
            f"{FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.",
        ))
        return None
    if day is None:
        shown = value[:40]
        problems.append(FilterProblem(
            field_name,
            f"'{shown}' bij '{label_nl}' is geen geldige datum. Gebruik jaar-maand-dag, "
            f"bijvoorbeeld 2026-01-31.",
            f"'{shown}' in '{label_en}' is not a valid date. Use year-month-day, for "
            f"example 2026-01-31.",
        ))
    return day


def parse_filters(
    values: Mapping[str, str],
    policy: Policy,
    *,
    allow_professional: bool = True,
) -> Filters:
    """Parse and check ``values`` (form fields or query parameters); raises
    :class:`FilterError` listing every problem."""
    problems: list[FilterProblem] = []

    def get(name: str) -> str:
        raw = values.get(name)
        return raw.strip() if isinstance(raw, str) else ""

    case = get("case")
    if _GENERATED_CASE.fullmatch(case):
        # Case ids are generated in capitals (busbaan.consent.state.CASE_ID); the bot
        # reads them in any case, so the workbench does too (outside18: "c-gnqw4cs8"
        # was "komt niet voor in het auditlog").
        case = case.upper()
    if case and not _CASE.fullmatch(case):
        problems.append(FilterProblem(
            "case",
            "Een casusnummer bestaat uit letters, cijfers en streepjes, zoals C-7KQ2MX4A. "
            "Vul nooit een naam of BSN in.",
            "A case number has letters, digits and dashes, like C-7KQ2MX4A. Never enter a "
            "name or BSN.",
        ))
    user = get("professional")
    if user and not allow_professional:
        problems.append(FilterProblem(
            "professional",
            "Een professional zoekt u via het formulier, niet via de adresregel: een "
            "Matrix-ID is een persoonsgegeven en hoort niet in een link.",
            "Search for a professional with the form, not in the address bar: a Matrix ID "
            "is personal data and does not belong in a link.",
        ))
        user = ""
    elif user and not _USER_ID.fullmatch(user):
        problems.append(FilterProblem(
            "professional",
            f"'{user[:60]}' is geen Matrix-ID. Een Matrix-ID ziet er zo uit: "
            "@naam:server.nl.",
            f"'{user[:60]}' is not a Matrix ID. A Matrix ID looks like @name:server.nl.",
        ))
    org = get("organisation")
    if org and policy.organisation(org) is None:
        known = ", ".join(o.id for o in policy.organisations)
        problems.append(FilterProblem(
            "organisation",
            f"Organisatie '{org[:60]}' kennen we niet. Kies uit: {known}.",
            f"We do not know organisation '{org[:60]}'. Choose from: {known}.",
        ))
    since = _day(get("since"), "since", "vanaf", "from", problems)
    until = _day(get("until"), "until", "tot en met", "up to and including", problems)
    if since and until and until < since:
        problems.append(FilterProblem(
            "until",
            "'Tot en met' ligt vóór 'vanaf': zo is de periode leeg. Draai de datums om.",
            "'Up to and including' is before 'from': the period is empty. Swap the dates.",
        ))
    fmt = get("format").lower() or "csv"
    if fmt not in FORMATS:
        problems.append(FilterProblem(
            "format", f"Onbekend formaat '{fmt[:20]}'. Kies csv of jsonl.",
            f"Unknown format '{fmt[:20]}'. Choose csv or jsonl."))
    if problems:
        raise FilterError(tuple(problems))
    base = Filters(case_id=case or None, user_id=user or None, organisation=org or None,
                   fmt=fmt)
    return _with_period(base, since, until)


def unknown_problems(
    filters: Filters,
    *,
    case_known: Callable[[str], bool],
    professional_known: Callable[[str], bool],
) -> tuple[FilterProblem, ...]:
    """Problems for a case or professional that neither the log nor the directory knows."""
    out: list[FilterProblem] = []
    if filters.case_id and not case_known(filters.case_id):
        out.append(FilterProblem(
            "case",
            f"Casus {filters.case_id} komt niet voor in het auditlog. Controleer het "
            "nummer; het staat in de casusruimte (!status).",
            f"Case {filters.case_id} does not appear in the audit log. Check the number; "
            "it is shown in the case room (!status).",
        ))
    if filters.user_id and not professional_known(filters.user_id):
        out.append(FilterProblem(
            "professional",
            f"{filters.user_id} staat niet in de adresgids en komt niet voor in het "
            "auditlog.",
            f"{filters.user_id} is not in the directory and does not appear in the audit "
            "log.",
        ))
    return tuple(out)

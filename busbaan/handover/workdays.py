"""Working-day arithmetic for reminders and expiry (pure).

A proposal that waits "one working day" should not expire over a weekend. Time is
counted on working days only (Monday to Friday, minus an optional list of public
holidays), in the organisations' local time (Europe/Amsterdam), so that a proposal
made on Friday at 15:00 is due on Monday at 15:00 and one made on Saturday is due at
the end of Monday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

__all__ = ["LOCAL_TZ", "add_working_days", "is_working_day", "working_time_between"]

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    """Monday to Friday, and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def _next_working_day(day: dt.date, holidays: Collection[dt.date]) -> dt.date:
    day += _DAY
    while not is_working_day(day, holidays):
        day += _DAY
    return day


def add_working_days(start: dt.datetime, days: int, holidays: Collection[dt.date] = (),
                     tz: dt.tzinfo = LOCAL_TZ) -> dt.datetime:
    """The moment ``days`` working days of time after ``start`` (UTC in, UTC out).

    A start outside working days counts from the beginning of the next working day.
    The local wall-clock time is kept across days, so a daylight-saving change does
    not move a deadline by an hour.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(tz)
    day, time_of_day = local.date(), local.time().replace(tzinfo=None)
    if not is_working_day(day, holidays):
        day, time_of_day = _next_working_day(day, holidays), dt.time()
    for _ in range(days):
        day = _next_working_day(day, holidays)
    return dt.datetime.combine(day, time_of_day, tz).astimezone(dt.UTC)


def working_time_between(start: dt.datetime, end: dt.datetime,
                         holidays: Collection[dt.date] = (),
                         tz: dt.tzinfo = LOCAL_TZ) -> dt.timedelta:
    """How much of ``start``..``end`` falls on working days, in local wall-clock time
    (each working day counts 24 hours, also on a daylight-saving day)."""
    if end <= start:
        return dt.timedelta(0)
    a, b = start.astimezone(tz).replace(tzinfo=None), end.astimezone(tz).replace(tzinfo=None)
    total = dt.timedelta(0)
    day = a.date()
    while day <= b.date():
        if is_working_day(day, holidays):
            lo = max(a, dt.datetime.combine(day, dt.time()))
            hi = min(b, dt.datetime.combine(day + _DAY, dt.time()))
            if hi > lo:
                total += hi - lo
        day += _DAY
    return total

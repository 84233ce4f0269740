"""Working-day arithmetic for handover reminders and expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busbaan.handover.workdays import (
    LOCAL_TZ,
    add_working_days,
    is_working_day,
    working_time_between,
)


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LOCAL_TZ)


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    """Monday to Friday are working days; Saturday and Sunday are not."""
    monday = dt.date(2025, 6, 2)
    assert [is_working_day(monday + dt.timedelta(days=i)) for i in range(7)] == [
        True, True, True, True, True, False, False]


def test_a_holiday_is_not_a_working_day() -> None:
    """A date in the holiday list is not a working day, even on a weekday."""
    whit_monday = dt.date(2025, 6, 9)
    assert is_working_day(whit_monday)
    assert not is_working_day(whit_monday, {whit_monday})


def test_one_working_day_from_a_tuesday_is_wednesday_same_time() -> None:
    """A Tuesday 10:00 plus one working day is Wednesday 10:00 (local time)."""
    got = add_working_days(local(2025, 6, 3, 10), 1)
    assert got == local(2025, 6, 4, 10)
    assert got.tzinfo is dt.UTC


def test_friday_afternoon_plus_one_is_monday_afternoon() -> None:
    """A Friday 15:00 plus one working day skips the weekend to Monday 15:00."""
    assert add_working_days(local(2025, 6, 6, 15), 1) == local(2025, 6, 9, 15)


def test_five_working_days_from_monday_is_next_monday() -> None:
    """Monday plus five working days is the next Monday, same time."""
    assert add_working_days(local(2025, 6, 2, 9, 30), 5) == local(2025, 6, 9, 9, 30)


def test_saturday_counts_from_the_start_of_monday() -> None:
    """A start on Saturday counts from Monday 00:00, so one working day ends at Tuesday 00:00."""
    assert add_working_days(local(2025, 6, 7, 11), 1) == local(2025, 6, 10, 0)


def test_a_holiday_is_skipped() -> None:
    """Friday plus one working day, with Monday a holiday, is Tuesday."""
    whit_monday = dt.date(2025, 6, 9)
    assert add_working_days(local(2025, 6, 6, 15), 1, {whit_monday}) == local(2025, 6, 10, 15)


def test_zero_days_from_a_working_moment_is_that_moment() -> None:
    """Adding zero working days on a working day changes nothing."""
    start = local(2025, 6, 4, 13, 45)
    assert add_working_days(start, 0) == start


def test_daylight_saving_keeps_the_wall_clock_time() -> None:
    """Across the switch to winter time a deadline keeps its local hour (Fri 15:00 → Mon 15:00)."""
    friday = local(2025, 10, 24, 15)  # CEST; Sunday 26 October is the switch
    got = add_working_days(friday, 1)
    assert got.astimezone(LOCAL_TZ).hour == 15 and got.astimezone(LOCAL_TZ).day == 27
    assert got - friday == dt.timedelta(days=3, hours=1)


def test_naive_or_negative_input_is_refused() -> None:
    """A naive start or a negative number of days is a programming error."""
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2025, 6, 2, 9), 1)
    with pytest.raises(ValueError):
        add_working_days(local(2025, 6, 2, 9), -1)


def test_working_time_ignores_the_weekend() -> None:
    """From Friday 12:00 to Monday 12:00 is one working day of time."""
    assert working_time_between(local(2025, 6, 6, 12), local(2025, 6, 9, 12)) == dt.timedelta(1)


_moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31),
                        timezones=st.just(dt.UTC))
_holidays = st.frozensets(st.dates(min_value=dt.date(2024, 1, 1),
                                   max_value=dt.date(2028, 3, 31)), max_size=20)


@given(start=_moments, days=st.integers(0, 30), holidays=_holidays)
def test_deadline_is_exactly_n_working_days_of_time_later(
    start: dt.datetime, days: int, holidays: frozenset[dt.date]
) -> None:
    """add_working_days(start, n) lies exactly n working days of (local) time after start,
    on a working day."""
    end = add_working_days(start, days, holidays)
    assert end >= start
    assert working_time_between(start, end, holidays) == dt.timedelta(days=days)
    if days:
        assert is_working_day(end.astimezone(LOCAL_TZ).date(), holidays) or (
            end.astimezone(LOCAL_TZ).time() == dt.time())


@given(start=_moments, days=st.integers(0, 20))
def test_more_days_never_come_sooner(start: dt.datetime, days: int) -> None:
    """The deadline grows with the number of working days."""
    assert add_working_days(start, days) < add_working_days(start, days + 1)

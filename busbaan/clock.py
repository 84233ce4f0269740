"""Time as a dependency: every rule that looks at the clock takes a ``Clock``."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware (UTC)."""
        ...


def utc_today() -> dt.date:
    """The clock's day in UTC: the one default for a caller that passes no ``today``
    (:func:`busbaan.privacy.find_personal_data`). A caller that reads one question reads
    it once and hands the same day to every step (the wegwijzer bot, ``route ask`` and
    ``route batch``; session 13, privacy17)."""
    return dt.datetime.now(dt.UTC).date()


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FakeClock:
    """A clock for tests and benchmarks: it moves only when told."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now

    def set(self, when: dt.datetime) -> None:
        self._now = when


class OffsetClock:
    """The real clock moved forward by an adjustable offset (end-to-end tests that
    must see time pass in a process whose clock they do not own)."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)

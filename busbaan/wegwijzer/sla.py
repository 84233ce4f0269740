"""Team intake figures and reminders for lanes (pure; time comes in as ``now``).

A lane waits from the moment it is opened until a team member first writes in it.
Each team has a target for that wait: the service's ``x_response_target_minutes`` in
the social map, else :data:`DEFAULT_TARGET_MINUTES`. A lane that waits longer than its
target gets one reminder. The figures per team are: lanes open (not closed), waiting
(no answer yet), overdue (waiting past the target), answered, and the median time to
the first answer over every answered lane (whole seconds: no floats in Matrix events).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from busbaan.wegwijzer.model import LaneRecord

#: The target when the social map gives the service none: half a working day.
DEFAULT_TARGET_MINUTES = 240


def target_minutes(service_target: int | None, default: int = DEFAULT_TARGET_MINUTES) -> int:
    """The target for a lane to a service (the map's value wins)."""
    return service_target if service_target is not None else default


def waited(lane: LaneRecord, now: dt.datetime) -> dt.timedelta:
    """How long the lane waited for its first answer (so far, if it still waits)."""
    end = lane.first_answer_at or lane.closed_at or now
    return max(end - lane.opened_at, dt.timedelta(0))


def overdue(lane: LaneRecord, now: dt.datetime) -> bool:
    """True when the lane still waits and has waited longer than its target."""
    return lane.waiting and waited(lane, now) > dt.timedelta(minutes=lane.target_minutes)


def due_reminders(lanes: Iterable[LaneRecord], now: dt.datetime) -> list[LaneRecord]:
    """The lanes that are overdue and were not reminded yet, oldest first."""
    due = [lane for lane in lanes if overdue(lane, now) and lane.reminded_at is None]
    return sorted(due, key=lambda lane: (lane.opened_at, lane.lane_id))


def median_seconds(values: Sequence[float]) -> int | None:
    """The median, rounded to whole seconds; None without values."""
    return round(statistics.median(values)) if values else None


@dataclass(frozen=True, slots=True)
class TeamFigures:
    """One team's intake figures."""

    team: str
    organization_id: str
    service_ids: tuple[str, ...]
    open: int
    waiting: int
    overdue: int
    answered: int
    median_first_answer_seconds: int | None
    longest_wait_seconds: int | None  # of the lanes that wait now
    target_minutes: int

    def to_json(self) -> dict[str, object]:
        return {
            "team": self.team,
            "organization_id": self.organization_id,
            "service_ids": list(self.service_ids),
            "open": self.open,
            "waiting": self.waiting,
            "overdue": self.overdue,
            "answered": self.answered,
            "median_first_answer_seconds": self.median_first_answer_seconds,
            "longest_wait_seconds": self.longest_wait_seconds,
            "target_minutes": self.target_minutes,
        }


def team_figures(lanes: Iterable[LaneRecord], now: dt.datetime) -> list[TeamFigures]:
    """Figures per team (sorted by team), from every lane given."""
    by_team: dict[str, list[LaneRecord]] = defaultdict(list)
    for lane in lanes:
        by_team[lane.team].append(lane)
    out = []
    for team in sorted(by_team):
        group = sorted(by_team[team], key=lambda lane: (lane.opened_at, lane.lane_id))
        answered = [waited(lane, now).total_seconds() for lane in group
                    if lane.first_answer_at is not None]
        waits = [waited(lane, now).total_seconds() for lane in group if lane.waiting]
        out.append(TeamFigures(
            team=team,
            organization_id=group[-1].organization_id,
            service_ids=tuple(sorted({lane.service_id for lane in group})),
            open=sum(1 for lane in group if lane.closed_at is None),
            waiting=len(waits),
            overdue=sum(1 for lane in group if overdue(lane, now)),
            answered=len(answered),
            median_first_answer_seconds=median_seconds(answered),
            longest_wait_seconds=round(max(waits)) if waits else None,
            target_minutes=group[-1].target_minutes,
        ))
    return out


def format_duration(seconds: int | None, lang: str = "nl") -> str:
    """``1 u 05 min`` / ``1 h 05 min``, ``3 min``, ``40 s``; ``–`` for None."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} {'h' if lang == 'en' else 'u'} {rest:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} {'d' if lang == 'en' else 'dg'} {hours} {'h' if lang == 'en' else 'u'}"

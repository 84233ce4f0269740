"""Who, what and which grants: the inputs of ``decide`` (pure, frozen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True, slots=True)
class Professional:
    """A directory entry: which organisation, team and role someone acts in."""

    user_id: str
    organisation: str
    role: str
    team: str = ""
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Grant:
    """A consent grant: organisation (optionally limited to roles) admitted to a case."""

    grant_id: str
    organisation: str
    categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    valid_from: dt.datetime
    valid_until: dt.datetime
    given_by: str
    roles: tuple[str, ...] = ()
    withdrawn_at: dt.datetime | None = None
    template: str | None = None

    def active_at(self, now: dt.datetime) -> bool:
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return False
        return self.valid_from <= now < self.valid_until

    def covers(self, who: Professional) -> bool:
        return who.organisation == self.organisation and (
            not self.roles or who.role in self.roles
        )

    def status(self, now: dt.datetime) -> str:
        """'active', 'withdrawn', 'expired' or 'pending' (starts later)."""
        if self.withdrawn_at is not None and self.withdrawn_at <= now:
            return "withdrawn"
        if now >= self.valid_until:
            return "expired"
        if now < self.valid_from:
            return "pending"
        return "active"


@dataclass(frozen=True, slots=True)
class Access:
    """A time-limited admission outside the grants (break-glass, sideline regie)."""

    user_id: str
    kind: str  # "break_glass" | "sideline"
    until: dt.datetime
    reason_code: str = ""


@dataclass(frozen=True, slots=True)
class CaseScope:
    """What a room's state says about a case: who leads it and who may be in it."""

    case_id: str
    room_id: str
    home_organisation: str
    regie: str
    grants: tuple[Grant, ...] = ()
    accesses: tuple[Access, ...] = ()
    closed: bool = False
    _by_org: Mapping[str, tuple[Grant, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_org: dict[str, list[Grant]] = {}
        for g in self.grants:
            by_org.setdefault(g.organisation, []).append(g)
        object.__setattr__(self, "_by_org", {k: tuple(v) for k, v in by_org.items()})

    def grants_for(self, organisation: str) -> tuple[Grant, ...]:
        return self._by_org.get(organisation, ())

    def grant(self, grant_id: str) -> Grant | None:
        return next((g for g in self.grants if g.grant_id == grant_id), None)


class Action(Enum):
    """What someone tries to do to a case room."""

    INVITE = "invite"  # actor invites subject
    JOIN = "join"  # subject joins (after an invite)
    KNOCK = "knock"  # subject knocks
    STAY = "stay"  # subject is a member; may they remain? (reconciliation)
    SEND_STATE = "send_state"  # actor sends a state event of ``event_type``

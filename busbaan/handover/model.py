"""The handover's nouns: the lead of a case, a proposal, the rules, and the records a
step leaves behind (pure, frozen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from busbaan.consent.model import Access
from busbaan.policy.model import Limits

__all__ = ["Due", "Handover", "HandoverRules", "Lead", "Outcome", "Record", "RegiePeriod",
           "Status"]

_EMPTY: Mapping[str, str] = MappingProxyType({})


class Status(StrEnum):
    """proposed → accepted | declined | withdrawn | expired (the last four are final)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Lead:
    """Who has the regie of a case, for which organisation, since when.

    The lead's organisation is the case's home organisation: its professionals are
    admitted without a grant. It moves with the regie on a handover.
    """

    case_id: str
    regie: str
    organisation: str
    since: dt.datetime
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Handover:
    """A proposal to hand the regie of a case to another professional."""

    handover_id: str
    case_id: str
    proposer: str
    addressee: str
    from_organisation: str
    to_organisation: str
    reason: str  # checked: no personal data; kept in the store, never in logs
    proposed_at: dt.datetime
    remind_at: dt.datetime
    expires_at: dt.datetime
    status: Status = Status.PROPOSED
    reminded_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    decided_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status is Status.PROPOSED


@dataclass(frozen=True, slots=True)
class HandoverRules:
    """The limits the policy sets (``policies/limits.yaml``), plus public holidays."""

    sideline_days: int = 14
    remind_after_working_days: int = 1
    expire_after_working_days: int = 5
    break_glass_hours: int = 24
    break_glass_min_reason_chars: int = 20
    holidays: frozenset[dt.date] = frozenset()

    @classmethod
    def from_limits(cls, limits: Limits, holidays: Collection[dt.date] = ()) -> HandoverRules:
        return cls(
            sideline_days=limits.sideline_days,
            remind_after_working_days=limits.remind_after_working_days,
            expire_after_working_days=limits.expire_after_working_days,
            break_glass_hours=limits.break_glass_hours,
            break_glass_min_reason_chars=limits.break_glass_min_reason_chars,
            holidays=frozenset(holidays),
        )


@dataclass(frozen=True, slots=True)
class Record:
    """An audit entry to write, without the parts only the edge knows (the actor's
    role and organisation, the source). ``actor`` None: the busbaan bot itself.
    ``personal`` holds free text (a reason) that goes only into the case-encrypted
    details of the audit log, never into the entry itself."""

    event_code: str
    action: str  # NEN 7513: C R U D E
    case_id: str
    actor: str | None
    subject: str | None = None
    reason_code: str | None = None
    checks: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    details: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    personal: Mapping[str, str] = field(default_factory=lambda: _EMPTY)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one step changes: the lead (None: unchanged), the proposal, a temporary
    access, and the records to write."""

    lead: Lead | None = None
    handover: Handover | None = None
    access: Access | None = None
    records: tuple[Record, ...] = ()


@dataclass(frozen=True, slots=True)
class Due:
    """A proposal the sweep must act on now: ``kind`` is "remind" or "expire"."""

    kind: str
    handover: Handover


@dataclass(frozen=True, slots=True)
class RegiePeriod:
    """One stretch of regie: who, for which organisation, from when until when."""

    regie: str
    organisation: str
    since: dt.datetime
    until: dt.datetime | None = None
    handover_id: str | None = None

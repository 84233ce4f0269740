"""The citizen side's frozen objects: a consent proposal and the facts of one case."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from busbaan.audit.entry import AuditEntry
from busbaan.citizen.rules import GrantHistory
from busbaan.consent.model import Professional

__all__ = ["CaseFacts", "EarlierLead", "Proposal", "grant_id_for"]


def grant_id_for(proposal_id: str) -> str:
    """The id of the grant an approved proposal becomes: fixed by the proposal, so
    that the same "yes" reaching two processes at once can store it only once (the
    second insert of the same primary key fails and changes nothing)."""
    return "G-" + proposal_id.removeprefix("P-")


@dataclass(frozen=True, slots=True)
class Proposal:
    """A grant the regie proposed (``!toestemming voorstel``) for the citizen to decide.

    ``status``: ``proposed`` → ``approved`` (``grant_id`` set) or ``refused``; or
    ``withdrawn`` (by the regie, or when the case closed)."""

    proposal_id: str
    case_id: str
    organisation: str
    categories: tuple[str, ...]
    legal_bases: tuple[str, ...]
    valid_until: dt.datetime
    proposed_by: str
    proposed_at: dt.datetime
    roles: tuple[str, ...] = ()
    status: str = "proposed"
    decided_at: dt.datetime | None = None
    grant_id: str | None = None
    receipt: str | None = None  # the signed receipt (a note), once decided


@dataclass(frozen=True, slots=True)
class EarlierLead:
    organisation: str
    until: dt.datetime


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the citizen page shows about one case, read from the store."""

    case_id: str
    closed: bool
    home_organisation: str
    regie: Professional | None
    regie_since: dt.datetime
    contact: str | None = None
    earlier: tuple[EarlierLead, ...] = ()
    grants: tuple[GrantHistory, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    history: tuple[tuple[int, AuditEntry], ...] = field(default=())

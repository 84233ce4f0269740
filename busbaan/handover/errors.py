"""Why a handover, a break-glass or a closing step is refused: errors with stable
errcodes and bilingual messages that say what to do (pure)."""

from __future__ import annotations

from busbaan.errors import BusbaanError, Forbidden, NotFound, UsageError

__all__ = [
    "BreakGlassReason",
    "BreakGlassRole",
    "CaseClosed",
    "HandoverExpired",
    "HandoverNotInScope",
    "HandoverOpen",
    "HandoverToRegie",
    "HandoverToSelf",
    "NoOpenHandover",
    "NotAddressee",
    "NotInDirectory",
    "NotRegie",
    "ReasonMissing",
    "UnknownCase",
]


class NotRegie(Forbidden):
    """Only the current regie may do this (propose, withdraw, close)."""

    errcode = "BB_NOT_REGIE"


class NotAddressee(Forbidden):
    """Only the professional a proposal is addressed to may accept or decline it."""

    errcode = "BB_NOT_ADDRESSEE"


class NotInDirectory(Forbidden):
    """busbaan does not know in which organisation and role someone works."""

    errcode = "BB_NOT_IN_DIRECTORY"


class HandoverToSelf(BusbaanError):
    errcode = "BB_HANDOVER_SELF"


class HandoverToRegie(BusbaanError):
    errcode = "BB_HANDOVER_TO_REGIE"


class HandoverOpen(BusbaanError):
    """A case has at most one open proposal."""

    errcode = "BB_HANDOVER_OPEN"


class HandoverNotInScope(Forbidden):
    """The addressee is outside the case's consent scope; a grant is missing."""

    errcode = "BB_HANDOVER_NOT_IN_SCOPE"


class NoOpenHandover(NotFound):
    errcode = "BB_NO_OPEN_HANDOVER"


class HandoverExpired(BusbaanError):
    errcode = "BB_HANDOVER_EXPIRED"


class ReasonMissing(UsageError):
    """A reason is mandatory (the dispatcher adds the usage line)."""

    errcode = "BB_REASON_MISSING"


class BreakGlassRole(Forbidden):
    """The professional's role may not use the emergency key (policy)."""

    errcode = "BB_BREAKGLASS_ROLE"


class BreakGlassReason(BusbaanError):
    """The emergency reason is missing or shorter than a sentence."""

    errcode = "BB_BREAKGLASS_REASON"


class UnknownCase(NotFound):
    errcode = "BB_UNKNOWN_CASE"


class CaseClosed(BusbaanError):
    errcode = "BB_CASE_CLOSED"

"""One professional in charge (regie), warm handovers and the break-glass "loper".

Pure: no network, database or Matrix. The casus bot (``bots/casus``) calls these
functions and carries out their outcomes (store, room state, invitations, records).

- :mod:`~busbaan.handover.machine`: propose → accept | decline | withdraw | expire;
  closing a case; the regie's history;
- :mod:`~busbaan.handover.breakglass`: emergency access, who may use it, its records;
- :mod:`~busbaan.handover.workdays`: working-day arithmetic for reminders and expiry;
- :mod:`~busbaan.handover.hints`: the grant command that would admit an addressee;
- :mod:`~busbaan.handover.errors`: refusals with stable errcodes.
"""

from busbaan.handover import breakglass
from busbaan.handover.errors import (
    BreakGlassReason,
    BreakGlassRole,
    CaseClosed,
    HandoverExpired,
    HandoverNotInScope,
    HandoverOpen,
    HandoverToRegie,
    HandoverToSelf,
    NoOpenHandover,
    NotAddressee,
    NotInDirectory,
    NotRegie,
    ReasonMissing,
    UnknownCase,
)
from busbaan.handover.hints import grant_command
from busbaan.handover.machine import (
    accept,
    check_reason,
    close_case,
    decline,
    due,
    expire,
    next_deadline,
    plan_sweep,
    propose,
    regie_history,
    remind,
    withdraw,
)
from busbaan.handover.model import (
    Due,
    Handover,
    HandoverRules,
    Lead,
    Outcome,
    Record,
    RegiePeriod,
    Status,
)
from busbaan.handover.workdays import add_working_days, is_working_day, working_time_between

__all__ = [
    "BreakGlassReason",
    "BreakGlassRole",
    "CaseClosed",
    "Due",
    "Handover",
    "HandoverExpired",
    "HandoverNotInScope",
    "HandoverOpen",
    "HandoverRules",
    "HandoverToRegie",
    "HandoverToSelf",
    "Lead",
    "NoOpenHandover",
    "NotAddressee",
    "NotInDirectory",
    "NotRegie",
    "Outcome",
    "ReasonMissing",
    "Record",
    "RegiePeriod",
    "Status",
    "UnknownCase",
    "accept",
    "add_working_days",
    "breakglass",
    "check_reason",
    "close_case",
    "decline",
    "due",
    "expire",
    "grant_command",
    "is_working_day",
    "next_deadline",
    "plan_sweep",
    "propose",
    "regie_history",
    "remind",
    "withdraw",
    "working_time_between",
]

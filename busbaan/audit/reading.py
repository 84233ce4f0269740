"""Reading logged entries the same way everywhere (pure): the CLI reports
(:mod:`busbaan.audit.reports`) and the workbench (:mod:`busbaan.web.workbench`) both
use these readers, so they cannot disagree about the same log.

- :func:`grant_recipient`: the organisation a ``consent.*`` entry is about (the grant's
  recipient, not the regie who gave it). Entries written by the case service carry it
  as ``details.grant_organisation``; older ones as ``details.organisation``.
- :func:`is_professional`: whether an entry's actor is a professional (not the busbaan
  bot, not the privacy officer's workbench, not the service or the CLI).
- :func:`local_time`: a moment as the privacy officer reads it, with its zone
  (Europe/Amsterdam by default).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from busbaan.audit.entry import AuditEntry

__all__ = ["LOCAL_ZONE", "NOT_PROFESSIONAL_SOURCES", "grant_recipient", "is_professional",
           "local_time"]

LOCAL_ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")
#: Sources whose entries are never a professional's doing.
NOT_PROFESSIONAL_SOURCES = frozenset({"workbench", "service", "cli"})


def grant_recipient(entry: AuditEntry) -> str | None:
    """The organisation a consent entry admits or stops admitting (None: not consent)."""
    if not entry.event_code.startswith("consent."):
        return None
    return (entry.details.get("grant_organisation") or entry.details.get("organisation")
            or None)


def is_professional(entry: AuditEntry) -> bool:
    """Whether the entry's actor is a professional: a user, not a system. The busbaan
    bot acts without a role and organisation; the workbench is the officer's."""
    if entry.user_id is None or entry.source in NOT_PROFESSIONAL_SOURCES:
        return False
    if entry.reason_code == "ok.bot":
        return False  # the gate admitting the bot's own step
    # The bot writes its own steps without a role or organisation; a professional's
    # commands reach the bot only when they are in the directory (role, organisation).
    return not (entry.source == "casus-bot" and entry.user_role is None
                and entry.organisation is None)


def local_time(when: dt.datetime, zone: dt.tzinfo = LOCAL_ZONE) -> str:
    """``2026-03-02 11:00 CET``: local time with the zone's name."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

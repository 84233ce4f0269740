"""The core tables: directory, cases, consent grants.

Tables hold what the pure core needs to decide and what the bots need to act; the
audit log (``busbaan.audit``) keeps the history. Times are stored as UTC.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import JSON, Column, Field, SQLModel


class DirectoryRow(SQLModel, table=True):
    """A professional: organisation, team and role (from a CSV import or a domain)."""

    __tablename__ = "directory_entry"

    user_id: str = Field(primary_key=True, max_length=255)
    display_name: str = Field(default="", max_length=255)
    organisation: str = Field(index=True, max_length=64)
    team: str = Field(default="", max_length=128)
    role: str = Field(max_length=64)
    source: str = Field(default="import", max_length=16)
    updated_at: dt.datetime


class CaseRow(SQLModel, table=True):
    """A citizen's help request: one Matrix room, a pseudonymous id, a regie."""

    __tablename__ = "case_record"

    case_id: str = Field(primary_key=True, max_length=32)
    room_id: str | None = Field(default=None, unique=True, max_length=255)
    label: str = Field(default="", max_length=200)
    home_organisation: str = Field(max_length=64)
    regie: str = Field(max_length=255)
    regie_since: dt.datetime
    status: str = Field(default="opening", max_length=16)  # opening | open | closed
    created_by: str = Field(max_length=255)
    created_at: dt.datetime
    closed_at: dt.datetime | None = None


class GrantRow(SQLModel, table=True):
    """A consent grant: an organisation (and optionally roles) admitted to a case."""

    __tablename__ = "consent_grant"

    grant_id: str = Field(primary_key=True, max_length=32)
    case_id: str = Field(foreign_key="case_record.case_id", index=True, max_length=32)
    organisation: str = Field(max_length=64)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_bases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_from: dt.datetime
    valid_until: dt.datetime = Field(index=True)  # the expiry index (issue 12)
    given_by: str = Field(max_length=255)
    template: str | None = Field(default=None, max_length=64)
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = Field(default=None, max_length=255)
    withdrawal_channel: str | None = Field(default=None, max_length=32)


class HandoverRow(SQLModel, table=True):
    """A proposal to hand a case's regie to another professional (issue 3).

    At most one proposal per case is ``proposed`` at a time (a partial unique index,
    see migration 0003). ``room_event_id`` is the proposal's event in the case room:
    the bot's messages about the handover form a thread on it.
    """

    __tablename__ = "handover"

    handover_id: str = Field(primary_key=True, max_length=32)
    case_id: str = Field(foreign_key="case_record.case_id", index=True, max_length=32)
    proposer: str = Field(max_length=255)
    addressee: str = Field(index=True, max_length=255)
    from_organisation: str = Field(max_length=64)
    to_organisation: str = Field(max_length=64)
    reason: str = Field(max_length=600)  # checked for personal data before it is stored
    status: str = Field(default="proposed", index=True, max_length=16)
    proposed_at: dt.datetime
    remind_at: dt.datetime
    expires_at: dt.datetime
    reminded_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    decided_by: str | None = Field(default=None, max_length=255)
    decline_reason: str | None = Field(default=None, max_length=600)
    room_event_id: str | None = Field(default=None, max_length=255)
    dm_room_id: str | None = Field(default=None, max_length=255)


class AccessRow(SQLModel, table=True):
    """A temporary admission outside the grants: break-glass or the sideline of a
    previous regie. Ended when it runs out (``ended_at``) or the case closes."""

    __tablename__ = "case_access"

    access_id: str = Field(primary_key=True, max_length=32)
    case_id: str = Field(foreign_key="case_record.case_id", index=True, max_length=32)
    user_id: str = Field(max_length=255)
    kind: str = Field(max_length=16)  # break_glass | sideline
    until: dt.datetime = Field(index=True)  # the expiry index (issue 12)
    reason_code: str = Field(default="", max_length=64)
    started_at: dt.datetime
    started_by: str = Field(max_length=255)
    ended_at: dt.datetime | None = None

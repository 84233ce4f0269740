"""Tables of the citizen's side (issue 10): links, consent proposals, sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel


class CitizenLinkRow(SQLModel, table=True):
    """A one-time way in for the citizen: only hashes of the token and the code."""

    __tablename__ = "citizen_link"

    link_id: str = Field(primary_key=True, max_length=32)
    case_id: str = Field(foreign_key="case_record.case_id", index=True, max_length=32)
    token_hash: str = Field(unique=True, max_length=64)
    code_hash: str = Field(max_length=64)
    contact: str = Field(default="", max_length=200)  # how to reach the regie
    created_by: str = Field(max_length=255)
    created_at: dt.datetime
    expires_at: dt.datetime
    attempts: int = 0
    used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revoked_by: str | None = Field(default=None, max_length=255)
    locked_at: dt.datetime | None = None


class ConsentProposalRow(SQLModel, table=True):
    """A grant the regie proposed for the citizen to approve or refuse."""

    __tablename__ = "consent_proposal"

    proposal_id: str = Field(primary_key=True, max_length=32)
    case_id: str = Field(foreign_key="case_record.case_id", index=True, max_length=32)
    organisation: str = Field(max_length=64)
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_bases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    valid_until: dt.datetime
    proposed_by: str = Field(max_length=255)
    proposed_at: dt.datetime
    status: str = Field(default="proposed", max_length=16)
    decided_at: dt.datetime | None = None
    grant_id: str | None = Field(default=None, max_length=32)
    receipt: str | None = None


class CitizenSessionRow(SQLModel, table=True):
    """A citizen's session (``busbaan.web.citizen.sessions``). Only a keyed hash of the
    session id is stored (HMAC with a key kept outside the database), so whoever reads
    or writes this table cannot present, nor make, a session cookie."""

    __tablename__ = "citizen_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    case_id: str | None = Field(default=None, index=True, max_length=32)  # None: anonymous
    link_id: str | None = Field(default=None, index=True, max_length=32)
    created_at: dt.datetime
    last_seen: dt.datetime = Field(index=True)


class CitizenFormRow(SQLModel, table=True):
    """A form of a session, claimed before it is handled (the primary key makes a
    double submit, in any process, find it taken), with what its answer showed."""

    __tablename__ = "citizen_form"

    id_hash: str = Field(primary_key=True, max_length=64)
    form_id: str = Field(primary_key=True, max_length=64)
    claimed_at: dt.datetime = Field(index=True)
    #: The lines shown for it, [[catalogue key, values], ...]; None while in progress.
    flash: list[Any] | None = Field(default=None, sa_column=Column(
        sa.JSON(none_as_null=True), nullable=True))  # SQL NULL, not JSON null

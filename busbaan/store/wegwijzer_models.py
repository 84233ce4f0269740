"""The wegwijzer's tables (issue 5): imported social maps, answers, lanes, feedback.

No table holds a question's text: questions are referred to by their keyed hash
(``question_sha256``). People are named by keyed pseudonyms (12 hex; per answer or per
lane since session 11, migration 0110: :mod:`busbaan.wegwijzer.retention`), not their
Matrix ID; the exceptions are ``lane.asker_user_id`` while the lane waits
(migration 0070) and an answer's room and event ids for a limited time (migration 0100;
:mod:`busbaan.wegwijzer.retention`). Times are stored as naive UTC.
Migration: ``0004_wegwijzer``.
Import this module wherever the full metadata is needed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Index, String, Text, UniqueConstraint, literal, text
from sqlmodel import JSON, Column, Field, SQLModel


class SocialMapRow(SQLModel, table=True):
    """One imported social map (HSDS 3.0, canonical JSON); the newest is in use."""

    __tablename__ = "socialmap"

    map_id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True, max_length=64)
    source: str = Field(max_length=255)
    services: int
    organizations: int
    document: str = Field(sa_column=Column(Text, nullable=False))
    imported_at: dt.datetime
    imported_by: str = Field(default="", max_length=255)


#: An answer's ``event_id`` once its Matrix references are forgotten (the retention limit,
#: :func:`busbaan.wegwijzer.retention.keeps_answer_ids`): this prefix and the answer's own
#: id, never a Matrix event id (those start with "$"); ``room_id`` and
#: ``question_event_id`` become "". Not NULL: the columns are NOT NULL, and on SQLite
#: making them nullable rebuilds ``route_answer``, which the lanes' and verdicts' foreign
#: keys refuse inside the migration's transaction (and which copies every answer).
FORGOTTEN_EVENT = "forgotten:"


def forgotten_refs(answer_id: ColumnElement[Any]) -> dict[str, Any]:
    """The values of ``route_answer``'s Matrix reference columns once forgotten, for an
    UPDATE (``answer_id``: the table's column)."""
    return {"room_id": "", "event_id": literal(FORGOTTEN_EVENT, String) + answer_id,
            "question_event_id": ""}


class RouteAnswerRow(SQLModel, table=True):
    """An answer the wegwijzer gave (results, not the question). Where it was given
    (``room_id``, ``event_id``, ``question_event_id``) only for a limited time:
    :func:`forgotten_refs` afterwards."""

    __tablename__ = "route_answer"
    # the retention sweep's search: answers that still keep their ids, by age (0100)
    __table_args__ = (Index("ix_route_answer_kept_created", "created_at",
                            postgresql_where=text("room_id <> ''"),
                            sqlite_where=text("room_id <> ''")),)

    answer_id: str = Field(primary_key=True, max_length=16)
    room_id: str = Field(index=True, max_length=255)
    event_id: str = Field(unique=True, max_length=255)
    question_event_id: str = Field(max_length=255)
    asker: str = Field(max_length=255)
    question_sha256: str = Field(max_length=64)
    map_sha256: str = Field(max_length=64)
    results: list[dict[str, object]] = Field(default_factory=list,
                                             sa_column=Column(JSON, nullable=False))
    confident: bool
    created_at: dt.datetime


class LaneRow(SQLModel, table=True):
    """A lane from an answer to a team's intake, with its first-answer clock."""

    __tablename__ = "lane"
    __table_args__ = (UniqueConstraint("answer_id", "service_id", name="uq_lane_answer_service"),)

    lane_id: str = Field(primary_key=True, max_length=16)
    room_id: str = Field(unique=True, max_length=255)
    answer_id: str = Field(foreign_key="route_answer.answer_id", max_length=16)
    service_id: str = Field(max_length=128)
    organization_id: str = Field(max_length=128)
    team: str = Field(index=True, max_length=255)
    intake_room_id: str | None = Field(default=None, max_length=255)
    asker: str = Field(max_length=255)
    question_sha256: str = Field(max_length=64)
    target_minutes: int
    opened_at: dt.datetime
    first_answer_at: dt.datetime | None = None
    first_answer_by: str | None = Field(default=None, max_length=255)
    reminded_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closed_by: str | None = Field(default=None, max_length=255)
    asker_user_id: str | None = Field(default=None, max_length=255)
    #: the room the lane's question was asked in, with ``asker_user_id`` (0110)
    question_room_id: str | None = Field(default=None, max_length=255)


class RouteFeedbackRow(SQLModel, table=True):
    """The asker's verdict on an answer; one per person and answer (the last counts)."""

    __tablename__ = "route_feedback"
    __table_args__ = (UniqueConstraint("answer_id", "by", name="uq_route_feedback_answer_by"),)

    feedback_id: str = Field(primary_key=True, max_length=16)
    answer_id: str = Field(foreign_key="route_answer.answer_id", index=True, max_length=16)
    by: str = Field(max_length=255)
    verdict: str = Field(max_length=8)  # good | wrong
    expected_service_id: str | None = Field(default=None, max_length=128)
    question_sha256: str = Field(max_length=64)
    map_sha256: str = Field(max_length=64)
    answered_service_ids: list[str] = Field(default_factory=list,
                                            sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime


class RouteUnreadRow(SQLModel, table=True):
    """A person's newest question in a room could not be read (another script, emoji
    only, another language; session 21, migration 0150): what ``!baan mens`` needs to
    open a lane to a person after it, also after a restart — never the question, its
    hash, the room or the person. ``ref``: :meth:`busbaan.pseudonyms.Pseudonyms.unread`
    of room and person under the key ``key`` (a row under another key matches nobody
    and expires); ``stadsdeel``: the one it named, if any; ``answer_id``: the answer a
    lane after it hangs on, once opened. Kept until ``expires_at``."""

    __tablename__ = "route_unread"

    ref: str = Field(primary_key=True, max_length=16)
    key: str = Field(max_length=16)
    stadsdeel: str | None = Field(default=None, max_length=64)
    answer_id: str | None = Field(default=None, max_length=16)
    asked_at: dt.datetime
    expires_at: dt.datetime = Field(index=True)

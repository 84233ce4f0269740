"""What the wegwijzer keeps (pure, frozen): answers, lanes, feedback.

None of these holds a question's text: a question is referred to by its hash
(:func:`busbaan.wegwijzer.question.question_hash`, keyed). People are named by their
keyed person pseudonym; the one Matrix ID kept, and for how long, is in
:mod:`busbaan.wegwijzer.retention`. The text lives only in Matrix,
in the room where it was asked (and, when it carried no personal data, in the lane).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["good", "wrong"]


@dataclass(frozen=True, slots=True)
class ResultRef:
    """One service in an answer, as the ``nl.busbaan.route`` field carries it."""

    service_id: str
    organization_id: str
    score: int  # per mille
    lane: str | None  # the team's intake room (alias), if any

    def to_json(self) -> dict[str, object]:
        return {"service_id": self.service_id, "organization_id": self.organization_id,
                "score": self.score, "lane": self.lane}


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """An answer the bot gave: where, to whom, for which question (by hash).

    Where (``room_id``, ``event_id``, ``question_event_id``) is kept for a limited time
    (:func:`busbaan.wegwijzer.retention.keeps_answer_ids`); afterwards all three are None
    (:attr:`forgotten`): the answer can no longer be rated or opened."""

    answer_id: str
    # the room it was given in, per answer under the key (Pseudonyms.answer_room, since
    # session 11; before: the room id); None once forgotten
    room_id: str | None
    event_id: str | None  # the answer's event; None once forgotten
    question_event_id: str | None  # the question's event (the text stays in Matrix)
    asker: str  # the asker's keyed pseudonym for this answer (12 hex), never the Matrix ID
    question_sha256: str
    map_sha256: str
    results: tuple[ResultRef, ...]
    confident: bool
    created_at: dt.datetime

    @property
    def forgotten(self) -> bool:
        """Where it was given is no longer kept (past the retention limit)."""
        return self.event_id is None


@dataclass(frozen=True, slots=True)
class LaneRecord:
    """A lane: a room between an asker and a team's intake, and its clock."""

    lane_id: str
    room_id: str
    answer_id: str
    service_id: str
    organization_id: str
    team: str  # the intake room's alias (or id): what the figures are grouped by
    asker: str  # the asker's keyed person pseudonym (12 hex)
    target_minutes: int
    opened_at: dt.datetime
    intake_room_id: str | None = None
    first_answer_at: dt.datetime | None = None
    first_answer_by: str | None = None  # a person pseudonym
    reminded_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    #: The asker's Matrix ID, kept only while the lane waits (the reminder names them;
    #: :func:`busbaan.wegwijzer.retention.keeps_asker_id`), else None.
    asker_user_id: str | None = None
    # where the lane's question was asked (the answer's room), for reading it back when
    # the team's first answer teaches the router; kept and cleared with asker_user_id
    question_room_id: str | None = None

    @property
    def waiting(self) -> bool:
        """Open and not yet answered by the team."""
        return self.first_answer_at is None and self.closed_at is None


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """The asker's verdict on an answer: useful, or wrong (and perhaps which service
    would have been right). Material to improve the map; no text."""

    feedback_id: str
    answer_id: str
    by: str  # a person pseudonym (12 hex)
    verdict: Verdict
    expected_service_id: str | None
    question_sha256: str
    map_sha256: str
    answered_service_ids: tuple[str, ...]
    created_at: dt.datetime

"""Which Matrix IDs the wegwijzer keeps in its tables, and for how long (pure).

The wegwijzer's tables name people by keyed pseudonyms, never by Matrix ID: since
session 11 (privacy13) one per answer (:meth:`busbaan.pseudonyms.Pseudonyms.asker`) and
one per lane (:meth:`~busbaan.pseudonyms.Pseudonyms.lane_person`), so that a row tied to
a person (by an audit entry, or a waiting lane's Matrix ID) ties no other row to them
without the key; the one pseudonym per person (:meth:`~busbaan.pseudonyms.Pseudonyms.person`)
only where votes are counted per person (``route_learned``). Two kinds of Matrix
references are kept for a while, each for work in progress, and for at most
:data:`MATRIX_ID_DAYS` days:

- a lane keeps its asker's Matrix ID (``lane.asker_user_id``) while the lane *waits*,
  because the reminder to the team's intake room names who is waiting ("een baan voor …
  van @asker wacht al …");
- an answer keeps where it was given (``route_answer.room_id``, ``event_id``,
  ``question_event_id``; session 10, privacy12). These are Matrix IDs too: a direct
  chat's room id belongs to one professional, and with the homeserver's database the
  event ids give the sender and (unencrypted) the question. The bot needs them for:
  ``!goed``/``!fout``/``!baan`` as a reply to the answer and the 1️⃣/2️⃣/3️⃣ reaction
  (``event_id``), "your last answer in this room" (``room_id``), and the question's text
  read back from Matrix when a lane opens or a lane's first answer teaches the router
  (``room_id`` + ``question_event_id``). So they are kept :data:`MATRIX_ID_DAYS` days
  from the answer, and longer only while a lane from it still keeps its asker's ID
  (its first answer still teaches); then the sweep sets them to NULL
  (:func:`keeps_answer_ids`). Afterwards the answer's services, scores and question hash
  stay (the figures), but nobody can rate it or open a lane from it any more: the bot
  says so (``BB_NO_ANSWER``, reason ``expired``).

Everything else compares people, and a pseudonym compares as well as an ID:

============================ ================= ==========================================
column                        holds             why no Matrix ID is needed
============================ ================= ==========================================
route_answer.asker            per answer        "your last answer", "only the asker may …"
route_answer.room_id          per answer under  see above (compared per answer, since
                              the key (session  session 11: a direct chat's id grouped
                              11), while kept   one person's answers); "" afterwards
route_answer.event_id,        Matrix IDs, at    see above; forgotten afterwards
question_event_id             most
                              MATRIX_ID_DAYS
                              (longer while a
                              lane of it keeps
                              its asker's ID)
lane.question_room_id         Matrix ID, with   where the lane's question is read back
                              asker_user_id     for learning from the first answer
lane.asker                    per lane          the asker's own messages do not stop the
                                                clock
lane.asker_user_id            Matrix ID, while  the reminder names the asker; cleared at
                              the lane waits    the first answer, at closing, or after
                              (at most           :data:`MATRIX_ID_DAYS`
                              MATRIX_ID_DAYS)
lane.first_answer_by          per lane          nothing reads it back by person
lane.closed_by                per lane          nothing reads it back by person
route_feedback.by             per answer        one verdict per person and answer
route_learned_count.voter     per person and    votes count per person and association
                              association       (session 13); the source's record sealed
============================ ================= ==========================================

One limit for both, because the reason is the same: the work the ID serves is over long
before. A team's first-answer target is hours (the default 4, the longest in the demo
maps 3 working days), so a lane's one reminder has gone; a professional rates an answer
or opens a lane from it while the case is in front of them, the same day or the next
(the bot's own "your last answer" is about the newest one). Two weeks leaves room for a
holiday without keeping a lasting trail of who asked what.

The same limit bounds the room keys the wegwijzer keeps for a lane's later devices
(``bots/wegwijzer.lane-keys``, session 22): kept until the lane closes, and at most
:data:`MATRIX_ID_DAYS` days from its opening for a lane nobody closes
(:func:`keeps_lane_keys`, session 23). They let a member's new device, or a team member
who joins late, read the lane's question while the lane is worked on; afterwards they
are only a way to read it again.

The Matrix room itself (the lane's ``nl.busbaan.lane`` state, its members, the first
message "Vraag van @asker", the direct chat with the question and the answer) still
names the asker: that is the conversation, not the bot's bookkeeping, and it goes when
the room does.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from busbaan.wegwijzer.model import LaneRecord

__all__ = ["FORGOTTEN_PERSON", "MATRIX_ID_DAYS", "before_rotation", "coarse_day", "coarse_week",
           "is_forgotten_person", "is_pseudonym", "keeps_answer_ids", "keeps_asker_id",
           "keeps_lane_keys"]

#: The longest the wegwijzer keeps a Matrix reference for work in progress: a waiting
#: lane's asker ID (from the lane's opening) and an answer's room and event ids (from the
#: answer; longer only while a lane of it keeps its asker ID). Why one limit, and why
#: two weeks: the module doc. Migration 0100 cleared older rows with this value (14).
MATRIX_ID_DAYS = 14

_PSEUDONYM = re.compile(r"[0-9a-f]{12}")

#: A person column written before session 11 (privacy13), when it held the person's one
#: pseudonym for everything: migration 0110 replaced it by this value (and
#: ``route_feedback.by`` by this value followed by the verdict's id, which keeps the
#: one-verdict-per-person-and-answer constraint). Nobody can be matched to it: the bot
#: says so as after a key rotation.
FORGOTTEN_PERSON = "-"


def is_forgotten_person(value: str) -> bool:
    """Whether a person column holds :data:`FORGOTTEN_PERSON` (migration 0110)."""
    return value.startswith(FORGOTTEN_PERSON)


def coarse_day(when: dt.datetime) -> dt.datetime:
    """``when`` (aware) to the start of its UTC day: the time kept of a verdict and of
    a learned vote (session 11, privacy13). Nothing reads them finer, and an exact time
    joined them to the audit entry of the same moment, which names the professional."""
    return when.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def coarse_week(when: dt.datetime) -> dt.datetime:
    """``when`` (aware) to the start of its ISO week (Monday 00:00 UTC): the time kept of
    a learned vote (session 12, privacy15). A vote names its person (one pseudonym for
    all their votes: they are counted and forgotten per person), so on a day with one
    voter the day joined that day's ``route.learned`` / ``route.feedback`` entry, which
    names the professional, to all their votes; a week holds the votes of more people.
    Nothing reads the time (``busbaan route learned list`` counts, it lists no votes)."""
    day = coarse_day(when)
    return day - dt.timedelta(days=day.weekday())


def is_pseudonym(value: str) -> bool:
    """A person pseudonym as the wegwijzer stores it (12 lower-case hex), not an ID."""
    return _PSEUDONYM.fullmatch(value) is not None


def before_rotation(created_at: dt.datetime, rotated_at: dt.datetime | None) -> bool:
    """Whether a row written at ``created_at`` names its person under a key that was
    rotated away at ``rotated_at`` (None: never rotated). Nobody can be matched to such
    a pseudonym any more: the wegwijzer says so instead of "only the asker may …"."""
    return rotated_at is not None and created_at < rotated_at


def keeps_asker_id(lane: LaneRecord, now: dt.datetime) -> bool:
    """Whether ``lane`` may still hold its asker's Matrix ID at ``now``: only while it
    waits for the team's first answer, and at most :data:`MATRIX_ID_DAYS` days."""
    return lane.waiting and now - lane.opened_at < dt.timedelta(days=MATRIX_ID_DAYS)


def keeps_lane_keys(lane: LaneRecord, now: dt.datetime) -> bool:
    """Whether the wegwijzer may still keep ``lane``'s room keys (for a member's device
    that appears later, :mod:`bots.wegwijzer.lanes`) at ``now``: until the lane closes,
    and at most :data:`MATRIX_ID_DAYS` days from its opening (a lane nobody closes)."""
    return lane.closed_at is None and now - lane.opened_at < dt.timedelta(days=MATRIX_ID_DAYS)


def keeps_answer_ids(created_at: dt.datetime, lanes: Iterable[LaneRecord],
                     now: dt.datetime) -> bool:
    """Whether an answer given at ``created_at`` may still hold its room and event ids at
    ``now``: for :data:`MATRIX_ID_DAYS` days, and after that while one of its ``lanes``
    still keeps its asker's ID (the team's first answer reads the question back from
    Matrix to learn from it)."""
    return (now - created_at < dt.timedelta(days=MATRIX_ID_DAYS)
            or any(keeps_asker_id(lane, now) for lane in lanes))

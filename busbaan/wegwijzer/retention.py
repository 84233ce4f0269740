"""Which Matrix IDs the wegwijzer keeps in its tables, and for how long (pure).

The wegwijzer's tables name people by their keyed person pseudonym
(:meth:`busbaan.pseudonyms.Pseudonyms.person`), never by Matrix ID, with one exception:
a lane keeps its asker's Matrix ID (``lane.asker_user_id``) while the lane *waits*,
because the reminder to the team's intake room names who is waiting ("een baan voor …
van @asker wacht al …"). Everything else compares people, and a pseudonym compares as
well as an ID:

============================ ================= ==========================================
column                        holds             why no Matrix ID is needed
============================ ================= ==========================================
route_answer.asker            pseudonym         "your last answer", "only the asker may …"
lane.asker                    pseudonym         the asker's own messages do not stop the
                                                clock
lane.asker_user_id            Matrix ID, while  the reminder names the asker; cleared at
                              the lane waits    the first answer, at closing, or after
                              (at most           :data:`ASKER_ID_DAYS`
                              ASKER_ID_DAYS)
lane.first_answer_by          pseudonym         nothing reads it back by person
lane.closed_by                pseudonym         nothing reads it back by person
route_feedback.by             pseudonym         one verdict per person and answer
============================ ================= ==========================================

The Matrix room itself (the lane's ``nl.busbaan.lane`` state, its members, the first
message "Vraag van @asker") still names the asker: that is the conversation, not the
bot's bookkeeping, and it goes when the room does.
"""

from __future__ import annotations

import datetime as dt
import re

from busbaan.wegwijzer.model import LaneRecord

__all__ = ["ASKER_ID_DAYS", "is_pseudonym", "keeps_asker_id"]

#: The longest a lane keeps its asker's Matrix ID, counted from its opening, when it is
#: neither answered nor closed: long past any team's target (the default is 4 hours,
#: the longest in the demo maps 3 working days), so the one reminder has been sent.
ASKER_ID_DAYS = 14

_PSEUDONYM = re.compile(r"[0-9a-f]{12}")


def is_pseudonym(value: str) -> bool:
    """A person pseudonym as the wegwijzer stores it (12 lower-case hex), not an ID."""
    return _PSEUDONYM.fullmatch(value) is not None


def keeps_asker_id(lane: LaneRecord, now: dt.datetime) -> bool:
    """Whether ``lane`` may still hold its asker's Matrix ID at ``now``: only while it
    waits for the team's first answer, and at most :data:`ASKER_ID_DAYS` days."""
    return lane.waiting and now - lane.opened_at < dt.timedelta(days=ASKER_ID_DAYS)

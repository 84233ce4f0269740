"""The wegwijzer's own rules around the routing core (pure: no network, no database).

``question``  a chat question: context words, personal data, language, keyed hash
``model``     answers, lanes and feedback as frozen records (no question text)
``sla``       team intake figures, the response target and reminders
``retention`` which Matrix IDs the tables keep, and for how long

The bot (``bots/wegwijzer``) and the web API (``busbaan.web.lanes``) call these.
"""

from busbaan.wegwijzer.model import AnswerRecord, FeedbackRecord, LaneRecord, ResultRef, Verdict
from busbaan.wegwijzer.question import (
    Question,
    follow_up,
    guess_lang,
    map_names,
    parse_question,
    question_hash,
    refuse_personal_data,
)
from busbaan.wegwijzer.retention import (
    MATRIX_ID_DAYS,
    is_pseudonym,
    keeps_answer_ids,
    keeps_asker_id,
    keeps_lane_keys,
)
from busbaan.wegwijzer.sla import (
    DEFAULT_TARGET_MINUTES,
    TeamFigures,
    due_reminders,
    format_duration,
    overdue,
    target_minutes,
    team_figures,
    waited,
)

__all__ = [
    "DEFAULT_TARGET_MINUTES",
    "MATRIX_ID_DAYS",
    "AnswerRecord",
    "FeedbackRecord",
    "LaneRecord",
    "Question",
    "ResultRef",
    "TeamFigures",
    "Verdict",
    "due_reminders",
    "follow_up",
    "format_duration",
    "guess_lang",
    "is_pseudonym",
    "keeps_answer_ids",
    "keeps_asker_id",
    "keeps_lane_keys",
    "map_names",
    "overdue",
    "parse_question",
    "question_hash",
    "refuse_personal_data",
    "target_minutes",
    "team_figures",
    "waited",
]

"""The bot reads a question once (session 19, speed).

``WegwijzerBot.ask`` checked a question for personal data and then called ``route``,
which checked it again: every answer paid the check twice. Now ``ask`` routes the
question it checked. No Synapse: the bot's answering methods on the shared demo router.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

import busbaan.wegwijzer.question as question_module
from busbaan.routing import Router
from tests.wegwijzer.test_wegwijzer_one_today import _bot

QUESTION = "Cliënt van 58 in Zuidoost kan de energierekening niet betalen."
FOLLOW_UP = "en ze woont in Noord"


class FixedClock:
    def now(self) -> dt.datetime:
        return dt.datetime(2026, 12, 17, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = question_module.find_personal_data

    def spy(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(question_module, "find_personal_data", spy)
    return seen


def test_an_answer_checks_its_question_once(checks: list[str], demo_router: Router) -> None:
    """``ask`` runs the personal-data check once per question, and its answer is the
    one ``route`` (which checks and routes) gives for the same question."""
    bot = _bot(demo_router, FixedClock())
    question, answer = asyncio.run(bot.ask(QUESTION, "nl"))
    assert len(checks) == 1
    assert not question.personal
    again = bot.route(QUESTION, "nl", today=dt.date(2026, 12, 17))
    assert again == (question, answer)


def test_a_follow_up_checks_only_itself(checks: list[str], demo_router: Router) -> None:
    """A question that replies to an earlier answer is checked once, and routed with
    the earlier question as ``route`` would route it."""
    bot = _bot(demo_router, FixedClock())
    question, answer = asyncio.run(bot.ask(FOLLOW_UP, "nl", QUESTION))
    assert len(checks) == 1
    assert bot.route(FOLLOW_UP, "nl", today=dt.date(2026, 12, 17),
                     earlier=QUESTION) == (question, answer)

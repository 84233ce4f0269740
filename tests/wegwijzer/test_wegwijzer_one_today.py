"""One day for one question (session 13, privacy17).

The personal-data check reads a question's dates (a birth date or a process's date,
busbaan.privacy) and so does the router (an eviction within days, safety.later_than).
Until session 13 the check read the system clock and the router the bot's clock: around
midnight, or with any clock but the system's, one question's date was read on two days.
Now the bot reads its clock once per question and hands that day to every step, and
``route ask|batch`` read one day per run (``--today``). No Synapse: the bot's answering
methods on the shared demo router, the bot's store left out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

import busbaan.cli.route as route_cli
import busbaan.privacy
import busbaan.wegwijzer.question as question_module
import busbaan.wegwijzer.semantic as semantic_module
from bots.wegwijzer import bot as bot_module
from bots.wegwijzer.bot import WegwijzerBot
from busbaan.cli import main
from busbaan.errors import PersonalData
from busbaan.routing import Router
from busbaan.routing.learning import Learned
from busbaan.wegwijzer.semantic import SemanticRanker

#: A second before the new year: the clock below moves a second at each reading.
NEW_YEARS_EVE = dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
#: Read on 31 December 2026 its first date is within a year (no birth date: the
#: question is answered, with the eviction's warning); on 1 January 2027 it is a possible
#: birth date (366 days back is the line) and the question is refused. The date stands
#: bare: "sinds 30-12-2025" is the date of a change, never a birth date (session 18,
#: refusals: busbaan.privacy._CHANGE_WORD).
QUESTION = ("Huurder heeft huurschuld, de eerste achterstand 30-12-2025. Brief van de "
            "deurwaarder: de ontruiming is op 14-1-2027 en hij reageert nergens op.")
#: An eviction 14 days after 31 December 2026 (the warning: within days), 15 days after
#: 30 December (its caution; safety.later_than).
EVICTION = ("Huurder heeft een brief van de deurwaarder: de ontruiming is op 14-1-2027 en "
            "hij reageert nergens op.")


class TickingClock:
    """The bot's clock, moving one second at each reading."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def now(self) -> dt.datetime:
        at, self.at = self.at, self.at + dt.timedelta(seconds=1)
        return at


class Endpoint:
    """An embeddings endpoint that answers at once (the same vector for every text)."""

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]


def _bot(router: Router, clock: Any, semantic: SemanticRanker | None = None) -> WegwijzerBot:
    """The bot's answering part: what ``ask``, ``route`` and ``check`` use, no store."""
    bot = object.__new__(WegwijzerBot)
    bot.clock = clock
    bot.router = router
    bot.learned = Learned()
    bot.learned_refresh_s = math.inf
    bot._learned_at = 0.0
    bot._known_names = (None, "")
    bot.semantic = semantic

    async def no_key_check() -> None:
        return None

    bot.check_key = no_key_check  # type: ignore[method-assign]
    return bot


@pytest.fixture
def days(monkeypatch: pytest.MonkeyPatch, demo_router: Router) -> Iterator[dict[str, list]]:
    """The day each step that reads the question's dates was given; the system clock
    may not be read at all."""
    seen: dict[str, list] = {"check": [], "semantic": [], "signals": [], "router": []}

    def no_system_clock() -> dt.date:
        raise AssertionError("the system clock was read for a question")

    for module in (busbaan.privacy, question_module, route_cli):
        monkeypatch.setattr(module, "utc_today", no_system_clock)

    def spy(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen[name].append(kwargs.get("today"))
            return real(*args, **kwargs)
        return call

    monkeypatch.setattr(question_module, "find_personal_data",
                        spy("check", question_module.find_personal_data))
    monkeypatch.setattr(semantic_module, "find_personal_data",
                        spy("semantic", semantic_module.find_personal_data))
    monkeypatch.setattr(bot_module, "detect", spy("signals", bot_module.detect))
    monkeypatch.setattr(demo_router, "route", spy("router", demo_router.route))
    yield seen


def _ranker(demo_router: Router) -> SemanticRanker:
    ranker = SemanticRanker(Endpoint(), demo_router.map)  # type: ignore[arg-type]
    assert ranker.prepare()
    return ranker


def test_the_bot_reads_one_question_on_one_day(days: dict[str, list],
                                               demo_router: Router) -> None:
    """A second before midnight, the clock moving at each reading: the check, the
    semantic ranker's check and the router all read the question on 31 December, so
    the answer is the one of that day (not refused); asked again a second later (1
    January) it is refused, and the refusal's safety lines read the same day."""
    bot = _bot(demo_router, TickingClock(NEW_YEARS_EVE), _ranker(demo_router))
    question, answer = asyncio.run(bot.ask(QUESTION, "nl"))
    eve = NEW_YEARS_EVE.date()
    assert not question.personal
    assert "eviction_cutoff" in {h.signal for h in answer.safety}
    assert set(days["check"]) == set(days["semantic"]) == set(days["router"]) == {eve}
    assert days["check"] and days["semantic"] and days["router"]

    for seen in days.values():
        seen.clear()
    with pytest.raises(PersonalData) as refused:
        asyncio.run(bot.ask(QUESTION, "nl"))
    assert refused.value.data["kinds"] == ["date"]
    assert refused.value.data["safety"] == ["eviction_cutoff"]  # what to do now, still
    new_year = eve + dt.timedelta(days=1)
    assert set(days["check"]) == set(days["signals"]) == {new_year}
    assert days["router"] == [] and days["semantic"] == []  # refused: not routed


def test_route_batch_reads_every_line_on_the_day_given(days: dict[str, list],
                                                       demo_router: Router) -> None:
    """``batch_line`` hands one day to the semantic ranker's check and the router, on
    both sides of the year boundary; the same line reads differently on each."""
    ranker = _ranker(demo_router)
    line = json.dumps({"id": 1, "question": EVICTION})
    for today, warned in ((dt.date(2026, 12, 30), False), (dt.date(2026, 12, 31), True),
                          (dt.date(2027, 1, 1), True)):
        for seen in days.values():
            seen.clear()
        out = route_cli.batch_line(demo_router, line, ranker, today=today)
        assert days["semantic"] == days["router"] == [today]
        assert ("eviction_cutoff" in {h["signal"] for h in out["safety"]}) is warned, today


def test_route_today_option_is_read_once_and_checked(
        monkeypatch: pytest.MonkeyPatch, demo_router: Router) -> None:
    """``--today`` pins the day for ``route ask`` and ``route batch``; a day that is no
    date gets a Dutch answer and exit 2, no traceback. (In process, on the shared demo
    router: the command's own router is the demo map's too.)"""
    monkeypatch.setattr(route_cli, "_router", lambda *args: demo_router)
    runner = CliRunner()
    stdin = json.dumps({"id": 1, "question": EVICTION}) + "\n"
    for today, kind in (("2026-12-31", "safety"), ("2026-12-01", "caution")):
        out = runner.invoke(main, ["route", "batch", "--today", today], input=stdin)
        assert out.exit_code == 0, out.output
        assert "eviction_cutoff" in {h["signal"] for h in json.loads(out.output)[kind]}
    asked = runner.invoke(main, ["route", "ask", "--json", "--today", "2026-12-31", EVICTION])
    assert asked.exit_code == 0, asked.output
    assert "eviction_cutoff" in {h["signal"] for h in json.loads(asked.output)["safety"]}
    bad = runner.invoke(main, ["route", "ask", "--today", "31-12-2026", "huurschuld"],
                        env={"BUSBAAN_LANG": "nl"})
    assert bad.exit_code == 2
    assert "geen datum voor --today" in bad.output and "JJJJ-MM-DD" in bad.output
    assert "Traceback" not in bad.output

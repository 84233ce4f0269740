"""The wegwijzer's store on SQLite and PostgreSQL: `busbaan socialmap import`, the map
the bot starts with, answers, lane clocks and feedback."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from bots.wegwijzer.bot import load_socialmap
from busbaan.cli import main
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing import demo_map_path
from busbaan.store import make_engine
from busbaan.store.wegwijzer_repo import (
    AnswerRepository,
    FeedbackRepository,
    LaneRepository,
    SocialMapRepository,
)
from busbaan.wegwijzer import AnswerRecord, FeedbackRecord, LaneRecord, ResultRef

ROOT = Path(__file__).resolve().parents[2]
BENCH_MAP = ROOT / "tests" / "data" / "socialmap" / "amsterdam-demo.hsds.json"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
# people are stored by their keyed pseudonym (session 9), never by Matrix ID
_P = Pseudonyms(b"k" * 32)
A_, B_, TEAM, LATE = (_P.person(u) for u in ("@a:x", "@b:x", "@team:x", "@late:x"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the migrated test database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _import(db_url: str, path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["socialmap", "import", str(path), "--db", db_url])
    return result.exit_code, result.output


def test_socialmap_import_loads_a_checked_map(db_url: str, engine: Engine) -> None:
    """`busbaan socialmap import` stores the map once; the bot then starts with it."""
    code, out = _import(db_url, BENCH_MAP)
    assert code == 0, out
    assert "83 diensten" in out
    code, out = _import(db_url, BENCH_MAP)
    assert code == 0 and "al in gebruik" in out
    repo = SocialMapRepository(engine)
    assert repo.count() == 1
    stored = repo.latest()
    assert stored is not None and stored.services == 83
    document = load_socialmap(None, engine)
    assert document.sha256 == stored.sha256 and len(document.social_map.services) == 83
    configured = load_socialmap(demo_map_path(), engine)
    assert len(configured.social_map.services) == 37  # a configured file wins


def test_socialmap_import_refuses_a_broken_map_and_writes_nothing(
        db_url: str, engine: Engine, tmp_path: Path) -> None:
    """A map with a dangling reference and a missing name is refused, each error named."""
    raw = json.loads(BENCH_MAP.read_text(encoding="utf-8"))
    raw["services"][0]["organization_id"] = "bestaat-niet"
    del raw["organizations"][1]["name"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(raw), encoding="utf-8")
    code, out = _import(db_url, broken)
    assert code == 2
    assert "bestaat-niet" in out and "'name'" in out and "BB_SOCIALMAP_INVALID" in out
    assert SocialMapRepository(engine).latest() is None
    code, out = _import(db_url, tmp_path / "missing.json")
    assert code == 2 and "niet gevonden" in out


def _answer(answer_id: str = "A-TEST0001", asker: str = A_,
            at: dt.datetime = T0) -> AnswerRecord:
    return AnswerRecord(
        answer_id=answer_id, room_id="!r:x", event_id=f"$ev-{answer_id}",
        question_event_id="$q", asker=asker, question_sha256="ab" * 32,
        map_sha256="cd" * 32,
        results=(ResultRef("bt-noord", "buurtteams", 512, "#intake-bt-noord:x"),
                 ResultRef("kledingruil", "ster", 300, None)),
        confident=True, created_at=at)


def test_answers_are_found_by_event_and_by_last_in_room(engine: Engine) -> None:
    """An answer is found by its event, and the newest one per asker and room."""
    repo = AnswerRepository(engine)

    def by(user: str) -> Callable[[str], str]:  # the per-answer pseudonym (session 11)
        return lambda answer_id: _P.asker(answer_id, user)

    def room(room_id: str) -> Callable[[str], str]:  # the per-answer room (session 11)
        return lambda answer_id: _P.answer_room(answer_id, room_id)

    def answer(answer_id: str, user: str, minutes: int, room_id: str = "!r:x") -> AnswerRecord:
        return dataclasses.replace(
            _answer(answer_id, asker=_P.asker(answer_id, user),
                    at=T0 + dt.timedelta(minutes=minutes)),
            room_id=_P.answer_room(answer_id, room_id))

    repo.add(answer("A-1", "@a:x", 0))
    repo.add(answer("A-2", "@a:x", 1))
    repo.add(answer("A-3", "@b:x", 2))
    repo.add(answer("A-4", "@a:x", 3, room_id="!other:x"))
    found = repo.by_event("$ev-A-1")
    assert found == answer("A-1", "@a:x", 0)
    last = repo.last_for(room("!r:x"), by("@a:x"))
    assert last is not None and last.answer_id == "A-2"
    last = repo.last_for(room("!other:x"), by("@a:x"))
    assert last is not None and last.answer_id == "A-4"
    assert repo.last_for(room("!third:x"), by("@a:x")) is None
    assert repo.last_for(room("!r:x"), by("@c:x")) is None
    # no value groups the answers of one room or one person
    assert len({a.room_id for a in map(repo.get, ("A-1", "A-2", "A-3")) if a}) == 3
    # many answers since: the newest of theirs behind more than one page of others'
    for n in range(620):
        answer_id = f"A-B{n:03d}"
        repo.add(answer(answer_id, "@b:x", 4 + n))
    last = repo.last_for(room("!r:x"), by("@a:x"))
    assert last is not None and last.answer_id == "A-2"


def _lane(lane_id: str = "L-1", room: str = "!lane:x", answer_id: str = "A-1",
          service_id: str = "bt-noord") -> LaneRecord:
    return LaneRecord(lane_id=lane_id, room_id=room, answer_id=answer_id,
                      service_id=service_id, organization_id="buurtteams",
                      team="#intake-bt-noord:x", asker=A_, target_minutes=60,
                      opened_at=T0, intake_room_id="!intake:x")


def test_lane_clock_is_set_once(engine: Engine) -> None:
    """A lane per answer and service; first answer, reminder and close are set once."""
    AnswerRepository(engine).add(_answer("A-1"))
    lanes = LaneRepository(engine)
    assert lanes.add(_lane(), "ab" * 32) is not None
    assert lanes.add(_lane("L-2", "!lane2:x"), "ab" * 32) is None  # same answer + service
    assert [lane.lane_id for lane in lanes.waiting()] == ["L-1"]
    assert lanes.first_answer("L-1", by=TEAM, at=T0 + dt.timedelta(minutes=5))
    assert not lanes.first_answer("L-1", by=LATE, at=T0 + dt.timedelta(minutes=9))
    lane = lanes.get("L-1")
    assert lane is not None and lane.first_answer_by == TEAM
    assert lane.first_answer_at == T0 + dt.timedelta(minutes=5)
    assert lanes.waiting() == []
    assert lanes.reminded("L-1", T0) and not lanes.reminded("L-1", T0)
    assert lanes.close("L-1", by=A_, at=T0) and not lanes.close("L-1", by=A_, at=T0)
    assert lanes.room_ids() == {"!lane:x"}


def test_feedback_keeps_one_verdict_per_person_and_answer(engine: Engine) -> None:
    """A second verdict of the same person on the same answer replaces the first."""
    AnswerRepository(engine).add(_answer("A-1"))
    repo = FeedbackRepository(engine)

    def verdict(v: str, expected: str | None) -> FeedbackRecord:
        return FeedbackRecord(feedback_id=repo.new_id(), answer_id="A-1", by=A_,
                              verdict="good" if v == "good" else "wrong",
                              expected_service_id=expected, question_sha256="ab" * 32,
                              map_sha256="cd" * 32, answered_service_ids=("bt-noord",),
                              created_at=T0)

    _, replaced = repo.record(verdict("good", None))
    assert replaced is False
    stored, replaced = repo.record(verdict("wrong", "schuldhulp"))
    assert replaced is True
    assert [(f.verdict, f.expected_service_id) for f in repo.for_answer("A-1")] == [
        ("wrong", "schuldhulp")]
    assert stored.answered_service_ids == ("bt-noord",)


def test_wegwijzer_tables_have_no_text_columns_for_questions(engine: Engine) -> None:
    """No wegwijzer table has a column that could hold a question's text."""
    inspector = sa.inspect(engine)
    for table in ("route_answer", "lane", "route_feedback"):
        names = {c["name"] for c in inspector.get_columns(table)}
        assert "question_sha256" in names
        assert not names & {"question", "text", "body", "query"}

"""An answer keeps where it was given for a limited time (session 10, privacy12), on
SQLite and PostgreSQL: ``route_answer.room_id``, ``event_id`` and ``question_event_id``
go after ``MATRIX_ID_DAYS`` days (longer only while a lane of the answer keeps its
asker's Matrix ID), by the one retention sweep; migration 0100 clears rows already past
the limit. What stays (services, scores, question hash) still counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from busbaan.pseudonyms import Pseudonyms
from busbaan.store import make_engine
from busbaan.store.db import alembic_config
from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy
from busbaan.store.wegwijzer_repo import AnswerRepository, LaneRepository
from busbaan.wegwijzer import (
    MATRIX_ID_DAYS,
    AnswerRecord,
    LaneRecord,
    ResultRef,
    keeps_answer_ids,
)

T0 = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
LIMIT = dt.timedelta(days=MATRIX_ID_DAYS)
ASKER, TEAM = "@vrager:test", "@team:test"


def _answer(p: Pseudonyms, answer_id: str, created: dt.datetime) -> AnswerRecord:
    return AnswerRecord(answer_id=answer_id, room_id="!dm:test", event_id=f"${answer_id}",
                        question_event_id=f"$q{answer_id}", asker=p.asker(answer_id, ASKER),
                        question_sha256="ab" * 32, map_sha256="m" * 64,
                        results=(ResultRef("vt-veilig-thuis", "o", 900, None),),
                        confident=True, created_at=created)


def _lane(p: Pseudonyms, lane_id: str, answer_id: str, opened: dt.datetime) -> LaneRecord:
    return LaneRecord(lane_id=lane_id, room_id=f"!{lane_id}:test", answer_id=answer_id,
                      service_id="vt-veilig-thuis", organization_id="o", team="#t:test",
                      asker=p.lane_person(lane_id, ASKER), target_minutes=60, opened_at=opened,
                      asker_user_id=ASKER)


def _matrix_refs(engine: Engine) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Per answer, as stored: its room and event ids where they are Matrix ids ("!…",
    "$…"), else None."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT answer_id, room_id, event_id, question_event_id FROM route_answer")).all()
    return {r[0]: tuple(v if v[:1] in ("!", "$") else None  # type: ignore[misc]
                        for v in r[1:]) for r in rows}


# -- the rule (pure) --------------------------------------------------------------------


def test_the_rule_keeps_answer_ids_for_the_limit_and_while_a_lane_of_it_keeps_its_asker(
        ) -> None:
    p = Pseudonyms.generate()
    created = T0 - LIMIT
    assert keeps_answer_ids(created, (), T0 - dt.timedelta(seconds=1))
    assert not keeps_answer_ids(created, (), T0)
    waiting = _lane(p, "L-1", "A-1", T0 - dt.timedelta(days=1))
    assert keeps_answer_ids(created, (waiting,), T0)  # its first answer still teaches
    answered = dataclasses.replace(waiting, first_answer_at=T0)
    assert not keeps_answer_ids(created, (answered,), T0)
    assert not keeps_answer_ids(created, (waiting,), waiting.opened_at + LIMIT)


# -- the sweep --------------------------------------------------------------------------


def test_the_sweep_forgets_where_old_answers_were_given_and_nothing_else(
        engine: Engine) -> None:
    """A-NEW is within the limit, A-OLD past it, A-LANE past it with a lane still
    waiting (kept), A-DONE past it with a lane the team answered (forgotten)."""
    p = Pseudonyms.generate()
    answers, lanes = AnswerRepository(engine), LaneRepository(engine)
    old = T0 - LIMIT - dt.timedelta(minutes=1)
    for answer_id, created in (("A-NEW", T0 - dt.timedelta(days=1)), ("A-OLD", old),
                               ("A-LANE", old), ("A-DONE", old)):
        answers.add(_answer(p, answer_id, created))
    lanes.add(_lane(p, "L-WAIT", "A-LANE", T0 - dt.timedelta(days=2)), "ab" * 32)
    lanes.add(_lane(p, "L-DONE", "A-DONE", old), "ab" * 32)
    assert lanes.first_answer("L-DONE", by=p.lane_person("L-DONE", TEAM), at=old)

    privacy = WegwijzerPrivacy(engine)
    counts = privacy.sweep(p, T0, legacy=False)
    assert counts == {"pseudonymised": 0, "rekeyed": 0, "expired": 0, "answers_forgotten": 2}
    refs = _matrix_refs(engine)
    assert refs["A-OLD"] == refs["A-DONE"] == (None, None, None)
    assert refs["A-NEW"] == ("!dm:test", "$A-NEW", "$qA-NEW")
    assert refs["A-LANE"] == ("!dm:test", "$A-LANE", "$qA-LANE")
    assert privacy.sweep(p, T0, legacy=False)["answers_forgotten"] == 0  # idempotent

    # what stays: the answer itself, for the figures; found by id, not by its event
    forgotten = answers.get("A-OLD")
    assert forgotten is not None and forgotten.forgotten
    assert forgotten.results[0].service_id == "vt-veilig-thuis"
    assert forgotten.asker == p.asker("A-OLD", ASKER) and forgotten.created_at == old
    assert answers.by_event("$A-OLD") is None
    assert answers.forgotten_for(lambda answer_id: p.asker(answer_id, ASKER))
    assert not answers.forgotten_for(lambda answer_id: p.asker(answer_id, "@ander:test"))
    last = answers.last_for(lambda answer_id: "!dm:test",
                            lambda answer_id: p.asker(answer_id, ASKER))
    assert last is not None and last.answer_id == "A-NEW"

    # the waiting lane keeps A-LANE's ids until it stops keeping its asker's ID
    assert privacy.sweep(p, T0 + dt.timedelta(days=MATRIX_ID_DAYS - 1), legacy=False) == {
        "pseudonymised": 0, "rekeyed": 0, "expired": 1, "answers_forgotten": 2}
    assert set(_matrix_refs(engine).values()) == {(None, None, None)}


def test_a_cleared_event_id_leaves_the_unique_index_working(engine: Engine) -> None:
    """Many answers without ids (the stand-in is unique); a real duplicate still is."""
    p = Pseudonyms.generate()
    answers = AnswerRepository(engine)
    old = T0 - LIMIT - dt.timedelta(days=1)
    answers.add(_answer(p, "A-1", old))
    answers.add(_answer(p, "A-2", old))
    assert WegwijzerPrivacy(engine).sweep(p, T0)["answers_forgotten"] == 2
    answers.add(_answer(p, "A-3", T0))
    with pytest.raises(IntegrityError):
        answers.add(dataclasses.replace(_answer(p, "A-4", T0), event_id="$A-3"))


# -- migration 0100 ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0090(request: pytest.FixtureRequest,
                store_at_revision: Callable[[str, str], str]) -> str:
    return store_at_revision(request.param, "0090")


def test_migration_0100_clears_answers_already_past_the_limit(url_at_0090: str) -> None:
    """Written before 0100 (NOT NULL columns): an old answer loses its ids at migration,
    without the key; a recent one and an old one with a waiting lane keep theirs."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    old = now - LIMIT - dt.timedelta(hours=1)
    engine = make_engine(url_at_0090)
    try:
        with engine.begin() as conn:
            for answer_id, created in (("A-NEW", now), ("A-OLD", old), ("A-OLD2", old),
                                       ("A-LANE", old)):
                conn.execute(sa.text(
                    "INSERT INTO route_answer (answer_id, room_id, event_id, "
                    "question_event_id, asker, question_sha256, map_sha256, results, "
                    "confident, created_at) VALUES (:a, '!dm:test', :e, :q, 'abcdef012345', "
                    "'', 'm', '[]', true, :t)"),
                    {"a": answer_id, "e": f"${answer_id}", "q": f"$q{answer_id}", "t": created})
            conn.execute(sa.text(
                "INSERT INTO lane (lane_id, room_id, answer_id, service_id, organization_id, "
                "team, asker, question_sha256, target_minutes, opened_at, asker_user_id) "
                "VALUES ('L-W', '!w:test', 'A-LANE', 's', 'o', '#t:test', 'abcdef012345', '', "
                "60, :t, :who)"), {"t": now - dt.timedelta(days=1), "who": ASKER})
        command.upgrade(alembic_config(url_at_0090), "0100")  # 0110 keys what is left
        refs = _matrix_refs(engine)
        assert refs["A-OLD"] == refs["A-OLD2"] == (None, None, None)
        assert refs["A-NEW"] == ("!dm:test", "$A-NEW", "$qA-NEW")
        assert refs["A-LANE"] == ("!dm:test", "$A-LANE", "$qA-LANE")
        answers = AnswerRepository(engine)
        cleared = answers.get("A-OLD")
        assert cleared is not None and cleared.forgotten
        assert answers.by_event("$A-NEW") is not None
        # and the sweep agrees with the migration: nothing more to forget now
        assert WegwijzerPrivacy(engine).sweep(
            Pseudonyms.generate(), now.replace(tzinfo=dt.UTC), legacy=False
        )["answers_forgotten"] == 0
    finally:
        engine.dispose()


def test_the_sweep_forgets_more_answers_than_one_batch(engine: Engine) -> None:
    """A bot stopped for a while (or a first sweep): 1,201 answers past the limit go in
    one sweep, batched (500 a statement), the fresh one stays."""
    p = Pseudonyms.generate()
    old = (T0 - LIMIT - dt.timedelta(days=1)).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO route_answer (answer_id, room_id, event_id, question_event_id, "
            "asker, question_sha256, map_sha256, results, confident, created_at) VALUES "
            "(:a, '!dm:test', :e, :q, :who, '', 'm', '[]', true, :t)"),
            [{"a": f"A-{i}", "e": f"$e{i}", "q": f"$q{i}", "who": p.person(ASKER),
              "t": old if i else T0.replace(tzinfo=None)} for i in range(1202)])
    assert WegwijzerPrivacy(engine).sweep(p, T0, legacy=False)["answers_forgotten"] == 1201
    kept = {a for a, refs in _matrix_refs(engine).items() if refs != (None, None, None)}
    assert kept == {"A-0"}

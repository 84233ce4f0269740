"""Migration 0060 (session 8, privacy9): the plain SHA-256 values written before keyed
pseudonyms are taken out of the store — on SQLite and on PostgreSQL — and what was
stored before still reads, matches nothing, and counts as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import Evidence, person_of
from busbaan.store import make_engine
from busbaan.store.wegwijzer_learned import LearnedRepository
from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy
from busbaan.store.wegwijzer_repo import AnswerRepository, FeedbackRepository
from busbaan.wegwijzer import question_hash

NOW = dt.datetime(2026, 12, 6, 9, 0)
MAP = "m" * 64
QUESTION = "schulden en huur"
PLAIN = hashlib.sha256(QUESTION.encode()).hexdigest()


def _plain_person(user_id: str) -> str:
    """What source_key stored before session 8: the ID's plain SHA-256, 12 hex."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:12]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0050(request: pytest.FixtureRequest,
              store_at_revision: Callable[[str, str], str]) -> str:
    """An empty store at revision 0050 (before keyed pseudonyms)."""
    return store_at_revision(request.param, "0050")


def _old_rows(engine: sa.Engine) -> None:
    """An answer, a lane and a feedback item with the plain question hash, and learned
    votes of two people (one with two sources) under plain person prefixes."""
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO route_answer (answer_id, room_id, event_id, question_event_id, "
            "asker, question_sha256, map_sha256, results, confident, created_at) VALUES "
            "('A-OLD', '!r:x', '$a', '$q', '@a:test', :h, :m, '[]', true, :t)"),
            {"h": PLAIN, "m": MAP, "t": NOW})
        conn.execute(sa.text(
            "INSERT INTO lane (lane_id, room_id, answer_id, service_id, organization_id, "
            "team, asker, question_sha256, target_minutes, opened_at) VALUES "
            "('L-OLD', '!l:x', 'A-OLD', 's', 'o', '#t:x', '@a:test', :h, 240, :t)"),
            {"h": PLAIN, "t": NOW})
        conn.execute(sa.text(
            'INSERT INTO route_feedback (feedback_id, answer_id, "by", verdict, '
            "question_sha256, map_sha256, answered_service_ids, created_at) VALUES "
            "('F-OLD', 'A-OLD', '@a:test', 'good', :h, :m, '[\"s\"]', :t)"),
            {"h": PLAIN, "m": MAP, "t": NOW})
        for who, source in (("@a:test", "F-OLD"), ("@a:test", "F-OLD2"), ("@b:test", "L-OLD")):
            conn.execute(sa.text(
                "INSERT INTO route_learned (map_sha256, term, service_id, delta, source_id, "
                "created_at) VALUES (:m, 'schuld', 's', 1, :s, :t)"),
                {"m": MAP, "s": f"{_plain_person(who)}~{source}", "t": NOW})


def _upgrade_to_0100(url: str) -> None:
    """To the revision before 0110, which forgets these rows' people and learned
    sources (tests/wegwijzer/test_wegwijzer_insider.py tests that one)."""
    from alembic import command

    from busbaan.store.db import alembic_config

    command.upgrade(alembic_config(url), "0100")
    # the repository reads the tables of the newest schema: those of 0130 (learned votes
    # per association, session 13) as they are there, empty, beside the rows of 0100
    from busbaan.store.wegwijzer_learned import LearnedCountRow, LearnedSourceRow

    engine = make_engine(url)
    for table in (LearnedCountRow.__table__, LearnedSourceRow.__table__):  # type: ignore[attr-defined]
        table.create(engine)
    engine.dispose()


def test_old_plain_hashes_are_taken_out_and_old_rows_still_work(url_at_0050: str) -> None:
    """After the migration no plain hash is left (question hashes are empty, person
    prefixes random); the old answer and feedback read back, a keyed hash does not
    match them, and the old votes still count two people."""
    engine = make_engine(url_at_0050)
    _old_rows(engine)
    _upgrade_to_0100(url_at_0050)
    with engine.connect() as conn:
        for table in ("route_answer", "lane", "route_feedback"):
            assert conn.execute(sa.text(
                f"SELECT question_sha256 FROM {table}")).scalars().all() == [""]
        sources = conn.execute(sa.text(
            "SELECT source_id FROM route_learned ORDER BY source_id")).scalars().all()
    plain = {_plain_person("@a:test"), _plain_person("@b:test")}
    assert len(sources) == 3 and not {person_of(s) for s in sources} & plain
    assert {s.split("~")[1] for s in sources} == {"F-OLD", "F-OLD2", "L-OLD"}
    assert len({person_of(s) for s in sources}) == 2  # still two people, not three

    answer = AnswerRepository(engine).get("A-OLD")
    assert answer is not None and answer.question_sha256 == ""
    assert question_hash(QUESTION, Pseudonyms.generate()) != answer.question_sha256
    # migration 0070 leaves the Matrix IDs to the first sweep with the key (the bot at start)
    WegwijzerPrivacy(engine).sweep(Pseudonyms.generate(), NOW.replace(tzinfo=dt.UTC))
    feedback = FeedbackRepository(engine)
    old = feedback.for_answer("A-OLD")[0]
    changed, replaced = feedback.record(dataclasses.replace(
        old, feedback_id=feedback.new_id(), verdict="wrong", created_at=NOW.replace(tzinfo=dt.UTC)))
    assert replaced and changed.feedback_id == "F-OLD" and changed.question_sha256 == ""
    summary = LearnedRepository(engine).summary(MAP)
    assert [(r.term, r.net, r.sources) for r in summary] == [("schuld", 3, 2)]
    engine.dispose()


def test_a_changed_verdict_replaces_its_old_votes_under_a_new_key(url_at_0050: str) -> None:
    """A source's votes are found by its feedback id whatever person prefix they were
    stored under: the same feedback item never counts twice after the upgrade."""
    engine = make_engine(url_at_0050)
    _old_rows(engine)
    _upgrade_to_0100(url_at_0050)
    repo = LearnedRepository(engine)
    # a source as the bot stored it until session 11 (the feedback id in the clear)
    stored = f"{Pseudonyms.generate().person('@a:test')}~F-OLD"
    repo.replace_source(MAP, stored, [Evidence("schuld", "t", 1, stored)],
                        Pseudonyms.generate())
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT source_id FROM route_learned")).scalars().all()
    assert sorted(s.split("~")[1] for s in left) == ["F-OLD2", "L-OLD"]  # F-OLD replaced
    assert {(r.service_id, r.net, r.sources) for r in repo.summary(MAP)} == {
        ("s", 2, 2), ("t", 1, 1)}
    engine.dispose()

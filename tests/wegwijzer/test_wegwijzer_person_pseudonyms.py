"""No Matrix IDs in the wegwijzer's tables (session 9, privacy10), on SQLite and
PostgreSQL: the repositories take person pseudonyms only, a lane keeps its asker's
Matrix ID only while it waits (at most 14 days), migration 0070 plus the first sweep
with the key leave no Matrix ID of an asker behind, and ``busbaan keys rotate`` makes a
new key, re-keys the waiting lanes and audits it in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from busbaan.audit.storage import AuditLog
from busbaan.cli import main
from busbaan.keyfile import load_pseudonyms
from busbaan.pseudonyms import Pseudonyms
from busbaan.store import make_engine, migrate
from busbaan.store.wegwijzer_privacy import WegwijzerPrivacy
from busbaan.store.wegwijzer_repo import AnswerRepository, FeedbackRepository, LaneRepository
from busbaan.wegwijzer import MATRIX_ID_DAYS, AnswerRecord, FeedbackRecord, LaneRecord
from tests.wegwijzer.conftest import key_file

# now: `busbaan keys` sweeps at the real time
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
ASKER, TEAM, OTHER = "@vrager:test", "@team:test", "@ander:test"
PERSON_COLUMNS = (("route_answer", "asker"), ("lane", "asker"), ("lane", "first_answer_by"),
                  ("lane", "closed_by"), ("route_feedback", "by"))


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return key_file(tmp_path / "pseudonym.key")


def _answer(p: Pseudonyms, answer_id: str, asker: str = ASKER) -> AnswerRecord:
    return AnswerRecord(answer_id=answer_id, room_id="!r:test", event_id=f"${answer_id}",
                        question_event_id=f"$q{answer_id}", asker=p.asker(answer_id, asker),
                        question_sha256="ab" * 32, map_sha256="m" * 64, results=(),
                        confident=True, created_at=T0)


def _lane(p: Pseudonyms, lane_id: str, answer_id: str, opened: dt.datetime) -> LaneRecord:
    return LaneRecord(lane_id=lane_id, room_id=f"!{lane_id}:test", answer_id=answer_id,
                      service_id="s", organization_id="o", team="#t:test",
                      asker=p.lane_person(lane_id, ASKER), target_minutes=60, opened_at=opened,
                      asker_user_id=ASKER)


def _matrix_ids(engine: Engine) -> dict[str, list[str]]:
    """Every value that looks like a Matrix ID in the wegwijzer's person columns."""
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for table, column in (*PERSON_COLUMNS, ("lane", "asker_user_id")):
            values = conn.execute(sa.text(
                f'SELECT "{column}" FROM {table} WHERE "{column}" LIKE :p'),  # fixed names
                {"p": "@%"}).scalars().all()
            if values:
                found[f"{table}.{column}"] = sorted(values)
    return found


def _stored(engine: Engine, p: Pseudonyms) -> None:
    """Three answers by ASKER; lane L-WAIT waits (opened now), L-DONE was answered and
    closed, L-OLD waits since longer than the retention; one verdict."""
    answers, lanes = AnswerRepository(engine), LaneRepository(engine)
    for answer_id in ("A-1", "A-2", "A-3"):
        answers.add(_answer(p, answer_id))
    lanes.add(_lane(p, "L-WAIT", "A-1", T0), "ab" * 32)
    lanes.add(_lane(p, "L-DONE", "A-2", T0), "ab" * 32)
    lanes.add(_lane(p, "L-OLD", "A-3", T0 - dt.timedelta(days=MATRIX_ID_DAYS, minutes=1)),
              "ab" * 32)
    lanes.first_answer("L-DONE", by=p.lane_person("L-DONE", TEAM), at=T0)
    lanes.close("L-DONE", by=p.lane_person("L-DONE", ASKER), at=T0)
    FeedbackRepository(engine).record(FeedbackRecord(
        feedback_id="F-1", answer_id="A-1", by=p.asker("A-1", ASKER), verdict="good",
        expected_service_id=None, question_sha256="ab" * 32, map_sha256="m" * 64,
        answered_service_ids=("s",), created_at=T0))


# -- the repositories -------------------------------------------------------------------


def test_repositories_refuse_a_matrix_id_where_a_pseudonym_belongs(engine: Engine) -> None:
    """A caller that forgets to pseudonymise fails loudly; nothing is stored."""
    p = Pseudonyms.generate()
    answers, lanes, feedback = (AnswerRepository(engine), LaneRepository(engine),
                                FeedbackRepository(engine))
    plain = AnswerRecord(answer_id="A-X", room_id="!r:test", event_id="$x",
                         question_event_id="$q", asker=ASKER, question_sha256="", map_sha256="",
                         results=(), confident=False, created_at=T0)
    with pytest.raises(ValueError, match="pseudonym") as caught:
        answers.add(plain)
    assert ASKER not in str(caught.value)
    assert answers.get("A-X") is None
    answers.add(_answer(p, "A-1"))
    with pytest.raises(ValueError):
        lanes.add(LaneRecord(lane_id="L-X", room_id="!l:test", answer_id="A-1", service_id="s",
                             organization_id="o", team="#t:test", asker=ASKER,
                             target_minutes=60, opened_at=T0), "")
    lanes.add(_lane(p, "L-1", "A-1", T0), "")
    with pytest.raises(ValueError):
        lanes.first_answer("L-1", by=TEAM, at=T0)
    with pytest.raises(ValueError):
        lanes.close("L-1", by=ASKER, at=T0)
    with pytest.raises(ValueError):
        feedback.record(FeedbackRecord(
            feedback_id="F-X", answer_id="A-1", by=ASKER, verdict="good",
            expected_service_id=None, question_sha256="", map_sha256="",
            answered_service_ids=(), created_at=T0))
    assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER]}  # L-1 waits


def test_a_lane_forgets_its_askers_matrix_id_at_the_first_answer_and_at_closing(
        engine: Engine) -> None:
    """The Matrix ID is kept while the lane waits and goes with the first answer, or with
    closing when nobody answered."""
    p = Pseudonyms.generate()
    answers, lanes = AnswerRepository(engine), LaneRepository(engine)
    answers.add(_answer(p, "A-1"))
    answers.add(_answer(p, "A-2"))
    lanes.add(_lane(p, "L-1", "A-1", T0), "")
    lanes.add(_lane(p, "L-2", "A-2", T0), "")
    assert [w.asker_user_id for w in lanes.waiting()] == [ASKER, ASKER]
    assert lanes.first_answer("L-1", by=p.lane_person("L-1", TEAM), at=T0)
    assert lanes.close("L-2", by=p.lane_person("L-2", ASKER), at=T0)
    for lane_id in ("L-1", "L-2"):
        lane = lanes.get(lane_id)
        assert lane is not None and lane.asker_user_id is None
        assert lane.asker == p.lane_person(lane_id, ASKER)
    assert _matrix_ids(engine) == {}


def test_the_sweep_forgets_ids_past_their_retention_and_is_idempotent(engine: Engine) -> None:
    """Only the waiting lane within 14 days keeps the Matrix ID; a second sweep changes
    nothing; the waiting lane is still found by its asker's pseudonym."""
    p = Pseudonyms.generate()
    _stored(engine, p)
    assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER, ASKER]}
    privacy = WegwijzerPrivacy(engine)
    assert privacy.sweep(p, T0) == {"pseudonymised": 0, "rekeyed": 0, "expired": 1,
                                    "answers_forgotten": 0}
    assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER]}
    assert privacy.sweep(p, T0) == {"pseudonymised": 0, "rekeyed": 0, "expired": 0,
                                    "answers_forgotten": 0}
    waiting = {lane.lane_id: lane for lane in LaneRepository(engine).waiting()}
    assert waiting["L-WAIT"].asker_user_id == ASKER
    assert waiting["L-OLD"].asker_user_id is None
    assert waiting["L-OLD"].asker == p.lane_person("L-OLD", ASKER)  # still waiting
    later = T0 + dt.timedelta(days=MATRIX_ID_DAYS)
    counts = privacy.sweep(p, later, legacy=False)
    assert (counts["expired"], counts["answers_forgotten"]) == (1, 3)  # privacy12
    assert _matrix_ids(engine) == {}
    answers = AnswerRepository(engine)
    assert answers.last_for(lambda answer_id: "!r:test",
                            lambda answer_id: p.asker(answer_id, ASKER)) is None
    assert answers.forgotten_for(lambda answer_id: p.asker(answer_id, ASKER))


# -- migration 0070 ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url_at_0060(request: pytest.FixtureRequest,
              store_at_revision: Callable[[str, str], str]) -> str:
    """An empty store at revision 0060 (before person pseudonyms)."""
    return store_at_revision(request.param, "0060")


def _rows_at_0060(engine: Engine) -> None:
    """As the bot stored them before 0070: Matrix IDs in every person column; lane L-W
    waits, L-A was answered and closed."""
    naive = T0.replace(tzinfo=None)
    with engine.begin() as conn:
        for answer_id in ("A-W", "A-A"):
            conn.execute(sa.text(
                "INSERT INTO route_answer (answer_id, room_id, event_id, question_event_id, "
                "asker, question_sha256, map_sha256, results, confident, created_at) VALUES "
                "(:a, '!r:test', :e, :q, :who, '', 'm', '[]', true, :t)"),
                {"a": answer_id, "e": f"${answer_id}", "q": f"$q{answer_id}", "who": ASKER,
                 "t": naive})
        conn.execute(sa.text(
            "INSERT INTO lane (lane_id, room_id, answer_id, service_id, organization_id, "
            "team, asker, question_sha256, target_minutes, opened_at) VALUES "
            "('L-W', '!w:test', 'A-W', 's', 'o', '#t:test', :who, '', 60, :t)"),
            {"who": ASKER, "t": naive})
        conn.execute(sa.text(
            "INSERT INTO lane (lane_id, room_id, answer_id, service_id, organization_id, "
            "team, asker, question_sha256, target_minutes, opened_at, first_answer_at, "
            "first_answer_by, closed_at, closed_by) VALUES "
            "('L-A', '!a:test', 'A-A', 's', 'o', '#t:test', :who, '', 60, :t, :t, :team, "
            ":t, :who)"), {"who": ASKER, "team": TEAM, "t": naive})
        for feedback_id, who in (("F-1", ASKER), ("F-2", OTHER)):
            conn.execute(sa.text(
                'INSERT INTO route_feedback (feedback_id, answer_id, "by", verdict, '
                "question_sha256, map_sha256, answered_service_ids, created_at) VALUES "
                "(:f, 'A-W', :who, 'good', '', 'm', '[]', :t)"),
                {"f": feedback_id, "who": who, "t": naive})


def test_migrations_0070_0110_and_the_first_sweep_leave_no_askers_matrix_id(
        url_at_0060: str) -> None:
    """0070 drops the IDs nothing needs; 0110 (session 11) forgets the askers of answers
    and verdicts written before (they cannot get a per-answer pseudonym without the
    key); the first sweep with the key (the bot at start, or ``busbaan keys redact``)
    gives the lanes their per-lane pseudonym, keeping the waiting lane's asker ID
    only."""
    engine = make_engine(url_at_0060)
    try:
        _rows_at_0060(engine)
        migrate(url_at_0060)
        assert _matrix_ids(engine) == {"lane.asker": [ASKER, ASKER]}
        p = Pseudonyms.generate()
        counts = WegwijzerPrivacy(engine).sweep(p, T0 + dt.timedelta(minutes=5))
        assert counts == {"pseudonymised": 2, "rekeyed": 0, "expired": 0,
                          "answers_forgotten": 0}
        assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER]}
        lanes = LaneRepository(engine)
        waiting, answered = lanes.get("L-W"), lanes.get("L-A")
        assert waiting is not None and answered is not None
        assert waiting.asker == p.lane_person("L-W", ASKER)
        assert waiting.asker_user_id == ASKER
        assert answered.asker == p.lane_person("L-A", ASKER)
        assert answered.asker_user_id is None
        assert answered.first_answer_by is None and answered.first_answer_at is not None
        # the answers from before are nobody's now (the bot: "from before a security
        # update"); the verdicts keep one row each
        assert AnswerRepository(engine).last_for(
            lambda answer_id: "!r:test", lambda answer_id: p.asker(answer_id, ASKER)) is None
        verdicts = {f.feedback_id: f.by for f in FeedbackRepository(engine).for_answer("A-W")}
        assert verdicts == {"F-1": "-F-1", "F-2": "-F-2"}
    finally:
        engine.dispose()


# -- busbaan keys rotate / redact -------------------------------------------------------


def _keys(db_url: str, *args: str, lang: str = "nl") -> Result:
    return CliRunner().invoke(main, ["keys", *args, "--db", db_url],
                              env={"BUSBAAN_LANG": lang, "BUSBAAN_PSEUDONYM_KEY": None})


def _audit_json(engine: Engine, start: int) -> list[dict[str, Any]]:
    return [e.entry.to_json() for e in AuditLog(engine).entries(start)]


def test_rotate_makes_a_new_key_rekeys_waiting_lanes_and_audits_no_ids(
        db_url: str, engine: Engine, key: Path) -> None:
    """The key file gets a new key (0600); the waiting lanes' askers are re-keyed from
    the held Matrix IDs (the one past retention then loses it); older answers keep
    their old pseudonym; one audit entry names both fingerprints and counts, no key and
    no Matrix ID."""
    old = load_pseudonyms(key)
    old_text = key.read_text()
    _stored(engine, old)
    before = AuditLog(engine).size()
    result = _keys(db_url, "rotate", "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    new = load_pseudonyms(key)
    assert key.read_text() != old_text and (key.stat().st_mode & 0o777) == 0o600
    assert not key.with_name("pseudonym.key.new").exists()
    assert new.fingerprint() != old.fingerprint()
    assert "pseudoniemsleutel gewisseld" in result.output
    assert f"{old.fingerprint()} -> {new.fingerprint()}" in result.output
    lanes = LaneRepository(engine)
    waiting = lanes.get("L-WAIT")
    assert waiting is not None and waiting.asker == new.lane_person("L-WAIT", ASKER)
    stale = lanes.get("L-OLD")  # re-keyed from its held ID, which then goes (retention)
    assert stale is not None and stale.asker == new.lane_person("L-OLD", ASKER)
    assert stale.asker_user_id is None
    done = lanes.get("L-DONE")  # nothing to re-key from
    assert done is not None and done.asker == old.lane_person("L-DONE", ASKER)
    assert AnswerRepository(engine).last_for(
        lambda answer_id: "!r:test", lambda answer_id: new.asker(answer_id, ASKER)) is None
    assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER]}
    [audited] = _audit_json(engine, before)
    assert audited["event_code"] == "pseudonym_key.rotated"
    assert audited["details"] == {"old_key": old.fingerprint(), "new_key": new.fingerprint(),
                                  "pseudonymised": "0", "rekeyed": "2", "expired": "1",
                                  "answers_forgotten": "0"}
    text = json.dumps(audited)
    assert "@" not in text and old_text.strip() not in text
    assert key.read_text().strip() not in text


@pytest.mark.parametrize("problem", ["missing", "readable", "garbage", "unfinished"])
def test_rotate_refuses_an_unusable_key_in_dutch_and_changes_nothing(
        db_url: str, engine: Engine, key: Path, problem: str) -> None:
    """Missing, readable by others, not a key, or an unfinished earlier rotation: one
    Dutch line with the errcode, exit 2, key and tables untouched, nothing audited."""
    p = load_pseudonyms(key)
    _stored(engine, p)
    before = AuditLog(engine).size()
    path = key
    if problem == "missing":
        path = key.with_name("elders.key")
    elif problem == "readable":
        key.chmod(0o644)
    elif problem == "garbage":
        key.write_text("geen sleutel\n")
    else:
        key_file(key.with_name("pseudonym.key.new"))
    text = key.read_text()
    result = _keys(db_url, "rotate", "--pseudonym-key", str(path))
    assert result.exit_code == 2, result.output
    expected = {"missing": "bestaat niet", "readable": "leesbaar voor anderen",
                "garbage": "geen sleutel", "unfinished": "niet afgemaakt"}[problem]
    assert expected in result.output and "[BB_" in result.output
    assert key.read_text() == text
    assert AuditLog(engine).size() == before
    lane = LaneRepository(engine).get("L-WAIT")
    assert lane is not None and lane.asker == p.lane_person("L-WAIT", ASKER)
    assert key.with_name("pseudonym.key.new").exists() == (problem == "unfinished")


def test_a_failed_rotation_keeps_the_old_key_and_removes_the_new_one(
        db_url: str, engine: Engine, key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the re-keying transaction fails, nothing is re-keyed or audited, the old key
    stays in place and the new one is removed (a retry can start clean)."""
    p = load_pseudonyms(key)
    _stored(engine, p)
    before = AuditLog(engine).size()
    text = key.read_text()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr("busbaan.store.wegwijzer_privacy.apply", broken)
    result = _keys(db_url, "rotate", "--pseudonym-key", str(key))
    assert result.exit_code != 0
    assert key.read_text() == text and not key.with_name("pseudonym.key.new").exists()
    assert AuditLog(engine).size() == before
    lane = LaneRepository(engine).get("L-WAIT")
    assert lane is not None and lane.asker == p.lane_person("L-WAIT", ASKER)


def test_redact_runs_the_sweep_now(db_url: str, engine: Engine, key: Path) -> None:
    """`busbaan keys redact` forgets what is past its retention without the bot."""
    _stored(engine, load_pseudonyms(key))
    result = _keys(db_url, "redact", "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    assert "1 Matrix-ID('s) na de bewaartermijn verwijderd" in result.output
    assert _matrix_ids(engine) == {"lane.asker_user_id": [ASKER]}


def test_rotate_prints_only_its_result_on_standard_output(
        db_url: str, engine: Engine, key: Path) -> None:
    """outside10: `busbaan keys rotate` printed a structlog debug line
    ("[debug] audit.appended count=1 first=15") on standard output before its Dutch
    result, unconfigured and so without the redacting processor. Standard output now
    holds only the result line; log lines go to stderr, from WARNING."""
    _stored(engine, load_pseudonyms(key))
    result = _keys(db_url, "rotate", "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("busbaan: pseudoniemsleutel gewisseld"), result.stdout
    assert "audit.appended" not in result.output

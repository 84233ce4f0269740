"""`busbaan route learned forget --person @name:server` (issue 8 item 4; AVG art. 17):
one professional's learning votes are deleted, found by their keyed pseudonym, audited
without the Matrix ID, in one transaction; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from busbaan.audit.storage import AuditLog
from busbaan.cli import main
from busbaan.errors import Unavailable
from busbaan.keyfile import load_pseudonyms
from busbaan.pseudonyms import Pseudonyms
from busbaan.routing.learning import Evidence, source_key
from busbaan.store.wegwijzer_learned import LearnedRepository
from tests.wegwijzer.conftest import key_file

NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
MAP_A = "a" * 64
MAP_B = "b" * 64
ALICE = "@alice:zorg.example"
BOB = "@bob:zorg.example"


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return key_file(tmp_path / "pseudonym.key")


def _vote(repo: LearnedRepository, pseudonyms: Pseudonyms, map_sha: str, source: str,
          actor: str) -> None:
    """As the bot stores a verdict: the source under the actor's keyed pseudonym."""
    stored = source_key(source, actor, pseudonyms)
    repo.replace_source(map_sha, stored, [Evidence(t, "welzijn-eenzaamheid", 1, stored)
                                          for t in ("eenzam", "weduwnar")], pseudonyms)


@pytest.fixture
def stored(engine: Engine, key: Path) -> LearnedRepository:
    """Alice voted in two map versions (6 votes), Bob in one (2 votes)."""
    repo = LearnedRepository(engine)
    pseudonyms = load_pseudonyms(key)
    _vote(repo, pseudonyms, MAP_A, "F1", ALICE)
    _vote(repo, pseudonyms, MAP_A, "F2", BOB)
    _vote(repo, pseudonyms, MAP_B, "F3", ALICE)
    _vote(repo, pseudonyms, MAP_B, "L4", ALICE)
    return repo


def _forget(db_url: str, *args: str, lang: str = "nl") -> Result:
    return CliRunner().invoke(main, ["route", "learned", "forget", "--db", db_url, *args],
                              env={"BUSBAAN_LANG": lang, "BUSBAAN_PSEUDONYM_KEY": None})


def _audit_json(engine: Engine, start: int) -> list[dict[str, object]]:
    return [e.entry.to_json() for e in AuditLog(engine).entries(start)]


def test_forget_person_deletes_only_their_votes_and_audits_no_matrix_id(
        db_url: str, engine: Engine, key: Path, stored: LearnedRepository) -> None:
    """All of Alice's votes go (both map versions), Bob's stay; the association now
    rests on one person and stops counting; the audit entry holds the pseudonym and the
    count, never the Matrix ID."""
    assert len(stored.learned(MAP_A)) == 2  # two people: applied
    before = AuditLog(engine).size()
    result = _forget(db_url, "--person", ALICE, "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    assert "6 stem(men) van deze persoon vergeten" in result.output
    assert ALICE not in result.output
    assert stored.evidence(MAP_B) == []
    remaining = stored.evidence(MAP_A)
    pseudonyms = load_pseudonyms(key)
    assert len(remaining) == 2 and stored.person_votes(pseudonyms.person(BOB), pseudonyms) == 2
    assert len(stored.learned(MAP_A)) == 0  # below two people: no longer applied
    assert {(r.net, r.sources) for r in stored.summary(MAP_A)} == {(1, 1)}
    [audited] = _audit_json(engine, before)
    assert audited["event_code"] == "route.learned_forgotten"
    assert audited["details"] == {  # type: ignore[comparison-overlap]
        "person": load_pseudonyms(key).person(ALICE), "deleted": "6",
        "pseudonym_key": load_pseudonyms(key).fingerprint()}
    text = json.dumps(audited)
    assert "alice" not in text and "zorg.example" not in text


def test_forget_person_in_one_map_version_in_english(
        db_url: str, engine: Engine, key: Path, stored: LearnedRepository) -> None:
    """--map-sha limits it to one version; BUSBAAN_LANG=en answers in English."""
    result = _forget(db_url, "--person", ALICE, "--pseudonym-key", str(key),
                     "--map-sha", MAP_B[:8], lang="en")
    assert result.exit_code == 0, result.output
    assert "Forgot 4 vote(s) of this person" in result.output
    assert stored.evidence(MAP_B) == []
    assert len(stored.evidence(MAP_A)) == 4  # Alice's votes on the other version stay
    before = AuditLog(engine).size()
    [audited] = _audit_json(engine, before - 1)
    assert audited["details"]["map_sha256"] == MAP_B[:16]  # type: ignore[index]


def test_a_wrong_key_finds_nothing_deletes_nothing_and_says_so(
        db_url: str, engine: Engine, tmp_path: Path, stored: LearnedRepository) -> None:
    """Another deployment key gives another pseudonym: no votes found, nothing deleted,
    and the operator is told to check the ID and the key (its fingerprint)."""
    other = key_file(tmp_path / "other.key")
    before = stored.evidence(MAP_A) + stored.evidence(MAP_B)
    result = _forget(db_url, "--person", ALICE, "--pseudonym-key", str(other))
    assert result.exit_code == 0, result.output
    assert "Geen stemmen gevonden" in result.output
    assert load_pseudonyms(other).fingerprint() in result.output
    assert "niets verwijderd" in result.output
    assert stored.evidence(MAP_A) + stored.evidence(MAP_B) == before


@pytest.mark.parametrize("problem", ["missing", "readable", "garbage", "not_an_id", "both"])
def test_refuses_in_dutch_with_exit_2_and_deletes_nothing(
        db_url: str, engine: Engine, key: Path, tmp_path: Path, stored: LearnedRepository,
        problem: str) -> None:
    """A missing or unusable key, or an ID that is not a Matrix ID: exit 2, one Dutch
    line, nothing deleted, nothing audited."""
    before_votes = len(stored.evidence(MAP_A)) + len(stored.evidence(MAP_B))
    before_audit = AuditLog(engine).size()
    args = ["--person", ALICE, "--pseudonym-key", str(key)]
    expect = ""
    if problem == "missing":  # no option: the state dir's pseudonym.key, absent here
        args = ["--person", ALICE, "--state-dir", str(tmp_path / "elders")]
        expect = "bestaat niet"
    elif problem == "readable":
        key.chmod(0o644)
        expect = "leesbaar voor anderen"
    elif problem == "garbage":
        key.write_text("geen sleutel\n", encoding="ascii")
        expect = "geen sleutel"
    elif problem == "not_an_id":
        args = ["--person", "alice", "--pseudonym-key", str(key)]
        expect = "geen Matrix-ID"
    else:
        args = ["eenzam", "--person", ALICE, "--pseudonym-key", str(key)]
        expect = "niet allebei"
    result = _forget(db_url, *args)
    assert result.exit_code == 2, result.output
    assert expect in result.output
    assert len(stored.evidence(MAP_A)) + len(stored.evidence(MAP_B)) == before_votes
    assert AuditLog(engine).size() == before_audit


def test_the_state_dir_key_is_found_like_the_bot_finds_it(
        db_url: str, key: Path, stored: LearnedRepository) -> None:
    """Without --pseudonym-key: STATE_DIR/pseudonym.key (--state-dir, BUSBAAN_STATE_DIR)."""
    result = _forget(db_url, "--person", ALICE, "--state-dir", str(key.parent))
    assert result.exit_code == 0, result.output
    assert "6 stem(men)" in result.output


def test_deleting_and_auditing_are_one_transaction(
        engine: Engine, key: Path, stored: LearnedRepository,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """When the deletion does not match what was counted (votes arriving meanwhile),
    the transaction is rolled back (no votes deleted, no audit entry) and counted again;
    if it keeps changing, it gives up with nothing done."""
    from busbaan.audit.entry import AuditEntry

    log = AuditLog(engine)
    before = log.size()
    person = load_pseudonyms(key).person(ALICE)

    def entry(n: int) -> AuditEntry:
        return AuditEntry(event_code="route.learned_forgotten", action="D",
                          occurred_at=NOW, outcome="done", source="cli",
                          details={"person": person, "deleted": str(n)})

    monkeypatch.setattr(stored, "person_votes", lambda *_a, **_k: 5)  # never the truth
    with pytest.raises(Unavailable):
        stored.forget_person(person, None, load_pseudonyms(key), log, entry)
    assert log.size() == before
    # one row per voter and association: Alice's two votes per term in MAP_B are one
    assert len(stored.evidence(MAP_A)) + len(stored.evidence(MAP_B)) == 6
    monkeypatch.undo()
    assert stored.forget_person(person, None, load_pseudonyms(key), log, entry) == 6
    assert log.size() == before + 1

"""The store names the current pseudonym key (session 9, privacy11), on SQLite and
PostgreSQL: the first process with a key records it, ``busbaan keys rotate`` replaces it
in its transaction, and a process left running through a rotation reads its key file
again or writes nothing (:mod:`busbaan.store.pseudonym_key`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine

from busbaan.audit.storage import AuditLog
from busbaan.cli import main
from busbaan.errors import BusbaanError
from busbaan.keyfile import load_pseudonyms
from busbaan.pseudonyms import KeyDecision, Pseudonyms, key_decision
from busbaan.store.pseudonym_key import STALE_KEY, KeyGuard, current_key, record_key
from busbaan.wegwijzer.retention import before_rotation
from tests.wegwijzer.conftest import key_file

T0 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return key_file(tmp_path / "pseudonym.key")


def _stored(engine: Engine) -> str | None:
    with engine.connect() as conn:
        row = current_key(conn)
    return None if row is None else row.fingerprint


def _keys(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["keys", *args, "--db", db_url],
                              env={"BUSBAAN_LANG": "nl", "BUSBAAN_PSEUDONYM_KEY": None})


@pytest.mark.parametrize(("stored", "in_use", "on_disk", "expected"), [
    (None, "aa", None, KeyDecision.CLAIM),
    ("aa", "aa", None, KeyDecision.USE),
    ("bb", "aa", None, KeyDecision.RELOAD),
    ("bb", "aa", "bb", KeyDecision.SWITCH),
    ("bb", "aa", "aa", KeyDecision.REFUSE),
    ("bb", "aa", "", KeyDecision.REFUSE),  # the key file is gone or unusable now
])
def test_key_decision(stored: str | None, in_use: str, on_disk: str | None,
                      expected: KeyDecision) -> None:
    assert key_decision(stored, in_use, on_disk) is expected


def test_before_rotation() -> None:
    assert not before_rotation(T0, None)
    assert before_rotation(T0, T0 + dt.timedelta(seconds=1))
    assert not before_rotation(T0 + dt.timedelta(seconds=1), T0)


def test_the_first_process_records_its_key_and_a_reader_records_nothing(
        engine: Engine, key: Path) -> None:
    p = load_pseudonyms(key)
    KeyGuard(engine, p, key, claim=False).check(T0)
    assert _stored(engine) is None
    assert KeyGuard(engine, p, key).check(T0) is p
    assert _stored(engine) == p.fingerprint()
    other = Pseudonyms.generate()  # a second process with another key: no overwrite
    with pytest.raises(BusbaanError) as err:
        KeyGuard(engine, other, None).check(T0)
    assert err.value.errcode == STALE_KEY
    assert _stored(engine) == p.fingerprint()


def test_a_process_left_running_switches_to_the_new_key_file_or_refuses_once(
        engine: Engine, key: Path) -> None:
    """After a rotation: the key file still old (the rotation's mv not done) → refused,
    one log line without key material; the new key in place → switched, rotation time
    known (for "this answer is from before …")."""
    old = load_pseudonyms(key)
    guard = KeyGuard(engine, old, key)
    guard.check(T0)
    assert guard.rotated_at is None
    new = Pseudonyms.generate()
    with engine.begin() as conn:
        record_key(conn, new.fingerprint(), T0 + dt.timedelta(hours=1), rotated=True)
    with structlog.testing.capture_logs() as logs:
        for _ in range(3):
            with pytest.raises(BusbaanError) as err:
                guard.check(T0)
    assert err.value.errcode == STALE_KEY and "niet de huidige" in err.value.message("nl")
    stale = [e for e in logs if e["event"] == "pseudonym_key.stale"]
    assert len(stale) == 1 and "niets op" in stale[0]["hint"]
    assert key.read_text().strip() not in repr(logs)
    assert guard.pseudonyms is old
    key.unlink()
    key_file(key)  # the rotation's new key in place (fingerprint differs from `new`)
    with pytest.raises(BusbaanError):
        guard.check(T0)
    fresh = load_pseudonyms(key)
    with engine.begin() as conn:
        record_key(conn, fresh.fingerprint(), T0 + dt.timedelta(hours=2), rotated=True)
    assert guard.check(T0) is not old
    assert guard.pseudonyms.fingerprint() == fresh.fingerprint()
    assert guard.rotated_at == T0 + dt.timedelta(hours=2)


def test_rotate_names_the_new_key_current_in_its_transaction(
        db_url: str, engine: Engine, key: Path) -> None:
    old = load_pseudonyms(key)
    running = KeyGuard(engine, old, key)
    running.check(T0)  # the wegwijzer, started before the rotation
    result = _keys(db_url, "rotate", "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    new = load_pseudonyms(key)
    with engine.connect() as conn:
        row = current_key(conn)
    assert row is not None and row.fingerprint == new.fingerprint()
    assert row.rotated_at is not None
    running.check(T0)  # reads the key file again: the new key
    assert running.pseudonyms.fingerprint() == new.fingerprint()


def test_rotate_and_redact_refuse_a_key_that_is_not_the_current_one(
        db_url: str, engine: Engine, key: Path, tmp_path: Path) -> None:
    """A --pseudonym-key other than the deployment's: exit 2, a Dutch line, no change
    (no new key beside it, nothing recorded)."""
    KeyGuard(engine, load_pseudonyms(key), key).check(T0)
    elsewhere = key_file(tmp_path / "ander.key")
    for command in ("rotate", "redact"):
        result = _keys(db_url, command, "--pseudonym-key", str(elsewhere))
        assert result.exit_code == 2, result.output
        assert "niet de huidige" in result.output and f"[{STALE_KEY}]" in result.output
    assert not elsewhere.with_name("ander.key.new").exists()
    assert _stored(engine) == load_pseudonyms(key).fingerprint()


def test_redact_records_the_key_on_an_empty_store(db_url: str, engine: Engine,
                                                   key: Path) -> None:
    result = _keys(db_url, "redact", "--pseudonym-key", str(key))
    assert result.exit_code == 0, result.output
    assert _stored(engine) == load_pseudonyms(key).fingerprint()


def test_learned_forget_person_refuses_a_rotated_away_key(
        db_url: str, engine: Engine, key: Path, tmp_path: Path) -> None:
    KeyGuard(engine, load_pseudonyms(key), key).check(T0)
    elsewhere = key_file(tmp_path / "oud.key")
    result = CliRunner().invoke(
        main, ["route", "learned", "forget", "--person", "@iemand:test", "--db", db_url,
               "--pseudonym-key", str(elsewhere)],
        env={"BUSBAAN_LANG": "nl", "BUSBAAN_PSEUDONYM_KEY": None})
    assert result.exit_code == 2, result.output
    assert "niet de huidige" in result.output
    assert AuditLog(engine).size() == 0  # nothing audited: nothing was looked up

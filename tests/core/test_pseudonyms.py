"""Keyed pseudonyms (session 8, privacy9): wegwijzer questions and the people behind
learning votes are hashed with HMAC-SHA-256 under a per-deployment key kept in a file
outside the database, never with a plain SHA-256 that a guess can be checked against."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from busbaan.errors import BusbaanError, NotFound
from busbaan.keyfile import PSEUDONYM_KEY, SESSION_KEY, load_key, load_pseudonyms
from busbaan.pseudonyms import Pseudonyms, normalise_question
from busbaan.wegwijzer import question_hash

QUESTION = "Cliënt, 58, kan de  energierekening niet betalen"


def _plain(text: str) -> str:
    return hashlib.sha256(normalise_question(text).encode("utf-8")).hexdigest()


def test_the_same_question_gives_the_same_hash_under_one_key() -> None:
    """One key: the same words (any case or spacing) give the same 64-hex hash."""
    key = Pseudonyms(bytes(range(32)))
    again = Pseudonyms(bytes(range(32)))
    a = question_hash(QUESTION, key)
    assert a == question_hash(QUESTION.upper().replace(" ", "   "), again)
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != question_hash("Cliënt, 58, kan de huur niet betalen", key)


def test_another_key_gives_another_hash() -> None:
    """A different deployment key gives a different hash for the same question and a
    different pseudonym for the same professional."""
    one, two = Pseudonyms.generate(), Pseudonyms.generate()
    assert question_hash(QUESTION, one) != question_hash(QUESTION, two)
    assert one.person("@a:test") != two.person("@a:test")
    assert one.fingerprint() != two.fingerprint()


def test_the_hash_is_not_the_plain_sha256_of_the_text() -> None:
    """Neither the raw nor the normalised text's plain SHA-256 is what is kept, and a
    person's pseudonym is not the first 12 hex of the plain SHA-256 of the ID."""
    key = Pseudonyms.generate()
    kept = question_hash(QUESTION, key)
    assert kept not in (_plain(QUESTION), hashlib.sha256(QUESTION.encode()).hexdigest())
    assert key.person("@a:test") != hashlib.sha256(b"@a:test").hexdigest()[:12]


def test_each_use_has_its_own_label() -> None:
    """A question and a Matrix ID with the same text never share a pseudonym."""
    key = Pseudonyms.generate()
    assert key.question("@a:test")[:12] != key.person("@a:test")


def test_per_object_values_name_no_person_twice() -> None:
    """Session 11 (privacy13): a person's pseudonym per answer and per lane differs per
    object and from their one pseudonym; an answer's room differs per answer; an audit
    reference equals no value a table holds (own label), and an object id does not
    appear in any of them."""
    key = Pseudonyms.generate()
    who, room = "@a:test", "!dm:test"
    values = [key.person(who), key.asker("A-1", who), key.asker("A-2", who),
              key.lane_person("L-1", who), key.lane_person("L-2", who)]
    assert len(set(values)) == len(values) and all(len(v) == 12 for v in values)
    assert key.answer_room("A-1", room) != key.answer_room("A-2", room)
    refs = [key.audit_ref("answer", "A-1"), key.audit_ref("lane", "A-1"),
            key.learned_source("A-1"), key.answer_room("A-1", room)]
    assert len(set(refs)) == len(refs) and all(len(v) == 16 for v in refs)
    assert not any("A-1" in v or who in v for v in values + refs)
    assert key.asker("A-1", who) == key.asker("A-1", who)  # checkable with the key
    assert Pseudonyms.generate().asker("A-1", who) != key.asker("A-1", who)


def test_a_short_key_is_refused() -> None:
    """A key under 16 bytes is a programming error, refused at once."""
    with pytest.raises(ValueError):
        Pseudonyms(b"kort")


def test_the_key_is_made_private_once_and_read_back(tmp_path: Path) -> None:
    """With ``create``, a missing key file is made (mode 0600, 64 hex, in a new private
    directory) and reused afterwards; the same file gives the same pseudonyms."""
    path = tmp_path / "state" / "pseudonym.key"
    first = load_pseudonyms(path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(path.read_text().strip()) == 64
    text = path.read_text()
    again = load_pseudonyms(path, create=True)
    assert path.read_text() == text  # never overwritten
    assert again.question(QUESTION) == first.question(QUESTION)
    assert load_pseudonyms(path).person("@a:test") == first.person("@a:test")
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_missing_key_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    """Without ``create`` a missing key is refused in Dutch (English available), with
    how to make one, and nothing is created."""
    path = tmp_path / "pseudonym.key"
    with pytest.raises(NotFound) as caught:
        load_pseudonyms(path)
    assert caught.value.errcode == "BB_PSEUDONYM_KEY_MISSING"
    assert "bestaat niet" in caught.value.message("nl")
    assert "--init-pseudonym-key" in caught.value.message("nl")
    assert "does not exist" in caught.value.message("en")
    assert not path.exists()


@pytest.mark.parametrize("case", ["readable", "short", "not-hex", "directory"])
def test_an_unusable_key_is_refused(tmp_path: Path, case: str) -> None:
    """A key others can read, one that is not 32 bytes of hex, or a directory is
    refused with ``BB_PSEUDONYM_KEY_INVALID``; the message never repeats the file."""
    path = tmp_path / "pseudonym.key"
    content = "ab" * 32
    if case == "directory":
        path.mkdir()
    else:
        if case == "short":
            content = "ab" * 8
        elif case == "not-hex":
            content = "zz" * 32
        path.write_text(content + "\n")
        path.chmod(0o644 if case == "readable" else 0o600)
    with pytest.raises(BusbaanError) as caught:
        load_pseudonyms(path)
    assert caught.value.errcode == "BB_PSEUDONYM_KEY_INVALID"
    assert "onbruikbaar" in caught.value.message("nl")
    assert content not in caught.value.message("nl") + caught.value.message("en")


def test_the_sessions_and_the_pseudonyms_share_one_loader(tmp_path: Path) -> None:
    """The citizen session key goes through the same loader, with its own name and
    errcode (made at first start, as before)."""
    key = load_key(tmp_path / "citizen-session.key", SESSION_KEY, create=True)
    assert len(key) == 32
    (tmp_path / "citizen-session.key").chmod(0o640)
    with pytest.raises(BusbaanError) as caught:
        load_key(tmp_path / "citizen-session.key", SESSION_KEY, create=True)
    assert caught.value.errcode == "BB_SESSION_KEY_INVALID"
    assert PSEUDONYM_KEY.errcode == "BB_PSEUDONYM_KEY"


def test_the_key_is_never_shown_or_logged(tmp_path: Path) -> None:
    """Loading and making the key log nothing that holds it; the object's repr shows
    only the fingerprint (8 hex naming the key), never the key."""
    path = tmp_path / "pseudonym.key"
    with capture_logs() as logs:
        pseudonyms = load_pseudonyms(path, create=True)
    secret = path.read_text().strip()
    assert all(secret not in str(v) for e in logs for v in e.values())
    shown = repr(pseudonyms)
    assert secret not in shown and secret[:16] not in shown
    assert pseudonyms.fingerprint() in shown and len(pseudonyms.fingerprint()) == 8


# -- busbaan serve: the key before anything starts ------------------------------------


def _serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Any:
    """Run ``busbaan serve`` with a wegwijzer bot; the service itself never runs (a
    started service would be recorded in ``started``)."""
    from click.testing import CliRunner

    import busbaan.service
    from busbaan.cli import main

    started: list[Any] = []

    async def no_service(service: Any) -> None:
        started.append(service.config)

    monkeypatch.setattr(busbaan.service, "run_until_signal", no_service)
    monkeypatch.setenv("BUSBAAN_LANG", "nl")
    result = CliRunner().invoke(main, [
        "serve", "--homeserver", "http://127.0.0.1:9", "--casus-user", "@casus:x",
        "--wegwijzer-user", "@wegwijzer:x", "--state-dir", str(tmp_path / "state"),
        *extra])
    result.started = started
    return result


def test_serve_refuses_a_missing_key_before_anything_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`busbaan serve` without its pseudonym key: one Dutch line, exit 2, no service
    started and no key made."""
    result = _serve(tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert "pseudoniemsleutel" in result.output and "BB_PSEUDONYM_KEY_MISSING" in result.output
    assert result.started == []
    assert not (tmp_path / "state" / "pseudonym.key").exists()


def test_serve_refuses_a_key_others_can_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A configured key of mode 0644 (`--pseudonym-key`): exit 2, nothing started."""
    key = tmp_path / "pseudonym_key"
    key.write_text("ab" * 32 + "\n")
    key.chmod(0o644)
    result = _serve(tmp_path, monkeypatch, "--pseudonym-key", str(key))
    assert result.exit_code == 2 and "BB_PSEUDONYM_KEY_INVALID" in result.output
    assert result.started == []


def test_serve_makes_the_key_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--init-pseudonym-key` makes the key (mode 0600) and the service is started with
    it; the next start finds it without the flag."""
    result = _serve(tmp_path, monkeypatch, "--init-pseudonym-key")
    assert result.exit_code == 0, result.output
    path = tmp_path / "state" / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [c.pseudonym_key_path for c in result.started] == [path]
    again = _serve(tmp_path, monkeypatch)
    assert again.exit_code == 0 and len(again.started) == 1


def test_a_sealed_learned_record_does_not_tell_how_many_or_how_long_its_words() -> None:
    """A learned source's sealed record is padded to a whole block (privacy18): one short
    vote and twelve long ones seal to the same length (the record lies beside the act
    that wrote it), and both open to what was sealed."""
    key = Pseudonyms.generate()
    short = {"person": "a" * 12, "votes": [["huur", "wmo", 1]]}
    long = {"person": "b" * 12,
            "votes": [[f"schuldhulpverlening{n}", "welzijn-eenzaamheid-amsterdam", -1]
                      for n in range(12)]}
    sealed = {ref: key.seal_learned(ref, payload)
              for ref, payload in (("r1", short), ("r2", long))}
    assert len(sealed["r1"]) == len(sealed["r2"])
    assert key.open_learned("r1", sealed["r1"]) == short
    assert key.open_learned("r2", sealed["r2"]) == long

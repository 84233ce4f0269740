"""C2SP signed notes and checkpoints, Ed25519 (pure)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from busbaan.audit.checkpoint import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    key_id,
    open_note,
    parse_checkpoint,
    sign_note,
    split_note,
)

# The example key and note of Go's golang.org/x/mod/sumdb/note, the reference
# implementation of the signed-note format.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = ("If you think cryptography is the answer to your problem,\n"
           "then you don't know what your problem is.\n")
GO_NOTE = GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgY" \
    "N1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"


def test_signing_reproduces_the_go_reference_note_byte_for_byte() -> None:
    """Our signer turns the Go example key and text into exactly the Go example note."""
    signer = Signer.from_skey(GO_SKEY)
    assert sign_note(GO_TEXT, signer) == GO_NOTE
    assert signer.verifier.vkey == GO_VKEY
    assert signer.skey() == GO_SKEY


def test_the_go_reference_note_opens_with_its_verifier_key() -> None:
    """The Go example note verifies with the Go example verifier key."""
    assert open_note(GO_NOTE, Verifier.from_vkey(GO_VKEY)) == GO_TEXT


def test_key_id_is_the_signed_note_key_hash() -> None:
    """The key ID is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]."""
    verifier = Verifier.from_vkey(GO_VKEY)
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()[:4]
    assert key_id("PeterNeumann", verifier.public_key) == expected
    assert expected.hex() == "c74f20a3"


@settings(max_examples=50, deadline=None)
@given(size=st.integers(min_value=0, max_value=2**63), root=st.binary(min_size=32, max_size=32))
def test_checkpoint_round_trips_through_a_signed_note(size: int, root: bytes) -> None:
    """A signed checkpoint opens with its key and parses back to the same checkpoint."""
    signer = Signer.from_skey(GO_SKEY)
    cp = Checkpoint("busbaan.example/audit", size, root)
    note = cp.sign(signer)
    lines = note.split("\n")
    assert lines[:4] == ["busbaan.example/audit", str(size), base64.b64encode(root).decode(), ""]
    assert lines[4].startswith("— PeterNeumann ")
    assert parse_checkpoint(open_note(note, signer.verifier)) == cp


def test_a_checkpoint_does_not_open_with_the_wrong_key() -> None:
    """A note signed by one key is rejected by a verifier that trusts only another."""
    note = Checkpoint("busbaan.example/audit", 3, b"\x01" * 32).sign(
        Signer.generate("busbaan.example/audit"))
    other = Signer.generate("busbaan.example/audit").verifier
    with pytest.raises(NoteError):
        open_note(note, other)


def test_a_changed_checkpoint_does_not_open() -> None:
    """Changing the size or the root after signing makes the known key's signature fail."""
    signer = Signer.generate("busbaan.example/audit")
    note = Checkpoint("busbaan.example/audit", 3, b"\x01" * 32).sign(signer)
    forged = note.replace("\n3\n", "\n4\n", 1)
    with pytest.raises(NoteError):
        open_note(forged, signer.verifier)


def test_unknown_signatures_are_ignored_but_one_known_is_needed() -> None:
    """Signatures by unknown keys are skipped; a note with only those is rejected."""
    ours, theirs = Signer.generate("log.example/a"), Signer.generate("witness.example/b")
    both = sign_note("hello\n", theirs, ours)
    assert open_note(both, ours.verifier) == "hello\n"
    with pytest.raises(NoteError):
        open_note(sign_note("hello\n", theirs), ours.verifier)


@pytest.mark.parametrize("note", [
    "no signatures\n",
    "text\n\n— name notbase64!\n",
    "text\n\n- name AAAAAAAA\n",
    "text\n\n— name AAAA\n",
    "text without final newline\n\n— n AAAAAAAAAAA=",
    "control \x07 char\n\n— n AAAAAAAAAAA=\n",
])
def test_malformed_notes_are_refused(note: str) -> None:
    """Notes without a signature block, with bad base64, a wrong dash, or control
    characters are refused."""
    with pytest.raises(NoteError):
        split_note(note)


@pytest.mark.parametrize("text", [
    "origin\n12\n", "origin\n012\nAAAA\n", "origin\n-1\n" + "A" * 44 + "\n",
    "origin\n12\nshort==\n", "\n12\n" + base64.b64encode(b"x" * 32).decode() + "\n",
])
def test_malformed_checkpoint_bodies_are_refused(text: str) -> None:
    """A checkpoint body needs an origin, a canonical decimal size and a 32-byte root."""
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_malformed_keys_are_refused() -> None:
    """A key whose ID does not match, or that is not Ed25519, is refused."""
    with pytest.raises(NoteError):
        Verifier.from_vkey(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError):
        Signer.from_skey(GO_SKEY.replace("+AYEK", "+AoEK"))
    with pytest.raises(NoteError):
        Signer.generate("has space")


def test_a_signer_never_shows_its_key() -> None:
    """repr() of a signer names the key but holds no key material."""
    signer = Signer.from_skey(GO_SKEY)
    assert "AYEKFALV" not in repr(signer)
    assert "c74f20a3" in repr(signer)

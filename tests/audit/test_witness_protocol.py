"""The witness's rules (c2sp.org/tlog-witness add-checkpoint) and cosignature/v1, pure."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest

from busbaan.audit import merkle
from busbaan.audit.checkpoint import Checkpoint, NoteError, Signer, split_note
from busbaan.audit.cosign import CosignatureVerifier, Cosigner, cosigned_message
from busbaan.audit.witness_protocol import (
    SIZE_CONTENT_TYPE,
    AddCheckpoint,
    ProtocolError,
    decide_add,
    format_add_checkpoint,
    parse_add_checkpoint,
)

ORIGIN = "test.busbaan.example/audit"
T = 1_700_000_000


def leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [merkle.leaf_hash(salt + str(i).encode()) for i in range(n)]


def tree(hashes: list[bytes]) -> merkle.NodeReader:
    def node(level: int, index: int) -> bytes:
        return merkle.root_from_leaf_hashes(hashes[index << level:(index + 1) << level])
    return node


def checkpoint(signer: Signer, hashes: list[bytes]) -> tuple[Checkpoint, str]:
    cp = Checkpoint(ORIGIN, len(hashes), merkle.root_from_leaf_hashes(hashes)
                    if hashes else merkle.EMPTY_ROOT)
    return cp, cp.sign(signer)


def proof(hashes: list[bytes], old: int) -> tuple[bytes, ...]:
    if old == 0:
        return ()
    return tuple(merkle.consistency_proof(old, len(hashes), tree(hashes)))


@pytest.fixture
def signer() -> Signer:
    """The log's key."""
    return Signer.generate(ORIGIN)


@pytest.fixture
def cosigner() -> Cosigner:
    """The witness's key."""
    return Cosigner.generate("witness.test/w1")


def test_cosignature_v1_signs_the_spec_message_and_verifies(cosigner: Cosigner) -> None:
    """A cosignature is key ID (alg 0x04) ‖ u64 timestamp ‖ Ed25519 over
    'cosignature/v1\\ntime T\\n' + the note text; a changed text fails."""
    text = f"{ORIGIN}\n5\n{base64.b64encode(bytes(32)).decode()}\n"
    line = cosigner.cosign(text, T)
    sig = split_note(text + "\n" + line + "\n")[1][0]
    expected_id = hashlib.sha256(b"witness.test/w1\n\x04"
                                 + cosigner.verifier.public_key).digest()[:4]
    assert sig.key_id == expected_id
    assert struct.unpack(">Q", sig.signature[:8])[0] == T
    header = b"cosignature/v1\ntime 1700000000\n"
    assert cosigned_message(text, T) == header + text.encode()
    got = cosigner.verifier.check(text, sig)
    assert got is not None and got.timestamp == T
    with pytest.raises(NoteError):
        cosigner.verifier.check(text.replace("\n5\n", "\n6\n"), sig)
    again = CosignatureVerifier.from_vkey(cosigner.verifier.vkey)
    assert again == cosigner.verifier
    assert Cosigner.from_skey(cosigner.skey()).verifier == cosigner.verifier


def test_a_log_key_is_not_a_witness_key(signer: Signer) -> None:
    """A log's verifier key (alg 0x01) is refused where a witness key is pinned."""
    with pytest.raises(NoteError):
        CosignatureVerifier.from_vkey(signer.verifier.vkey)


def test_request_body_round_trips() -> None:
    """format_add_checkpoint and parse_add_checkpoint agree; malformed bodies raise."""
    body = format_add_checkpoint(3, [bytes(32), b"\x01" * 32], "note\n\n— x AAAA\n")
    parsed = parse_add_checkpoint(body)
    assert parsed == AddCheckpoint(3, (bytes(32), b"\x01" * 32), "note\n\n— x AAAA\n")
    for bad in (b"old 03\n\nx", b"new 3\n\nx", b"old 3\nnot-base64!\n\nx", b"old 3",
                b"\xff\xfe", ("old 1\n" + "AAAA\n" * 64 + "\nx").encode()):
        with pytest.raises(ProtocolError):
            parse_add_checkpoint(bad)


def test_witness_cosigns_a_first_checkpoint_and_then_consistent_growth(
        signer: Signer, cosigner: Cosigner) -> None:
    """Old size 0 without proof is cosigned; then growth with a valid proof from the
    stored size is cosigned; the answer is the witness's cosignature line."""
    logs = {ORIGIN: [signer.verifier]}
    hashes = leaves(20)
    cp7, note7 = checkpoint(signer, hashes[:7])
    first = decide_add(AddCheckpoint(0, (), note7), None, logs, cosigner, T)
    assert first.status == 200 and first.store is not None
    assert cosigner.verifier.check(cp7.text(), split_note(cp7.text() + "\n" + first.body)[1][0])
    _, note20 = checkpoint(signer, hashes)
    second = decide_add(AddCheckpoint(7, proof(hashes, 7), note20), cp7, logs, cosigner, T + 1)
    assert second.status == 200


@pytest.mark.parametrize(("case", "status"), [
    ("unknown_origin", 404), ("wrong_key", 403), ("old_too_large", 400),
    ("stale_old_size", 409), ("rollback", 400), ("fork_same_size", 422),
    ("bad_proof", 422), ("proof_from_zero", 422), ("empty_wrong_root", 422),
])
def test_witness_refuses_what_the_spec_refuses(
        signer: Signer, cosigner: Cosigner, case: str, status: int) -> None:
    """Each refusal of c2sp.org/tlog-witness gets its status and stores nothing; a
    rollback or a fork (an inconsistent checkpoint) is never cosigned."""
    logs = {ORIGIN: [signer.verifier]}
    hashes = leaves(20)
    cp10, _ = checkpoint(signer, hashes[:10])
    _, note20 = checkpoint(signer, hashes)
    request = AddCheckpoint(10, proof(hashes, 10), note20)
    latest: Checkpoint | None = cp10
    if case == "unknown_origin":
        other = Signer.generate("other.example/log")
        request = AddCheckpoint(10, request.proof,
                                Checkpoint("other.example/log", 20, cp10.root_hash).sign(other))
    elif case == "wrong_key":
        request = AddCheckpoint(10, request.proof, checkpoint(Signer.generate(ORIGIN), hashes)[1])
    elif case == "old_too_large":
        request = AddCheckpoint(30, (), note20)
    elif case == "stale_old_size":
        request = AddCheckpoint(4, proof(hashes, 4), note20)
    elif case == "rollback":  # the log shows the witness an older, smaller tree
        _, note6 = checkpoint(signer, hashes[:6])
        request = AddCheckpoint(10, (), note6)
    elif case == "fork_same_size":
        _, forged10 = checkpoint(signer, leaves(10, b"forged"))
        request = AddCheckpoint(10, (), forged10)
    elif case == "bad_proof":  # a rewritten history: the proof cannot link it
        forged = leaves(20, b"forged")
        request = AddCheckpoint(10, proof(forged, 10), checkpoint(signer, forged)[1])
    elif case == "proof_from_zero":
        latest = None
        request = AddCheckpoint(0, (bytes(32),), note20)
    elif case == "empty_wrong_root":
        latest = None
        request = AddCheckpoint(0, (), Checkpoint(ORIGIN, 0, bytes(32)).sign(signer))
    answer = decide_add(request, latest, logs, cosigner, T)
    assert answer.status == status, answer.body
    assert answer.store is None
    if status == 409:
        assert answer.body == "10\n" and answer.content_type == SIZE_CONTENT_TYPE

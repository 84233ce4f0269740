"""The witness's decision, c2sp.org/tlog-witness ``add-checkpoint`` (pure: no I/O).

:func:`parse_add_checkpoint` reads a request body; :func:`decide_add` says what the
witness answers, given the latest checkpoint it cosigned for that log. The HTTP server
(:mod:`busbaan.audit.witness_server`) and the tests use the same function, so there is
one copy of the rules:

=====  =======================================================================
404    the checkpoint's origin is not a log this witness knows
403    no valid signature from a key the witness trusts for that origin
400    malformed body; old size larger than the checkpoint; over 63 proof lines
409    old size is not the size the witness last cosigned (body: that size)
422    empty tree with the wrong root; a proof with old size 0; same size with
       another root; a consistency proof that does not verify (rollback, fork)
200    cosigned: the body is the cosignature line; the witness stores the checkpoint
=====  =======================================================================
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from busbaan.audit import merkle
from busbaan.audit.checkpoint import (
    Checkpoint,
    NoteError,
    Verifier,
    parse_checkpoint,
    split_note,
)
from busbaan.audit.cosign import Cosigner

__all__ = [
    "MAX_PROOF_LINES",
    "SIZE_CONTENT_TYPE",
    "AddCheckpoint",
    "WitnessAnswer",
    "decide_add",
    "format_add_checkpoint",
    "parse_add_checkpoint",
]

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
#: A request larger than this is refused before it is read (a checkpoint, 63 hashes and
#: a hundred signature lines fit easily).
MAX_BODY = 64 * 1024


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    """An ``add-checkpoint`` request: the size the client believes the witness has, a
    consistency proof from there, and the signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str


@dataclass(frozen=True, slots=True)
class WitnessAnswer:
    """The HTTP answer; ``store`` is the note to keep as the log's latest (200 only)."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"
    store: str | None = None
    checkpoint: Checkpoint | None = None


class ProtocolError(ValueError):
    """A malformed request (400)."""


def _decimal(text: str) -> int:
    if not text or not text.isascii() or not text.isdigit() or (
            len(text) > 1 and text[0] == "0"):
        raise ProtocolError("not a decimal without leading zeroes")
    return int(text)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse the body; :class:`ProtocolError` when it is not one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ProtocolError("no blank line before the checkpoint")
    lines = head.split("\n")
    if not lines[0].startswith("old "):
        raise ProtocolError("the first line is not 'old <size>'")
    old_size = _decimal(lines[0][4:])
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise ProtocolError("more than 63 proof lines")
    proof: list[bytes] = []
    for line in lines[1:]:
        try:
            digest = base64.b64decode(line, validate=True)
        except binascii.Error as exc:
            raise ProtocolError("a proof line is not base64") from exc
        if len(digest) != 32:
            raise ProtocolError("a proof line is not a SHA-256 hash")
        proof.append(digest)
    return AddCheckpoint(old_size, tuple(proof), note)


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The request body for ``add-checkpoint``."""
    lines = [f"old {old_size}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + note).encode()


def _verified_text(note: str, verifiers: Sequence[Verifier]) -> tuple[str, list[str]]:
    """The note's text and the log signature lines that verify; NoteError when none
    does or one from a trusted key fails."""
    text, signatures = split_note(note)
    data = text.encode()
    known = {(v.name, v.key_id): v for v in verifiers}
    good: list[str] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(data, sig.signature):
            raise NoteError("Handtekening klopt niet.", "Signature does not verify.")
        blob = base64.b64encode(sig.key_id + sig.signature).decode()
        good.append(f"\u2014 {sig.name} {blob}")
    if not good:
        raise NoteError("Niet ondertekend met een vertrouwde sleutel.",
                        "Not signed by a trusted key.")
    return text, good


def decide_add(
    request: AddCheckpoint,
    latest: Checkpoint | None,
    logs: Mapping[str, Sequence[Verifier]],
    cosigner: Cosigner,
    timestamp: int,
) -> WitnessAnswer:
    """What the witness answers to ``request`` (see the module docstring).

    ``latest`` is the checkpoint the witness last cosigned for the request's log (None
    when never); ``logs`` maps each known origin to the keys trusted for it.
    """
    try:
        text, _ = split_note(request.note)
        checkpoint = parse_checkpoint(text)
    except NoteError:
        return WitnessAnswer(400, "malformed checkpoint\n")
    verifiers = logs.get(checkpoint.origin)
    if verifiers is None:
        return WitnessAnswer(404, "unknown log\n")
    try:
        text, log_lines = _verified_text(request.note, verifiers)
    except NoteError:
        return WitnessAnswer(403, "no valid signature from a trusted log key\n")
    if request.old_size > checkpoint.size:
        return WitnessAnswer(400, "old size is larger than the checkpoint\n")
    known_size = latest.size if latest is not None else 0
    if request.old_size != known_size:
        return WitnessAnswer(409, f"{known_size}\n", SIZE_CONTENT_TYPE)
    if checkpoint.size == 0 and checkpoint.root_hash != merkle.EMPTY_ROOT:
        return WitnessAnswer(422, "an empty tree has the empty root\n")
    if request.old_size == 0:
        if request.proof:
            return WitnessAnswer(422, "no proof is needed from size 0\n")
    elif latest is not None:
        if request.old_size == checkpoint.size:
            if checkpoint.root_hash != latest.root_hash:
                return WitnessAnswer(422, "same size, different root: a fork\n")
        elif not merkle.verify_consistency(latest.size, checkpoint.size, latest.root_hash,
                                           checkpoint.root_hash, list(request.proof)):
            return WitnessAnswer(422, "consistency proof does not verify\n")
    line = cosigner.cosign(text, timestamp)
    stored = text + "\n" + "".join(f"{s}\n" for s in log_lines) + line + "\n"
    return WitnessAnswer(200, line + "\n", store=stored, checkpoint=checkpoint)

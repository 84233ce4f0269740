"""Checkpoints as C2SP signed notes, signed with Ed25519 (pure: no file or network I/O).

A checkpoint (c2sp.org/tlog-checkpoint) is a note whose text is three lines: the
log's origin, the tree size in decimal, the root hash in base64. A signed note
(c2sp.org/signed-note) is that text, a blank line, and one or more lines
``— <key name> <base64(key ID ‖ signature)>``, where the key ID is the first four
bytes of ``SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)`` and the signature is
Ed25519 over the text (including its final newline).

Keys are written the way Go's ``golang.org/x/mod/sumdb/note`` writes them, so other
tooling can check busbaan's checkpoints:
``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`` and, for verifiers,
``<name>+<hex key ID>+<base64(0x01 ‖ public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from busbaan.errors import BusbaanError

__all__ = [
    "Checkpoint",
    "NoteError",
    "NoteSignature",
    "Signer",
    "Verifier",
    "key_id",
    "open_note",
    "parse_checkpoint",
    "sign_note",
    "split_note",
]

ALG_ED25519 = 0x01
EM_DASH = "\u2014"
MAX_SIGNATURES = 100
_NAME = re.compile(r"^[^\s+]+$")


class NoteError(BusbaanError):
    """A note or key that is malformed, or whose signature does not verify."""

    errcode = "BB_AUDIT_NOTE"


def _note_error(nl: str, en: str) -> NoteError:
    return NoteError(nl, en)


class _Keyed(Protocol):
    @property
    def key_id(self) -> bytes: ...


_K = TypeVar("_K", bound=_Keyed)


def parse_vkey(text: str, alg: int, build: Callable[[str, bytes], _K], *,
               unreadable: tuple[str, str], wrong_alg: tuple[str, str]) -> _K:
    """Parse a signed-note verifier key ``<name>+<hex key ID>+<base64(alg ‖ key)>``
    (c2sp.org/signed-note) into ``build(name, key)``; the key ID must match the key.
    One parser for the log's key (0x01) and a witness's cosignature key (0x04)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError(*unreadable)
    name, hex_id, blob = parts
    try:
        raw = base64.b64decode(blob, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(*unreadable) from exc
    if len(raw) != 33 or raw[0] != alg:
        raise NoteError(*wrong_alg)
    verifier = build(name, raw[1:])
    if verifier.key_id != wanted:
        raise NoteError("Sleutel-ID klopt niet bij de sleutel.", "Key ID does not match the key.")
    return verifier


def key_id(name: str, public_key: bytes) -> bytes:
    """The signed-note key ID: ``SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or not _NAME.match(name):
        raise _note_error(
            f"Ongeldige sleutelnaam {name!r}: niet leeg, zonder spaties of '+'.",
            f"Invalid key name {name!r}: non-empty, no spaces or '+'.",
        )


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class Verifier:
    """A trusted public key: its name, key ID and Ed25519 key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise _note_error("Een Ed25519-sleutel is 32 bytes.", "An Ed25519 key is 32 bytes.")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key text ``<name>+<hex key ID>+<base64(0x01 ‖ key)>``."""
        blob = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    @classmethod
    def from_vkey(cls, text: str) -> Verifier:
        """Parse a verifier key text (see :attr:`vkey`)."""
        return parse_vkey(text, ALG_ED25519, cls,
                          unreadable=("Onleesbare publieke sleutel.", "Unreadable verifier key."),
                          wrong_alg=("Geen Ed25519-sleutel.", "Not an Ed25519 key."))

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature over ``text``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


class Signer:
    """A named Ed25519 private key. Its ``repr`` never shows the key."""

    __slots__ = ("_key", "name", "verifier")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._key = private_key
        self.verifier = Verifier(name, _raw_public(private_key.public_key()))

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, text: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>``."""
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise _note_error("Onleesbare ondertekensleutel.", "Unreadable signing key.")
        _, _, name, hex_id, blob = parts
        try:
            raw = base64.b64decode(blob, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as exc:
            raise _note_error("Onleesbare ondertekensleutel.", "Unreadable signing key.") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise _note_error("Geen Ed25519-sleutel.", "Not an Ed25519 key.")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_id != wanted:
            raise _note_error("Sleutel-ID klopt niet bij de sleutel.",
                              "Key ID does not match the key.")
        return signer

    def skey(self) -> str:
        """The private key text (for the key file only; never log it)."""
        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        blob = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{blob}"

    def signature_line(self, text: bytes) -> str:
        """``— <name> <base64(key ID ‖ Ed25519 signature over text)>``."""
        sig = self._key.sign(text)
        blob = base64.b64encode(self.verifier.key_id + sig).decode()
        return f"{EM_DASH} {self.name} {blob}"

    def __repr__(self) -> str:
        return f"Signer(name={self.name!r}, key_id={self.verifier.key_id.hex()})"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise _note_error("Notitietekst moet eindigen op een regeleinde.",
                          "Note text must end in a newline.")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise _note_error("Notitie bevat stuurtekens.", "Note contains control characters.")


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note: ``text``, a blank line, one signature line per signer."""
    _check_text(text)
    if not signers:
        raise _note_error("Geen ondertekenaar.", "No signer.")
    data = text.encode()
    return text + "\n" + "".join(s.signature_line(data) + "\n" for s in signers)


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, key ID, signature bytes."""

    name: str
    key_id: bytes
    signature: bytes


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and its (unverified) signatures."""
    if not note.endswith("\n"):
        raise _note_error("Notitie eindigt niet op een regeleinde.",
                          "Note does not end in a newline.")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise _note_error("Notitie heeft geen handtekeningen.", "Note has no signatures.")
    text, sig_block = note[: cut + 1], note[cut + 2 :]
    _check_text(text)
    signatures: list[NoteSignature] = []
    for line in sig_block.splitlines():
        prefix = EM_DASH + " "
        if not line.startswith(prefix):
            raise _note_error("Onleesbare handtekeningregel.", "Malformed signature line.")
        name, _, blob = line[len(prefix) :].partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise _note_error("Onleesbare handtekening.", "Malformed signature.") from exc
        if not name or " " in blob or len(raw) < 5:
            raise _note_error("Onleesbare handtekeningregel.", "Malformed signature line.")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise _note_error("Notitie heeft geen of te veel handtekeningen.",
                          "Note has no or too many signatures.")
    return text, signatures


def open_note(note: str, *verifiers: Verifier) -> str:
    """The note's text once a known key's signature verifies; :class:`NoteError` if not.

    Signatures from unknown keys are ignored; a failing signature from a known key
    rejects the whole note (as the signed-note spec recommends).
    """
    text, signatures = split_note(note)
    data = text.encode()
    known = {(v.name, v.key_id): v for v in verifiers}
    verified = False
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(data, sig.signature):
            raise _note_error("Handtekening klopt niet.", "Signature does not verify.")
        verified = True
    if not verified:
        raise _note_error("Niet ondertekend met een vertrouwde sleutel.",
                          "Not signed by a trusted key.")
    return text


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The log's state: origin, tree size, root hash."""

    origin: str
    size: int
    root_hash: bytes

    def text(self) -> str:
        """The checkpoint's note text (three lines)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root_hash).decode()}\n"

    def sign(self, *signers: Signer) -> str:
        return sign_note(self.text(), *signers)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's note text (origin, size, root; extension lines allowed)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise _note_error("Onleesbaar controlepunt.", "Malformed checkpoint.")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not origin or not size_text.isascii() or not size_text.isdigit() or (
        len(size_text) > 1 and size_text.startswith("0")
    ):
        raise _note_error("Onleesbaar controlepunt.", "Malformed checkpoint.")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as exc:
        raise _note_error("Onleesbaar controlepunt.", "Malformed checkpoint.") from exc
    if len(root) != 32:
        raise _note_error("Onleesbaar controlepunt.", "Malformed checkpoint.")
    return Checkpoint(origin, int(size_text), root)

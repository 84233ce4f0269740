"""Witness cosignatures: c2sp.org/tlog-cosignature, the Ed25519 ``cosignature/v1`` type
(pure: no file or network I/O).

A cosignature is a signed-note signature line ``— <witness name> base64(key ID ‖
timestamp ‖ signature)`` where

- the key ID is ``SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]``,
- the timestamp is a big-endian u64 of POSIX seconds,
- the signature is Ed25519 over ``cosignature/v1\\ntime <timestamp>\\n`` followed by the
  checkpoint's note text (with its final newline).

It says: as of that time, this is the largest consistent tree the witness has seen for
the log named by the origin line. Keys are written like the log's own keys
(:mod:`busbaan.audit.checkpoint`), with algorithm byte 0x04:
``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x04 ‖ seed)>`` and
``<name>+<hex key ID>+<base64(0x04 ‖ public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

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

from busbaan.audit.checkpoint import (
    EM_DASH,
    NoteError,
    NoteSignature,
    _check_name,
    parse_vkey,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "Cosignature",
    "CosignatureVerifier",
    "Cosigner",
    "cosignature_key_id",
    "cosigned_message",
]

ALG_COSIGNATURE_V1 = 0x04
_MAX_TIMESTAMP = 2**63 - 1


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """``SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]``."""
    return hashlib.sha256(
        name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key).digest()[:4]


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a ``cosignature/v1`` signs: header, time line, the checkpoint's note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def _bad_key(nl: str = "Onleesbare getuigensleutel.",
             en: str = "Unreadable witness key.") -> NoteError:
    return NoteError(nl, en)


@dataclass(frozen=True, slots=True)
class Cosignature:
    """A verified cosignature: who, and when (POSIX seconds) they vouched."""

    name: str
    key_id: bytes
    timestamp: int
    line: str


@dataclass(frozen=True, slots=True)
class CosignatureVerifier:
    """A witness's public key, pinned in the verifier's configuration."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise _bad_key("Een Ed25519-sleutel is 32 bytes.", "An Ed25519 key is 32 bytes.")

    @property
    def key_id(self) -> bytes:
        return cosignature_key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    @classmethod
    def from_vkey(cls, text: str) -> CosignatureVerifier:
        """Parse ``<name>+<hex key ID>+<base64(0x04 ‖ key)>``."""
        return parse_vkey(text, ALG_COSIGNATURE_V1, cls,
                          unreadable=("Onleesbare getuigensleutel.", "Unreadable witness key."),
                          wrong_alg=("Geen cosignature/v1-sleutel (Ed25519, type 0x04).",
                                     "Not a cosignature/v1 key (Ed25519, type 0x04)."))

    def check(self, text: str, signature: NoteSignature) -> Cosignature | None:
        """The cosignature when ``signature`` is this witness's valid one over ``text``;
        None when it is someone else's line. A line with this witness's name and key ID
        whose signature fails raises :class:`NoteError`."""
        if signature.name != self.name or signature.key_id != self.key_id:
            return None
        raw = signature.signature
        if len(raw) != 8 + 64:
            raise NoteError("Onleesbare medeondertekening.", "Malformed cosignature.")
        (timestamp,) = struct.unpack(">Q", raw[:8])
        if timestamp > _MAX_TIMESTAMP:
            raise NoteError("Onleesbare medeondertekening.", "Malformed cosignature.")
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                raw[8:], cosigned_message(text, timestamp))
        except InvalidSignature:
            raise NoteError("Medeondertekening klopt niet.",
                            "Cosignature does not verify.") from None
        blob = base64.b64encode(signature.key_id + raw).decode()
        return Cosignature(self.name, signature.key_id, timestamp,
                           f"{EM_DASH} {self.name} {blob}")


class Cosigner:
    """A witness's private key. Its ``repr`` never shows the key."""

    __slots__ = ("_key", "name", "verifier")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._key = private_key
        self.verifier = CosignatureVerifier(
            name, private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, text: str) -> Cosigner:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise _bad_key()
        _, _, name, hex_id, blob = parts
        try:
            raw = base64.b64decode(blob, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as exc:
            raise _bad_key() from exc
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise _bad_key("Geen cosignature/v1-sleutel (Ed25519, type 0x04).",
                           "Not a cosignature/v1 key (Ed25519, type 0x04).")
        cosigner = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if cosigner.verifier.key_id != wanted:
            raise _bad_key("Sleutel-ID klopt niet bij de sleutel.",
                           "Key ID does not match the key.")
        return cosigner

    def skey(self) -> str:
        seed = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{blob}"

    def cosign(self, text: str, timestamp: int) -> str:
        """The signature line vouching for the checkpoint note text ``text``."""
        if not 0 < timestamp <= _MAX_TIMESTAMP:
            raise NoteError("Ongeldig tijdstip.", "Invalid timestamp.")
        sig = self._key.sign(cosigned_message(text, timestamp))
        blob = base64.b64encode(
            self.verifier.key_id + struct.pack(">Q", timestamp) + sig).decode()
        return f"{EM_DASH} {self.name} {blob}"

    def __repr__(self) -> str:
        return f"Cosigner(name={self.name!r}, key_id={self.verifier.key_id.hex()})"

"""Crypto-shredding: personal details sealed with a per-case key (pure: no I/O).

Details a citizen report needs (AVG art. 15) but that must not sit in a Merkle leaf
are sealed with AES-256-GCM under a key that belongs to one case. The leaf holds only
the SHA-256 of the sealed blob. Destroying the case's key (AVG art. 17) leaves the
blob, and so the tree, intact and makes the details unreadable.

Blob layout: ``0x01 ‖ key_ref (8 bytes, big-endian) ‖ nonce (12) ‖ ciphertext+tag``.
The case id is bound as associated data, so a blob cannot be moved to another case.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SEAL_VERSION", "SealError", "new_case_key", "seal", "sealed_key_ref", "unseal"]

SEAL_VERSION = 1
KEY_SIZE = 32
_NONCE = 12
_HEADER = 1 + 8


class SealError(ValueError):
    """A sealed blob that is malformed, or that does not open with the given key."""


def new_case_key() -> bytes:
    """A fresh random AES-256 key for one case."""
    return AESGCM.generate_key(bit_length=256)


def _aad(case_id: str) -> bytes:
    return b"busbaan.audit.personal\x00" + case_id.encode("utf-8")


def seal(key: bytes, key_ref: int, case_id: str, personal: Mapping[str, str]) -> bytes:
    """Encrypt ``personal`` (short texts by name) for ``case_id`` under ``key``."""
    for k, v in personal.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise SealError("personal details must map text to text")
    plain = json.dumps(dict(personal), sort_keys=True, separators=(",", ":"),
                       ensure_ascii=False).encode("utf-8")
    nonce = os.urandom(_NONCE)
    header = bytes([SEAL_VERSION]) + key_ref.to_bytes(8, "big")
    return header + nonce + AESGCM(key).encrypt(nonce, plain, _aad(case_id) + header)


def sealed_key_ref(blob: bytes) -> int:
    """Which case key sealed ``blob``."""
    if len(blob) < _HEADER + _NONCE + 16 or blob[0] != SEAL_VERSION:
        raise SealError("not a sealed blob")
    return int.from_bytes(blob[1:_HEADER], "big")


def unseal(key: bytes, case_id: str, blob: bytes) -> dict[str, str]:
    """Decrypt a blob from :func:`seal`; :class:`SealError` if it does not open."""
    sealed_key_ref(blob)
    header, nonce, body = blob[:_HEADER], blob[_HEADER : _HEADER + _NONCE], blob[_HEADER + _NONCE :]
    try:
        plain = AESGCM(key).decrypt(nonce, body, _aad(case_id) + header)
    except InvalidTag as exc:
        raise SealError("sealed details do not open with this key") from exc
    value = json.loads(plain)
    if not isinstance(value, dict):
        raise SealError("sealed details are not a mapping")
    return {str(k): str(v) for k, v in value.items()}

"""An independent, deliberately naive RFC 6962 reference (section 2.1), for the tests.

Written straight from the RFC's recursive definitions, sharing no code with
``busbaan.audit.merkle``: MTH, PATH and PROOF/SUBPROOF over a list of leaf *hashes*
(``mth_data`` hashes raw leaves first).
"""

from __future__ import annotations

import hashlib


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(data: bytes) -> bytes:
    """RFC 6962: the hash of a leaf."""
    return _h(b"\x00" + data)


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(hashes: list[bytes]) -> bytes:
    """MTH over leaf hashes."""
    n = len(hashes)
    if n == 0:
        return _h(b"")
    if n == 1:
        return hashes[0]
    k = _k(n)
    return _h(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))


def mth_data(leaves: list[bytes]) -> bytes:
    """MTH over raw leaves."""
    return mth([leaf(d) for d in leaves])


def path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf m."""
    n = len(hashes)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*path(m, hashes[:k]), mth(hashes[k:])]
    return [*path(m - k, hashes[k:]), mth(hashes[:k])]


def proof(m: int, hashes: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): the consistency proof from size m (empty for 0 and n)."""
    if m in (0, len(hashes)):
        return []
    return _subproof(m, hashes, True)


def _subproof(m: int, hashes: list[bytes], b: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if b else [mth(hashes)]
    k = _k(n)
    if m <= k:
        return [*_subproof(m, hashes[:k], b), mth(hashes[k:])]
    return [*_subproof(m - k, hashes[k:], False), mth(hashes[:k])]

"""RFC 6962 / RFC 9162 Merkle tree hashing and proofs (pure: no I/O).

A leaf hash is ``SHA-256(0x00 ‖ data)``, an interior node ``SHA-256(0x01 ‖ left ‖
right)``; the hash of the empty tree is ``SHA-256("")``.

Proof construction does not hold the tree: it asks a :class:`NodeReader` for the hash
of *complete* subtrees (``2**level`` leaves starting at leaf ``index << level``). The
store answers from its leaf hashes and its cache of subtree hashes; the tests answer
from a list. Verification follows the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "Frontier",
    "NodeReader",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root_from_leaf_hashes",
    "subtree_levels",
    "subtree_ranges",
    "verify_consistency",
    "verify_inclusion",
]

_sha256 = hashlib.sha256
HASH_SIZE = 32
EMPTY_ROOT = _sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """The RFC 6962 hash of one leaf: ``SHA-256(0x00 ‖ data)``."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 6962 hash of an interior node: ``SHA-256(0x01 ‖ left ‖ right)``."""
    return _sha256(b"\x01" + left + right).digest()


class NodeReader(Protocol):
    """Gives the hash of the complete subtree of ``2**level`` leaves number ``index``."""

    def __call__(self, level: int, index: int) -> bytes: ...


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_ranges(lo: int, hi: int) -> list[tuple[int, int]]:
    """Split ``[lo, hi)`` into the complete subtrees whose fold is ``MTH(D[lo:hi])``.

    ``lo`` must be aligned the way RFC 6962's recursion aligns it (a multiple of the
    largest power of two not above ``hi - lo``); every range in a proof is. Returns
    ``(level, index)`` pairs from left to right, largest first.
    """
    out: list[tuple[int, int]] = []
    pos, remaining = lo, hi - lo
    while remaining:
        level = remaining.bit_length() - 1
        size = 1 << level
        if pos % size:
            raise ValueError(f"range [{lo}, {hi}) is not aligned")
        out.append((level, pos >> level))
        pos += size
        remaining -= size
    return out


def range_hash(lo: int, hi: int, node: NodeReader) -> bytes:
    """``MTH(D[lo:hi])`` for an aligned, non-empty range (see :func:`subtree_ranges`)."""
    if hi <= lo:
        raise ValueError("empty range")
    parts = [node(level, index) for level, index in subtree_ranges(lo, hi)]
    acc = parts[-1]
    for part in reversed(parts[:-1]):
        acc = node_hash(part, acc)
    return acc


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """``MTH`` over a list of leaf hashes (for small trees, tests and cache fills)."""
    frontier = Frontier()
    for h in hashes:
        frontier.append(h)
    return frontier.root()


def subtree_levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """Every complete subtree over a run of leaf hashes, level by level.

    ``levels[k][j]`` is the hash of the ``2**k`` leaves from ``leaves[j << k]``; a
    trailing part too short for a whole subtree is left out. The run must start at a
    leaf index that is a multiple of ``2**(len(levels) - 1)`` for these to be subtrees
    of the log. (Level by level in list comprehensions: the fast way in Python.)
    """
    sha256 = _sha256
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        prev = levels[-1]
        levels.append([sha256(b"\x01" + prev[i] + prev[i + 1]).digest()
                       for i in range(0, len(prev) - 1, 2)])
    return levels


def inclusion_proof(index: int, size: int, node: NodeReader) -> list[bytes]:
    """The audit path ``PATH(index, D[0:size])`` of RFC 6962 §2.1.1, leaf side first."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    lo, hi, m = 0, size, index
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if m < k:
            path.append(range_hash(lo + k, hi, node))
            hi = lo + k
        else:
            path.append(range_hash(lo, lo + k, node))
            lo, m = lo + k, m - k
    path.reverse()
    return path


def consistency_proof(old: int, new: int, node: NodeReader) -> list[bytes]:
    """``PROOF(old, D[0:new])`` of RFC 6962 §2.1.2 (empty when ``old`` is 0 or ``new``)."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    proof: list[bytes] = []
    lo, hi, m, complete = 0, new, old, True
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            proof.append(range_hash(lo + k, hi, node))
            hi = lo + k
        else:
            proof.append(range_hash(lo, lo + k, node))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(range_hash(lo, hi, node))
    proof.reverse()
    return proof


def _lsb(n: int) -> int:
    return n & 1


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            r = node_hash(p, r)
            if not _lsb(fn):
                while not _lsb(fn) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree of size ``new`` extends the one of size ``old``."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while _lsb(fn):
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if _lsb(fn) or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not _lsb(fn):
                while not _lsb(fn) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The right edge of a growing tree: the roots of its maximal complete subtrees.

    Appending a leaf costs one hash on average and reports every complete subtree the
    leaf finishes, so a writer can cache them; :meth:`root` folds the edge. The state
    serialises to ``32 * popcount(size)`` bytes.
    """

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        self.size = size
        self._hashes = list(hashes)
        if len(self._hashes) != size.bit_count():
            raise ValueError("frontier does not match its size")

    @classmethod
    def from_bytes(cls, size: int, blob: bytes) -> Frontier:
        """Rebuild from :meth:`to_bytes`."""
        if len(blob) % HASH_SIZE:
            raise ValueError("frontier blob is not a whole number of hashes")
        hashes = [blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]
        return cls(size, hashes)

    def to_bytes(self) -> bytes:
        return b"".join(self._hashes)

    def copy(self) -> Frontier:
        return Frontier(self.size, self._hashes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf hash; return ``(level, index, hash)`` of each subtree it completes."""
        done: list[tuple[int, int, bytes]] = []
        h, level, n = leaf, 0, self.size
        while (n >> level) & 1:
            h = node_hash(self._hashes.pop(), h)
            level += 1
            done.append((level, n >> level, h))
        self._hashes.append(h)
        self.size = n + 1
        return done

    def push(self, leaf: bytes) -> None:
        """Add a leaf hash without reporting completed subtrees (faster)."""
        h, n = leaf, self.size
        hashes = self._hashes
        while n & 1:
            h = node_hash(hashes.pop(), h)
            n >>= 1
        hashes.append(h)
        self.size += 1

    def extend(self, leaves: Iterable[bytes], every: int = 0) -> list[tuple[int, int, bytes]]:
        """Add many leaf hashes; return ``(level, index, hash)`` of the subtrees they
        complete at levels that are a multiple of ``every`` (none when 0).

        The same as calling :meth:`append` for each, in one tight loop (verification
        of a large log spends most of its time here).
        """
        sha256 = _sha256
        hashes = self._hashes
        pop, push = hashes.pop, hashes.append
        n = self.size
        done: list[tuple[int, int, bytes]] = []
        for h in leaves:
            if n & 1:
                level, m = 0, n
                while m & 1:
                    h = sha256(b"\x01" + pop() + h).digest()
                    level += 1
                    m >>= 1
                    if every and level % every == 0:
                        done.append((level, n >> level, h))
            push(h)
            n += 1
        self.size = n
        return done

    def push_subtree(self, level: int, h: bytes) -> None:
        """Add a complete subtree of ``2**level`` leaves (the size must be a multiple)."""
        if self.size & ((1 << level) - 1):
            raise ValueError("subtree is not aligned with the tree's size")
        hashes = self._hashes
        n = self.size >> level
        while n & 1:
            h = node_hash(hashes.pop(), h)
            n >>= 1
        hashes.append(h)
        self.size += 1 << level

    def push_levels(self, levels: Sequence[Sequence[bytes]], base: int, stop: int) -> None:
        """Add leaves ``self.size .. stop`` from :func:`subtree_levels` of a run that
        starts at leaf ``base``, a few whole subtrees at a time."""
        top = len(levels) - 1
        pos = self.size
        if pos < base or (base >> top) << top != base:
            raise ValueError("levels do not line up with the tree")
        while pos < stop:
            align = (pos & -pos).bit_length() - 1 if pos else top
            level = min(align, (stop - pos).bit_length() - 1, top)
            self.push_subtree(level, levels[level][(pos - base) >> level])
            pos += 1 << level

    def root(self) -> bytes:
        """The Merkle tree hash of everything appended so far."""
        if not self._hashes:
            return EMPTY_ROOT
        acc = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            acc = node_hash(h, acc)
        return acc

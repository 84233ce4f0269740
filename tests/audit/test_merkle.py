"""RFC 6962 hashing and proofs (pure), against published vectors and a naive reference."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from busbaan.audit import merkle
from tests.audit import rfc6962 as ref

# The leaves and roots used by the certificate-transparency / Trillian test suites.
CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
             bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PATHS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def _leaves(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def _reader(hashes: list[bytes]) -> merkle.NodeReader:
    """A node reader over a list of leaf hashes, via the reference MTH."""

    def node(level: int, index: int) -> bytes:
        return ref.mth(hashes[index << level:(index + 1) << level])

    return node


def test_leaf_and_node_hashes_use_rfc_prefixes() -> None:
    """A leaf hash is SHA-256(0x00 ‖ data) and a node hash SHA-256(0x01 ‖ left ‖ right)."""
    assert merkle.leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = b"L" * 32, b"R" * 32
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT


def test_roots_match_the_published_ct_vectors() -> None:
    """Roots of the 1..8-leaf CT test trees match the published values."""
    for n in range(1, 9):
        hashes = [merkle.leaf_hash(d) for d in CT_LEAVES[:n]]
        assert merkle.root_from_leaf_hashes(hashes).hex() == CT_ROOTS[n - 1]


def test_audit_paths_match_the_published_ct_vectors() -> None:
    """Inclusion proofs of the CT test trees equal the published audit paths and verify."""
    hashes = [merkle.leaf_hash(d) for d in CT_LEAVES]
    for index, size, expected in CT_PATHS:
        got = merkle.inclusion_proof(index, size, _reader(hashes[:size]))
        assert [h.hex() for h in got] == expected
        root = bytes.fromhex(CT_ROOTS[size - 1])
        assert merkle.verify_inclusion(hashes[index], index, size, got, root)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_root_matches_reference_for_any_size(n: int) -> None:
    """The frontier's root equals the reference MTH for every tree size."""
    hashes = [ref.leaf(d) for d in _leaves(n)]
    frontier = merkle.Frontier()
    for h in hashes:
        frontier.append(h)
    assert frontier.root() == ref.mth(hashes)
    assert merkle.root_from_leaf_hashes(hashes) == ref.mth(hashes)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_inclusion_proofs_match_reference_and_verify(data: st.DataObject) -> None:
    """Every inclusion proof equals the RFC's PATH and verifies against the root."""
    n = data.draw(st.integers(min_value=1, max_value=300), label="size")
    m = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    hashes = [ref.leaf(d) for d in _leaves(n)]
    got = merkle.inclusion_proof(m, n, _reader(hashes))
    assert got == ref.path(m, hashes)
    assert merkle.verify_inclusion(hashes[m], m, n, got, ref.mth(hashes))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_consistency_proofs_match_reference_and_verify(data: st.DataObject) -> None:
    """Every consistency proof equals the RFC's PROOF and verifies between the roots."""
    n = data.draw(st.integers(min_value=0, max_value=300), label="new")
    m = data.draw(st.integers(min_value=0, max_value=n), label="old")
    hashes = [ref.leaf(d) for d in _leaves(n)]
    got = merkle.consistency_proof(m, n, _reader(hashes))
    assert got == ref.proof(m, hashes)
    assert merkle.verify_consistency(m, n, ref.mth(hashes[:m]), ref.mth(hashes), got)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_inclusion_verification_rejects_any_changed_input(data: st.DataObject) -> None:
    """A proof fails for a flipped bit, a wrong index, an index outside the tree, a wrong
    leaf, or a path that is too short or too long."""
    n = data.draw(st.integers(min_value=2, max_value=200), label="size")
    m = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    hashes = [ref.leaf(d) for d in _leaves(n)]
    root = ref.mth(hashes)
    proof = merkle.inclusion_proof(m, n, _reader(hashes))
    j = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="element")
    bad = list(proof)
    bad[j] = bytes([bad[j][0] ^ 1]) + bad[j][1:]
    assert not merkle.verify_inclusion(hashes[m], m, n, bad, root)
    assert not merkle.verify_inclusion(hashes[m], (m + 1) % n, n, proof, root)
    # (A wrong tree size can verify when the path has the same shape; the size is bound
    # by the signed checkpoint, whose root would then differ.)
    assert not merkle.verify_inclusion(hashes[m], n, n, proof, root)
    assert not merkle.verify_inclusion(ref.leaf(b"other"), m, n, proof, root)
    assert not merkle.verify_inclusion(hashes[m], m, n, proof[:-1], root)
    assert not merkle.verify_inclusion(hashes[m], m, n, [*proof, proof[0]], root)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_consistency_verification_rejects_a_rewritten_past(data: st.DataObject) -> None:
    """A consistency proof fails when an old leaf was changed, or a hash flipped."""
    n = data.draw(st.integers(min_value=2, max_value=200), label="new")
    m = data.draw(st.integers(min_value=1, max_value=n - 1), label="old")
    hashes = [ref.leaf(d) for d in _leaves(n)]
    old_root = ref.mth(hashes[:m])
    changed = list(hashes)
    victim = data.draw(st.integers(min_value=0, max_value=m - 1), label="victim")
    changed[victim] = ref.leaf(b"rewritten")
    proof = merkle.consistency_proof(m, n, _reader(changed))
    assert not merkle.verify_consistency(m, n, old_root, ref.mth(changed), proof)
    honest = merkle.consistency_proof(m, n, _reader(hashes))
    bad = [bytes([honest[0][0] ^ 1]) + honest[0][1:], *honest[1:]]
    assert not merkle.verify_consistency(m, n, old_root, ref.mth(hashes), bad)


def test_consistency_edge_cases() -> None:
    """Equal sizes need an empty proof and equal roots; size 0 is consistent with any tree."""
    hashes = [ref.leaf(d) for d in _leaves(5)]
    root = ref.mth(hashes)
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert not merkle.verify_consistency(5, 5, root, ref.mth(hashes[:4]), [])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root, [])
    assert not merkle.verify_consistency(3, 5, ref.mth(hashes[:3]), root, [])
    assert not merkle.verify_consistency(6, 5, root, root, [])


def test_proofs_refuse_indexes_outside_the_tree() -> None:
    """Asking for a proof outside the tree raises instead of proving nonsense."""
    reader = _reader([ref.leaf(b"x")] * 4)
    with pytest.raises(ValueError):
        merkle.inclusion_proof(4, 4, reader)
    with pytest.raises(ValueError):
        merkle.consistency_proof(5, 4, reader)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=600), st.sampled_from([0, 1, 2, 4]))
def test_frontier_reports_every_completed_subtree(n: int, every: int) -> None:
    """append() and extend() report each completed subtree with its reference hash,
    and the frontier survives a round trip through bytes."""
    hashes = [ref.leaf(d) for d in _leaves(n)]
    one = merkle.Frontier()
    reported = []
    for h in hashes:
        reported += one.append(h)
    for level, index, h in reported:
        assert h == ref.mth(hashes[index << level:(index + 1) << level])
    assert len(reported) == sum(n >> level for level in range(1, n.bit_length() + 1))
    many = merkle.Frontier()
    got = many.extend(hashes[: n // 2], every) + many.extend(hashes[n // 2:], every)
    assert got == [r for r in reported if every and r[0] % every == 0]
    assert many.root() == one.root() == ref.mth(hashes)
    again = merkle.Frontier.from_bytes(n, one.to_bytes())
    assert again.root() == one.root()
    with pytest.raises(ValueError):
        merkle.Frontier.from_bytes(n + 1, one.to_bytes() + b"x")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_pushing_whole_subtrees_equals_appending_leaves(data: st.DataObject) -> None:
    """Growing a tree by the subtrees of aligned runs gives the same roots as appending
    leaf by leaf, at every stop along the way; the run's subtrees match the reference."""
    top = data.draw(st.integers(min_value=0, max_value=6), label="top")
    run = 1 << top
    n = data.draw(st.integers(min_value=1, max_value=4 * run), label="leaves")
    hashes = [ref.leaf(d) for d in _leaves(n)]
    stops = sorted(set(data.draw(st.lists(st.integers(min_value=1, max_value=n),
                                          max_size=4), label="stops")) | {n})
    tree = merkle.Frontier()
    for base in range(0, n, run):
        levels = merkle.subtree_levels(hashes[base:base + run])
        for level, row in enumerate(levels):
            for j, h in enumerate(row):
                lo = base + (j << level)
                assert h == ref.mth(hashes[lo:lo + (1 << level)])
        for stop in [s for s in stops if base < s <= base + run] + [min(n, base + run)]:
            tree.push_levels(levels, base, stop)
            assert tree.size == stop
            assert tree.root() == ref.mth(hashes[:stop])

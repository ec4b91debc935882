"""The tree hash and proofs agree with the RFC, three ways over.

1. Known answers: the roots and proofs of the eight-leaf test tree that
   the Certificate Transparency reference code publishes.
2. An independent implementation written here straight from the RFC's
   recursive definitions (MTH, PATH, PROOF), compared with the iterative
   code on every size and index up to 70.
3. Property tests over random sizes: every proof verifies, and any
   changed byte, index or root makes it fail.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openuitslag.log import merkle

# The CT reference tree: leaves and the root of every prefix.
LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (0, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]),
    (5, 8, ["bc1a0643", "ca854ea1", "d37ee418"]),
    (2, 3, ["fac54203"]),
    (0, 1, []),
]
CONSISTENCY = [
    (1, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]),
    (6, 8, ["0ebc5d34", "ca854ea1", "d37ee418"]),
    (2, 5, ["5f083f0a", "bc1a0643"]),
]


# -- an independent implementation, from RFC 9162 §2.1 as written -------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    if not d:
        return sha(b"")
    if len(d) == 1:
        return sha(b"\x00" + d[0])
    k = largest_power_below(len(d))
    return sha(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = largest_power_below(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [mth(d)]
    k = largest_power_below(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    return subproof(m, d, True) if 0 < m < len(d) else []


def root_from_path(leaf: bytes, m: int, n: int, p: list[bytes]) -> bytes:
    """Rebuild the root recursively, consuming the path from the top."""
    if n == 1:
        assert not p
        return leaf
    k = largest_power_below(n)
    if m < k:
        return sha(b"\x01" + root_from_path(leaf, m, k, p[:-1]) + p[-1])
    return sha(b"\x01" + p[-1] + root_from_path(leaf, m - k, n - k, p[:-1]))


def roots_from_proof(
    m: int, n: int, p: list[bytes], b: bool, old_root: bytes
) -> tuple[bytes, bytes]:
    """Rebuild (old part, new part) of a subtree from a consistency proof."""
    if m == n:
        if b:
            return old_root, old_root
        assert len(p) == 1
        return p[0], p[0]
    k = largest_power_below(n)
    sibling = p[-1]
    if m <= k:
        old, new = roots_from_proof(m, k, p[:-1], b, old_root)
        return old, sha(b"\x01" + new + sibling)
    old, new = roots_from_proof(m - k, n - k, p[:-1], False, old_root)
    return sha(b"\x01" + sibling + old), sha(b"\x01" + sibling + new)


# -- 1. known answers ----------------------------------------------------


def test_roots_of_the_reference_tree() -> None:
    tree = merkle.MemoryTree(LEAVES)
    for size, want in enumerate(ROOTS):
        assert tree.root(size).hex() == want
        assert mth(LEAVES[:size]).hex() == want


@pytest.mark.parametrize(("index", "size", "want"), INCLUSION)
def test_inclusion_proofs_of_the_reference_tree(
    index: int, size: int, want: list[str]
) -> None:
    tree = merkle.MemoryTree(LEAVES)
    got = merkle.inclusion_proof(tree.read, index, size)
    assert [h.hex()[:8] for h in got] == want
    assert got == path(index, LEAVES[:size])
    merkle.verify_inclusion(
        merkle.leaf_hash(LEAVES[index]), index, size, got, bytes.fromhex(ROOTS[size])
    )


@pytest.mark.parametrize(("old", "new", "want"), CONSISTENCY)
def test_consistency_proofs_of_the_reference_tree(
    old: int, new: int, want: list[str]
) -> None:
    tree = merkle.MemoryTree(LEAVES)
    got = merkle.consistency_proof(tree.read, old, new)
    assert [h.hex()[:8] for h in got] == want
    assert got == proof(old, LEAVES[:new])
    merkle.verify_consistency(
        old, new, got, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    )


# -- 2. iterative code vs the recursive definitions, exhaustively --------


def test_every_proof_up_to_70_leaves_matches_the_definitions() -> None:
    leaves = [i.to_bytes(2, "big") for i in range(70)]
    tree = merkle.MemoryTree(leaves)
    for n in range(1, 71):
        root = tree.root(n)
        assert root == mth(leaves[:n])
        for m in range(n):
            got = merkle.inclusion_proof(tree.read, m, n)
            assert got == path(m, leaves[:n])
            leaf = merkle.leaf_hash(leaves[m])
            assert root_from_path(leaf, m, n, got) == root
            merkle.verify_inclusion(leaf, m, n, got, root)
        for m in range(n + 1):
            got = merkle.consistency_proof(tree.read, m, n)
            assert got == proof(m, leaves[:n])
            merkle.verify_consistency(m, n, got, tree.root(m), root)
            if 0 < m < n:
                assert roots_from_proof(m, n, got, True, tree.root(m)) == (
                    tree.root(m),
                    root,
                )


# -- 3. properties over random sizes -------------------------------------


def flip(data: bytes, position: int) -> bytes:
    position %= len(data)
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[merkle.MemoryTree, int, int]:
    size = draw(st.integers(min_value=1, max_value=3000))
    seed = draw(st.integers(min_value=0, max_value=2**16))
    tree = merkle.MemoryTree()
    for i in range(size):
        tree.append_leaf_hash(sha(f"{seed}:{i}".encode()))
    return tree, draw(st.integers(0, size - 1)), draw(st.integers(0, 2**20))


@settings(max_examples=60, deadline=None)
@given(tree_and_index())
def test_inclusion_proofs_verify_and_any_change_fails(
    case: tuple[merkle.MemoryTree, int, int],
) -> None:
    tree, index, noise = case
    size, root, leaf = tree.size, tree.root(), tree.read(0, index)
    got = merkle.inclusion_proof(tree.read, index, size)
    merkle.verify_inclusion(leaf, index, size, got, root)

    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(flip(leaf, noise), index, size, got, root)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, index, size, got, flip(root, noise))
    if got:
        changed = list(got)
        changed[noise % len(got)] = flip(changed[noise % len(got)], noise)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaf, index, size, changed, root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaf, index, size, got[:-1], root)
    if size > 1:
        other = (index + 1 + noise % (size - 1)) % size
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaf, other, size, got, root)


@settings(max_examples=60, deadline=None)
@given(tree_and_index())
def test_consistency_proofs_verify_and_any_change_fails(
    case: tuple[merkle.MemoryTree, int, int],
) -> None:
    tree, old, noise = case
    new = tree.size
    old_root, new_root = tree.root(old), tree.root(new)
    got = merkle.consistency_proof(tree.read, old, new)
    merkle.verify_consistency(old, new, got, old_root, new_root)

    if 0 < old < new:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, got, flip(old_root, noise), new_root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, got, old_root, flip(new_root, noise))
        changed = list(got)
        changed[noise % len(got)] = flip(changed[noise % len(got)], noise)
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, changed, old_root, new_root)


def test_impossible_requests_are_refused_with_a_reason() -> None:
    tree = merkle.MemoryTree(LEAVES)
    with pytest.raises(merkle.ProofError, match="Leaf 8 is not in a tree of size 8"):
        merkle.inclusion_proof(tree.read, 8, 8)
    with pytest.raises(merkle.ProofError, match="from size 5 to size 3"):
        merkle.consistency_proof(tree.read, 5, 3)
    with pytest.raises(merkle.ProofError, match="the log has forked"):
        merkle.verify_consistency(3, 3, [], tree.root(3), tree.root(4))

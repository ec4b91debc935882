"""Merkle tree hashing, inclusion and consistency proofs (RFC 9162 §2.1).

The log is only as trustworthy as the arithmetic that anyone can redo: this
module is the whole of that arithmetic, written from the RFC so that a
citizen's own implementation in any language gives the same hashes. Leaves
are hashed with a 0x00 prefix and interior nodes with 0x01, so a leaf can
never pass for a node (RFC 6962 §2.1, kept in RFC 9162).

Proof generation does not need the whole tree in memory. It asks a
:class:`NodeReader` for the hash of a *complete* subtree (``2**level``
leaves starting at ``index * 2**level``); the log keeps those hashes in one
file per level, so a proof costs O(log n) reads. Every tree the RFC's
recursion visits is either complete or the right edge of a larger one, and
the right edge is folded from at most log n complete subtrees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

# (level, index) -> hash of leaves [index * 2**level, (index + 1) * 2**level)
NodeReader = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not verify, or a proof was asked for impossible sizes."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 hash of an interior node: SHA-256(0x01||l||r)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """Return the largest power of two smaller than ``n`` (``n`` >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(read: NodeReader, start: int, end: int) -> bytes:
    """Return MTH of leaves [start, end) as the RFC's recursion splits them.

    ``start`` must be a multiple of the largest power of two not above
    ``end - start``, which holds for every subtree the RFC's proofs use.
    The right edge is folded from the complete subtrees it consists of.
    """
    if end <= start:
        return EMPTY_ROOT

    # Complete subtrees left to right, e.g. 13 = 8 + 4 + 1.
    parts: list[bytes] = []
    position = start
    while position < end:
        level = (end - position).bit_length() - 1
        parts.append(read(level, position >> level))
        position += 1 << level

    # MTH splits at the largest power of two, so the fold goes right to left.
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def root_hash(read: NodeReader, size: int) -> bytes:
    """Return the root hash of the first ``size`` leaves."""
    return subtree_hash(read, 0, size)


def inclusion_proof(read: NodeReader, index: int, size: int) -> list[bytes]:
    """Return the audit path PATH(index, D[0:size]) of RFC 9162 §2.1.3.1.

    The path is ordered from the leaf's sibling up to the root's child.
    """
    if not 0 <= index < size:
        raise ProofError(
            f"Leaf {index} is not in a tree of size {size}; an inclusion "
            "proof needs 0 <= index < size."
        )

    # Walk down from the root; each step keeps one half and records the
    # hash of the other, which is the path element at that depth.
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(subtree_hash(read, start + k, end))
            end = start + k
        else:
            path.append(subtree_hash(read, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(read: NodeReader, old: int, new: int) -> list[bytes]:
    """Return PROOF(old, D[0:new]) of RFC 9162 §2.1.4.1.

    The proof is ordered as the RFC's SUBPROOF recursion emits it: the
    deepest node first.
    """
    if not 0 <= old <= new:
        raise ProofError(
            f"No consistency proof from size {old} to size {new}; it needs "
            "0 <= old <= new."
        )
    if old == 0 or old == new:
        return []

    # SUBPROOF(m, D[start:end], b) unrolled: each step records the half
    # that the old tree does not reach (or reaches whole) and descends.
    proof: list[bytes] = []
    start, end, m, whole = 0, new, old, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(subtree_hash(read, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(read, start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(subtree_hash(read, start, end))
    proof.reverse()
    return proof


def root_from_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """Return the root implied by a leaf hash and its audit path.

    This is the verification algorithm of RFC 9162 §2.1.3.2; raise
    :class:`ProofError` when the proof has the wrong shape.
    """
    if not 0 <= index < size:
        raise ProofError(f"Leaf {index} cannot be in a tree of size {size}.")

    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("The inclusion proof has too many hashes.")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The inclusion proof has too few hashes.")
    return r


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf`` is leaf ``index`` of the tree with ``root``.

    Raise :class:`ProofError` saying why when it is not.
    """
    computed = root_from_inclusion(leaf, index, size, proof)
    if computed != root:
        raise ProofError(
            f"The inclusion proof for leaf {index} leads to root "
            f"{computed.hex()}, not to the tree head's root {root.hex()} "
            f"at size {size}."
        )


def verify_consistency(
    old: int,
    new: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
) -> None:
    """Check that the tree of size ``new`` extends the one of size ``old``.

    This is the algorithm of RFC 9162 §2.1.4.2; raise :class:`ProofError`
    saying what failed.
    """
    if not 0 <= old <= new:
        raise ProofError(f"Size {new} cannot extend size {old}.")
    if old == new:
        _check_equal_roots(proof, old_root, new_root, old)
        return
    if old == 0:
        if proof:
            raise ProofError("A proof from the empty tree must be empty.")
        return
    if not proof:
        raise ProofError(f"The consistency proof from {old} to {new} is empty.")

    # When old is a power of two its root is the first node of the path.
    nodes = list(proof)
    if old & (old - 1) == 0:
        nodes.insert(0, old_root)
    fr, sr = _roots_from_consistency(old, new, nodes)
    _check_roots(fr, sr, old, new, old_root, new_root)


def _roots_from_consistency(
    old: int, new: int, nodes: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Return the old and new roots a consistency path leads to."""
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1

    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            raise ProofError("The consistency proof has too many hashes.")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("The consistency proof has too few hashes.")
    return fr, sr


def _check_equal_roots(
    proof: Sequence[bytes], old_root: bytes, new_root: bytes, size: int
) -> None:
    if proof:
        raise ProofError("A proof between equal sizes must be empty.")
    if old_root != new_root:
        raise ProofError(
            f"Two tree heads of the same size {size} have different roots "
            f"({old_root.hex()} and {new_root.hex()}): the log has forked."
        )


def _check_roots(
    fr: bytes, sr: bytes, old: int, new: int, old_root: bytes, new_root: bytes
) -> None:
    if fr != old_root:
        raise ProofError(
            f"The consistency proof from {old} to {new} does not lead to the "
            f"old root {old_root.hex()} (it gives {fr.hex()})."
        )
    if sr != new_root:
        raise ProofError(
            f"The consistency proof from {old} to {new} does not lead to the "
            f"new root {new_root.hex()} (it gives {sr.hex()})."
        )


class MemoryTree:
    """A Merkle tree held in memory, for tests, tools and small logs.

    It keeps every complete subtree hash per level, exactly as the log's
    level files do, so both share :func:`inclusion_proof` and friends.
    """

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for data in leaves:
            self.append_leaf_hash(leaf_hash(data))

    @property
    def size(self) -> int:
        """Return the number of leaves."""
        return len(self.levels[0])

    def append_leaf_hash(self, digest: bytes) -> None:
        """Add one leaf (already hashed) and complete the subtrees it ends."""
        self.levels[0].append(digest)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            pair = self.levels[level][-2:]
            if len(self.levels) == level + 1:
                self.levels.append([])
            self.levels[level + 1].append(node_hash(pair[0], pair[1]))
            level += 1

    def read(self, level: int, index: int) -> bytes:
        """Return the stored hash of a complete subtree."""
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first ``size`` leaves (default: all)."""
        return root_hash(self.read, self.size if size is None else size)

"""Find the plain selections of a 510 in its bytes, in one regex pass.

Walking 400,000 ``Selection`` elements one by one in Python is the
slowest part of reading a national count; a compiled regular expression
finds the same lijst and kandidaat numbers and vote counts at C speed.
It is only trusted where it cannot be fooled:

* The document parses (well-formed, no DOCTYPE), holds no comments,
  CDATA sections or processing instructions, and its only default
  namespace is the EML one, declared on the root; so every literal
  ``<Selection>`` in the bytes is an EML ``Selection`` element.
* Each match is a whole selection element, start tag to end tag, of the
  one plain shape (an identifier, then ``ValidVotes`` with digits only).
* Each row's selections are counted in the tree, and the matches must
  add up to exactly those counts (a ``Selection`` anywhere else would be
  one match too many); so match *i* is the tree's selection *i*.

Rows whose identifiers differ from the contest's columns, and documents
failing any condition, are read from the tree instead.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from openuitslag.core.eml.xml import EML_NS, NAMESPACES, Element, e

_SELECTION: Final = re.compile(
    rb"<Selection>\s*(?:"
    rb'<AffiliationIdentifier Id="([0-9]+)">\s*'
    rb"(?:<RegisteredName>[^<]*</RegisteredName>|<RegisteredName/>)\s*"
    rb"</AffiliationIdentifier>"
    rb"|<Candidate>\s*"
    rb'<CandidateIdentifier Id="([0-9]+)"\s*(?:/>|>\s*</CandidateIdentifier>)\s*'
    rb"</Candidate>"
    rb")\s*<ValidVotes>([0-9]{1,15})</ValidVotes>\s*</Selection>"
)
# The same shape on one line (so that removing it keeps every line
# number), with the lijst name captured: used to shrink a document before
# parsing it, see :func:`reduce`.
_ONE_LINE: Final = re.compile(
    rb"<Selection>[ \t]*(?:"
    rb'<AffiliationIdentifier Id="([0-9]+)">[ \t]*'
    rb"(?:<RegisteredName>([^<&\r\n]*)</RegisteredName>|<RegisteredName/>)[ \t]*"
    rb"</AffiliationIdentifier>"
    rb"|<Candidate>[ \t]*"
    rb'<CandidateIdentifier Id="([0-9]+)"[ \t]*(?:/>|>[ \t]*</CandidateIdentifier>)'
    rb"[ \t]*</Candidate>"
    rb")[ \t]*<ValidVotes>([0-9]{1,15})</ValidVotes>[ \t]*</Selection>"
)
_EMPTY_SELECTION: Final = b"<Selection/>"
_NOT_XML_CHARACTER: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COUNT: Final = etree.XPath("count(e:Selection)", namespaces=NAMESPACES)
_ASCII_COMPATIBLE: Final = {"utf-8", "us-ascii", "ascii", "iso-8859-1", "latin-1"}
_ROWS: Final = (e("TotalVotes"), e("ReportingUnitVotes"))

Keys = tuple[bytes, ...]


class Reduction:
    """A document with its plain selections cut out, and what they said.

    ``data`` is the document with every plain selection replaced by an
    empty ``<Selection/>``: about a tenth of the bytes, so a tenth of the
    parsing, while every other element, line number and element path
    stays as it was.
    """

    def __init__(self, data: bytes, parts: list[bytes]) -> None:
        self.data = data
        self.lists: Keys = tuple(parts[1::5])
        self.names: Keys = tuple(parts[2::5])  # None for kandidaten
        self.candidates: Keys = tuple(parts[3::5])
        self.votes: Keys = tuple(parts[4::5])


def reduce(data: bytes) -> Reduction | None:
    """Cut the plain selections out of a UTF-8 document, if that is safe.

    Safe means that the cut-out parts could not have hidden anything:
    they are whole elements of a fixed shape with valid text, and the
    rest holds no comment, CDATA, PI or second default namespace in which
    a ``<Selection>`` could have been something else.
    """
    head = data[:200].removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"<?") and not _is_utf8_declaration(head):
        return None
    parts = _ONE_LINE.split(data)
    if len(parts) == 1:
        return None
    reduced = _EMPTY_SELECTION.join(parts[0::5])
    if not _plain_document(reduced) or not _valid_names(parts[2::5]):
        return None
    return Reduction(reduced, parts)


def _is_utf8_declaration(head: bytes) -> bool:
    declaration = head[: head.find(b"?>") + 2]
    if b"encoding" not in declaration:
        return True
    return bool(re.search(rb"""encoding\s*=\s*["']utf-8["']""", declaration, re.I))


def _valid_names(names: list[bytes]) -> bool:
    try:
        text = b"".join(n for n in names if n).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _NOT_XML_CHARACTER.search(text) is None


class SelectionScan:
    """The plain selections of one document, found in its bytes.

    ``lists[i]`` is the lijst number of selection *i* when it is a lijst
    (else empty), ``candidates[i]`` the kandidaat number when it is a
    kandidaat, ``votes[i]`` its ValidVotes digits.
    """

    def __init__(
        self,
        lists: Keys,
        candidates: Keys,
        votes: Keys,
        rows: dict[Element, tuple[int, int]],
        kept: list[Element],
        names: Keys | None = None,
    ) -> None:
        self.lists = lists
        self.candidates = candidates
        self.votes = votes
        self.rows = rows
        self.names = names or ()  # lijst names, only from a Reduction
        self.reduced = names is not None  # the tree has empty selections
        self._kept = kept  # keeps the row proxies, so the keys stay valid

    @classmethod
    def of_reduction(cls, reduction: Reduction, root: Element) -> SelectionScan | None:
        """Index a parsed reduced document's rows, or None if they miss."""
        if root.nsmap.get(None) != EML_NS:
            return None
        indexed = _index_rows(root, len(reduction.votes))
        if indexed is None:
            return None
        rows, kept = indexed
        return cls(
            reduction.lists,
            reduction.candidates,
            reduction.votes,
            rows,
            kept,
            reduction.names,
        )

    @classmethod
    def of(cls, data: bytes, root: Element) -> SelectionScan | None:
        """Scan a parsed document, or return None if it cannot be trusted."""
        if root.nsmap.get(None) != EML_NS or not _ascii_compatible(root):
            return None
        if not _plain_document(data):
            return None
        found = _SELECTION.findall(data)
        indexed = _index_rows(root, len(found))
        if indexed is None:
            return None
        lists, candidates, votes = zip(*found, strict=True)
        return cls(lists, candidates, votes, *indexed)

    def row_names(self, row: Element) -> Keys:
        """Return the lijst names of a row, as bytes (reduced scans only)."""
        start, end = self.rows[row]
        return self.names[start:end]

    def row_keys(self, row: Element) -> tuple[Keys, Keys] | None:
        """Return a row's lijst and kandidaat numbers as scanned."""
        span = self.rows.get(row)
        if span is None:
            return None
        start, end = span
        return self.lists[start:end], self.candidates[start:end]

    def row_votes(self, row: Element, lists: Keys, candidates: Keys) -> Keys | None:
        """Return a row's vote digits if its selections are exactly these."""
        span = self.rows.get(row)
        if span is None:
            return None
        start, end = span
        if self.lists[start:end] != lists or self.candidates[start:end] != candidates:
            return None
        return self.votes[start:end]


def _index_rows(
    root: Element, matches: int
) -> tuple[dict[Element, tuple[int, int]], list[Element]] | None:
    """Return each row's span of matches, or None unless all add up."""
    kept = list(root.iter(*_ROWS))
    rows: dict[Element, tuple[int, int]] = {}
    start = 0
    for row in kept:
        size = int(_COUNT(row))  # type: ignore[arg-type]
        rows[row] = (start, start + size)
        start += size
    if start != matches or not matches:
        return None
    return rows, kept


def _ascii_compatible(root: Element) -> bool:
    encoding = (root.getroottree().docinfo.encoding or "utf-8").lower()
    return encoding in _ASCII_COMPATIBLE


def _plain_document(data: bytes) -> bool:
    if b"<!--" in data or b"<![CDATA[" in data:
        return False
    if data.count(b"xmlns") - data.count(b"xmlns:") != 1:
        return False  # a second default namespace could hide other elements
    instructions = data.count(b"<?")
    return instructions == 0 or (
        instructions == 1 and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    )

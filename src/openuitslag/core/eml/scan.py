"""Find the plain selections of a 510 in its bytes, in one regex pass.

Walking 400,000 ``Selection`` elements one by one in Python is the
slowest part of reading a national count; a compiled regular expression
finds the same lijst and kandidaat numbers and vote counts at C speed.
It is only trusted where it cannot be fooled:

* The document was parsed by lxml first (well-formed, no DOCTYPE), and it
  holds no comments, CDATA sections or processing instructions, and only
  the root declares a default namespace, so every literal
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

from openuitslag.core.eml.xml import NAMESPACES, Element, e

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
_COUNT: Final = etree.XPath("count(e:Selection)", namespaces=NAMESPACES)
_ASCII_COMPATIBLE: Final = {"utf-8", "us-ascii", "ascii", "iso-8859-1", "latin-1"}
_ROWS: Final = (e("TotalVotes"), e("ReportingUnitVotes"))

Keys = tuple[bytes, ...]


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
    ) -> None:
        self.lists = lists
        self.candidates = candidates
        self.votes = votes
        self.rows = rows
        self._kept = kept  # keeps the row proxies, so the keys stay valid

    @classmethod
    def of(cls, data: bytes, root: Element) -> SelectionScan | None:
        """Scan a parsed document, or return None if it cannot be trusted."""
        if not _plain_document(data, root):
            return None
        found = _SELECTION.findall(data)

        kept = list(root.iter(*_ROWS))
        rows: dict[Element, tuple[int, int]] = {}
        start = 0
        for row in kept:
            size = int(_COUNT(row))  # type: ignore[arg-type]
            rows[row] = (start, start + size)
            start += size
        if start != len(found) or not found:
            return None
        lists, candidates, votes = zip(*found, strict=True)
        return cls(lists, candidates, votes, rows, kept)

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


def _plain_document(data: bytes, root: Element) -> bool:
    encoding = (root.getroottree().docinfo.encoding or "utf-8").lower()
    if encoding not in _ASCII_COMPATIBLE:
        return False
    if b"<!--" in data or b"<![CDATA[" in data:
        return False
    if data.count(b"xmlns") - data.count(b"xmlns:") != 1:
        return False  # a second default namespace could hide other elements
    instructions = data.count(b"<?")
    return instructions == 0 or (
        instructions == 1 and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml")
    )

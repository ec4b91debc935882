"""Parse untrusted EML_NL bytes safely and locate what is wrong in them.

Municipalities publish their files on their own web sites, so every byte
we read may have been written by an attacker. The parser here never
resolves entities, never loads a DTD and never touches the network; a
document with a DOCTYPE is refused outright, because no EML_NL file needs
one and entity tricks (billion laughs, quadratic blowup, external
entities) all travel inside it.

:class:`Context` collects every problem found in one document, each with
the line and the element path, so a reader can report them all at once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from lxml import etree

from openuitslag.core.errors import Problem, ReadError

if TYPE_CHECKING:
    from openuitslag.core.eml.scan import SelectionScan

EML_NS: Final = "urn:oasis:names:tc:evs:schema:eml"
KR_NS: Final = "http://www.kiesraad.nl/extensions"
XAL_NS: Final = "urn:oasis:names:tc:ciq:xsdschema:xAL:2.0"
XNL_NS: Final = "urn:oasis:names:tc:ciq:xsdschema:xNL:2.0"
NAMESPACES: Final = {"e": EML_NS, "kr": KR_NS, "xal": XAL_NS, "xnl": XNL_NS}

# At most this many problems are kept per document; a file that is wrong
# everywhere is wrong enough after that.
MAX_PROBLEMS: Final = 200

# No count in an election comes near this; anything above it is an error
# in the file, and it keeps every number inside numpy's int64.
MAX_COUNT: Final = 10**15

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DIGITS = re.compile(r"\s*[0-9]+\s*")
_NEGATIVE = re.compile(r"\s*-[0-9]+\s*")

Element = etree._Element


def e(name: str) -> str:
    """Return the Clark name of an element in the EML namespace."""
    return f"{{{EML_NS}}}{name}"


def kr(name: str) -> str:
    """Return the Clark name of an element in the Kiesraad namespace."""
    return f"{{{KR_NS}}}{name}"


def local_name(tag: object) -> str:
    """Return an element's name without its namespace."""
    return str(tag).rpartition("}")[2]


def first_element(parent: Element) -> Element | None:
    """Return the first child that is an element (not a comment or PI)."""
    return next(parent.iterchildren(etree.Element), None)


def text_content(element: Element) -> str | None:
    """Return an element's text, skipping comments and PIs inside it."""
    if len(element) == 0:
        return element.text
    return str(element.xpath("string()"))


def whole_number(text: str | None) -> int | None:
    """Return plain ASCII digits as an int, anything else as None."""
    if text is None or not _DIGITS.fullmatch(text) or len(text.strip()) > 15:
        return None
    return int(text)


def make_parser() -> etree.XMLParser:
    """Return an lxml parser that cannot be tricked into fetching things."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def source_line(element: Element) -> int | None:
    """Return the line an element starts on, if libxml2 knows it."""
    line: object = element.sourceline
    return line if isinstance(line, int) and line > 0 else None


def element_path(element: Element) -> str:
    """Return where an element is, e.g. ``/EML/Count/…/Selection[3]``.

    An index is added where the parent has more than one child of that
    name, so the path names one element. Only used when reporting, so
    the sibling scan it costs does not matter.
    """
    steps: list[str] = []
    node: Element | None = element
    while node is not None:
        step = local_name(node.tag)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent.iterchildren(node.tag)]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))


class Context:
    """The problems found so far in one document, and how to add more."""

    def __init__(self, source: str, data: bytes = b"") -> None:
        self.source = source
        self.data = data  # the document's exact bytes, for byte-level scans
        self.scan: SelectionScan | None = None  # set when reading a reduction
        self.problems: list[Problem] = []
        self.seen: set[tuple[str, int | None, str | None]] = set()
        self.dropped = 0

    def add(
        self,
        code: str,
        message: str,
        element: Element | None = None,
        *,
        expected: str | None = None,
        found: str | None = None,
        line: int | None = None,
    ) -> None:
        """Record one problem, located at ``element`` when given."""
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        where = None
        if element is not None:
            where = element_path(element)
            line = line if line is not None else source_line(element)
        key = (code, line, where)
        if key in self.seen:
            return  # the same fault seen again, e.g. by a second pass
        self.seen.add(key)
        self.problems.append(
            Problem(
                code=code,
                message=message,
                source=self.source,
                line=line,
                where=where,
                expected=expected,
                found=found,
            )
        )

    def raise_if_any(self) -> None:
        """Raise a ReadError carrying every problem, if there were any."""
        if not self.problems:
            return
        if self.dropped:
            self.problems.append(
                Problem(
                    code="eml.too-many-problems",
                    message=f"{self.dropped} further problems were not listed.",
                    source=self.source,
                )
            )
        raise ReadError(self.source, list(self.problems))

    # -- finding elements -------------------------------------------------

    def child(self, parent: Element, tag: str, what: str = "") -> Element | None:
        """Return a required child element, or record that it is missing."""
        found = parent.find(tag)
        if found is None:
            name = local_name(tag)
            self.add(
                "eml.missing-element",
                f"The element {local_name(parent.tag)} lacks its {name} child"
                f"{' (' + what + ')' if what else ''}.",
                parent,
                expected=f"a <{name}> element",
                found="none",
            )
        return found

    def attribute(self, element: Element, name: str) -> str | None:
        """Return a required attribute, or record that it is missing."""
        value = element.get(name)
        if value is None:
            self.add(
                "eml.missing-attribute",
                f"The element {local_name(element.tag)} has no {name} attribute.",
                element,
                expected=f"attribute {name}",
                found="none",
            )
        return value

    def number(
        self, element: Element, value: str | None, what: str, *, code: str
    ) -> int | None:
        """Return a non-negative integer written as text, or record why not.

        ``code`` is the problem code's family: ``count`` for vote counts
        (``count.negative``, ``count.not-a-number``), ``eml`` for
        identifiers and other numbers.
        """
        if value is not None and _DIGITS.fullmatch(value):
            number = int(value)
            if number <= MAX_COUNT:
                return number
            self.add(
                f"{code}.too-large",
                f"The {what} is too large to be a real count.",
                element,
                expected=f"at most {MAX_COUNT:,}",
                found=value.strip()[:40],
            )
            return None
        if value is None or not value.strip():
            self.add(
                f"{code}.missing",
                f"The {what} is empty.",
                element,
                expected="a whole number of 0 or more",
                found="nothing",
            )
        elif _NEGATIVE.fullmatch(value):
            self.add(
                f"{code}.negative",
                f"The {what} is negative.",
                element,
                expected="a whole number of 0 or more",
                found=repr(value.strip()),
            )
        else:
            self.add(
                f"{code}.not-a-number",
                f"The {what} is not a whole number.",
                element,
                expected="a whole number of 0 or more",
                found=repr(value.strip()[:40]),
            )
        return None

    def text_number(
        self, element: Element, what: str, code: str = "count"
    ) -> int | None:
        """Return the element's text as a non-negative integer, or None."""
        return self.number(element, text_content(element), what, code=code)


def parse(data: bytes, source: str) -> Element:
    """Parse a document's bytes safely and return its root element.

    Raises :class:`ReadError` when the bytes are not well-formed XML, use
    an unknown or broken encoding, or carry a DOCTYPE.
    """
    context = Context(source)
    if _DOCTYPE.search(data[:4096]) or _has_doctype_utf16(data):
        context.add(
            "xml.doctype",
            "The document has a DOCTYPE declaration; EML_NL files never need "
            "one and it can hide entity bombs or external references, so the "
            "file is refused.",
            expected="no <!DOCTYPE …>",
            found="<!DOCTYPE …>",
            line=_line_of(data, _DOCTYPE.search(data[:4096])),
        )
        context.raise_if_any()
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        _add_syntax_error(context, exc)
        context.raise_if_any()
        raise  # unreachable: a syntax error always records a problem
    doctype = str(getattr(root.getroottree().docinfo, "doctype", "") or "")
    if doctype:
        context.add(
            "xml.doctype",
            "The document has a DOCTYPE declaration, which is refused.",
            expected="no <!DOCTYPE …>",
            found=doctype,
        )
        context.raise_if_any()
    return root


def _has_doctype_utf16(data: bytes) -> bool:
    head = data[:8192]
    if not head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return False
    for codec in ("utf-16-le", "utf-16-be"):
        text = head.decode(codec, errors="ignore")
        if "<!DOCTYPE" in text.upper():
            return True
    return False


def _line_of(data: bytes, match: re.Match[bytes] | None) -> int | None:
    if match is None:
        return None
    return data.count(b"\n", 0, match.start()) + 1


def _add_syntax_error(context: Context, exc: etree.XMLSyntaxError) -> None:
    message = str(exc.msg or exc).strip()
    lowered = message.lower()
    if "encoding" in lowered or "utf-8" in lowered or "char 0x" in lowered:
        code, what = "xml.encoding", "The bytes do not match the declared encoding"
    elif (
        "premature end" in lowered
        or "end of data" in lowered
        or ("extra content" not in lowered and "eof" in lowered)
    ):
        code, what = "xml.truncated", "The document ends too early (truncated?)"
    else:
        code, what = "xml.not-well-formed", "The document is not well-formed XML"
    line = exc.lineno if exc.lineno and exc.lineno > 0 else None
    context.add(
        code,
        f"{what}: {message}.",
        expected="well-formed XML",
        found=message,
        line=line,
    )

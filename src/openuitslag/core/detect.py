"""Tell what kind of official document some bytes are, from the content.

File names lie: municipalities rename files, zip them twice, or publish
``Telling.xml`` for every level. The kind of an EML_NL document is the
``Id`` of its root element; an OSV4-3 CSV is recognised by its header.
"""

from __future__ import annotations

import re
from typing import Final

from openuitslag.core.model import DocumentKind

EML_IDS: Final[dict[str, DocumentKind]] = {
    kind.value: kind for kind in DocumentKind if kind is not DocumentKind.OSV4_3
}

_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?EML\b[^>]*?\bId\s*=\s*[\"']([^\"']*)[\"']")
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_like_xml(data: bytes) -> bool:
    """Say whether the bytes start like an XML document."""
    head = data[:64]
    for bom in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip()
    return head.startswith(b"<") or head.startswith((b"<\x00", b"\x00<"))


def looks_like_osv(data: bytes) -> bool:
    """Say whether the bytes are an OSV4-3 CSV, if that reader is present."""
    try:
        from openuitslag.core import osv
    except ImportError:
        return False
    check = getattr(osv, "looks_like_osv", None)
    return bool(check(data)) if callable(check) else False


def sniff_kind(data: bytes) -> DocumentKind | None:
    """Guess the kind from the first bytes, without parsing the document.

    Cheap enough to sort thousands of harvested files; the readers still
    check the namespace and root properly. Returns None when unsure.
    """
    if looks_like_xml(data):
        match = _ROOT.search(data[:8192])
        return EML_IDS.get(match[1].decode("ascii", "replace")) if match else None
    return DocumentKind.OSV4_3 if looks_like_osv(data) else None

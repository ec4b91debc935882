"""Find the documents a municipal results page links to.

Municipal sites are built with every CMS there is: a flat list of links,
a page per stembureau, download links that are CMS query strings
(``/document?id=123&download=1``), files on a separate asset host. The
crawler reads the ``<a href>`` links of the registered page and keeps those
that may be documents, plus sub-pages on the same site below the page
(one level deep), and skips navigation, images, style sheets, scripts and
other sites' pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree, html

DOCUMENT_SUFFIXES = (".pdf", ".xml", ".eml", ".csv", ".zip", ".txt")
SKIP_SUFFIXES = (
    ".css",
    ".js",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".svg",
    ".ico",
    ".webp",
    ".mp4",
    ".woff",
    ".woff2",
)
DOWNLOAD_WORDS = ("download", "document", "bestand", "file", "getfile", "attachment")
TOPIC_WORDS = (
    "proces-verbaal",
    "procesverbaal",
    "uitslag",
    "stembureau",
    "telling",
    "verkiezing",
    "osv",
    "eml",
)


@dataclass(frozen=True)
class Link:
    """A link on a page, resolved against the page's URL."""

    url: str
    text: str


def extract_links(page_url: str, data: bytes) -> list[Link]:
    """Return the distinct ``<a href>`` links of an HTML page, in order."""
    try:
        tree = html.fromstring(data, base_url=page_url)
    except (etree.ParserError, ValueError):
        return []

    seen: set[str] = set()
    links: list[Link] = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        url = urldefrag(urljoin(page_url, href))[0]
        if url not in seen and urlsplit(url).scheme in ("http", "https"):
            seen.add(url)
            text = "".join(str(piece) for piece in anchor.itertext())
            links.append(Link(url, " ".join(text.split())))
    return links


def looks_like_document(link: Link) -> bool:
    """Say whether a link probably leads to a file rather than a page."""
    parts = urlsplit(link.url)
    path = parts.path.lower()
    if path.endswith(DOCUMENT_SUFFIXES):
        return True
    lowered = (parts.path + "?" + parts.query).lower()
    return any(word in lowered for word in DOWNLOAD_WORDS)


def worth_following(link: Link, page_url: str) -> bool:
    """Say whether to fetch a link found on the registered page."""
    parts = urlsplit(link.url)
    page = urlsplit(page_url)
    if parts.path.lower().endswith(SKIP_SUFFIXES):
        return False
    if looks_like_document(link):
        return True
    if parts.netloc != page.netloc or link.url == page_url:
        return False
    below = parts.path.startswith(page.path.rsplit("/", 1)[0] + "/")
    topical = any(word in link.text.lower() for word in TOPIC_WORDS)
    return below or topical

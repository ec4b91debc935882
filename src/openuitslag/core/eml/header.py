"""Read the parts every EML_NL document shares: who made it, for which
election, and when.

All document types repeat the same ``ManagingAuthority`` and
``ElectionIdentifier`` blocks, so they are read once, here, with the same
checks everywhere.
"""

from __future__ import annotations

import datetime as dt

from openuitslag.core.eml.xml import Context, Element, e, kr
from openuitslag.core.model import Authority, ElectionIdentity


def read_authority(ctx: Context, root: Element, *, required: bool) -> Authority | None:
    """Return the ``ManagingAuthority`` of a document, if it has one."""
    managing = root.find(e("ManagingAuthority"))
    if managing is None:
        if required:
            ctx.child(root, e("ManagingAuthority"), "the committee that made it")
        return None
    identifier = ctx.child(managing, e("AuthorityIdentifier"))
    if identifier is None:
        return None
    return Authority(
        id=ctx.attribute(identifier, "Id") or "",
        name=(identifier.text or "").strip(),
    )


def read_creation_time(root: Element) -> str | None:
    """Return ``kr:CreationDateTime`` as written, or None."""
    found = root.find(kr("CreationDateTime"))
    return None if found is None or not found.text else found.text.strip()


def read_election(ctx: Context, election: Element) -> ElectionIdentity:
    """Return the ``ElectionIdentifier`` inside an ``Election`` element."""
    identifier = ctx.child(election, e("ElectionIdentifier"))
    if identifier is None:
        return ElectionIdentity(id="", name="", category="")

    category = ctx.child(identifier, e("ElectionCategory"))
    domain = identifier.find(kr("ElectionDomain"))
    return ElectionIdentity(
        id=ctx.attribute(identifier, "Id") or "",
        name=_text(identifier.find(e("ElectionName"))) or "",
        category=_text(category) or "",
        subcategory=_text(identifier.find(kr("ElectionSubcategory"))),
        domain_id=None if domain is None else domain.get("Id"),
        domain_name=_text(domain),
        date=_date(ctx, identifier.find(kr("ElectionDate"))),
        nomination_date=_date(ctx, identifier.find(kr("NominationDate"))),
    )


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _date(ctx: Context, element: Element | None) -> dt.date | None:
    text = _text(element)
    if element is None or text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        ctx.add(
            "eml.bad-date",
            "The date is not a calendar date.",
            element,
            expected="a date like 2023-11-22",
            found=repr(text[:40]),
        )
        return None


def text_of(element: Element | None) -> str | None:
    """Return an element's stripped text, or None when empty or absent."""
    return _text(element)

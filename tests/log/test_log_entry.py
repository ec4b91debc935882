"""The canonical entry encoding is exact, stable and refuses imitations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openuitslag.log.entry import Entry, EntryError, EntryMeta, decode
from openuitslag.log.merkle import leaf_hash

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
META = EntryMeta(
    election="GR2022",
    authority="GM0363 Amsterdam",
    document_type="OSV4-3 CSV",
    source_url="https://www.amsterdam.nl/uitslag/“osv”.csv",
    found_at=datetime(2022, 3, 17, 2, 3, 4, tzinfo=timezone(timedelta(hours=1))),
)


def test_the_encoding_is_exactly_the_documented_bytes() -> None:
    entry = Entry.of(SHA, 4, META)

    assert (
        entry.encode()
        == (
            '{"authority":"GM0363 Amsterdam","document_type":"OSV4-3 CSV",'
            '"election":"GR2022","found_at":"2022-03-17T01:03:04Z",'
            f'"sha256":"{SHA}","size":4,'
            '"source_url":"https://www.amsterdam.nl/uitslag/“osv”.csv",'
            '"v":1,"version":1}'
        ).encode()
    )
    # The leaf is SHA-256(0x00 || bytes); pinned so the format cannot drift.
    assert leaf_hash(entry.encode()).hex() == (
        "eebae6f37013e506d963ca3297909cce9f181404e46ea7b80fb3ec71ff783ad3"
    )


def test_decode_round_trips_and_refuses_non_canonical_bytes() -> None:
    entry = Entry.of(SHA, 4, META)
    assert decode(entry.encode()) == entry

    spaced = json.dumps(entry.as_dict(), sort_keys=True).encode()
    with pytest.raises(EntryError, match="not in canonical form"):
        decode(spaced)
    escaped = json.dumps(entry.as_dict(), sort_keys=True, separators=(",", ":"))
    with pytest.raises(EntryError, match="not in canonical form"):
        decode(escaped.encode())  # ensure_ascii escapes the quotes “ ”
    with pytest.raises(EntryError, match="exactly the fields"):
        decode(b'{"v":1}')
    with pytest.raises(EntryError, match="not UTF-8 JSON"):
        decode(b"\xff")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sha256", "ABC", "not 64 lowercase hex digits"),
        ("size", -1, "size -1 is not a whole number"),
        ("found_at", "2022-03-17 01:03:04", "not a UTC time"),
        ("election", " ", "election of an entry must be non-empty"),
    ],
)
def test_bad_fields_are_named(field: str, value: object, message: str) -> None:
    fields = dict(Entry.of(SHA, 4, META).as_dict())
    fields[field] = value
    data = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with pytest.raises(EntryError, match=message):
        decode(data.encode())


def test_identity_ignores_when_the_file_was_found() -> None:
    first = Entry.of(SHA, 4, META)
    later = Entry.of(SHA, 4, EntryMeta(**{**_fields(META), "found_at": None}))
    assert first.found_at != later.found_at
    assert first.identity() == later.identity()


def _fields(meta: EntryMeta) -> dict[str, object]:
    return {name: getattr(meta, name) for name in meta.__slots__}


def test_a_time_without_zone_is_refused() -> None:
    naive = EntryMeta(**{**_fields(META), "found_at": datetime(2022, 1, 1)})
    with pytest.raises(EntryError, match="has no time zone"):
        Entry.of(SHA, 4, naive)


@given(
    st.text(min_size=1).filter(str.strip),
    st.text(min_size=1).filter(str.strip),
    st.integers(min_value=0, max_value=2**53),
)
def test_any_text_round_trips(authority: str, url: str, size: int) -> None:
    meta = EntryMeta("TK2021", authority, "EML 510a", url, datetime.now(UTC))
    try:
        entry = Entry.of(SHA, size, meta)
        data = entry.encode()
    except EntryError:
        return  # lone surrogates cannot be UTF-8; refused, not stored
    assert decode(data) == entry

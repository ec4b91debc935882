"""The source walker turns files, folders and (nested) zips into documents.

The hostile cases (bombs, escapes, corrupt archives) are in
``test_badinput_csv_zip.py``; here are the ordinary ones, on real data.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from openuitslag.core.errors import Problem
from openuitslag.core.sources import Limits, Source, iter_data, iter_sources


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _split(items: list[Source | Problem]) -> tuple[list[Source], list[Problem]]:
    sources = [item for item in items if isinstance(item, Source)]
    problems = [item for item in items if isinstance(item, Problem)]
    return sources, problems


def test_every_bundled_zip_opens_without_problems(data_dir: Path) -> None:
    sources, problems = _split(list(iter_sources([data_dir])))

    assert problems == []
    in_gr2022 = [s for s in sources if "osv4-3_csv_GR2022.zip!" in s.name]
    assert len(in_gr2022) == 329
    assert any(
        s.name.endswith(
            "osv4-3_csv_TK2023.zip!osv4-3_telling_tk2023_kieskring_dordrecht.csv"
        )
        for s in sources
    )


def test_a_folder_is_walked_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b/2.xml", "a/1.xml", "b/1.xml", "c.xml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())

    sources, _ = _split(list(iter_sources([tmp_path])))

    relative = [Path(s.name).relative_to(tmp_path).as_posix() for s in sources]
    assert relative == ["a/1.xml", "b/1.xml", "b/2.xml", "c.xml"]


def test_nested_zips_are_named_along_their_path(tmp_path: Path) -> None:
    inner = _zip({"Telling.eml.xml": b"<EML/>"})
    middle = _zip({"deel/inner.zip": inner, "notes.txt": b"n"})
    (tmp_path / "outer.zip").write_bytes(_zip({"middle.zip": middle}))

    sources, problems = _split(list(iter_sources([tmp_path / "outer.zip"])))

    assert problems == []
    prefix = str(tmp_path / "outer.zip")
    assert [s.name for s in sources] == [
        f"{prefix}!middle.zip!deel/inner.zip!Telling.eml.xml",
        f"{prefix}!middle.zip!notes.txt",
    ]
    assert sources[0].data == b"<EML/>"


def test_macos_litter_is_skipped_silently(tmp_path: Path) -> None:
    data = _zip(
        {
            "__MACOSX/._a.xml": b"junk",
            "a.xml": b"<EML/>",
            "sub/.DS_Store": b"junk",
            "sub/._b.xml": b"junk",
        }
    )

    sources, problems = _split(list(iter_data("upload.zip", data)))

    assert problems == []
    assert [s.name for s in sources] == ["upload.zip!a.xml"]


def test_a_missing_path_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    items = list(iter_sources([tmp_path / "nope.xml", tmp_path]))

    assert len(items) == 1
    assert isinstance(items[0], Problem)
    assert items[0].code == "source.not-found"
    assert items[0].source.endswith("nope.xml")


def test_a_plain_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.xml").write_bytes(b"x" * 2000)

    items = list(iter_sources([tmp_path], limits=Limits(max_entry_bytes=1000)))

    assert [getattr(item, "code", None) for item in items] == ["source.too-large"]


def test_limits_are_configurable_per_call(tmp_path: Path) -> None:
    data = _zip({f"{n}.xml": b"<EML/>" for n in range(5)})

    _, problems = _split(
        list(iter_data("many.zip", data, limits=Limits(max_entries=4)))
    )
    sources, _ = _split(list(iter_data("many.zip", data)))

    assert [p.code for p in problems] == ["zip.too-many-entries"]
    assert len(sources) == 5


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_nesting_up_to_the_depth_limit_is_read(depth: int) -> None:
    data = b"<EML/>"
    name = "doc.xml"
    for level in range(depth):
        data = _zip({name: data})
        name = f"level{level}.zip"

    sources, problems = _split(list(iter_data(name, data, limits=Limits(max_depth=3))))

    assert problems == []
    assert len(sources) == 1
    assert sources[0].name.count("!") == depth


def test_an_office_file_is_one_document_not_an_archive() -> None:
    sheet = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    data = _zip({"stemlokalen.xlsx": sheet})

    sources, problems = _split(list(iter_data("bijlagen.zip", data)))

    assert problems == []
    assert [(s.name, s.data) for s in sources] == [
        ("bijlagen.zip!stemlokalen.xlsx", sheet)
    ]

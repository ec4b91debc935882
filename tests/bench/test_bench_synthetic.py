"""Smoke tests of the synthetic election generator, at a tiny scale.

The national set is too big for a unit test, but its correctness is not a
matter of size: the same code writes ten stembureaus or ten thousand. So
these tests check, on a few kieskringen, that the writer reproduces the
real OSV files byte for byte and that every number in the generated set
adds up the way a proces-verbaal does.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bench.synthetic import COLUMN, COUNTED, CountFile, Row
from lxml import etree

from bench import synthetic

DATA = synthetic.DATA
TK2023_ZIP = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
ALBLASSERDAM = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"

# Amsterdam (one municipality), Dordrecht (25) and Bonaire (no 510c in the
# real set: its three public bodies are split from the 510d row).
KIESKRINGEN = (9, 14, 20)
SCALE = 0.004  # 40 stembureaus, so every municipality has one or more


def _member(zip_path: Path, name: str) -> bytes:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.read(name)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "set"
    synthetic.generate(folder, scale=SCALE, kieskringen=KIESKRINGEN)
    return folder


def _counts(folder: Path, pattern: str) -> dict[str, CountFile]:
    return {
        path.name: synthetic.parse_count(path.read_bytes())
        for path in sorted(folder.glob(pattern))
    }


@pytest.mark.parametrize(
    ("zip_path", "name"),
    [
        (TK2023_ZIP, ALBLASSERDAM),
        (synthetic.TK2021_ZIP, "Telling_TK2021_kieskring_Dordrecht.eml.xml"),
        (synthetic.TK2021_ZIP, "Totaaltelling_TK2021.eml.xml"),
    ],
)
def test_writer_reproduces_real_files_byte_for_byte(zip_path: Path, name: str) -> None:
    data = _member(zip_path, name)

    assert synthetic.parse_count(data).render() == data


def test_set_holds_every_document_of_the_chosen_kieskringen(generated: Path) -> None:
    manifest = synthetic.read_manifest(generated)
    names = sorted(p.name for p in generated.glob("*.eml.xml"))

    assert manifest is not None
    assert manifest.kieskringen == KIESKRINGEN
    assert manifest.municipalities == 1 + 25 + 3
    # 40 shared by electorate, but never fewer than one per municipality
    assert 40 <= manifest.stations <= 40 + 29
    assert len([n for n in names if "_gemeente_" in n]) == 29
    assert len([n for n in names if "_kieskring_" in n]) == 3
    assert "Totaaltelling_TK2021.eml.xml" in names
    assert "Verkiezingsdefinitie_TK2021.eml.xml" in names
    assert len([n for n in names if n.startswith("Kandidatenlijsten_")]) == 20


def _paths(data: bytes) -> set[str]:
    """Return every element path of a file, e.g. ``EML/Count/Election``."""
    paths: set[str] = set()
    stack: list[str] = []
    for event, element in etree.iterparse(io.BytesIO(data), events=("start", "end")):
        if event == "start":
            stack.append(etree.QName(element).localname)
            paths.add("/".join(stack))
        else:
            stack.pop()
            element.clear()
    return paths


def test_municipal_files_have_the_structure_of_the_real_510b(generated: Path) -> None:
    real = _member(TK2023_ZIP, ALBLASSERDAM)
    opening = real[: real.index(b"<TransactionId>")]
    reasons = re.findall(rb'ReasonCode="([^"]+)"', real)[:13]
    files = sorted(generated.glob("Telling_TK2021_gemeente_*.eml.xml"))

    for path in files:
        data = path.read_bytes()
        assert b"\n" not in data
        assert data.startswith(opening)
        assert re.findall(rb'ReasonCode="([^"]+)"', data)[:13] == reasons
    for path in files[:3]:
        assert _paths(path.read_bytes()) == _paths(real)


def _assert_row_adds_up(row: Row) -> None:
    columns = row.layout.columns
    is_list = np.array([c.is_list for c in columns])
    starts = np.flatnonzero(is_list)
    ends = [*starts[1:], len(columns)]
    for start, end in zip(starts, ends, strict=True):
        assert row.votes[start] == row.votes[start + 1 : end].sum()

    c = row.counters
    valid = c[COUNTED]
    ballots = valid + c[COLUMN["blanco"]] + c[COLUMN["ongeldig"]]
    admitted = c[COLUMN["toegelaten kiezers"]]
    assert valid == row.votes[is_list].sum()  # E = Σ E.x
    passes = ("geldige stempassen", "geldige volmachtbewijzen", "geldige kiezerspassen")
    assert sum(c[COLUMN[p]] for p in passes) == admitted  # A + B + C = D
    more = c[COLUMN["meer getelde stembiljetten"]]
    fewer = c[COLUMN["minder getelde stembiljetten"]]
    assert ballots - admitted == more - fewer  # H − D = I − J
    explained = sum(
        c[COLUMN[r]] for r in {*synthetic.FEWER_REASONS, *synthetic.MORE_REASONS}
    )
    assert explained == more + fewer


def _assert_total_is_sum(count: CountFile) -> None:
    np.testing.assert_array_equal(
        count.total.votes, np.sum([u.votes for u in count.units], axis=0)
    )
    np.testing.assert_array_equal(
        count.total.counters, np.sum([u.counters for u in count.units], axis=0)
    )


def test_every_stembureau_and_municipality_adds_up(generated: Path) -> None:
    for count in _counts(generated, "Telling_TK2021_gemeente_*").values():
        assert count.kind == "510b"
        _assert_total_is_sum(count)
        _assert_row_adds_up(count.total)
        for unit in count.units:
            assert unit.id is not None
            assert unit.id.startswith(f"{count.authority_id}::SB")
            _assert_row_adds_up(unit)


def test_kieskring_and_national_rows_are_the_sums_below_them(generated: Path) -> None:
    municipal = {
        c.authority_id: c.total
        for c in _counts(generated, "Telling_TK2021_gemeente_*").values()
    }
    districts = _counts(generated, "Telling_TK2021_kieskring_*").values()
    national = synthetic.parse_count(
        (generated / "Totaaltelling_TK2021.eml.xml").read_bytes()
    )

    for district in districts:
        _assert_total_is_sum(district)
        for unit in district.units:
            code = str(unit.id).rpartition("::")[2]
            np.testing.assert_array_equal(unit.votes, municipal[code].votes)
            np.testing.assert_array_equal(unit.counters, municipal[code].counters)
    np.testing.assert_array_equal(
        national.total.counters, np.sum([u.counters for u in national.units], axis=0)
    )
    rows = {str(u.id): u for u in national.units}
    for district in districts:
        row = rows[district.authority_id]
        is_list = np.array([c.is_list for c in row.layout.columns])
        np.testing.assert_array_equal(row.votes[is_list], district.total.votes[is_list])
        np.testing.assert_array_equal(row.counters, district.total.counters)
    assert _list_totals(national.total) == {
        number: sum(_list_totals(u).get(number, 0) for u in national.units)
        for number in _list_totals(national.total)
    }
    valid = national.total.counters[COUNTED]
    assert valid == sum(m.counters[COUNTED] for m in municipal.values())


def _list_totals(row: Row) -> dict[int, int]:
    return {
        c.list_number: int(v)
        for c, v in zip(row.layout.columns, row.votes, strict=True)
        if c.is_list
    }


def test_generation_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synthetic.generate(again, scale=SCALE, kieskringen=KIESKRINGEN)

    def digests(folder: Path) -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.glob("*.eml.xml")
        }

    assert digests(again) == digests(generated)


def test_ensure_reuses_a_complete_set(tmp_path: Path) -> None:
    first = synthetic.ensure(SCALE, base=tmp_path, kieskringen=(9,))
    stamp = (first / "MANIFEST.json").stat().st_mtime_ns

    second = synthetic.ensure(SCALE, base=tmp_path, kieskringen=(9,))

    assert second == first
    assert (second / "MANIFEST.json").stat().st_mtime_ns == stamp


def test_stations_follow_the_electorate() -> None:
    # Largest remainders share out what the whole quotas leave.
    assert synthetic.plan_stations(np.array([55, 25, 20]), 10).tolist() == [6, 2, 2]
    # Every municipality has at least one stembureau.
    plan = synthetic.plan_stations(np.array([900_000, 99_000, 1_000]), 10)
    assert plan.tolist() == [9, 1, 1]

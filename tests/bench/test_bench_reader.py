"""Smoke test of the reader benchmark at a tiny size, so that it cannot rot.

Timings are printed, never asserted: a shared machine makes them noisy,
and targets belong to the benchmark run, not to the test suite. What is
asserted is that the bench runs end to end and that its three variants
extract the same numbers from the same files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from bench import bench_reader, synthetic

DORDRECHT = "Telling_TK2021_kieskring_Dordrecht.eml.xml"


@pytest.fixture(scope="module")
def dordrecht(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / DORDRECHT
    with zipfile.ZipFile(synthetic.TK2021_ZIP) as archive:
        path.write_bytes(archive.read(DORDRECHT))
    return path


def test_both_loops_extract_what_the_file_holds(dordrecht: Path) -> None:
    expected = synthetic.parse_count(dordrecht.read_bytes())
    rows = [expected.total, *expected.units]

    for extract in (bench_reader.extract_lxml, bench_reader.extract_etree):
        got = extract(dordrecht)
        np.testing.assert_array_equal(
            got.votes, np.concatenate([r.votes for r in rows])
        )
        assert got.widths.tolist() == [len(r.votes) for r in rows]
        assert got.counters[:, 0].tolist() == [int(r.counters[0]) for r in rows]
        assert [u[0] for u in got.units] == [r.id for r in expected.units]


def test_bench_runs_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_reader.main(
        ["--runs", "1", "--real-files", "1", "--national-runs", "1",
         "--scale", "0.001", "--kieskringen", "9", "--out", str(tmp_path)]
    )  # fmt: skip

    printed = capsys.readouterr().out
    assert "Reader on the real TK2021 kieskring files (1 files" in printed
    assert "Reader on the synthetic national set ×0.001" in printed
    assert printed.count("every variant extracted the same") == 2
    assert "(b) lxml.etree.iterparse loop" in printed
    assert "(c) xml.etree.ElementTree loop" in printed
    assert "NOT measured here" in printed
    if bench_reader.reader_available():
        assert "Targets on the national set" in printed

"""Smoke test of the verifier benchmark at a tiny size, so that it cannot rot.

Only that it runs and reports is asserted, never how fast: timings belong
to ``python -m bench verify``, not to the test suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_verify


def _measured(stations: int, seconds: float) -> bench_verify.Measured:
    return bench_verify.Measured(
        scale=1.0, stations=stations, size=0, read=0.0, seconds=seconds,
        cpu=seconds, peak_mb=0.0, output={},
    )  # fmt: skip


def test_growth_is_the_ratio_per_doubling_and_the_fitted_exponent() -> None:
    linear = [_measured(n, n / 1000) for n in (1250, 2500, 5000, 10000)]
    quadratic = [_measured(n, (n / 1000) ** 2) for n in (1250, 2500, 10000)]

    ratios, slope = bench_verify.growth(linear)
    assert ratios == pytest.approx([2.0, 2.0, 2.0])
    assert slope == pytest.approx(1.0)

    ratios, slope = bench_verify.growth(quadratic)
    assert ratios == pytest.approx([4.0, 4.0])
    assert slope == pytest.approx(2.0)


def test_bench_runs_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_verify.main(
        ["--scales", "0.001,0.002", "--kieskringen", "9", "--runs", "1",
         "--out", str(tmp_path)]
    )  # fmt: skip

    printed = capsys.readouterr().out
    if not bench_verify.verifier_available():
        assert "not available yet" in printed
        return
    assert "scale ×0.001" in printed
    assert "Growth (CPU): time ratio per doubling" in printed
    assert "Target: all checks plus apportionment" in printed

"""A citizen's walk through the demo portal in real headless Chromium.

The test starts ``openuitslag demo`` as the README tells a user to (fresh
data folder, real bundled files, the production server on loopback),
walks home -> election -> municipality -> polling station -> candidate
by clicking links, and checks the numbers against the file. Then axe-core
checks every page kind for WCAG 2.1 A/AA violations, and the keyboard
alone gets from the skip link to a result.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from openuitslag.core import model as core
from openuitslag.core.read import read_document

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TK2023 = ROOT / "data" / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
GR2022 = ROOT / "data" / "GR2022" / "osv4-3_csv_GR2022.zip"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        bool(os.environ.get("OPENUITSLAG_PORTAL_POSTGRES_CHILD")),
        reason="the browser walk runs once, on the default database",
    ),
]


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait for the server to answer, failing early if it died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode()[-3000:] if process.stderr else ""
            raise AssertionError(f"openuitslag demo exited: {error}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``openuitslag demo`` on a free loopback port; yield its URL."""
    port = free_port()
    env = {
        **os.environ,
        "OPENUITSLAG_DATA_DIR": str(tmp_path_factory.mktemp("demo")),
        "OPENUITSLAG_WORKERS": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "openuitslag", "demo", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/gezondheid/", process, seconds=240)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Launch the system's Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def number(text: str) -> int:
    """Return a count as the Dutch pages print it (1.234) as an int."""
    return int(text.strip().replace(".", ""))


def alblasserdam_station_1() -> tuple[core.ContestCount, int]:
    """Return the 510b contest of Alblasserdam and the row of stembureau 1."""
    name = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"
    with zipfile.ZipFile(TK2023) as archive:
        record = read_document(archive.read(name), name)
    assert isinstance(record, core.Count)
    contest = record.contests[0]
    row = next(i for i, u in enumerate(contest.units) if u.station_number == 1)
    return contest, row


def pekela_station_1() -> tuple[core.ContestCount, int]:
    """Return the GR2022 Pekela count and the row of stembureau 1."""
    name = "01_Groningen/osv4-3_telling_gr2022_pekela.csv"
    with zipfile.ZipFile(GR2022) as archive:
        record = read_document(archive.read(name), name)
    assert isinstance(record, core.Count)
    contest = record.contests[0]
    row = next(i for i, u in enumerate(contest.units) if u.station_number == 1)
    return contest, row


def column(contest: core.ContestCount, lijst: int, candidate: int) -> int:
    """Return the selection index of a lijst (candidate 0) or candidate."""
    pairs = zip(
        contest.list_numbers.tolist(), contest.candidate_numbers.tolist(), strict=True
    )
    return next(s for s, pair in enumerate(pairs) if pair == (lijst, candidate))


def test_walk_from_home_to_candidate(demo_server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(demo_server + "/")
    assert page.locator("h1").inner_text()

    page.get_by_role("link", name="Gemeenteraad Pekela 2022").click()
    assert page.locator("h1").inner_text() == "Gemeenteraad Pekela 2022"

    page.get_by_role("link", name="Pekela", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Pekela"

    contest, row = pekela_station_1()
    unit = contest.units[row]
    page.get_by_role("link", name=unit.name, exact=True).first.click()
    assert page.locator("h1").inner_text() == unit.name
    d = page.locator('[data-letter="D"]').inner_text()
    assert number(d) == contest.unit_tally.counter(row, "toegelaten kiezers")
    list_votes = page.locator('[data-list="1"]').inner_text()
    assert number(list_votes) == int(
        contest.unit_tally.votes[row, column(contest, 1, 0)]
    )

    page.get_by_text("Lijst 1:", exact=False).first.click()
    page.locator('a[href$="/kandidaat/geen/1/"]').first.click()
    assert "Siegers" in page.locator("h1").inner_text()
    cell = page.locator(f'[data-station="0765::SB{unit.station_number}"]')
    assert number(cell.inner_text()) == int(
        contest.unit_tally.votes[row, column(contest, 1, 1)]
    )
    page.close()


def test_walk_tweede_kamer_polling_station(demo_server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(demo_server + "/")
    page.get_by_role("link", name=re.compile("Tweede Kamer.*2023")).click()
    page.get_by_role("link", name="Alblasserdam", exact=True).first.click()
    contest, row = alblasserdam_station_1()
    unit = contest.units[row]
    page.get_by_role("link", name=unit.name, exact=True).first.click()
    for lijst in (1, 4, 12):
        text = page.locator(f'[data-list="{lijst}"]').inner_text()
        assert number(text) == int(
            contest.unit_tally.votes[row, column(contest, lijst, 0)]
        )
    candidate = page.locator('[data-candidate="1-1"]').text_content() or ""
    assert number(candidate) == int(
        contest.unit_tally.votes[row, column(contest, 1, 1)]
    )
    page.close()


AXE_PAGES = (
    "/",
    "/en/",
    "/verkiezing/TK2021/",
    "/verkiezing/TK2021/kieskring/1/",
    "/verkiezing/TK2021/gemeente/0363/",
    "/verkiezing/TK2021/lijst/1/",
    "/verkiezing/TK2021/bevindingen/",
    "/verkiezing/TK2023/gemeente/0482/",
    "/verkiezing/TK2023/gemeente/0482/stembureau/1/",
    "/verkiezing/GR2022_Pekela/lijst/1/kandidaat/geen/1/",
    "/zoeken/?q=Alblasserdam",
    "/toegankelijkheid/",
)


def test_axe_finds_no_violations(demo_server: str, browser: object) -> None:
    assert AXE.exists(), "axe-core is installed by `npm ci` (make setup)."
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    problems = []
    for path in AXE_PAGES:
        page.goto(demo_server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        for violation in result["violations"]:
            targets = [n["target"] for n in violation["nodes"][:3]]
            problems.append(f"{path}: {violation['id']} {violation['help']} {targets}")
    context.close()
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_the_content(demo_server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(demo_server + "/verkiezing/TK2023/gemeente/0482/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"

    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if "/lijst/" in href:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "/lijst/" in page.url
            break
    else:
        raise AssertionError("no lijst link reachable with Tab")
    page.close()

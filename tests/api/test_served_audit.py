"""End to end as an operator and a citizen would do it: ``openuitslag
import`` logs the real files, ``openuitslag log checkpoint`` signs,
``openuitslag serve`` publishes; the citizen downloads a file and checks it
with ``openuitslag audit --log URL`` against the served tiles and a pinned
key. A changed byte in the download fails the audit.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from django_support import ROOT, TK2023


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run an openuitslag command in a fresh process."""
    command = [sys.executable, "-m", "openuitslag", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    """Wait for the server to answer, failing early if it died."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("openuitslag serve exited early.")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within 120 s.")


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    """Import, sign and serve the TK2023 sample; yield the URL and env."""
    env = {
        **os.environ,
        "OPENUITSLAG_DATA_DIR": str(tmp_path_factory.mktemp("served")),
        "OPENUITSLAG_WORKERS": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    imported = run(env, "import", str(TK2023))
    assert imported.returncode == 0, imported.stderr[-2000:]
    signed = run(env, "log", "checkpoint")
    assert signed.returncode == 0, signed.stderr[-2000:]

    port = free_port()
    command = [sys.executable, "-m", "openuitslag", "serve", "--port", str(port)]
    command += ["--workers", "1"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/gezondheid/", process)
        yield base, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_citizen_audits_a_download_against_the_served_log(
    served: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base, env = served
    keys = tmp_path / "keys.txt"
    keys.write_text(httpx.get(f"{base}/api/v1/log/keys").text)
    documents = httpx.get(f"{base}/api/v1/elections/TK2023/documents").json()
    document = documents["items"][0]
    download = tmp_path / document["name"]
    download.write_bytes(httpx.get(document["downloadUrl"]).content)

    good = run(env, "audit", str(download), "--log", f"{base}/log", "--key", str(keys))
    data = bytearray(download.read_bytes())
    data[len(data) // 2] ^= 1
    download.write_bytes(bytes(data))
    bad = run(env, "audit", str(download), "--log", f"{base}/log", "--key", str(keys))

    assert good.returncode == 0, good.stdout + good.stderr
    assert "proven under checkpoint" in good.stdout
    assert bad.returncode == 1, bad.stdout + bad.stderr

"""The foundation holds: the core imports no Django, the CLI answers."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from openuitslag.cli import main
from openuitslag.core.digest import pv_form, sha256_hex


def test_pv_form_matches_the_kiesraad_example() -> None:
    assert pv_form(sha256_hex(b"test")) == (
        "9f86 d081 884c 7d65 9a2f eaa0 c55a d015 "
        "a3bf 4f1b 2b0b 822c d15d 6c15 b0f0 0a08"
    )


def test_core_does_not_import_django() -> None:
    code = (
        "import sys, pkgutil, importlib, openuitslag.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'openuitslag.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'django' not in sys.modules, 'core imported django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_lists_its_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and "inspect" in result.output

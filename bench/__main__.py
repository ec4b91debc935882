"""Run the benchmarks: ``python -m bench [name] [options for that bench]``.

With no name every ``bench/bench_*.py`` module runs in turn; with a name
(``reader`` for ``bench_reader.py``) only that one, with the remaining
arguments passed on as its command line. One bench failing does not stop
the others; the exit status says whether all of them ran.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Return the names of the bench modules, e.g. ``reader``."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run(name: str, args: list[str]) -> bool:
    """Run one bench module's ``main()``; return whether it finished."""
    print(f"\n=== bench {name} ===", flush=True)
    started = time.perf_counter()
    saved = sys.argv
    sys.argv = [f"bench.bench_{name}", *args]
    try:
        module = importlib.import_module(f"bench.bench_{name}")
        module.main()
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            print(f"bench {name} exited with status {exit_.code}.", flush=True)
            return False
    except Exception:
        traceback.print_exc()
        print(f"bench {name} failed; see the traceback above.", flush=True)
        return False
    finally:
        sys.argv = saved
    print(f"=== bench {name}: {time.perf_counter() - started:.1f} s ===", flush=True)
    return True


def main() -> None:
    """Run one named bench, or all of them."""
    names = available()
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        print("Benches:", ", ".join(names))
        return
    if args and args[0] not in names:
        sys.exit(
            f"No bench named {args[0]!r}; there are: {', '.join(names)}. Options "
            "go after a bench's name, e.g. python -m bench reader --help."
        )
    chosen, rest = (args[:1], args[1:]) if args else (names, [])
    results = {name: run(name, rest) for name in chosen}
    failed = [name for name, ok in results.items() if not ok]
    if failed:
        sys.exit(f"These benches did not finish: {', '.join(failed)}.")


if __name__ == "__main__":
    main()

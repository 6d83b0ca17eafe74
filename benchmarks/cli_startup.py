"""How long ``habeas`` takes before it does anything: ``--help`` and ``--version``.

Target (issue 13): under 0.3 s each, wall clock, median of several runs. The root
group imports a command's module only when that command runs (``habeas.cli.commands``),
so these two never load pandas, Splink or SQLAlchemy. Subcommand help is printed too,
for information (it imports that command's module).

    .venv/bin/python benchmarks/cli_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.3
CASES = (["--help"], ["--version"], ["init", "--help"], ["review", "--help"])


def executable() -> list[str]:
    """The installed ``habeas`` beside this interpreter, else ``python -m``-style launch."""
    script = Path(sys.executable).with_name("habeas")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from habeas.cli.main import run; run()"]


def measure(args: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds (user + system of the child) of ``habeas ARGS``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [*executable(), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "COLUMNS": "100"},
        )
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    opts = parser.parse_args()
    print(f"habeas start-up, median of {opts.runs} runs (target {TARGET_S} s for the first two)")
    print(f"{'command':<24}{'wall s':>9}{'cpu s':>9}")
    failed = False
    for i, args in enumerate(CASES):
        wall, cpu = measure(args, opts.runs)
        mark = ""
        if i < 2:
            mark = "  ok" if wall < TARGET_S else "  over target"
            failed |= wall >= TARGET_S
        print(f"{'habeas ' + ' '.join(args):<24}{wall:>9.3f}{cpu:>9.3f}{mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

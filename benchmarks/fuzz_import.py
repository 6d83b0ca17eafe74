"""Fuzz every importer at length: malformed CSV, XLSX, JSON and JSON Lines.

    python benchmarks/fuzz_import.py [--examples 2000] [--formats csv,xlsx,json,jsonl] [--seed N]

Same strategies and property as tests/trust/test_fuzz_import.py (random or
synthetic content only): each case must import or be refused with a HabeasError
and a message, and a refused import must leave the database and the file store
unchanged. Prints, per format, the number of cases run, refused, imported and
failed, then a JSON summary. Exits 1 if any case failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from habeas.store.db import Store  # noqa: E402
from habeas.workspace import init_workspace  # noqa: E402
from tests.trust.fuzzing import FORMATS, FuzzTally, check_import, snapshot  # noqa: E402


def run(fmt: str, examples: int, seed_value: int) -> tuple[FuzzTally, float]:
    root = Path(tempfile.mkdtemp(prefix="habeas-fuzz-"))
    store = Store.open(init_workspace(root / "ws"), create=True)
    (root / "in").mkdir()
    tally = FuzzTally()
    state = {"before": snapshot(store)}

    @seed(seed_value)
    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(FORMATS[fmt])
    def case(data: bytes) -> None:
        state["before"] = check_import(store, root / "in", fmt, data, tally, state["before"])

    started = time.perf_counter()
    case()
    store.close()
    return tally, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="cases per format")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    summary = {}
    failed = 0
    for fmt in args.formats.split(","):
        tally, seconds = run(fmt, args.examples, args.seed)
        failed += len(tally.failures)
        summary[fmt] = {
            "cases": tally.cases,
            "refused": tally.refused,
            "imported": tally.imported,
            "failures": len(tally.failures),
            "seconds": round(seconds, 1),
        }
        print(
            f"{fmt:6} {tally.cases:6} cases  {tally.refused:6} refused  "
            f"{tally.imported:4} imported  {len(tally.failures)} failures  ({seconds:.0f} s)",
            flush=True,
        )
        for failure in tally.failures[:10]:
            print(f"    {failure}")
    total = sum(v["cases"] for v in summary.values())
    print(f"{total} cases in all, {failed} failures (seed {args.seed})")
    print(json.dumps({"seed": args.seed, "formats": summary, "cases": total, "failures": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

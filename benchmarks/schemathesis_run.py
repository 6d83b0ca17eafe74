"""Schemathesis against the real app at scale: many generated requests per operation.

Builds a SQLite workspace with the synthetic case (``--persons``), then for each
role runs ``--examples`` positive and negative cases per documented operation
(new random cases each run) and prints how many ran and how many failed (a 5xx,
an escaping exception, or a response that does not match the OpenAPI schema).

    .venv/bin/python benchmarks/schemathesis_run.py --examples 100
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from habeas.synth import generate_case  # noqa: E402
from habeas.web import create_app  # noqa: E402
from tests.trust.api_fuzzing import demo_store, fuzz_api  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples", type=int, default=100, help="cases per operation and mode (default 100)"
    )
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--roles", default="admin,analyst,viewer")
    args = parser.parse_args()
    os.environ.pop("HABEAS_DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        case = generate_case(Path(tmp) / "case", persons=args.persons, seed=7)
        store = demo_store(Path(tmp) / "ws", case)
        app = create_app(store, secret_key="schemathesis-benchmark")
        total = failed = 0
        for role in args.roles.split(","):
            started = time.perf_counter()
            result = fuzz_api(
                app, store, f"fuzz-{role}", role, examples=args.examples, derandomize=False
            )
            seconds = time.perf_counter() - started
            total += result.cases
            failed += result.failed()
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(result.statuses.items()))
            print(
                f"{role}: {result.cases} cases, {result.failed()} failed "
                f"({seconds:.0f} s; statuses {statuses})"
            )
            for failure in result.failures[:20]:
                print("  " + failure)
        store.close()
    print(f"total: {total} cases run, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""kill -9 during a large import, many times: does the store always survive?

    python benchmarks/kill_import.py [--trials 50] [--rows 100000] [--backend sqlite|postgresql]

Each trial imports a synthetic CSV (fictional people) in a child process and
SIGKILLs it at a random moment (80 % inside the write phase, 20 % while rows are
checked); then checks that the store is exactly as before (every table, log
verifies, log.head unchanged) or — when the kill came after the commit — that the
whole import is there. See tests/trust/killing.py. Prints "N trials, N survived",
with how many were killed before the commit and how many after, then JSON.
PostgreSQL: HABEAS_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432/test); a
private schema is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from habeas.store.db import Store  # noqa: E402
from habeas.workspace import init_workspace  # noqa: E402
from tests.trust.killing import build_csv, calibrate, run_trial  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="habeas-kill-"))
    schema = None
    admin = None
    os.environ.pop("HABEAS_DATABASE_URL", None)
    if args.backend == "postgresql":
        base = os.environ.get("HABEAS_TEST_POSTGRES_URL", DEFAULT_PG)
        schema = f"kill_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        os.environ["HABEAS_DATABASE_URL"] = (
            make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    try:
        workspace = init_workspace(root / "ws")
        Store.open(workspace, create=True).close()
        csv_path = build_csv(root / f"lista_{args.rows}.csv", args.rows)
        timing = calibrate(workspace, csv_path, "Calibration")
        print(
            f"{args.backend}: {args.rows:,} rows; checking takes ~{timing[0]:.1f} s, "
            f"writing ~{timing[1]:.1f} s",
            flush=True,
        )
        rng = random.Random(args.seed)
        outcomes: Counter[str] = Counter()
        failures = []
        for n in range(args.trials):
            trial = run_trial(workspace, csv_path, args.rows, f"Trial {n}", rng, timing)
            outcomes[trial.outcome if trial.survived else "failed"] += 1
            print(
                f"  trial {n + 1:3}: killed while {trial.killed_at:13} after "
                f"{trial.delay:5.2f} s -> {trial.outcome}",
                flush=True,
            )
            if not trial.survived:
                failures.append(trial.outcome)
        survived = args.trials - len(failures)
        print(
            f"{args.trials} trials, {survived} survived ({outcomes['before']} left the store "
            f"exactly as before, {outcomes['complete']} killed after the commit: complete)"
        )
        print(
            json.dumps(
                {
                    "backend": args.backend,
                    "rows": args.rows,
                    "trials": args.trials,
                    "survived": survived,
                    "before": outcomes["before"],
                    "complete": outcomes["complete"],
                    "seed": args.seed,
                }
            )
        )
        return 0 if not failures else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    sys.exit(main())

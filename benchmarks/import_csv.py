"""Benchmark: import a 10-column CSV of N rows (default 1,000,000) into a fresh workspace.

Issue 2's target: 1,000,000 rows in under 3 minutes on this 2-core machine,
through the real path (`habeas.ingest.importer.import_file`: read, map, check
every row, write records, persons, links, identifiers, events and legal facts
in one transaction, append one change-log entry).

    python benchmarks/import_csv.py [--rows 1000000] [--runs 3] [--backend sqlite|postgresql]

Prints each run's phases and the median, as a table and as JSON. The CSV is
built from the synthetic generator's name pools (fictional people only) and
cached under benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from habeas.ingest.importer import ImportOptions, import_file, plan_import
from habeas.store.db import Store
from habeas.synth.flat_list import flat_list_headers, write_flat_list
from habeas.workspace import init_workspace

OUT = Path(__file__).parent / "out"
HEADERS = flat_list_headers(cedula=True)


def build_csv(rows: int, seed: int = 1) -> Path:
    OUT.mkdir(exist_ok=True)
    return write_flat_list(OUT / f"import_{rows}.csv", rows, seed=seed)


def run_once(path: Path, backend: str) -> dict[str, float]:
    root = Path(tempfile.mkdtemp(prefix="habeas-bench-"))
    try:
        if backend == "postgresql":
            os.environ["HABEAS_DATABASE_URL"] = os.environ.get(
                "HABEAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
            )
        store = Store.open(init_workspace(root / "ws"), create=True)
        if backend == "postgresql":
            _reset_postgres(store)
        options = ImportOptions(
            source_title="Benchmark list",
            source_kind="list",
            date_order="DMY",
            defaults={"event_type": "removal_flight"},
        )
        start = time.perf_counter()
        plan = plan_import(store, path, options)
        checked = time.perf_counter()
        assert not plan.errors, plan.errors[:3]
        start_full, cpu_start = time.perf_counter(), time.process_time()
        result = import_file(store, path, options)
        end, cpu_end = time.perf_counter(), time.process_time()
        assert result.records == len(plan.records)
        assert store.verify_log().ok
        store.close()
        return {
            "check_only_s": checked - start,
            "import_s": end - start_full,
            "import_cpu_s": cpu_end - cpu_start,
            "rows": result.records,
            "rows_per_s": result.records / (end - start_full),
        }
    finally:
        os.environ.pop("HABEAS_DATABASE_URL", None)
        shutil.rmtree(root, ignore_errors=True)


def _reset_postgres(store: Store) -> None:
    """A benchmark on PostgreSQL starts from an empty schema each run."""
    from habeas.store.schema import Base

    Base.metadata.drop_all(store.engine)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    store.migrate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args(argv)
    path = build_csv(args.rows)
    runs = []
    for n in range(args.runs):
        figures = run_once(path, args.backend)
        runs.append(figures)
        print(
            f"run {n + 1}: {figures['import_s']:.1f} s for {figures['rows']:,} rows "
            f"({figures['rows_per_s']:,.0f} rows/s; CPU {figures['import_cpu_s']:.1f} s; "
            "reading + checking alone "
            f"{figures['check_only_s']:.1f} s)",
            flush=True,
        )
    median = statistics.median(r["import_s"] for r in runs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "benchmark": "import_csv",
        "backend": args.backend,
        "rows": args.rows,
        "columns": len(HEADERS),
        "runs": runs,
        "median_import_s": median,
        "target_s": 180,
        "meets_target": median < 180,
        "peak_rss_mb": peak_mb,
        "python": sys.version.split()[0],
    }
    print(
        f"\nmedian of {args.runs}: {median:.1f} s (target < 180 s: "
        f"{'met' if median < 180 else 'NOT met'}); peak memory {peak_mb:,.0f} MB"
    )
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

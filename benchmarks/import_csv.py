"""Benchmark: import a list of N rows (default 1,000,000) into a fresh workspace, search
index included, and show that memory stays flat as the list grows.

Issue #16's targets: 1,000,000 rows of a realistic list (names, dates, documents, the
search index built) in at most 120 s with peak memory at most 1 GB; 10,000,000 rows
with memory flat. Each run is its own process (so its peak memory is its own), through
the real path: `habeas.ingest.importer.import_file` (read, map, check every row, write
records, persons, links, identifiers, events and the search index in one transaction,
one change-log entry), then `habeas.search.index.index_pending` (what `habeas import`
runs next: it finds nothing left to index).

    python benchmarks/import_csv.py [--rows 1000000] [--runs 3] [--backend sqlite|postgresql]
                                    [--shape split|full-name]

`--shape split` is a relatives' spreadsheet (ID, given names, surnames, sex, date of
birth, nationality, A-number, cédula, flight, flight date); `--shape full-name` puts the
whole name in one cell, as leaked lists and manifests do, so that almost every name is
new to the importer's value cache. Names come from the synthetic generator's pools
(fictional people only); files are cached under benchmarks/out/.

Prints each run (wall clock, CPU, peak memory, and the memory after 10 %, 50 % and
100 % of the rows, to show it is flat) and the medians, as a table and as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
TARGET_S, TARGET_MB = 120.0, 1024.0


def build_csv(rows: int, shape: str, seed: int = 1) -> Path:
    from habeas.synth.flat_list import write_flat_list

    OUT.mkdir(exist_ok=True)
    if shape == "split":
        return write_flat_list(OUT / f"import_{rows}.csv", rows, seed=seed)
    return _write_full_name_list(OUT / f"import_full_{rows}.csv", rows, seed)


def _write_full_name_list(path: Path, rows: int, seed: int) -> Path:
    """One cell holds the whole name ("APELLIDOS, NOMBRES"), as on a leaked list."""
    if path.exists():
        return path
    from habeas.synth.names import SLV_SURNAMES, VEN_MALE_FIRST, VEN_MALE_SECOND, VEN_SURNAMES

    rng = random.Random(seed)
    first = [n for n, _ in VEN_MALE_FIRST]
    second = [n for n, _ in VEN_MALE_SECOND]
    surnames = [n for n, _ in VEN_SURNAMES + SLV_SURNAMES]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["No.", "Nombre completo", "Sexo", "F. nac.", "Nacionalidad", "Cédula"])
        for i in range(1, rows + 1):
            given = rng.choice(first) + (f" {rng.choice(second)}" if rng.random() < 0.7 else "")
            name = f"{rng.choice(surnames)} {rng.choice(surnames)}, {given}".upper()
            writer.writerow(
                [
                    i,
                    name,
                    rng.choice("MMMMMMMMMF"),
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2006)}",
                    "VENEZOLANA",
                    f"V-{rng.randint(3_000_000, 32_000_000):,}".replace(",", "."),
                ]
            )
    tmp.replace(path)
    return path


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class MemoryWatch:
    """Resident memory over a long import: a thread samples it every ``every_s`` seconds
    (the finishing steps after the last row included), and at each ``step`` rows written
    a line on stderr gives the rows, time, CPU, memory now and the peak so far (the
    kernel's high-water mark, ``ru_maxrss``), so that a 10M-row run shows whether memory
    stays flat while it runs; every ``report_s`` seconds a line says the same with the
    rows written so far (a run too slow to reach a step still shows its memory)."""

    def __init__(
        self, step: int = 1_000_000, every_s: float = 5.0, report_s: float = 120.0
    ) -> None:
        import threading

        self.step, self.every_s, self.report_s = step, every_s, report_s
        self.start, self.cpu = time.perf_counter(), time.process_time()
        self.samples: list[tuple[float, float]] = []  # (seconds, MB)
        self.by_step: list[dict[str, float]] = []
        self.rows = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        reported = 0.0
        while not self._done.wait(self.every_s):
            seconds = time.perf_counter() - self.start
            self.samples.append((round(seconds, 1), round(_rss_mb(), 1)))
            if seconds - reported >= self.report_s:
                reported = seconds
                peak = max(mb for _, mb in self.samples)
                print(
                    f"  after {seconds:.0f} s (CPU {time.process_time() - self.cpu:.0f} s): "
                    f"{self.rows:,} rows written, {self.samples[-1][1]:,.0f} MB now, "
                    f"sampled peak {peak:,.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )

    def written(self, rows: int) -> None:
        self.rows = rows
        while rows >= (len(self.by_step) + 1) * self.step:
            now = _rss_mb()
            high = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            mark = {
                "rows": (len(self.by_step) + 1) * self.step,
                "s": round(time.perf_counter() - self.start, 1),
                "cpu_s": round(time.process_time() - self.cpu, 1),
                "rss_mb": round(now, 1),
                "peak_mb": round(max([now, high, *(mb for _, mb in self.samples)]), 1),
            }
            self.by_step.append(mark)
            print(
                f"  {mark['rows']:,} rows written after {mark['s']:.0f} s (CPU "
                f"{mark['cpu_s']:.0f} s): {mark['rss_mb']:,.0f} MB now, peak so far "
                f"{mark['peak_mb']:,.0f} MB",
                file=sys.stderr,
                flush=True,
            )

    def stop(self) -> dict[str, object]:
        self._done.set()
        self._thread.join()
        rss = [mb for _, mb in self.samples]
        return {
            "by_million": self.by_step,
            "sampled_every_s": self.every_s,
            "sampled_max_mb": max(rss, default=0.0),
            "samples": self.samples,
        }


def run_child(path: Path, backend: str) -> dict[str, object]:
    """One import and index in this process; returns its figures."""
    from habeas.ingest.importer import ImportOptions, import_file
    from habeas.search.index import index_pending, search_status
    from habeas.store.db import Store
    from habeas.workspace import init_workspace

    root = Path(tempfile.mkdtemp(prefix="habeas-bench-"))
    try:
        if backend == "postgresql":
            os.environ["HABEAS_DATABASE_URL"] = os.environ.get(
                "HABEAS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
            )
        if backend == "postgresql":
            _reset_postgres(os.environ["HABEAS_DATABASE_URL"])
        store = Store.open(init_workspace(root / "ws"), create=True)
        options = ImportOptions(
            source_title="Benchmark list",
            source_kind="list",
            date_order="DMY",
            defaults={"event_type": "removal_flight"},
        )
        marks: dict[str, float] = {}

        watch = MemoryWatch()

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "writing":
                watch.written(done)
            if stage != "writing" or not total:
                return
            for share in (10, 50, 100):
                if f"{share}%" not in marks and done * 100 >= total * share:
                    marks[f"{share}%"] = round(_rss_mb(), 1)
                    print(  # as it goes, on stderr: a long run shows its memory early
                        f"  {share} % of rows written after {time.perf_counter() - start:.0f} s"
                        f" (CPU {time.process_time() - cpu:.0f} s): {marks[f'{share}%']:,.0f} MB",
                        file=sys.stderr,
                        flush=True,
                    )

        start, cpu = time.perf_counter(), time.process_time()
        result = import_file(store, path, options, progress=progress)
        imported, cpu_imported = time.perf_counter(), time.process_time()
        indexed = result.indexed + index_pending(store)  # the import indexes its records
        end, cpu_end = time.perf_counter(), time.process_time()
        assert indexed == result.records and search_status(store).complete
        assert store.verify_log().ok
        store.close()
        memory = watch.stop()
        return {
            "memory": memory,
            "rows": result.records,
            "import_s": round(imported - start, 2),
            "index_s": round(end - imported, 2),
            "total_s": round(end - start, 2),
            "cpu_s": round(cpu_end - cpu, 2),
            "import_cpu_s": round(cpu_imported - cpu, 2),
            "rows_per_s": round(result.records / (end - start)),
            "rss_mb_at": marks,
            "user_s": round(resource.getrusage(resource.RUSAGE_SELF).ru_utime, 2),
            "sys_s": round(resource.getrusage(resource.RUSAGE_SELF).ru_stime, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    finally:
        os.environ.pop("HABEAS_DATABASE_URL", None)
        shutil.rmtree(root, ignore_errors=True)


def _reset_postgres(url: str) -> None:
    """A benchmark on PostgreSQL starts from an empty database each run, emptied before
    the new workspace's store is opened (opening it starts the change log: emptied after,
    the log would no longer match the head the workspace recorded)."""
    from sqlalchemy import create_engine

    import habeas.store.db  # noqa: F401 - every table in the metadata
    from habeas.store.schema import Base

    engine = create_engine(url)
    try:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--shape", choices=("split", "full-name"), default="full-name")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.backend)))
        return 0
    path = build_csv(args.rows, args.shape)
    runs = []
    for n in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--backend", args.backend],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        runs.append(figures)
        print(
            f"run {n + 1}: {figures['total_s']:.1f} s for {figures['rows']:,} rows "
            f"(import {figures['import_s']:.1f} s + index {figures['index_s']:.1f} s; "
            f"{figures['rows_per_s']:,} rows/s; CPU {figures['cpu_s']:.1f} s = import "
            f"{figures['import_cpu_s']:.1f} s + index "
            f"{float(figures['cpu_s']) - float(figures['import_cpu_s']):.1f} s); "
            f"peak {figures['peak_rss_mb']:,.0f} MB; memory at 10/50/100 % of rows: "
            + " / ".join(f"{v:,.0f}" for v in figures["rss_mb_at"].values())
            + " MB",
            flush=True,
        )
    median = statistics.median(float(r["total_s"]) for r in runs)
    peak = max(float(r["peak_rss_mb"]) for r in runs)
    summary = {
        "benchmark": "import_csv",
        "backend": args.backend,
        "shape": args.shape,
        "rows": args.rows,
        "runs": runs,
        "median_total_s": median,
        "median_cpu_s": statistics.median(float(r["cpu_s"]) for r in runs),
        "median_import_cpu_s": statistics.median(float(r["import_cpu_s"]) for r in runs),
        "peak_rss_mb": peak,
        "targets": {"total_s": TARGET_S, "peak_rss_mb": TARGET_MB, "apply_at_rows": 1_000_000},
        "python": sys.version.split()[0],
    }
    cpu = summary["median_cpu_s"]
    print(
        f"\nmedian of {args.runs}: {median:.1f} s end to end (CPU {cpu:.1f} s), search index "
        "included "
        f"(target at 1,000,000 rows: {TARGET_S:.0f} s); peak memory {peak:,.0f} MB "
        f"(target {TARGET_MB:,.0f} MB)"
    )
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())

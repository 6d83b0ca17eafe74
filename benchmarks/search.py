"""Benchmark find-a-person at scale: latency per query type, hit rates, index build.

Usage::

    .venv/bin/python benchmarks/search.py [--persons 1000000] [--queries 1200]
        [--runs 3] [--limit 10] [--rebuild-index] [--out benchmarks/out]

1. The register is generated once and cached under ``benchmarks/out/search_<N>/``
   (git-ignored): the synthetic case (``habeas.synth.generate_case``,
   ``lists_format_mix=False``) imported into a SQLite workspace through the real
   importer (``habeas.demo.load_case`` → ``habeas.ingest.importer.import_file``;
   see ``_load`` for the one workaround).
   At 1,000,000 persons that is ~2.8M records; it takes a while the first time.
2. The search index is built (``build_search_index``), unless one is already
   complete and ``--rebuild-index`` is not given; build time and size are reported
   (the time of the last build is kept in ``index_build.json``).
3. ``--queries`` noisy queries (a third each: name only, name + date of birth,
   identifier in another format; :mod:`habeas.search.evaluate`) are run
   ``--runs`` times; wall-clock latency p50/p95/p99 per type and overall is the
   median over runs. CPU time per query is reported too (the machine is shared:
   wall time includes waiting for a core), and the load average before and after.
   Hit rates @1/@5/@10 (top ``--limit`` persons asked for) are from the ground
   truth, per query type and per noise of the name (misspelled, accent-stripped,
   nickname, swapped surnames, missing surname, ...).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from habeas.demo import load_case
from habeas.ingest.importer import ImportOptions, import_file
from habeas.ingest.problems import ImportFailed
from habeas.search import build_search_index, search, search_status
from habeas.search.evaluate import (
    NOISE_LABELS,
    evaluate,
    known_identifier_tokens,
    load_truth,
    make_queries,
)
from habeas.store.db import Store
from habeas.synth import generate_case
from habeas.workspace import Workspace, find_workspace, init_workspace

KINDS = ("name", "name+dob", "identifier")


def _store(base: Path, persons: int, seed: int) -> Store:
    case_dir, ws_dir, done = base / "case", base / "ws", base / "LOADED"
    if not (case_dir / "case.json").exists():
        t0 = time.perf_counter()
        generate_case(case_dir, persons=persons, seed=seed, lists_format_mix=False)
        print(f"generated the case in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if not ws_dir.exists():
        init_workspace(ws_dir)
    ws: Workspace = find_workspace(ws_dir)
    store = Store.open(ws, create=True)  # migrates an older cached register
    if not done.exists() and not (ws_dir / "LOADED").exists():
        t0 = time.perf_counter()
        skipped = _load(store, case_dir / "case.json")
        print(f"imported the case in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        done.write_text(json.dumps({"columns_kept_raw": skipped}), encoding="utf-8")
    return store


def _load(store: Store, case_json: Path) -> dict[str, list[str]]:
    """``load_case``; if a list is refused (some generator seeds write values the
    vocabularies lack, e.g. "Order barring removal entered 03/16/2025" in the court
    filings), import the lists one by one with the offending columns kept raw only
    (``--map COLUMN=-``): they hold legal facts, not the names the search needs."""
    try:
        load_case(store, case_json)
        return {}
    except ImportFailed:
        pass
    case = json.loads(case_json.read_text(encoding="utf-8"))
    kept_raw: dict[str, list[str]] = {}
    for spec in case["sources"]:
        if not spec.get("file"):
            continue
        mapping = dict(spec.get("map") or {})
        for _ in range(3):
            options = ImportOptions(
                source_title=spec["title"],
                mapping=dict(mapping),
                defaults={k: str(v) for k, v in (spec.get("defaults") or {}).items()},
                date_order=spec.get("date_order"),
                sheet=spec.get("sheet"),
                published_on=spec.get("date"),
            )
            try:
                import_file(store, case_json.parent / spec["file"], options, actor="benchmark")
                break
            except ImportFailed as exc:
                columns = sorted(
                    {p.column for p in exc.problems if p.severity == "error" and p.column}
                )
                if not columns:
                    raise
                kept_raw[spec["title"]] = columns
                mapping.update({c: "-" for c in columns})
    print(f"lists imported with columns kept raw: {kept_raw}", file=sys.stderr)
    return kept_raw


def _index_size(store: Store) -> dict[str, Any]:
    """Bytes of the index tables (SQLite dbstat), or None when unavailable."""
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%' "
                    "OR name LIKE 'sqlite_autoindex_search_%' GROUP BY name"
                )
            ).all()
        return {name: int(size) for name, size in rows}
    except Exception:  # noqa: BLE001 - dbstat is optional in SQLite builds
        return {}


def _percentiles(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(q[49], 2), "p95": round(q[94], 2), "p99": round(q[98], 2)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--queries", type=int, default=1200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int, default=10, help="persons asked for per query")
    ap.add_argument("--rebuild-index", action="store_true")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = ap.parse_args(argv)

    base = args.out / f"search_{args.persons}"
    base.mkdir(parents=True, exist_ok=True)
    store = _store(base, args.persons, args.seed)
    with store.read() as s:
        n_records = int(s.execute(text("SELECT count(*) FROM record")).scalar() or 0)

    build_file = base / "index_build.json"
    status = search_status(store)
    if args.rebuild_index or status.built_at is None or not status.complete:
        t0 = time.perf_counter()
        counts = build_search_index(store, actor="benchmark")
        build = {"seconds": round(time.perf_counter() - t0, 1), **counts}
        build_file.write_text(json.dumps(build), encoding="utf-8")
    build = json.loads(build_file.read_text(encoding="utf-8")) if build_file.exists() else {}

    persons = load_truth(base / "case")
    known = known_identifier_tokens(store)
    queries = make_queries(
        persons, args.queries, seed=args.seed, kinds=KINDS, known_identifiers=known
    )
    # the ground truth of every person (millions of objects) is not part of a search
    # process; drop it so the garbage collector does not walk it during the queries
    del persons, known
    gc.collect()
    for q in queries[:50]:  # warm the process (imports, caches, SQLite pages)
        search(store, limit=args.limit, **q.kwargs)  # type: ignore[arg-type]

    load_before = os.getloadavg()
    runs = []
    for _ in range(args.runs):
        wall = evaluate(store, queries, limit=args.limit)
        cpu = evaluate(store, queries, limit=args.limit, clock=time.process_time)
        runs.append((wall, cpu))
    load_after = os.getloadavg()

    def median_of(kind: str | None, which: int) -> dict[str, float]:
        per_run = []
        for run in runs:
            r = run[which]
            values = (
                r.latencies_ms[kind] if kind else [v for vs in r.latencies_ms.values() for v in vs]
            )
            per_run.append(_percentiles(values))
        return {
            k: round(statistics.median(p[k] for p in per_run), 2) for k in ("p50", "p95", "p99")
        }

    first = runs[0][0]
    report: dict[str, Any] = {
        "persons": args.persons,
        "records": n_records,
        "queries": len(queries),
        "runs": args.runs,
        "limit": args.limit,
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
        "index_build_seconds": build.get("seconds"),
        "index_postings": build.get("keys"),
        "index_bytes": _index_size(store),
        "latency_ms": {k: median_of(k, 0) for k in KINDS} | {"all": median_of(None, 0)},
        "cpu_ms": {k: median_of(k, 1) for k in KINDS} | {"all": median_of(None, 1)},
        "hit_rate": {k: first.by_kind[k].rates() for k in KINDS} | {"all": first.overall.rates()},
        "hit_rate_by_noise": {
            NOISE_LABELS[k]: t.rates() for k, t in sorted(first.by_noise.items())
        },
        "sample_misses": first.misses[:10],
    }
    size_mb = sum(report["index_bytes"].values()) / 1e6 if report["index_bytes"] else None
    print(
        f"\nfind-a-person: {args.persons:,} persons, {n_records:,} records, "
        f"{len(queries)} queries x {args.runs} runs (median), top {args.limit}"
    )
    print(
        f"load average (1, 5, 15 min) before {report['load_average']['before']}, "
        f"after {report['load_average']['after']}"
    )
    print(
        f"index build {build.get('seconds')} s, {build.get('keys'):,} postings"
        + (f", {size_mb:,.0f} MB" if size_mb else "")
    )
    print(
        f"{'type':<12}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'cpu p95':>9}{'hit@1':>8}{'hit@5':>8}{'hit@10':>8}"
    )
    for k in (*KINDS, "all"):
        lat, cpu, hit = report["latency_ms"][k], report["cpu_ms"][k], report["hit_rate"][k]
        print(
            f"{k:<12}{hit['n']:>6}{lat['p50']:>9}{lat['p95']:>9}{lat['p99']:>9}"
            f"{cpu['p95']:>9}{hit['at1']:>8.3f}{hit['at5']:>8.3f}{hit['at10']:>8.3f}"
        )
    print(f"\n{'name queries with noise':<26}{'n':>6}{'hit@1':>8}{'hit@5':>8}{'hit@10':>8}")
    for label, hit in report["hit_rate_by_noise"].items():
        print(f"{label:<26}{hit['n']:>6}{hit['at1']:>8.3f}{hit['at5']:>8.3f}{hit['at10']:>8.3f}")
    print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    return report


if __name__ == "__main__":
    main()

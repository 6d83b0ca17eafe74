"""Benchmark the population-size estimators.

Run: ``python benchmarks/estimate.py [--repeats 5] [--json out.json]``
(with ``src`` on the path, e.g. ``PYTHONPATH=src``).

1. Time of every estimator registered in ``habeas.estimate.METHODS`` on the UK
   2013 modern-slavery 5-list table (n = 2,744), with its defaults; median of
   several runs. Methods that are missing or fail are listed with the reason.
2. LCMCR sweeps per second at K = 10 (one chain, one core), on the UK 5-list
   table (31 observed patterns) and on a 4-list table.
3. The issue's target: the LCMCR package example's settings (K = 10, burn-in
   10,000, 1,000 samples thinned by 100 — 110,500 sweeps with the warm-up) on a
   4-list table of ~4,400 records, on one core: the Rcapture ``lesbian``
   (Allegheny County) table with every count doubled, n = 4,370. Target: < 15 s.
   Because the sampler works on capture patterns, not individuals, its cost
   does not grow with the number of records.

Prints a table, then the same figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from habeas.estimate.histories import CaptureHistories  # noqa: E402
from habeas.estimate.lcmcr import lcmcr  # noqa: E402
from habeas.estimate.lcmcr_kernel import run_chain  # noqa: E402

DATA = ROOT / "tests" / "data" / "mse"
UK = DATA / "uk_modern_slavery_2013_5lists.csv"
LESBIAN = DATA / "rcapture_lesbian_allegheny_4lists.csv"
TARGET_SECONDS = 15.0


def _median_time(func: Any, repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
        if times[0] > 20:  # one run of a slow method is enough
            break
    return statistics.median(times), result


def bench_methods(repeats: int) -> list[dict[str, Any]]:
    h = CaptureHistories.from_table(UK)
    try:
        from habeas.estimate import METHODS
    except ImportError as exc:
        return [{"method": "*", "note": f"habeas.estimate.METHODS unavailable: {exc}"}]
    rows = []
    for name in METHODS.names():
        try:
            func = METHODS[name]
            func(h) if name != "lcmcr" else None  # warm-up (imports, numba cache)
            call = (lambda f=func: f(h)) if name != "lcmcr" else (lambda: lcmcr(h, seed=1))
            secs, est = _median_time(call, repeats if name != "lcmcr" else max(1, repeats // 2))
            rows.append(
                {
                    "method": name,
                    "seconds": round(secs, 4),
                    "point": est.point,
                    "interval": list(est.interval) if est.interval else None,
                    "model": est.model,
                }
            )
        except Exception as exc:  # noqa: BLE001 - report, do not crash the benchmark
            rows.append({"method": name, "note": f"skipped: {type(exc).__name__}: {exc}"})
    return rows


def sweeps_per_second(h: CaptureHistories, sweeps: int = 20_000) -> float:
    x, f = h.patterns.astype(np.int64), h.counts.astype(np.int64)
    run_chain(x, f, 10, 0.25, 0.25, 10, 1, 1, 1)  # compile / load cache
    t0 = time.perf_counter()
    run_chain(x, f, 10, 0.25, 0.25, sweeps, 1, 1, 1)
    return (500 + sweeps + 1) / (time.perf_counter() - t0)


def bench_target(repeats: int) -> dict[str, Any]:
    base = CaptureHistories.from_table(LESBIAN)
    doubled = base.with_counts(base.counts * 2)
    settings = {"K": 10, "burnin": 10_000, "samples": 1000, "thinning": 100}
    lcmcr(doubled, seed=1, chains=1, K=10, burnin=10, samples=2, thinning=1)  # warm
    secs, est = _median_time(
        lambda: lcmcr(doubled, seed=1, chains=1, workers=1, **settings), repeats
    )
    secs4, est4 = _median_time(lambda: lcmcr(doubled, seed=1, chains=4, workers=1, **settings), 1)
    return {
        "table": "rcapture_lesbian_allegheny_4lists.csv, counts doubled",
        "records": int(doubled.n),
        "lists": len(doubled.lists),
        "patterns": int(doubled.patterns.shape[0]),
        "settings": settings,
        "sweeps_per_chain": 110_500,
        "one_chain_seconds": round(secs, 3),
        "target_seconds": TARGET_SECONDS,
        "meets_target": secs < TARGET_SECONDS,
        "one_chain_point": est.point,
        "one_chain_interval": list(est.interval or ()),
        "four_chains_one_core_seconds": round(secs4, 3),
        "four_chains_point": est4.point,
        "four_chains_rhat": est4.diagnostics["rhat"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    uk = CaptureHistories.from_table(UK)
    les = CaptureHistories.from_table(LESBIAN)
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "uk_5lists_methods": bench_methods(args.repeats),
        "lcmcr_sweeps_per_second_K10": {
            "uk_5lists": round(sweeps_per_second(uk)),
            "lesbian_4lists": round(sweeps_per_second(les)),
        },
        "target": bench_target(max(1, args.repeats // 2 + 1)),
    }

    print(f"UK 5-list table (n = {uk.n}), defaults, median of up to {args.repeats} runs")
    print(f"{'method':<14}{'seconds':>10}  {'point':>10}  interval")
    for row in report["uk_5lists_methods"]:
        if "seconds" in row:
            iv = row["interval"]
            ivs = f"[{iv[0]:.0f}, {iv[1]:.0f}]" if iv else "-"
            pt = f"{row['point']:.0f}" if row["point"] is not None else "-"
            print(f"{row['method']:<14}{row['seconds']:>10.3f}  {pt:>10}  {ivs}")
        else:
            print(f"{row['method']:<14}  {row['note']}")
    sps = report["lcmcr_sweeps_per_second_K10"]
    print(
        f"\nLCMCR sweeps/s, K=10, one chain: UK 5 lists {sps['uk_5lists']:,}; "
        f"4 lists {sps['lesbian_4lists']:,}"
    )
    t = report["target"]
    print(
        f"\nTarget: {t['table']} ({t['records']} records, {t['lists']} lists), "
        f"K=10, burn-in 10,000 + 1,000 x 100"
    )
    print(
        f"  one chain: {t['one_chain_seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s: "
        f"{'met' if t['meets_target'] else 'NOT met'}); N = {t['one_chain_point']:.0f}"
    )
    print(f"  four chains on one core: {t['four_chains_one_core_seconds']:.2f} s")
    text = json.dumps(report, indent=2)
    print("\n" + text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()

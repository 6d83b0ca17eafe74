"""Benchmark linkage's clustering and write stages at scale, apart from scoring.

Run (from the repository root, with the project's virtualenv)::

    python benchmarks/linkage_write.py --scale 1000000 --backends sqlite,postgresql

The cached synthetic case of ``benchmarks/linkage.py --scale`` (generated and
imported once under ``benchmarks/out/``) is copied, per backend, into a fresh
store (PostgreSQL: cloned, see :mod:`benchmarks.linkage_pg`). Then, in a child
process per backend (peak memory is its ``ru_maxrss``):

1. **features** — :func:`habeas.linkage.features.load_features`, as a run does;
2. **pairs** — instead of scoring (timed by ``benchmarks/linkage.py``), scored
   pairs made from the ground truth: every pair of records of one true person
   (match probability 0.6–0.999999, so some fall in the review band), and as
   many pairs between records of different persons (0.00001–0.6: rejected,
   queued or kept as evidence against a join), with per-field weights from the
   model so that the evidence written is a full run's; fixed seed;
3. **clustering** — :func:`habeas.linkage.cluster.cluster` under the run's
   constraints;
4. **writing** — :func:`habeas.linkage.write.write_run`, the run's one
   transaction: the run, the scored pairs, links, persons, ``person_change``
   and the change-log entry.

Wall and CPU seconds of each stage are printed (on a shared machine, wall
time also counts waiting for a core; PostgreSQL's own work runs in its server
process and is not in this process's CPU time), with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from benchmarks import linkage_harness as harness  # noqa: E402
from benchmarks.linkage import OUT, _model_cache, _persons_for_records, log  # noqa: E402
from benchmarks.linkage_metrics import read_ground_truth  # noqa: E402


def ground_truth_pairs(store: Any, case_dir: Path, model: dict[str, Any], seed: int = 2025) -> Any:
    """Scored pairs made from the ground truth (see the module doc)."""
    import numpy as np
    import pandas as pd

    from habeas.linkage import model as mdl

    truth = read_ground_truth(case_dir / "ground_truth.csv")
    ids = {key: rid for rid, key in sorted(harness.record_keys(store).items())}
    by_person: dict[str, list[int]] = {}
    for key, person in truth.items():
        if key in ids:
            by_person.setdefault(person, []).append(ids[key])
    same = [
        (min(x, y), max(x, y))
        for members in by_person.values()
        for i, x in enumerate(members)
        for y in members[i + 1 :]
    ]
    rng = np.random.default_rng(seed)
    everyone = np.array(sorted(ids.values()), dtype="int64")
    a = rng.choice(everyone, len(same))
    b = rng.choice(everyone, len(same))
    person_of = {rid: truth[key] for key, rid in ids.items()}
    other = {
        (int(min(x, y)), int(max(x, y)))
        for x, y in zip(a.tolist(), b.tolist(), strict=True)
        if x != y and person_of[x] != person_of[y]
    }
    prob = np.concatenate(
        [rng.uniform(0.6, 0.999999, len(same)), rng.uniform(0.00001, 0.6, len(other))]
    )
    rows = np.array(same + sorted(other), dtype="int64").reshape(-1, 2)
    pairs = pd.DataFrame(
        {
            "record_a": rows[:, 0],
            "record_b": rows[:, 1],
            "match_probability": prob,
            "match_weight": np.log2(prob / (1 - prob)),
        }
    )
    for name, levels in mdl.level_weights(model).items():
        if levels:
            pairs[f"mw_{name}"] = rng.choice([w for w, _ in levels], len(pairs))
    order = pairs["match_weight"].to_numpy().argsort()[::-1]
    return pairs.iloc[order].reset_index(drop=True)


def worker(workspace: Path, case_dir: Path, model_path: Path, result: Path) -> None:
    """Child: features, pairs, clustering, writing on one store; timings to ``result``."""
    from habeas.linkage.cluster import cluster
    from habeas.linkage.features import load_features
    from habeas.linkage.write import write_run

    model = json.loads(model_path.read_text())
    store = harness.open_store(workspace)
    stages: dict[str, dict[str, float]] = {}

    def timed(name: str, func: Any) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        value = func()
        stages[name] = {
            "seconds": round(time.perf_counter() - t0, 2),
            "cpu_seconds": round(time.process_time() - c0, 2),
        }
        log(f"    {name}: {stages[name]['seconds']} s ({stages[name]['cpu_seconds']} s CPU)")
        return value

    try:
        frame = timed("features", lambda: load_features(store))
        pairs = timed("pairs (from the truth)", lambda: ground_truth_pairs(store, case_dir, model))
        clustering = timed(
            "clustering", lambda: cluster(frame, pairs, threshold=0.5, review_low=0.2)
        )
        written = timed(
            "writing",
            lambda: write_run(
                store,
                "benchmark",
                frame=frame,
                pairs=pairs,
                clustering=clustering,
                model=model,
                kind="full",
                trained=False,
                new_ids=None,
                parameters={"threshold": 0.5, "review_band": [0.2, 0.5]},
            ),
        )
    finally:
        store.close()
    result.write_text(
        json.dumps(
            {
                "records": len(frame),
                "pairs": len(pairs),
                "stages": stages,
                "counts": {k: v for k, v in written.counts.items() if k != "decision_conflicts"},
                "peak_rss_gib": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30, 2
                ),
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="records (about)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.case, args.model, args.result)
        return 0
    persons = _persons_for_records(args.scale, args.seed, args.out)
    case_dir, ws_dir, info = harness.cached_case_workspace(args.out, persons, args.seed, log)
    model_path = _model_cache(args.out, ws_dir)
    if not model_path.exists():
        log(f"no trained model at {model_path}: run benchmarks/linkage.py --scale first")
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="habeas-write-", dir=args.out) as tmp:
        for backend in [b for b in args.backends.split(",") if b]:
            ws = Path(tmp) / f"ws-{backend}"
            if backend == "postgresql":
                from benchmarks import linkage_pg

                linkage_pg.copy_workspace(ws_dir, ws, "write_bench")
            else:
                harness.copy_workspace(ws_dir, ws).close()
            log(f"{info['records']:,} records on {backend} (child process) …")
            load = os.getloadavg()[0]
            result = Path(tmp) / f"{backend}.json"
            cmd = [sys.executable, __file__, "--worker", str(ws), "--case", str(case_dir)]
            cmd += ["--model", str(model_path), "--result", str(result)]
            code = subprocess.run(cmd, check=False).returncode
            data = json.loads(result.read_text()) if code == 0 and result.exists() else {}
            data.update(backend=backend, exit_code=code, load_average_before=round(load, 1))
            results.append(data)
            if backend == "postgresql":
                from benchmarks import linkage_pg

                linkage_pg.drop_database(linkage_pg.PREFIX + "write_bench")
            shutil.rmtree(ws, ignore_errors=True)
    print("command: python benchmarks/linkage_write.py " + " ".join(sys.argv[1:]))
    print(f"{'backend':<11} {'stage':<24} {'seconds':>8} {'CPU s':>8}")
    for r in results:
        for stage, t in r.get("stages", {}).items():
            print(f"{r['backend']:<11} {stage:<24} {t['seconds']:>8} {t['cpu_seconds']:>8}")
        print(
            f"{r['backend']:<11} peak RSS {r.get('peak_rss_gib')} GiB; load average "
            f"{r['load_average_before']}; {r.get('records', 0):,} records, "
            f"{r.get('pairs', 0):,} pairs; {r.get('counts')}"
        )
    text = json.dumps({"benchmark": "linkage_write", "results": results}, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How many candidate pairs each blocking rule of the model generates (what scoring compares).

Run::

    python benchmarks/linkage_blocking.py --persons 100000   # the 278,393-record case
    python benchmarks/linkage_blocking.py --persons 3000
    python benchmarks/linkage_blocking.py --set historical_50k   # a shared set

Loads the cached, imported (never linked) workspace of ``benchmarks/linkage.py``
(``benchmarks/out/ws-p{persons}-s{seed}``), featurises its records as ``habeas
link`` does, and for each blocking rule in the model's order (the document
columns, then the exploded ``name_keys``, ``dob_keys``, ``res_keys`` and ``typo_keys``,
the last only for pairs where a record has no exact date, as the model's rule) prints
its keys, its largest block, the pairs its blocks hold (before and after removing
duplicates) and the pairs it adds to the rules before it — Splink scores each pair
once. Then the total per record, the featurising time and the peak memory. The
pairs are counted with DuckDB (memory limit 3 GB); nothing is scored or written.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import linkage_harness as harness  # noqa: E402
from habeas.linkage.features import load_features  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
COLUMNS = ("a_number", "cedula_ve", "dui_sv", "other_id")
EXPLODED = ("name_keys", "dob_keys", "res_keys", "typo_keys")


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _keys(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """(uid, k): one row per record and key of ``column``."""
    if column in EXPLODED:
        held = frame[["unique_id", column]].explode(column).dropna()
    else:
        held = frame.loc[frame[column].notna(), ["unique_id", column]]
    out = pd.DataFrame({"uid": held["unique_id"].astype("int64"), "k": held[column].astype(str)})
    # the typo keys are compared only where a record has no exact date (model.BLOCKING_RULES)
    dated = frame.loc[held.index, "dob"].notna().to_numpy()
    out["dated"] = dated if column == "typo_keys" else False
    return out


def count(frame: pd.DataFrame) -> list[dict[str, object]]:
    con = duckdb.connect(config={"memory_limit": "3GB"})
    con.execute("CREATE TABLE seen (a BIGINT, b BIGINT)")
    rows = []
    for column in (*COLUMNS, *EXPLODED):
        keys = _keys(frame, column)
        con.register("keys", keys)
        n_keys, biggest, raw = con.execute(
            "SELECT count(*), coalesce(max(n), 0), coalesce(sum(n * (n - 1) // 2), 0) "
            "FROM (SELECT k, count(*) AS n FROM keys GROUP BY k)"
        ).fetchone() or (0, 0, 0)
        con.execute(
            "CREATE OR REPLACE TABLE p AS SELECT DISTINCT l.uid AS a, r.uid AS b "
            "FROM keys l JOIN keys r ON l.k = r.k AND l.uid < r.uid "
            "AND NOT (l.dated AND r.dated)"
        )
        con.unregister("keys")
        distinct = (con.execute("SELECT count(*) FROM p").fetchone() or (0,))[0]
        con.execute("CREATE OR REPLACE TABLE new AS SELECT * FROM p ANTI JOIN seen USING (a, b)")
        added = (con.execute("SELECT count(*) FROM new").fetchone() or (0,))[0]
        con.execute("INSERT INTO seen SELECT * FROM new")
        rows.append(
            {"rule": column, "keys": n_keys, "largest block": biggest, "pairs in blocks": raw}
            | {"distinct pairs": distinct, "new pairs": added}
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--set", help="a shared set (../shared/data/linkage, febrl3, febrl4)")
    args = parser.parse_args(argv)
    if args.set:
        from benchmarks.linkage_diagnose import shared_workspace

        store, _truth = shared_workspace(args.set)
    else:
        _case, ws_dir, _info = harness.cached_case_workspace(args.out, args.persons, args.seed)
        store = harness.open_store(ws_dir)
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        frame = load_features(store)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        store.close()
    peak = _peak_gib()
    rows = count(frame)
    what = args.set or f"{args.persons:,} persons, seed {args.seed}"
    print(f"{len(frame):,} records ({what})")
    print(f"reading and featurising: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.2f} GiB")
    print(
        f"{'rule':10s} {'keys':>10s} {'largest':>8s} {'in blocks':>12s} "
        f"{'distinct':>12s} {'new':>12s}"
    )
    for r in rows:
        print(
            f"{r['rule']!s:10s} {r['keys']:>10,} {r['largest block']:>8,} "
            f"{r['pairs in blocks']:>12,} {r['distinct pairs']:>12,} {r['new pairs']:>12,}"
        )
    total = sum(int(str(r["new pairs"])) for r in rows)
    print(f"candidate pairs: {total:,} ({total / max(len(frame), 1):.1f} per record)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

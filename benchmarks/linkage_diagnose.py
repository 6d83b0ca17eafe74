"""Where linkage loses recall on a synthetic case: a breakdown of every true pair.

Run::

    python benchmarks/linkage_diagnose.py --persons 3000 --seed 2025 [--show 20]
    python benchmarks/linkage_diagnose.py --set rldata10000 --show 20   # a shared set

Loads the cached, imported (never linked) workspace of the benchmark
(``benchmarks/out/ws-p{persons}-s{seed}``, made by ``benchmarks/linkage.py``),
trains and scores with :mod:`habeas.linkage.model` exactly as ``link`` does,
clusters with :func:`habeas.linkage.cluster.cluster`, and sorts every true
pair of records (two records of one true person) into one bucket:

* ``not blocked`` — no blocking rule put the two records in one pair;
* ``below review`` — scored, under the review band;
* ``in band`` — scored in ``[review_low, threshold)``;
* ``above, refused`` — at or above the threshold but not joined
  (constraint, ambiguity, a weaker candidate);
* ``joined`` — in one cluster at the end (directly or transitively).

Then sorts the missed true pairs by what their records carry: both a document
number or a date of birth; a bare name (neither) that several true persons
share — no method can join those safely, and in a large register they are most
of what is missed; a bare name only this person has. Also prints the wrong
merges (false pairs inside one cluster, by the pair that joined them) and, with
``--show``, examples of the missed pairs. Thresholds default to ``habeas link``'s.
Nothing is written to the workspace.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from benchmarks import linkage_harness as harness  # noqa: E402
from benchmarks.linkage_metrics import read_ground_truth, score_labels  # noqa: E402
from habeas.linkage.run import (  # noqa: E402
    AMBIGUITY_MARGIN,
    DEFAULT_REVIEW_BAND,
    DEFAULT_THRESHOLD,
)

OUT = ROOT / "benchmarks" / "out"


def truth_by_record(store: Any, case_dir: Path) -> dict[int, str]:
    keys = harness.record_keys(store)
    truth = read_ground_truth(case_dir / "ground_truth.csv")
    return {rid: truth[key] for rid, key in keys.items() if key in truth}


def shared_workspace(name: str) -> tuple[Any, dict[tuple[str, str], str]]:
    """A set of ``../shared/data/linkage`` (or FEBRL3/4) imported once into a cached workspace."""
    from benchmarks.linkage_plain import load_dataset
    from benchmarks.linkage_shared import DATA, import_lists

    work = OUT / f"shared-{name}"
    work.mkdir(parents=True, exist_ok=True)
    ds = load_dataset(name, DATA, work)
    pristine = work / "ws"
    if not (pristine / ".imported").exists():
        if pristine.exists():
            shutil.rmtree(pristine)
        store = harness.new_store(pristine)
        import_lists(store, ds, work)
        store.close()
        (pristine / ".imported").write_text("ok")
    return harness.open_store(pristine), ds.truth


def shared_truth(store: Any, truth: dict[tuple[str, str], str]) -> dict[int, str]:
    keys = harness.record_keys(store)
    return {rid: truth.get(key, f"missing:{rid}") for rid, key in keys.items()}


def diagnose(
    persons: int,
    seed: int,
    show: int,
    threshold: float,
    review_low: float,
    margin: float,
    shared: str | None = None,
) -> dict[str, Any]:
    from habeas.linkage import model as mdl
    from habeas.linkage import training
    from habeas.linkage.cluster import cluster
    from habeas.linkage.features import load_features

    if shared:
        store, truth = shared_workspace(shared)
    else:
        case_dir, ws_dir, _info = harness.cached_case_workspace(OUT, persons, seed)
        store = harness.open_store(ws_dir)
    c0 = _cpu()
    try:
        frame = load_features(store)
        truth = truth_by_record(store, case_dir) if not shared else shared_truth(store, truth)
    finally:
        store.close()
    c1, t0 = _cpu(), time.perf_counter()
    model = training.train(frame)
    c2, t1 = _cpu(), time.perf_counter()
    pairs = mdl.predict(frame, model, threshold=1e-9)
    c3, t2 = _cpu(), time.perf_counter()
    result = cluster(
        frame, pairs, threshold=threshold, review_low=review_low, ambiguity_margin=margin
    )
    c4, t3 = _cpu(), time.perf_counter()
    print(
        f"CPU s (all threads): features {c1 - c0:.1f} (and truth), train {c2 - c1:.1f}, "
        f"predict {c3 - c2:.1f}, cluster {c4 - c3:.1f}; {len(frame):,} records"
    )
    print(
        f"train {t1 - t0:.1f} s, predict {t2 - t1:.1f} s ({len(pairs):,} pairs), "
        f"cluster {t3 - t2:.1f} s; document sharing {model.get('habeas_document_sharing')} "
        f"of {model.get('habeas_document_pairs')} dated pairs sharing a number, "
        f"undated {model.get('habeas_document_sharing_undated')}"
    )
    ids = frame["unique_id"].astype(int).tolist()
    scores = score_labels([result.cluster_of[r] for r in ids], [truth[r] for r in ids])
    print(
        f"P {scores.precision:.4f}  R {scores.recall:.4f}  F1 {scores.f1:.4f}  "
        f"B3 F1 {scores.bcubed_f1:.4f}"
    )
    by_pair = {
        (int(a), int(b)): i
        for i, (a, b) in enumerate(zip(pairs["record_a"], pairs["record_b"], strict=True))
    }
    members: dict[str, list[int]] = {}
    for r in ids:
        members.setdefault(truth[r], []).append(r)
    rows = frame.set_index("unique_id")
    # Who else answers to a bare record's name: (first given name, first surname) →
    # the true persons with a record of that name.
    name_of = dict(
        zip(
            frame["unique_id"].astype(int),
            zip(frame["given1"], frame["sur1"], strict=True),
            strict=True,
        )
    )
    bare = set(frame.loc[frame["name_only"].astype(bool), "unique_id"].astype(int))
    namesakes: dict[tuple[Any, Any], set[str]] = {}
    for r in ids:
        namesakes.setdefault(name_of[r], set()).add(truth[r])
    carried: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    prob = pairs["match_probability"].tolist()
    for group in members.values():
        for a, b in itertools.combinations(sorted(group), 2):
            if result.cluster_of[a] == result.cluster_of[b]:
                bucket = "joined"
            elif (a, b) not in by_pair:
                bucket = "not blocked"
            else:
                i = by_pair[(a, b)]
                p = prob[i]
                bucket = (
                    "below review"
                    if p < review_low
                    else "in band"
                    if p < threshold
                    else f"above, refused ({result.reason[i]})"
                )
                if bucket != "below review" and result.reason[i]:
                    bucket += f" [{result.reason[i]}]" if p < threshold else ""
            buckets[bucket] += 1
            if bucket != "joined":
                bare_sides = [r for r in (a, b) if r in bare]
                carried[
                    "both records carry a document or a date of birth"
                    if not bare_sides
                    else "a bare name that several true persons share"
                    if any(len(namesakes[name_of[r]]) > 1 for r in bare_sides)
                    else "a bare name only this person has"
                ] += 1
            if bucket != "joined" and len(examples.setdefault(bucket, [])) < show:
                extra = ""
                if (a, b) in by_pair:
                    i = by_pair[(a, b)]
                    ev = {
                        k[3:]: round(v, 1)
                        for k, v in pairs.iloc[i].items()
                        if str(k).startswith("mw_")
                        and not str(k).startswith("mw_tf")
                        and v == v
                        and v != 0
                    }
                    extra = f" p={prob[i]:.3f} {ev}"
                examples[bucket].append(
                    f"{_describe(rows.loc[a])}\n      {_describe(rows.loc[b])}{extra}"
                )
    total = sum(buckets.values())
    print(f"\ntrue pairs: {total:,}")
    for bucket, n in buckets.most_common():
        print(f"  {bucket:<40} {n:>7,}  {n / total:6.1%}")
    print(
        "missed true pairs, by what the records carry (a bare name: no document number, "
        "no date of birth; namesakes by first given name and first surname):"
    )
    for kind, n in carried.most_common():
        print(f"  {kind:<52} {n:>7,}  {n / total:6.1%} of true pairs")
    wrong: Counter[str] = Counter()
    clusters: dict[int, list[int]] = {}
    for r in ids:
        clusters.setdefault(result.cluster_of[r], []).append(r)
    for group in clusters.values():
        for a, b in itertools.combinations(sorted(group), 2):
            if truth[a] != truth[b]:
                direct = by_pair.get((a, b))
                kind = (
                    "direct" if direct is not None and prob[direct] >= threshold else "transitive"
                )
                wrong[kind] += 1
                if len(examples.setdefault(f"wrong ({kind})", [])) < show:
                    p = f" p={prob[direct]:.3f}" if direct is not None else ""
                    examples[f"wrong ({kind})"].append(
                        f"{_describe(rows.loc[a])}\n      {_describe(rows.loc[b])}{p}"
                    )
    print(f"wrong pairs in clusters: {dict(wrong)}")
    for bucket, lines in examples.items():
        if not lines:
            continue
        print(f"\n--- {bucket}")
        for line in lines:
            print(f"    {line}")
    return {"buckets": dict(buckets), "wrong": dict(wrong), "missed_by_kind": dict(carried)}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _describe(row: Any) -> str:
    def v(x: Any) -> Any:
        return None if x is None or (isinstance(x, float) and x != x) else x

    ids = ",".join(row["ids"]) if row["ids"] is not None and len(row["ids"]) else "-"
    return (
        f"[src {row['source_id']}{'*' if row['rpp'] else ''}] {v(row['given1'])} "
        f"{v(row['given2']) or ''} | {v(row['sur1'])} {v(row['sur2']) or ''} | "
        f"dob {v(row['dob']) or (str(v(row['dob_lo'])) + '..' + str(v(row['dob_hi'])))} "
        f"| {ids} | {v(row.get('addr')) or '-'} {v(row.get('locality')) or ''}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--show", type=int, default=0)
    # The defaults of ``habeas link``.
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--review-low", type=float, default=DEFAULT_REVIEW_BAND[0])
    parser.add_argument("--margin", type=float, default=AMBIGUITY_MARGIN)
    parser.add_argument("--set", help="a shared set (../shared/data/linkage, febrl3, febrl4)")
    args = parser.parse_args()
    diagnose(
        args.persons, args.seed, args.show, args.threshold, args.review_low, args.margin, args.set
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

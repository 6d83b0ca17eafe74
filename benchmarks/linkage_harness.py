"""The habeas side of the linkage benchmark: workspaces, imports, linking, review, export.

Everything goes through habeas' public library calls — ``init_workspace``,
``Store.open``, ``import_file`` / ``load_case``, ``habeas.linkage.link`` /
``queue`` / ``decide`` and ``queries.iter_links`` (what ``habeas export
links`` writes) — so the benchmark measures what a user gets.

The linkage facade is looked up at call time: when it is missing or fails, the
functions raise :class:`LinkageUnavailable` with the reason, and the benchmark
reports that row as not run instead of crashing.
"""

from __future__ import annotations

import csv
import inspect
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

ACTOR = "benchmark"
REVIEWER = "simulated-reviewer"


class LinkageUnavailable(RuntimeError):
    """habeas.linkage (or one of its calls) is missing or failed."""


# --- workspaces -------------------------------------------------------------------------------


def schema_revision() -> str:
    from habeas.store import migrate

    return str(migrate.head_revision())


def new_store(directory: Path) -> Any:
    from habeas.store.db import Store
    from habeas.workspace import init_workspace

    return Store.open(init_workspace(directory), create=True)


def open_store(directory: Path) -> Any:
    from habeas.store.db import Store
    from habeas.workspace import load_workspace

    return Store.open(load_workspace(directory), create=True)  # create=True: migrate if behind


def copy_workspace(pristine: Path, target: Path) -> Any:
    """A private, writable copy of a cached, imported (never linked) workspace."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(pristine, target)
    return open_store(target)


def cached_case_workspace(
    out_dir: Path, persons: int, seed: int, log: Callable[[str], None] = print
) -> tuple[Path, Path, dict[str, Any]]:
    """Generate (once) the synthetic case and import it (once) into a pristine workspace.

    Returns (case directory, workspace directory, info with timings). Both are
    cached under ``out_dir``, keyed by persons and seed; a cached workspace is
    migrated to the current schema (as ``habeas migrate`` would) before use.
    """
    from habeas.demo import load_case
    from habeas.synth import generate_case

    case_dir = out_dir / f"case-p{persons}-s{seed}"
    ws_dir = out_dir / f"ws-p{persons}-s{seed}"
    info_path = ws_dir.parent / (ws_dir.name + ".json")

    def generate() -> None:
        log(f"  generating the synthetic case ({persons:,} persons, seed {seed}) …")
        t0 = time.perf_counter()
        if case_dir.exists():
            shutil.rmtree(case_dir)
        generate_case(case_dir, persons=persons, seed=seed, lists_format_mix=False)
        log(f"  generated in {time.perf_counter() - t0:.1f} s")

    fresh = not (case_dir / "case.json").exists()
    if fresh:
        generate()
    if not ws_dir.exists():  # an older cache, named by the schema revision it was made at
        for old in sorted(out_dir.glob(f"{ws_dir.name}-r*.json")):
            old_ws = old.with_suffix("")
            if old_ws.is_dir():
                old_ws.rename(ws_dir)
                old.rename(info_path)
                break
    if ws_dir.exists() and info_path.exists():
        try:
            open_store(ws_dir).close()  # brings the cached store up to the current schema
            return case_dir, ws_dir, json.loads(info_path.read_text())
        except Exception as exc:  # noqa: BLE001 - a failed migration: import again
            log(
                f"  the cached workspace does not migrate to the current schema "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]}); re-importing"
            )
    info_path.unlink(missing_ok=True)  # written again only once the import has finished
    if ws_dir.exists():
        shutil.rmtree(ws_dir)
    log(f"  importing every list through the importer into {ws_dir.name} …")
    t0 = time.perf_counter()
    store = new_store(ws_dir)
    try:
        try:
            result = load_case(store, case_dir / "case.json")
        except Exception as exc:  # noqa: BLE001 - a case made by an older generator
            if fresh:
                raise
            log(
                f"  the cached case does not import with this habeas ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:120]}); generating it again"
            )
            store.close()
            shutil.rmtree(ws_dir)
            generate()
            t0 = time.perf_counter()
            store = new_store(ws_dir)
            result = load_case(store, case_dir / "case.json")
        records = sum(imp.records for imp in result.imports)
    finally:
        store.close()
    info = {
        "persons": persons,
        "seed": seed,
        "records": records,
        "import_seconds": round(time.perf_counter() - t0, 2),
        "schema_revision": schema_revision(),
    }
    info_path.write_text(json.dumps(info))
    log(f"  imported {records:,} records in {info['import_seconds']} s")
    return case_dir, ws_dir, info


# --- FEBRL into habeas -----------------------------------------------------------------------

FEBRL_MAPPING = {
    "rec_id": "record_id",
    "given_name": "given_names",
    "surname": "surnames",
    "date_of_birth": "date_of_birth",
    # A social-security number is a national identity number of unknown type:
    # habeas stores it as ``national_id`` (letters and digits), which the model
    # compares exactly ("other_id"). ``passport`` would be compared the same way
    # but would misdescribe the document.
    "soc_sec_id": "national_id",
    # The address is the person's place of residence (``record.residence``), compared
    # by the model's "address" and "locality" comparisons. FEBRL writes the house
    # number in a column of its own (habeas' ``street_number``), the street in
    # address_1, a building or property name in address_2, and an Australian
    # suburb, postcode and state.
    "street_number": "street_number",
    "address_1": "address",
    "address_2": "address_line2",
    "suburb": "locality",
    "postcode": "postcode",
    "state": "region",
    "date_of_birth_as_written": "-",
}


def _valid_yyyymmdd(text: Any) -> bool:
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return False
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return True


def write_febrl_csv(df: pd.DataFrame, path: Path) -> int:
    """Write a FEBRL frame as a CSV habeas can import; returns how many dates were blanked.

    habeas refuses impossible dates (FEBRL's corrupted copies have months 13–99,
    days 32–99): those cells are left empty in ``date_of_birth`` and the value is
    kept in the extra column ``date_of_birth_as_written``.
    """
    frame = df.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "rec_id"})
    frame = frame.astype("string").apply(lambda c: c.str.strip())
    written = frame["date_of_birth"].copy()
    valid = written.map(_valid_yyyymmdd).astype(bool)
    frame["date_of_birth_as_written"] = written
    frame.loc[~valid, "date_of_birth"] = pd.NA
    frame.to_csv(path, index=False)
    return int((~valid & written.notna()).sum())


def import_febrl(
    store: Any, frames: dict[str, pd.DataFrame], work: Path, one_row_per_person: bool
) -> dict[str, Any]:
    """Import FEBRL frames (title → frame) with ``import_file``; returns counts and seconds."""
    from habeas.ingest.importer import ImportOptions, import_file

    t0 = time.perf_counter()
    blanked = 0
    records = 0
    for title, df in frames.items():
        path = work / f"{title.replace(' ', '_')}.csv"
        blanked += write_febrl_csv(df, path)
        options = ImportOptions(
            source_title=title,
            source_kind="list",
            mapping=FEBRL_MAPPING,
            date_order="YMD",
            one_row_per_person=one_row_per_person,
        )
        records += import_file(store, path, options, actor=ACTOR).records
    return {
        "records": records,
        "dates_blanked": blanked,
        "import_seconds": time.perf_counter() - t0,
    }


# --- the linkage facade ----------------------------------------------------------------------


def _facade(name: str) -> Callable[..., Any]:
    try:
        import habeas.linkage as linkage
    except Exception as exc:  # noqa: BLE001 - report why, do not crash
        raise LinkageUnavailable(
            f"import habeas.linkage failed: {type(exc).__name__}: {exc}"
        ) from exc
    func = getattr(linkage, name, None)
    if func is None:
        raise LinkageUnavailable(
            f"habeas.linkage.{name} does not exist (linkage core not landed yet)"
        )
    return func  # type: ignore[no-any-return]


def _accepts(func: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def _report_dict(report: Any) -> dict[str, Any]:
    if report is None:
        return {}
    if hasattr(report, "__dataclass_fields__"):
        from dataclasses import asdict

        raw = asdict(report)
    elif isinstance(report, dict):
        raw = dict(report)
    else:
        raw = {k: v for k, v in vars(report).items() if not k.startswith("_")}
    return {
        k: v for k, v in raw.items() if isinstance(v, int | float | str | bool | dict | type(None))
    }


def run_link(store: Any, **options: Any) -> tuple[dict[str, Any], float]:
    """``habeas.linkage.link(store)``; returns (the LinkReport's scalar fields, seconds).

    The report gets ``stage_seconds``: time between the run's progress steps
    (features, training or model, scoring, clustering, writing), when the
    facade reports progress; and ``stage_cpu_seconds``, the process's CPU time
    in each (on a shared machine, wall time also counts waiting for a core).
    """
    link = _facade("link")
    marks: list[tuple[str, float, float]] = []

    def progress(stage: str, _done: int, _total: int) -> None:
        marks.append((stage, time.perf_counter(), time.process_time()))

    t0 = time.perf_counter()
    try:
        report = link(store, **_accepts(link, actor=ACTOR, progress=progress, **options))
    except Exception as exc:  # noqa: BLE001
        raise LinkageUnavailable(
            f"habeas.linkage.link failed: {type(exc).__name__}: {exc}"
        ) from exc
    seconds = time.perf_counter() - t0
    out = _report_dict(report)
    if marks:
        stages: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for (stage, t, c), (_next, t_next, c_next) in zip(marks, marks[1:], strict=False):
            stages[stage] = round(stages.get(stage, 0.0) + t_next - t, 3)
            cpu[stage] = round(cpu.get(stage, 0.0) + c_next - c, 3)
        out["stage_seconds"] = stages
        out["stage_cpu_seconds"] = cpu  # this process's CPU (DuckDB's threads included)
    return out, seconds


def saved_model(store: Any) -> dict[str, Any] | None:
    """The trained model a linkage run stored (what ``habeas link`` reuses), or None."""
    from habeas.linkage.run import latest_model

    found = latest_model(store)
    return None if found is None else found[0]


def give_model(store: Any, model: dict[str, Any]) -> None:
    """Store ``model`` as the latest trained model, as a run that trained it would.

    The next ``link(store)`` (no ``retrain``) then reuses it instead of training.
    """
    from habeas.linkage.run import store_model

    store_model(store, model, actor=ACTOR)


# --- links out, keys ---------------------------------------------------------------------------


def iter_links(store: Any) -> Iterator[dict[str, Any]]:
    from habeas.store import queries

    return queries.iter_links(store)  # type: ignore[no-any-return]


def export_links_csv(store: Any, path: Path) -> int:
    """Stream the links (the rows of ``habeas export links``) to CSV without holding them."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "person_id", "method", "score"])
        for row in iter_links(store):
            writer.writerow(
                [row["source"], row["record_id"], row["person_id"], row["method"], row["score"]]
            )
            n += 1
    return n


def record_keys(store: Any) -> dict[int, tuple[str, str]]:
    """Store record id → (source title, record id as the source wrote it)."""
    from sqlalchemy import select

    from habeas.store.schema import Record, Source

    with store.read() as s:
        rows = s.execute(
            select(Record.id, Source.title, Record.record_key).join(
                Source, Source.id == Record.source_id
            )
        )
        return {rid: (title, key) for rid, title, key in rows}


# --- the simulated reviewer ----------------------------------------------------------------------


def _field(item: Any, *names: str) -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            return getattr(item, name)
    return None


def _pair_records(item: Any) -> tuple[Any, Any]:
    for a, b in (
        ("record_a", "record_b"),
        ("record_id_a", "record_id_b"),
        ("left_record_id", "right_record_id"),
        ("left", "right"),
        ("record_l", "record_r"),
        ("unique_id_l", "unique_id_r"),
    ):
        ra, rb = _field(item, a), _field(item, b)
        if ra is not None and rb is not None:
            return _as_id(ra), _as_id(rb)
    both = _field(item, "records", "record_ids")
    if both is not None and len(both) == 2:
        return _as_id(both[0]), _as_id(both[1])
    raise LinkageUnavailable(f"cannot find the two record ids on a queue item: {item!r}")


def _as_id(value: Any) -> Any:
    inner = _field(value, "id", "record_id")
    return value if inner is None else inner


@dataclass
class ReviewOutcome:
    decisions: int = 0
    same: int = 0
    different: int = 0
    unknown: int = 0
    queued_before: int = 0
    seconds: float = 0.0
    relink: dict[str, Any] = field(default_factory=dict)
    relink_seconds: float = 0.0


def simulate_review(
    store: Any,
    truth: dict[tuple[str, str], str],
    budget: int = 500,
    relink: bool = False,
    page: int = 25,
    retrain: bool = False,
) -> ReviewOutcome:
    """Answer the first ``budget`` queued pairs from the ground truth, as a reviewer would.

    The reviewer reads the queue a page at a time (``queue(store, limit=page)``,
    the top of the queue as it stands), answers each pair on it — "same" when both
    records belong to the same true person, else "different" — and reads the queue
    again: each decision reorders it (:mod:`habeas.linkage.review_order`), as the
    web page does after every decision. Stops when the budget is spent or the queue
    holds nothing new. ``decide`` applies each decision at once (merges or splits
    persons), so no re-run is needed; ``relink=True`` runs ``link(store)``
    afterwards anyway, ``retrain=True`` makes that ``link(store, retrain=True)``:
    the model trained again with the decisions as labels.
    """
    queue, decide = _facade("queue"), _facade("decide")
    keys = record_keys(store)
    out = ReviewOutcome()
    t0 = time.perf_counter()
    seen: set[Any] = set()
    while out.decisions < budget:
        limit = min(page, budget - out.decisions)
        try:
            found = queue(store, **_accepts(queue, limit=limit, reader=_reader()))
        except TypeError:
            found = queue(store, limit)
        items = list(found)
        if out.queued_before == 0:
            out.queued_before = int(_field(found, "count") or len(items))
        fresh = [it for it in items if _pair_key(it) not in seen][:limit]
        if not fresh:
            break
        for item in fresh:
            seen.add(_pair_key(item))
            ra, rb = _pair_records(item)
            ta, tb = truth.get(keys.get(ra, ("", ""))), truth.get(keys.get(rb, ("", "")))
            if ta is None or tb is None:
                out.unknown += 1
                decision = "unsure"
            else:
                decision = "same" if ta == tb else "different"
            pair = _field(item, "pair", "pair_id", "id")
            pair = item if pair is None else pair
            decide(
                store,
                pair,
                decision,
                **_accepts(
                    decide,
                    reviewer=REVIEWER,
                    reader=_reader(),
                    note="benchmark: answered from ground truth",
                ),
            )
            out.decisions += 1
            out.same += decision == "same"
            out.different += decision == "different"
    out.seconds = time.perf_counter() - t0
    if relink or retrain:
        out.relink, out.relink_seconds = run_link(store, **({"retrain": True} if retrain else {}))
    return out


def _reader() -> Any:
    """The benchmark's reviewer: the workspace owner, reading for an audit of the register."""
    try:
        from habeas.access.reader import Reader
    except ImportError:  # an older habeas: its review functions take no reader
        return None
    return Reader("admin", REVIEWER, "audit")


def _pair_key(item: Any) -> Any:
    pair = _field(item, "pair", "pair_id", "id")
    if pair is not None and isinstance(pair, int | str | tuple):
        return pair
    a, b = _pair_records(item)
    return (a, b) if str(a) <= str(b) else (b, a)

"""Helpers for the robustness tests: a chosen subset of the synthetic case's lists, imported
in a chosen order through the real importer, and checks on the links that result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkage_support import current_persons, pairs_of, truth
from sqlalchemy import func, select

from habeas.ingest.importer import ImportOptions, ImportResult, import_file
from habeas.store.db import Store
from habeas.store.schema import Link, Record
from habeas.workspace import init_workspace

ACTOR = "robust-test"


def case_lists(case_json: Path) -> dict[str, dict[str, Any]]:
    """The case's lists, by file stem (``flight_manifest``, ``relatives_reports`` …)."""
    case = json.loads(case_json.read_text(encoding="utf-8"))
    return {Path(spec["file"]).stem: spec for spec in case["sources"] if spec.get("file")}


def import_options(spec: dict[str, Any]) -> ImportOptions:
    """One case.json source as the importer's options.

    The list options are those :func:`habeas.demo.load_case` passes; the source's own
    description (kind, reliability, one row per person …), which ``load_case`` registers
    beforehand with ``add_source``, goes in too, as ``habeas import`` would give it for a
    new source.
    """
    return ImportOptions(
        source_title=spec["title"],
        source_kind=spec["kind"],
        reliability=spec.get("reliability"),
        publisher=spec.get("publisher"),
        published_on=spec.get("date"),
        url=spec.get("url"),
        language=spec.get("language"),
        notes=spec.get("notes"),
        one_row_per_person=bool(spec.get("one_row_per_person")),
        mapping=dict(spec.get("map") or {}),
        defaults={k: str(v) for k, v in (spec.get("defaults") or {}).items()},
        date_order=spec.get("date_order"),
        sheet=spec.get("sheet"),
    )


def import_list(store: Store, case_json: Path, stem: str) -> ImportResult:
    """Import the case's list ``stem`` (e.g. ``relatives_reports``) into ``store``."""
    spec = case_lists(case_json)[stem]
    return import_file(store, case_json.parent / spec["file"], import_options(spec), actor=ACTOR)


def fresh_store(directory: Path) -> Store:
    """A new workspace with its SQLite store (as ``habeas init`` makes it)."""
    return Store.open(init_workspace(directory), create=True)


def record_count(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(Record)).scalar_one())


def current_links_per_record(store: Store) -> dict[int, int]:
    """record id → how many current (not superseded) links it has; every record listed."""
    with store.read() as s:
        records = s.execute(select(Record.id)).scalars().all()
        counts = dict(
            s.execute(
                select(Link.record_id, func.count())
                .where(Link.superseded_at.is_(None))
                .group_by(Link.record_id)
            ).all()
        )
    return {rid: int(counts.get(rid, 0)) for rid in records}


def pairwise_imported(store: Store, case_dir: Path) -> tuple[float, float]:
    """Pairwise precision and recall of the current links on the records imported so far."""
    known = truth(store, case_dir, imported_only=True)
    assert len(known) == record_count(store), "a record the ground truth does not know"
    true = pairs_of(dict(known))
    found = pairs_of(dict(current_persons(store)))
    tp = len(true & found)
    return (tp / len(found) if found else 1.0), (tp / len(true) if true else 1.0)

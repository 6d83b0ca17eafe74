"""Helpers shared by the linkage tests: ground truth and pairwise metrics."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source


def current_persons(store: Store) -> dict[int, int]:
    """record id → current person id."""
    with store.read() as s:
        return dict(
            s.execute(
                select(Link.record_id, Link.person_id).where(Link.superseded_at.is_(None))
            ).all()
        )


def truth(store: Store, case_dir: Path) -> dict[int, str]:
    """record id → true person key, from the generator's ground_truth.csv."""
    with store.read() as s:
        ids = {
            (t, k): rid
            for rid, t, k in s.execute(
                select(Record.id, Source.title, Record.record_key).join(
                    Source, Source.id == Record.source_id
                )
            )
        }
    with (case_dir / "ground_truth.csv").open(encoding="utf-8") as fh:
        return {
            ids[(r["source_title"], r["record_id"])]: r["person_key"] for r in csv.DictReader(fh)
        }


def pairs_of(assignment: dict[int, object]) -> set[tuple[int, int]]:
    groups: dict[object, list[int]] = {}
    for rec, key in assignment.items():
        groups.setdefault(key, []).append(rec)
    return {p for members in groups.values() for p in itertools.combinations(sorted(members), 2)}


def pairwise(store: Store, case_dir: Path) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of the current links against the truth."""
    true = pairs_of(dict(truth(store, case_dir)))
    found = pairs_of(dict(current_persons(store)))
    tp = len(true & found)
    p = tp / len(found) if found else 1.0
    r = tp / len(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)

"""Helpers shared by the linkage tests: ground truth, pairwise metrics, and a review
queue laid out by hand."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage.apply import now
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import LinkageRun, ScoredPair

#: A queued pair as :func:`queue_pairs` writes it: record a, record b, match weight,
#: match probability, reason, priority.
QueuedPair = tuple[int, int, float, float, str, float]


def current_persons(store: Store) -> dict[int, int]:
    """record id → current person id."""
    with store.read() as s:
        return dict(
            s.execute(
                select(Link.record_id, Link.person_id).where(Link.superseded_at.is_(None))
            ).all()
        )


def truth(store: Store, case_dir: Path, *, imported_only: bool = False) -> dict[int, str]:
    """record id → true person key, from the generator's ground_truth.csv: every record of
    the case (a KeyError if one is not in the store), or with ``imported_only`` the
    records of the lists imported so far."""
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
            ids[(r["source_title"], r["record_id"])]: r["person_key"]
            for r in csv.DictReader(fh)
            if not imported_only or (r["source_title"], r["record_id"]) in ids
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


def import_press_list(store: Store, tmp_path: Path, text: str) -> dict[str, int]:
    """Import ``text`` as the news report "Press"; its record ids -> stored record ids."""
    path = tmp_path / "press.csv"
    path.write_text(text, encoding="utf-8")
    import_file(store, path, ImportOptions("Press", "news_report"))
    return {r["record_id"]: int(r["record"]) for r in queries.iter_records(store)}


#: A stored pair as a test writes it: (record a, record b, weight, probability, status,
#: reason, priority).
StoredPair = tuple[int, int, float, float, str, str | None, float | None]


def add_run_with_pairs(op: Any, pairs: list[StoredPair]) -> LinkageRun:
    """A linkage run holding ``pairs`` (each in the store's order, lower id first), written
    in the open operation ``op``."""
    run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
    op.session.add(run)
    op.session.flush()
    for a, b, weight, p, status, why, priority in pairs:
        a, b = pair_key(a, b)
        op.session.add(
            ScoredPair(
                run_id=run.id,
                record_a=a,
                record_b=b,
                match_weight=weight,
                match_probability=p,
                evidence={},
                status=status,
                reason=why,
                priority=priority,
            )
        )
    return run


def queue_pairs(store: Store, pairs: list[QueuedPair]) -> None:
    """Queued pairs as a linkage run leaves them (every record still its own person)."""
    with store.write("tester") as op:
        stored = [(a, b, w, p, "queued", why, pri) for a, b, w, p, why, pri in pairs]
        run = add_run_with_pairs(op, stored)
        op.log("link", "linkage_run", run.id, {"test": "queued pairs"})


def pair_key(a: int, b: int) -> tuple[int, int]:
    """A pair of record ids in the order the store keeps them (lower first)."""
    return (a, b) if a < b else (b, a)

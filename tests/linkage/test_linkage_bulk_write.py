"""The linkage write path's bulk statements store what SQLAlchemy Core would store.

A run writes through :mod:`habeas.store.bulk` (``COPY`` on PostgreSQL, the
driver's ``executemany`` on SQLite, one set-based UPDATE to close links). Here
the same runs go once through those paths and once through plain SQLAlchemy
Core statements (``bulk.PORTABLE``), into two stores holding the same records
and the same model, and every row they wrote is compared. Then: an incremental
run writes only what changed, and a run that fails writes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from habeas.demo import load_case
from habeas.linkage import apply, link
from habeas.linkage import write as linkage_write
from habeas.linkage.run import latest_model, store_model
from habeas.store import bulk
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry, Link, Person
from habeas.store.schema_linkage import LinkageRun, PersonChange, ScoredPair
from habeas.workspace import init_workspace
from tests.conftest import private_pg_schema


@contextmanager
def _second_store(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """Another empty store on the same backend as the ``store`` fixture."""
    if backend == "sqlite":
        store = Store.open(init_workspace(tmp_path / "ws-fast"), create=True)
        try:
            yield store
        finally:
            store.close()
        return
    with private_pg_schema(request.getfixturevalue("postgres_url")) as url:
        saved = os.environ.get("HABEAS_DATABASE_URL")
        os.environ["HABEAS_DATABASE_URL"] = url
        try:
            store = Store.open(init_workspace(tmp_path / "ws-fast"), create=True)
        finally:
            if saved is None:
                os.environ.pop("HABEAS_DATABASE_URL", None)
            else:
                os.environ["HABEAS_DATABASE_URL"] = saved
        try:
            yield store
        finally:
            store.close()


def _case_without_last_list(demo_case: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(the case minus its last list and incidents, the whole case: it adds the last list)."""
    case = json.loads(demo_case.read_text(encoding="utf-8"))
    sources = [dict(src, file=str(demo_case.parent / src["file"])) for src in case["sources"]]
    first = tmp_path / "case_partial.json"
    first.write_text(json.dumps(dict(case, sources=sources[:-1], incidents=[])), encoding="utf-8")
    return first, demo_case


def _runs(store: Store) -> dict[int, int]:
    """Linkage run id → its position among the runs that scored (model-only runs left out)."""
    with store.read() as s:
        ids = s.execute(
            select(LinkageRun.id).where(LinkageRun.kind != "model").order_by(LinkageRun.id)
        ).scalars()
        return {rid: n for n, rid in enumerate(ids)}


def _written(store: Store) -> dict[str, Any]:
    """Every row linkage writes, without timestamps and with run ids as positions."""
    runs = _runs(store)
    with store.read() as s:
        links = s.execute(
            select(
                Link.id,
                Link.record_id,
                Link.person_id,
                Link.method,
                Link.score,
                Link.decided_by,
                Link.superseded_at.is_(None),
            ).order_by(Link.id)
        ).all()
        # One run, one instant: every link a run wrote carries the same time.
        stamps = s.execute(select(Link.method, Link.decided_at).distinct()).all()
        pairs = s.execute(
            select(
                ScoredPair.run_id,
                ScoredPair.record_a,
                ScoredPair.record_b,
                ScoredPair.match_weight,
                ScoredPair.match_probability,
                ScoredPair.evidence,
                ScoredPair.status,
                ScoredPair.reason,
                ScoredPair.priority,
            ).order_by(ScoredPair.id)
        ).all()
        persons = s.execute(select(Person.id, Person.created_by).order_by(Person.id)).all()
        moves = s.execute(
            select(
                PersonChange.person_id,
                PersonChange.into_id,
                PersonChange.records,
                PersonChange.kind,
                PersonChange.actor,
            ).order_by(PersonChange.id)
        ).all()
        log = [
            json.loads(d)
            for d in s.execute(
                select(ChangeLogEntry.detail)
                .where(ChangeLogEntry.action == "link")
                .order_by(ChangeLogEntry.seq)
            ).scalars()
        ]
    return {
        "links": [tuple(r) for r in links],
        "link_instants": len({(m, t) for m, t in stamps if m == "model"}),
        # Ids left out: the scorer's order of pairs of equal weight is not fixed.
        "pairs": sorted(
            (runs[r[0]], *r[1:6], json.dumps(r[6], sort_keys=True), *r[7:]) for r in pairs
        ),
        "persons": [tuple(r) for r in persons],
        "person_change": [tuple(r) for r in moves],
        "log": [
            {k: entry[k] for k in ("merges", "splits", "links_written", "persons_created")}
            for entry in log
        ],
    }


def _scenario(store: Store, first: Path, last: Path, model: dict[str, Any] | None) -> None:
    """Full run, a new list linked incrementally, then a full re-run."""
    load_case(store, first)
    if model is not None:
        store_model(store, model, actor="tester")
    link(store, actor="tester")
    load_case(store, last)
    assert link(store, actor="tester").kind == "incremental"
    link(store, actor="tester", full=True)


def test_bulk_paths_write_what_sqlalchemy_core_writes(
    store: Store,
    backend: str,
    demo_case: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, last = _case_without_last_list(demo_case, tmp_path)
    # The small case closes few links: make every run use the set-based UPDATE too.
    monkeypatch.setattr(apply, "BULK_FROM", 0)
    monkeypatch.setattr(bulk, "PORTABLE", True)
    _scenario(store, first, last, None)
    reference = _written(store)
    found = latest_model(store)
    assert found is not None
    monkeypatch.setattr(bulk, "PORTABLE", False)
    monkeypatch.setattr(linkage_write, "WRITE_BATCH", 7)  # scored pairs written in batches
    with _second_store(tmp_path, backend, request) as fast:
        _scenario(fast, first, last, found[0])
        written = _written(fast)
        assert fast.verify_log().ok
    assert reference["pairs"] and reference["person_change"] and reference["log"][0]["merges"]
    assert written["link_instants"] == reference["link_instants"] == 3
    for key in reference:
        assert written[key] == reference[key], key


def test_an_incremental_run_writes_only_what_changed(
    store: Store, demo_case: Path, tmp_path: Path
) -> None:
    first, last = _case_without_last_list(demo_case, tmp_path)
    load_case(store, first)
    link(store, actor="tester")
    with store.read() as s:
        before = {
            r: (lid, p)
            for lid, r, p in s.execute(
                select(Link.id, Link.record_id, Link.person_id).where(Link.superseded_at.is_(None))
            )
        }
        pairs_before = s.execute(select(ScoredPair.id)).scalars().all()
    load_case(store, last)
    report = link(store, actor="tester")
    assert report.kind == "incremental"
    with store.read() as s:
        after = {
            r: (lid, p)
            for lid, r, p in s.execute(
                select(Link.id, Link.record_id, Link.person_id).where(Link.superseded_at.is_(None))
            )
        }
        new_pairs = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b, ScoredPair.status).where(
                ScoredPair.id.not_in(pairs_before)
            )
        ).all()
        run = s.execute(select(LinkageRun).order_by(LinkageRun.id.desc()).limit(1)).scalar_one()
    new_records = set(after) - set(before)
    moved = {r for r in before if after[r][1] != before[r][1]}
    assert new_records
    # Old records that stayed with their person keep the very same link row.
    assert all(after[r][0] == before[r][0] for r in before if r not in moved)
    assert run.counts["links_written"] == len(new_records) + len(moved)
    # Only pairs with a new record were scored and stored; nothing earlier was superseded.
    assert new_pairs and all(a in new_records or b in new_records for a, b, _ in new_pairs)
    with store.read() as s:
        superseded = s.execute(select(ScoredPair.id).where(ScoredPair.status == "superseded")).all()
    assert not superseded


def test_a_run_that_fails_while_writing_writes_nothing(
    store: Store, demo_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import db_snapshot

    load_case(store, demo_case)
    before = db_snapshot(store)

    def fail(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # Pairs, persons and the links' closing are written by then; the links are not.
    monkeypatch.setattr(apply, "BULK_FROM", 0)
    monkeypatch.setattr(apply, "insert_tuples", _fail_on_links(apply.insert_tuples, fail))
    with pytest.raises(RuntimeError, match="disk full"):
        link(store, actor="tester")
    assert db_snapshot(store) == before
    assert store.verify_log().ok
    assert linkage_write.write_run  # the module under test


def _fail_on_links(real: Any, fail: Any) -> Any:
    def insert(conn: Any, table: Any, *args: Any, **kwargs: Any) -> None:
        if table.name == "link":
            fail()
        real(conn, table, *args, **kwargs)

    return insert


def test_a_statement_failing_inside_the_bulk_update_is_the_error_reported(
    store: Store, demo_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary id table is not dropped after a failure: on PostgreSQL that DROP would
    be refused in the aborted transaction and hide the real error."""
    from sqlalchemy import text

    from habeas.errors import HabeasError
    from tests.conftest import db_snapshot

    load_case(store, demo_case)
    before = db_snapshot(store)
    monkeypatch.setattr(apply, "BULK_FROM", 0)
    monkeypatch.setattr(apply, "text", lambda _sql: text("UPDATE no_such_table SET x = :at"))
    with pytest.raises(HabeasError, match="no_such_table"):
        link(store, actor="tester")
    assert db_snapshot(store) == before

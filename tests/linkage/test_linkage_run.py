"""End-to-end linkage on the synthetic case, on SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from linkage_support import current_persons, pairwise, truth
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.demo import load_case
from habeas.linkage import explain, link, queue
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry, Link
from habeas.store.schema_linkage import LinkageRun, ScoredPair


def test_full_run_meets_precision_and_recall(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    report = link(store, actor="tester")
    assert report.trained and report.kind == "full"
    precision, recall, f1 = pairwise(store, demo_case.parent)
    print(f"demo case 300 persons: P={precision:.4f} R={recall:.4f} F1={f1:.4f}")
    assert precision >= 0.99
    assert recall >= 0.85
    assert report.records == len(truth(store, demo_case.parent))
    assert report.persons == len(set(current_persons(store).values()))
    assert report.merges > 0 and report.queued > 0
    # The change log names the merges and verifies.
    with store.read() as s:
        entry = s.execute(
            select(ChangeLogEntry).order_by(ChangeLogEntry.seq.desc()).limit(1)
        ).scalar_one()
        run = s.execute(select(LinkageRun)).scalar_one()
        methods = set(s.execute(select(Link.method).where(Link.superseded_at.is_(None))).scalars())
    detail = json.loads(entry.detail)
    assert entry.action == "link" and len(detail["merges"]) == report.merges
    assert all({"into", "from"} <= set(m) for m in detail["merges"])
    assert run.model is not None and json.loads(run.model)["comparisons"]
    assert methods == {"model"}
    assert store.verify_log().ok
    # Every person with several records can say why they were joined.
    person = max(
        set(current_persons(store).values()),
        key=lambda p: list(current_persons(store).values()).count(p),
    )
    reasons = explain(store, person)
    assert reasons and all(r["evidence"] for r in reasons if r["pair_id"])
    assert any(w > 0 for r in reasons for _, w in r["evidence"].values())
    # The queue is ordered by priority.
    q = queue(store, 1000, reader=Reader("admin", "ana", "documentation"))
    assert [r["priority"] for r in q] == sorted((r["priority"] for r in q), reverse=True)


def test_second_run_reuses_model_and_changes_nothing(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    link(store, actor="tester")
    before = current_persons(store)
    again = link(store, actor="tester")
    assert not again.trained and again.kind == "incremental"
    assert again.pairs_scored == 0 and again.merges == 0
    assert current_persons(store) == before


def test_incremental_link_of_a_new_list(store: Store, demo_case: Path, tmp_path: Path) -> None:
    """Import all lists but one, link, then import the last one and link incrementally."""
    case = json.loads(demo_case.read_text(encoding="utf-8"))
    held_back = case["sources"][-1]
    sources = [dict(src, file=str(demo_case.parent / src["file"])) for src in case["sources"]]
    partial = dict(case, sources=sources[:-1], incidents=[])
    first = tmp_path / "case_partial.json"
    first.write_text(json.dumps(partial), encoding="utf-8")
    load_case(store, first)
    full = link(store, actor="tester")
    with store.read() as s:
        old_pairs = s.execute(select(ScoredPair.id, ScoredPair.status)).all()
    load_case(store, demo_case)
    inc = link(store, actor="tester")
    assert inc.kind == "incremental" and not inc.trained
    assert inc.model_records == full.records and full.model_records == full.records
    assert inc.model_outgrown is (inc.records >= 2 * full.records)
    with store.read() as s:
        run = s.get(LinkageRun, inc.run_id)
        assert run is not None
        new_pairs = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b).where(ScoredPair.run_id == inc.run_id)
        ).all()
        kept = s.execute(
            select(ScoredPair.id, ScoredPair.status).where(ScoredPair.run_id == full.run_id)
        ).all()
    new_count = run.counts["new_records"]
    assert new_count == inc.records - full.records > 0
    assert sorted(kept) == sorted(old_pairs)  # old pairs neither re-scored nor touched
    persons = current_persons(store)
    new_records = sorted(persons)[-new_count:]
    assert all(a in new_records or b in new_records for a, b in new_pairs)
    attached = [r for r in new_records if list(persons.values()).count(persons[r]) > 1]
    assert len(attached) > new_count / 2, held_back["title"]
    precision, recall, _ = pairwise(store, demo_case.parent)
    assert precision >= 0.99 and recall >= 0.8


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_retrain_is_a_full_run(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    link(store, actor="tester")
    report = link(store, retrain=True, actor="tester")
    assert report.trained and report.kind == "retrain" and report.merges == 0
    with store.read() as s:
        stale = s.execute(select(ScoredPair.status).where(ScoredPair.run_id == 1)).scalars()
        assert set(stale) <= {"superseded", "decided"}
    assert store.verify_log().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_model_trained_on_a_small_start_says_it_was_outgrown(
    store: Store, demo_case: Path, workspace: object, tmp_path: Path
) -> None:
    """Link one list, import the others: the incremental run reuses the model and says
    the register outgrew it (``habeas link`` prints the hint); ``--retrain`` clears it."""
    import typer
    from typer.testing import CliRunner

    from habeas.cli import linkage as cli

    case = json.loads(demo_case.read_text(encoding="utf-8"))
    sources = [dict(src, file=str(demo_case.parent / src["file"])) for src in case["sources"]]
    first = tmp_path / "case_first_list.json"
    first.write_text(json.dumps(dict(case, sources=sources[:1], incidents=[])), encoding="utf-8")
    load_case(store, first)
    start = link(store, actor="tester")
    assert start.trained and not start.model_outgrown and start.model_records == start.records
    load_case(store, demo_case)
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli.register(app)
    ws = ["--workspace", str(workspace.root)]  # type: ignore[attr-defined]
    printed = CliRunner().invoke(app, ["link", *ws])
    assert printed.exit_code == 0, printed.output
    said = " ".join(printed.output.split())  # Rich wraps long lines
    assert f"trained on {start.records:,} records" in said and "habeas link --retrain" in said
    out = CliRunner().invoke(app, ["link", "--json", *ws])  # nothing new: the same model
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert report["records"] >= 2 * start.records  # the precondition of this test
    assert report["model_records"] == start.records and report["model_outgrown"] is True
    retrained = link(store, retrain=True, actor="tester")
    assert retrained.model_records == retrained.records and not retrained.model_outgrown
    plain = CliRunner().invoke(app, ["link", *ws])
    assert "--retrain" not in plain.output

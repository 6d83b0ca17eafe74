"""Every review decision can be reversed (issue #13.2): an undo is a new decision, logged;
the records it merged are split again, the pair is queued again, and the next link run
(:func:`habeas.linkage.run.human_decisions`) obeys the newest decision of each pair.
Spanish decision words; the CLI undo.

Four made-up records, one person each after import; the queue is written as a run
would leave it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from habeas.access.reader import Reader
from habeas.errors import UsageError
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import decide, undo
from habeas.linkage.apply import now
from habeas.linkage.run import human_decisions
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.store.schema_linkage import LinkageRun, ReviewDecision, ScoredPair

ADMIN = Reader("admin", "ana", "documentation")
LIST = (
    "ID,Nombre,Fecha de nacimiento\n"
    "1,Ramiro Quintero Albornoz,1990-05-04\n"
    "2,Ramiro Quintero A.,1990-05-04\n"
    "3,Ramiro Quinteros Albornos,\n"
    "4,Ramira Quintana Albornoz,1991-02-03\n"
)


def _setup(store: Store, tmp_path: Path) -> tuple[dict[str, int], int]:
    path = tmp_path / "press.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(store, path, ImportOptions("Press", "news_report"))
    r = {x["record_id"]: int(x["record"]) for x in queries.iter_records(store)}
    with store.write("tester") as op:
        run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
        op.session.add(run)
        op.session.flush()
        a, b = sorted((r["1"], r["2"]))
        pair = ScoredPair(
            run_id=run.id,
            record_a=a,
            record_b=b,
            match_weight=1.0,
            match_probability=0.4,
            evidence={},
            status="queued",
            reason="band",
            priority=1.0,
        )
        op.session.add(pair)
        op.session.flush()
        op.log("link", "linkage_run", run.id, {"test": "queued pair"})
    return r, pair.id


def _persons(store: Store) -> dict[int, int]:
    return {int(x["record"]): int(x["person_id"]) for x in queries.iter_records(store)}


def _status(store: Store, pair_id: int) -> str:
    with store.read() as s:
        return str(
            s.execute(select(ScoredPair.status).where(ScoredPair.id == pair_id)).scalar_one()
        )


def _binding(store: Store) -> dict[tuple[int, int], str]:
    return {
        (int(a), int(b)): str(d)
        for a, b, d in zip(
            *(human_decisions(store)[c] for c in ("record_a", "record_b", "decision")), strict=True
        )
    }


def test_undo_a_same_splits_requeues_and_binds_no_run(store: Store, tmp_path: Path) -> None:
    r, pid = _setup(store, tmp_path)
    a, b = sorted((r["1"], r["2"]))
    merged = decide(
        store, pid, "misma", reader=ADMIN, note="cedula distinta, no es la misma persona"
    )  # Spanish word
    assert merged["decision"] == "same" and merged["merges"]
    assert _persons(store)[a] == _persons(store)[b]
    assert _binding(store) == {(a, b): "same"}
    # the confirmation names both records
    assert {merged["a"]["name"], merged["b"]["name"]} == {
        "Ramiro Quintero Albornoz",
        "Ramiro Quintero A.",
    }
    assert merged["a"]["source"] == "Press"
    undone = undo(store, merged["decision_id"], reader=ADMIN)
    assert undone["was"] == "same" and undone["pair_id"] == pid
    assert _persons(store)[a] != _persons(store)[b]  # split again
    assert _status(store, pid) == "queued"  # back in the queue
    assert _binding(store) == {}  # the next run is not bound by the pair
    with store.read() as s:
        rows = s.execute(
            select(ReviewDecision.decision, ReviewDecision.superseded_at).order_by(
                ReviewDecision.id
            )
        ).all()
        actions = [
            e.action
            for e in s.execute(select(ChangeLogEntry).order_by(ChangeLogEntry.seq)).scalars()
        ]
    assert [d for d, _ in rows] == ["same", "undone"]  # a new decision; the old one kept
    assert rows[0][1] is not None and rows[1][1] is None
    assert actions[-2:] == ["review", "review_undo"]
    assert store.verify_log().ok
    # an undone (superseded) decision cannot be undone twice; a new decision binds again
    with pytest.raises(UsageError):
        undo(store, merged["decision_id"], reader=ADMIN)
    again = decide(store, pid, "distinta", reader=ADMIN)
    assert again["decision"] == "different" and _binding(store) == {(a, b): "different"}
    assert _status(store, pid) == "decided"


def test_undo_a_different_joins_again(store: Store, tmp_path: Path) -> None:
    r, pid = _setup(store, tmp_path)
    a, b = sorted((r["1"], r["2"]))
    decide(store, pid, "same", reader=ADMIN)
    split = decide(store, pid, "different", reader=ADMIN)  # a change of mind: newest wins
    assert _persons(store)[a] != _persons(store)[b]
    assert _binding(store) == {(a, b): "different"}
    undo(store, split["decision_id"], reader=ADMIN)
    assert _binding(store) == {}


def test_the_newest_of_two_current_decisions_binds(store: Store, tmp_path: Path) -> None:
    """Should two decisions of one pair both be current (written by two reviewers at
    once), a run obeys the newer one, not both (a must-link and a cannot-link)."""
    r, _pid = _setup(store, tmp_path)
    a, b = sorted((r["3"], r["4"]))
    at = now()
    with store.write("tester") as op:
        # the newer one written first (a lower id): the time decides, not the row order
        for decision, when in (("same", at + timedelta(seconds=1)), ("different", at)):
            op.session.add(
                ReviewDecision(
                    record_a=a, record_b=b, decision=decision, reviewer="x", decided_at=when
                )
            )
        op.log("review", "review_decision", None, {"test": "two current decisions"})
    assert len(human_decisions(store)) == 1
    assert _binding(store) == {(a, b): "same"}


def test_unknown_decision_words_are_refused(store: Store, tmp_path: Path) -> None:
    _r, pid = _setup(store, tmp_path)
    with pytest.raises(UsageError, match="misma"):
        decide(store, pid, "quizas", reader=ADMIN)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cli_decides_in_spanish_and_undoes(store: Store, tmp_path: Path, workspace: object) -> None:
    from habeas.cli import linkage as cli

    r, pid = _setup(store, tmp_path)
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli.register(app)
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]  # type: ignore[attr-defined]
    help_text = runner.invoke(app, ["review", "decide", "--help"]).output
    assert "misma" in help_text and "distinta" in help_text and "dudosa" in help_text
    out = runner.invoke(app, ["review", "decide", str(pid), "misma", *ws])
    assert out.exit_code == 0, out.output
    assert "Ramiro Quintero A." in out.output and "Press" in out.output
    assert "habeas review undo" in out.output
    with store.read() as s:
        decision_id = s.execute(select(ReviewDecision.id)).scalar_one()
    assert _persons(store)[r["1"]] == _persons(store)[r["2"]]
    out = runner.invoke(app, ["review", "undo", str(decision_id), "--note", "Enter", *ws])
    assert out.exit_code == 0, out.output
    assert "back in the queue" in out.output
    assert _persons(store)[r["1"]] != _persons(store)[r["2"]]
    listed = runner.invoke(app, ["review", "list", "--json", *ws])
    assert [p["pair_id"] for p in json.loads(listed.stdout)] == [pid]

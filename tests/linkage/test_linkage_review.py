"""Review decisions bind: through re-runs and re-training; CSV round trip; the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from linkage_support import current_persons
from sqlalchemy import select
from typer.testing import CliRunner

from habeas.access.reader import Reader
from habeas.demo import load_case
from habeas.errors import UsageError
from habeas.linkage import decide, export_decisions, import_decisions, link, queue
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.store.schema_linkage import ReviewDecision

ADMIN = Reader("admin", "ana", "documentation")


def test_human_different_survives_retraining(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    link(store, actor="tester")
    persons = current_persons(store)
    by_person: dict[int, list[int]] = {}
    for rec, pid in persons.items():
        by_person.setdefault(pid, []).append(rec)
    big = max(by_person.values(), key=len)
    a, b = sorted(big)[:2]
    result = decide(store, (a, b), "different", reviewer="ana", note="test", reader=ADMIN)
    assert result["splits"]
    after = current_persons(store)
    assert after[a] != after[b]
    link(store, retrain=True, actor="tester")
    assert current_persons(store)[a] != current_persons(store)[b]
    # and a "same" (must-link) joins two persons and survives a re-run too
    singles = sorted(
        r
        for r, p in current_persons(store).items()
        if list(current_persons(store).values()).count(p) == 1
    )
    x, y = singles[0], singles[1]
    merged = decide(store, (x, y), "same", reviewer="ana", reader=ADMIN)
    assert merged["merges"] and current_persons(store)[x] == current_persons(store)[y]
    link(store, retrain=True, actor="tester")
    assert current_persons(store)[x] == current_persons(store)[y]
    with store.read() as s:
        actions = [e.action for e in s.execute(select(ChangeLogEntry)).scalars()]
    assert actions.count("review") == 2
    assert store.verify_log().ok


def test_review_csv_round_trip(store: Store, demo_case: Path, tmp_path: Path) -> None:
    load_case(store, demo_case)
    link(store, actor="tester")
    first = queue(store, 3, reader=ADMIN).pairs
    assert len(first) == 3
    path = tmp_path / "queue.csv"
    n = export_decisions(store, path, reader=ADMIN).rows
    assert n >= 3
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[0]["pair_id"] == str(first[0]["pair_id"])
    rows[0]["decision"], rows[0]["note"] = "different", "born in other years"
    rows[1]["decision"] = "unsure"
    bad = [dict(r) for r in rows]
    bad[2]["decision"] = "maybe"
    bad[1]["record_a"] = "x"
    for name, data in (("bad.csv", bad), ("good.csv", rows)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(data)
    with pytest.raises(UsageError) as err:
        import_decisions(store, tmp_path / "bad.csv", reviewer="ana", reader=ADMIN)
    assert "bad.csv:4: decision" in str(err.value) and "bad.csv:3: record_a" in str(err.value)
    with store.read() as s:
        assert not s.execute(select(ReviewDecision)).first()  # all or nothing
    assert import_decisions(store, tmp_path / "good.csv", reviewer="ana", reader=ADMIN) == 2
    assert (
        import_decisions(store, tmp_path / "good.csv", reviewer="ana", reader=ADMIN) == 0
    )  # idempotent
    export_decisions(store, path, reader=ADMIN)
    again = {r["pair_id"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert again[rows[0]["pair_id"]]["decision"] == "different"
    assert again[rows[0]["pair_id"]]["note"] == "born in other years"
    assert again[rows[1]["pair_id"]]["decision"] == "unsure"
    assert rows[0]["pair_id"] not in {str(q["pair_id"]) for q in queue(store, 1000, reader=ADMIN)}
    assert store.verify_log().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cli_link_and_review(
    store: Store, demo_case: Path, workspace: object, tmp_path: Path
) -> None:
    from habeas.cli import linkage as cli

    load_case(store, demo_case)
    app = typer.Typer()
    app.command("noop")(lambda: None)
    cli.register(app)
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]  # type: ignore[attr-defined]
    out = runner.invoke(app, ["link", *ws])
    ws = [*ws, "--purpose", "documentation"]  # the demo's testimonies are restricted
    assert out.exit_code == 0, out.output
    assert "persons" in out.output and "queued for review" in out.output
    listed = runner.invoke(app, ["review", "list", "--json", *ws])
    pair = json.loads(listed.output)[0]["pair_id"]
    shown = runner.invoke(app, ["review", "show", str(pair), *ws])
    assert shown.exit_code == 0 and "Evidence" in shown.output
    decided = runner.invoke(app, ["review", "decide", str(pair), "unsure", "--note", "x", *ws])
    assert decided.exit_code == 0, decided.output
    csv_path = tmp_path / "q.csv"
    assert runner.invoke(app, ["review", "export", str(csv_path), *ws]).exit_code == 0
    assert runner.invoke(app, ["review", "import", str(csv_path), *ws]).exit_code == 0
    for command in (
        ["link"],
        ["review", "list"],
        ["review", "show"],
        ["review", "decide"],
        ["review", "undo"],
        ["review", "export"],
        ["review", "import"],
    ):
        assert "Example" in runner.invoke(app, [*command, "--help"]).output

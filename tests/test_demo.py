"""The synthetic case loads through the real importer, completely and idempotently."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.cli.main import main
from habeas.demo import load_case
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import CustodyEvent, Record, Source
from tests.conftest import db_snapshot


def test_every_list_imports_every_row(store: Store, demo_case: Path) -> None:
    case = json.loads(demo_case.read_text(encoding="utf-8"))
    result = load_case(store, demo_case)
    assert [imp.source_title for imp in result.imports] == [
        s["title"] for s in case["sources"] if s.get("file")
    ]
    with (demo_case.parent / "ground_truth.csv").open(encoding="utf-8") as handle:
        truth = list(csv.DictReader(handle))
    expected = Counter(row["source_title"] for row in truth)
    with store.read() as s:
        got = dict(
            s.execute(
                select(Source.title, func.count(Record.id))
                .join(Record, Record.source_id == Source.id)
                .group_by(Source.title)
            ).all()
        )
        keys = {
            (t, k)
            for t, k in s.execute(
                select(Source.title, Record.record_key).join(Source, Source.id == Record.source_id)
            )
        }
        linked_events = s.execute(
            select(func.count())
            .select_from(CustodyEvent)
            .where(CustodyEvent.facility_id.is_not(None))
        ).scalar()
    assert got == dict(expected)  # nothing dropped, nothing invented
    assert keys == {(row["source_title"], row["record_id"]) for row in truth}
    counts = queries.summary(store)
    assert counts["persons"] == counts["records"] == len(truth)
    assert counts["incidents"] == len(case["incidents"])
    assert counts["facilities"] == len(case["facilities"])
    assert counts["sources"] == len(case["sources"]) + len(case.get("documents", []))
    assert linked_events and linked_events > counts["events"] // 2
    # The generator plants typos in document numbers; those (and only those) are flagged.
    others = [
        str(w)
        for imp in result.imports
        for w in imp.warnings
        if "not used for matching" not in w.message
    ]
    assert not others, others[:5]
    assert store.verify_log().ok


def test_loading_the_case_twice_changes_nothing(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    before = db_snapshot(store)
    again = load_case(store, demo_case)
    assert all(imp.already_imported for imp in again.imports)
    assert db_snapshot(store) == before


@pytest.mark.slow
def test_habeas_demo_command_creates_demo_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HABEAS_WORKSPACE", raising=False)
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    assert main(["demo", "--persons", "80", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "demo-workspace" / "habeas.toml").exists()
    assert "Lists imported" in out and "habeas log verify" in out
    assert main(["log", "verify", "--workspace", str(tmp_path / "demo-workspace")]) == 0

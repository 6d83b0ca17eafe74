"""The synthetic case: every summary builds and the counts are plausible; the CLI renders."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from habeas.cli.trace import register
from habeas.demo import load_case
from habeas.errors import UsageError
from habeas.ingest.times import parse_term_days, parse_time_at
from habeas.store import queries
from habeas.store.db import Store
from habeas.trace import group_gaps, person_summary
from habeas.trace.facts import load_persons
from habeas.trace.person import build_summary
from habeas.workspace import Workspace


def test_demo_case_summaries(store: Store, demo_case: Path) -> None:
    load_case(store, demo_case)
    ids = sorted({p["person_id"] for p in queries.iter_persons(store)})
    flags: Counter[tuple[str, str]] = Counter()
    status: Counter[str] = Counter()
    for person in load_persons(store, ids).values():
        summary = build_summary(person, as_of=date(2025, 9, 1))
        json.dumps(summary.to_dict())
        status[summary.whereabouts.status] += 1
        for f in summary.flags:
            flags[(f.code, f.status)] += 1
    with (demo_case.parent / "ground_truth.csv").open(encoding="utf-8") as fh:
        manifest = [r for r in csv.DictReader(fh) if r["source_title"].startswith("Flight")]
    removed = flags[("removed_under_aea", "raised")] + flags[("removed_under_aea", "not_raised")]
    assert removed >= len(manifest)
    share = flags[("removed_under_aea", "raised")] / removed
    assert 0.35 <= share <= 0.7  # ~137:101 among Venezuelans; Salvadorans under Title 8
    assert flags[("removed_after_turn_around_order", "raised")] == 0  # no linkage: no
    # record carries both the flight and the TRO
    assert (
        flags[("no_criminal_conviction", "raised")]
        > flags[("no_criminal_conviction", "not_raised")]
    )
    assert status["released"] > 0 and status["unaccounted_for"] > 0
    assert status["deceased"] >= 1
    gaps = {f.field: f for f in group_gaps(store).fields}
    assert gaps["ordering_authority"].known == 0
    assert gaps["ordering_authority"].persons == removed
    assert gaps["grounds"].known == removed
    one = person_summary(store, ids[0], as_of=date(2025, 9, 1))
    assert one.identity.names and one.sources[0].files[0].sha256


def test_cli_person_and_gaps(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "NAME;FLIGHT;DEPARTURE;AUTHORITY\nAna Pérez;RWG1501;17:25 EDT;AEA\n", encoding="utf-8"
    )
    from habeas.ingest.importer import ImportOptions, import_file

    import_file(
        store,
        path,
        ImportOptions(
            source_title="Manifest",
            source_kind="list",
            reliability="B",
            defaults={
                "event_type": "removal_flight",
                "event_date": "2025-03-15",
                "facility": "CECOT",
            },
        ),
    )
    (pid,) = {p["person_id"] for p in queries.iter_persons(store)}
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """habeas (test)."""

    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    out = runner.invoke(app, ["person", str(pid), "--as-of", "2025-06-01", *ws], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "Ana Pérez" in out.output and "unaccounted" in out.output
    assert "Due-process flags" in out.output and "Register gaps" in out.output
    out = runner.invoke(app, ["person", str(pid), "--json", "--as-of", "2025-03-20", *ws])
    data = json.loads(out.output)
    assert data["whereabouts"]["status"] == "located"
    flags = {f["code"]: f["status"] for f in data["flags"]}
    assert flags["removed_under_aea"] == "raised"
    assert data["timeline"]["groups"][0]["events"][0]["occurred_at"] == "2025-03-15T21:25:00+00:00"
    assert runner.invoke(app, ["person", str(pid), "--as-of", "soon", *ws]).exit_code != 0
    out = runner.invoke(app, ["gaps", "--flight", "RWG1501", "--json", *ws])
    assert json.loads(out.output)["persons"] == 1
    out = runner.invoke(app, ["gaps", *ws], terminal_width=200)
    assert out.exit_code == 0 and "0 have a" in " ".join(out.output.split())
    for command in ("person", "gaps"):
        assert "Example:" in runner.invoke(app, [command, "--help"]).output
    out = runner.invoke(app, ["person", "999999", *ws])
    assert out.exit_code != 0


def test_time_and_term_parsing() -> None:
    at = parse_time_at(date(2025, 3, 15), "5:25 PM", "America/New_York")
    assert at.isoformat() == "2025-03-15T21:25:00+00:00"
    assert parse_time_at(date(2025, 3, 15), "21:25Z", None).hour == 21
    assert parse_time_at(date(2025, 3, 15), "19:37 -04:00", None).hour == 23
    with pytest.raises(ValueError, match="no time zone"):
        parse_time_at(date(2025, 3, 15), "17:25", None)
    with pytest.raises(ValueError, match="cannot read"):
        parse_time_at(date(2025, 3, 15), "25:99 EDT", None)
    assert parse_term_days("1 año renovable") == 365
    assert parse_term_days("6 meses") == 180
    with pytest.raises(ValueError):
        parse_term_days("renovable")
    assert UsageError

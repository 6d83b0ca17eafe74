"""Reads of restricted data are logged with who, what and why, in the verified hash chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from habeas.access.reader import Reader
from habeas.audit.query import LogFilter, log_entries
from habeas.cli.main import app
from habeas.errors import UsageError
from habeas.report.export import export
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.trace import person_summary
from habeas.workspace import Workspace
from tests.trust.sensitivity_data import build_levels


def _reads(store: Store, **filters: object) -> list[dict[str, object]]:
    return [e.to_dict() for e in log_entries(store, LogFilter(kind="read", **filters))]  # type: ignore[arg-type]


def test_a_restricted_view_is_logged_with_its_purpose(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    before = len(_reads(store))
    person_summary(
        store,
        case.person_id,
        reader=Reader("documenter", "dora", "relative_request: folio RF-1", "web"),
    )
    reads = _reads(store)
    assert len(reads) == before + 1
    entry = reads[0]
    assert entry["actor"] == "dora" and entry["entity"] == "person"
    assert entry["entity_id"] == str(case.person_id)
    detail = entry["detail"]
    assert isinstance(detail, dict)
    assert detail["purpose"] == "relative_request: folio RF-1"
    assert detail["role"] == "documenter" and detail["face"] == "web"
    assert detail["shown"] == {"internal": 2, "public": 2, "restricted": 2}  # records+incidents
    assert detail["withheld"] == {
        "files": 1,
        "incidents": 1,
        "protected values": 1,
        "records": 1,
        "sources": 1,
    }
    # The values themselves are not in the log.
    assert "Quintanilla" not in json.dumps(detail)
    assert store.verify_log().ok


def test_reads_below_restricted_are_not_logged(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    before = len(_reads(store))
    person_summary(store, case.person_id, reader=Reader("legal", "lucia", None, "cli"))
    assert len(_reads(store)) == before


def test_filters_by_person_user_purpose_and_period(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    person_summary(store, case.person_id, reader=Reader("legal", "lucia", "lawyer_request"))
    export(
        store, "records", tmp_path / "r.csv", reader=Reader("admin", "adm", "audit: yearly check")
    )
    assert [e["actor"] for e in _reads(store, person=case.person_id)] == ["lucia"]
    assert [e["entity"] for e in _reads(store, purpose="audit")] == ["export"]
    assert [e["actor"] for e in _reads(store, user="adm")] == ["adm"]
    writes = [e.to_dict() for e in log_entries(store, LogFilter(kind="write"), limit=500)]
    assert writes and all(e["action"] != "read" for e in writes)
    assert _reads(store, since="2999-01-01") == []
    assert len(_reads(store, until="2999-01-01")) == 2
    with pytest.raises(UsageError):
        LogFilter(since="yesterday")


def test_an_edited_read_entry_breaks_the_chain(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    person_summary(store, case.person_id, reader=Reader("legal", "lucia", "lawyer_request"))
    with store.engine.begin() as conn:
        seq = conn.execute(
            select(ChangeLogEntry.seq).where(ChangeLogEntry.action == "read")
        ).scalar_one()
        conn.execute(
            update(ChangeLogEntry).where(ChangeLogEntry.seq == seq).values(actor="someone-else")
        )
    result = store.verify_log()
    assert not result.ok and any(f"entry {seq}" in p for p in result.problems)


def test_unknown_purpose_is_refused() -> None:
    with pytest.raises(UsageError, match="lawyer_request"):
        Reader("legal", "lucia", "curiosity")


def test_cli_reads_are_logged_and_verified(
    workspace: Workspace, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = build_levels(store, tmp_path)
    monkeypatch.setenv("HABEAS_USER", "laptop-owner")
    runner = CliRunner()
    ws = ["--workspace", str(workspace.root)]
    out = runner.invoke(app, ["person", str(case.person_id), "--json", *ws])
    assert out.exit_code == 0, out.output
    assert "Testino Uno" not in out.stdout  # restricted record withheld without a purpose
    out = runner.invoke(
        app,
        [
            "person",
            str(case.person_id),
            "--json",
            "--purpose",
            "court_filing: habeas petition",
            *ws,
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert (
        data["protected"][0]["values"]["reporter_name"]["value"] == "Marisol Ficticia Quintanilla"
    )  # the local owner is admin
    out = runner.invoke(
        app, ["log", "show", "--kind", "read", "--person", str(case.person_id), "--json", *ws]
    )
    assert out.exit_code == 0, out.output
    (entry,) = json.loads(out.stdout)
    assert entry["actor"] == "laptop-owner" and entry["purpose"] == "court_filing: habeas petition"
    assert entry["detail"]["role"] == "admin"
    out = runner.invoke(app, ["log", "verify", *ws])
    assert out.exit_code == 0 and "verified" in out.output
    out = runner.invoke(app, ["person", str(case.person_id), "--as", "nobody-here", *ws])
    assert out.exit_code != 0

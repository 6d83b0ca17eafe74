"""The document commands through a fresh Typer app (``register(app)``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from habeas.cli import document, facilities
from habeas.store.db import Store
from tests.document.conftest import NGO

runner = CliRunner()


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    document.register(app)
    facilities.register(app)
    return app


def _ws(store: Store) -> str:
    assert store.head_path is not None
    return str(store.head_path.parent)


def _leaves(app: typer.Typer) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_has_an_example(app: typer.Typer) -> None:
    leaves = _leaves(app)
    assert ["facility", "show"] in leaves and ["incidents", "add"] in leaves
    assert ["report", "person"] in leaves and ["report", "situation"] in leaves
    for path in [*leaves, ["facility"], ["incidents"], ["report"]]:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, path


def test_facility_json_and_table(app: typer.Typer, sqlite_case: Store) -> None:
    result = runner.invoke(app, ["facility", "Test Prison", "-w", _ws(sqlite_case), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [c["value"] for c in data["capacities"]] == [400, 200]
    cell1 = next(u for u in data["units"] if u["unit"] == "Cell 1")
    mursic = next(b for b in cell1["breaches"] if b["code"] == "ecthr_mursic_3")
    assert mursic["longest_run_days"] == 29 and mursic["flagged"]
    result = runner.invoke(
        app, ["facility", "Test Prison", "-w", _ws(sqlite_case), "--unit", "Cell 2"]
    )
    assert result.exit_code == 0, result.output
    assert "Conflicting populations" in result.output and "21 days" in result.output


def test_incidents_count_list_and_add(app: typer.Typer, sqlite_case: Store) -> None:
    ws = _ws(sqlite_case)
    result = runner.invoke(
        app,
        [
            "incidents",
            "-w",
            ws,
            "--type",
            "torture,killing",
            "--facility",
            "Test Prison",
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
            "--by",
            "month",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["count"] == 3 and data["by_month"] == {"2024-01": 1, "2024-02": 1, "2024-06": 1}
    assert {s["title"] for s in data["sources"]} == {NGO, "Press report (test)"}
    result = runner.invoke(
        app,
        [
            "incidents",
            "add",
            "-w",
            ws,
            "--type",
            "beating",
            "--status",
            "likely",
            "--source",
            NGO,
            "--date",
            "2024-04",
            "--facility",
            "Test Prison",
            "--unit",
            "Cell 3",
            "--victim",
            "Prisoner list (test)::P-2",
            "--perpetrator",
            "prison_officials:directly_carried_out",
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["incidents", "-w", ws, "--type", "beating", "--lang", "es", "--purpose", "documentation"],
    )  # incidents are restricted
    assert result.exit_code == 0 and "Golpiza" in result.output and "2 incidentes" in result.output
    bad = runner.invoke(app, ["incidents", "-w", ws, "--from", "last year"])
    assert bad.exit_code != 0


def test_report_commands_write_files(app: typer.Typer, sqlite_case: Store, tmp_path: Path) -> None:
    ws = _ws(sqlite_case)
    out = tmp_path / "sit.html"
    result = runner.invoke(
        app,
        [
            "report",
            "situation",
            "-w",
            ws,
            "--facility",
            "Test Prison",
            "--format",
            "html",
            "--lang",
            "es",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Informe de situación" in out.read_text(encoding="utf-8")
    pid = next(
        r["person_id"]
        for r in __import__("habeas.store.queries", fromlist=["x"]).iter_records(sqlite_case)
        if r["record_id"] == "P-1"
    )
    out = tmp_path / "person.html"
    result = runner.invoke(
        app, ["report", "person", str(pid), "-w", ws, "--format", "html", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Person dossier" in out.read_text(encoding="utf-8")


def test_report_person_to_file_with_preparer(
    app: typer.Typer, sqlite_case: Store, tmp_path: Path
) -> None:
    """--preparer makes a dossier to file: details, declaration, signature block; the
    register is named without the workspace's folder (a dossier leaves this computer)."""
    ws = _ws(sqlite_case)
    pid = next(
        r["person_id"]
        for r in __import__("habeas.store.queries", fromlist=["x"]).iter_records(sqlite_case)
        if r["record_id"] == "P-1"
    )
    out = tmp_path / "filed.html"
    args = ["report", "person", str(pid), "-w", ws, "--format", "html", "--lang", "es"]
    args += ["--output", str(out), "--preparer", "Ana Prueba", "--place", "Caracas"]
    args += ["--organisation", "Clínica", "--case-number", "25-cv-3"]
    args += ["--purpose", "un_communication"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for text in ("Ana Prueba", "Caracas", "Clínica", "25-cv-3", "Declaración", "Firma"):
        assert text in html, text
    assert "comunicación a un órgano de la ONU o a la CIDH" in html
    assert ws not in html

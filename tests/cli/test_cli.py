"""The CLI end to end: every command opens the store, calls the library, prints; clean errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from habeas.cli.main import main
from habeas.workspace import Workspace

MANIFEST = (
    "No.,NAME,DOB,A#,FLIGHT\n"
    '1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911,FL-1\n'
    '2,"GONZALEZ, YEFERSON",12/25/1995,A208123456,FL-1\n'
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ws(tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialised workspace; commands find it from the current directory."""
    from habeas.store.db import Store

    Store.open(workspace, create=True).close()
    monkeypatch.chdir(workspace.root)
    return workspace.root


def _manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(MANIFEST, encoding="utf-8")
    return path


IMPORT = [
    "import",
    "--source-title",
    "Manifest",
    "--source-kind",
    "list",
    "--date-order",
    "MDY",
    "--defaults",
    "event_type=removal_flight",
    "--defaults",
    "event_date=2025-03-15",
]


def test_init_then_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    code, out, _ = run(capsys, "init", str(tmp_path / "reg"))
    assert code == 0 and "Created workspace" in out
    code, out, _ = run(capsys, "status", "--workspace", str(tmp_path / "reg"), "--json")
    # two entries: the vocabulary seed and the id of the key that chains the log (log.key)
    assert code == 0 and json.loads(out)["log_entries"] == 2


def test_import_status_sources_records(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _manifest(tmp_path)
    code, out, err = run(capsys, *IMPORT, str(path))
    assert code == 0, err
    assert "Imported 2 records" in out
    code, out, _ = run(capsys, *IMPORT, str(path))
    assert code == 0 and "Already imported" in out and "Nothing changed" in out
    code, out, _ = run(capsys, "status", "--json")
    counts = json.loads(out)
    assert (counts["records"], counts["persons"], counts["events"]) == (2, 2, 2)
    code, out, _ = run(capsys, "sources", "--json")
    [source] = json.loads(out)
    assert source["title"] == "Manifest" and source["records"] == 2
    code, out, _ = run(capsys, "records", "--json", "--source", "Manifest")
    rows = json.loads(out)
    assert rows[0]["full_name"] == "RODRIGUEZ PEREZ, JOSE LUIS"
    assert rows[0]["id_a_number"] == "208304911"


def test_dry_run_writes_nothing(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *IMPORT, "--dry-run", "--format", "json", str(_manifest(tmp_path)))
    assert code == 0
    plan = json.loads(out)
    assert plan["tables"][0]["mapping"]["NAME"] == "full_name"
    assert plan["sample"][0]["surnames"] == ["rodriguez", "perez"]
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["records"] == 0


def test_broken_import_is_one_clear_message_and_exit_1(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "roto.csv"
    path.write_text("Nombre;Fecha de nacimiento\nAna Pérez;1990-02-31\n", encoding="utf-8")
    code, out, err = run(
        capsys, "import", str(path), "--source-title", "X", "--source-kind", "list"
    )
    assert code == 1
    assert "roto.csv, row 2, column “Fecha de nacimiento”" in err
    assert "Traceback" not in err + out


def test_usage_errors_exit_2(ws: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "import", str(_manifest(tmp_path)))  # no --source-title
    assert code == 2 and "source-title" in err
    code, _, err = run(capsys, *IMPORT, "--map", "NAME", str(_manifest(tmp_path)))
    assert code == 2 and "NAME=VALUE" in err


def test_no_workspace_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HABEAS_WORKSPACE", raising=False)
    code, _, err = run(capsys, "status")
    assert code == 1 and "habeas init" in err and "Traceback" not in err


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
@pytest.mark.parametrize("what", ["records", "persons", "links", "events", "legal-facts"])
def test_export(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, what: str
) -> None:
    assert run(capsys, *IMPORT, str(_manifest(tmp_path)))[0] == 0
    out_path = tmp_path / f"out.{fmt}"
    code, out, err = run(capsys, "export", what, str(out_path))
    assert code == 0, err
    if fmt == "json":
        rows = json.loads(out_path.read_text(encoding="utf-8"))
    elif fmt == "csv":
        with out_path.open(encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    else:
        sheet = load_workbook(out_path).active
        values = list(sheet.values)
        rows = [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    expected = {"records": 2, "persons": 2, "links": 2, "events": 2, "legal-facts": 0}[what]
    assert len(rows) == expected
    if rows:
        assert "person_id" in rows[0]


def test_log_verify_passes_then_fails_after_tampering(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], workspace: Workspace
) -> None:
    run(capsys, *IMPORT, str(_manifest(tmp_path)))
    code, out, _ = run(capsys, "log", "verify")
    assert code == 0 and "verified" in out
    from habeas.store.db import Store

    store = Store.open(workspace)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE change_log SET detail = '{}' WHERE seq = 2"))
    code, _, err = run(capsys, "log", "verify")
    assert code == 1 and "does NOT verify" in err and "entry 2" in err
    code, out, _ = run(capsys, "log", "show")
    assert code == 0 and "import" in out


def test_vocab_add_then_import_uses_it(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "l.csv"
    path.write_text("Nombre;Base legal\nAna Pérez;Título 42\n", encoding="utf-8")
    args = ["import", str(path), "--source-title", "L", "--source-kind", "list"]
    assert run(capsys, *args)[0] == 1
    code, _, err = run(
        capsys, "vocab", "add", "legal_basis", "title_42", "--en", "Title 42", "--es", "Título 42"
    )
    assert code == 0, err
    assert run(capsys, *args)[0] == 0
    code, out, _ = run(capsys, "vocab", "list", "legal_basis")
    assert "title_42" in out


def _commands() -> list[list[str]]:
    from habeas.cli.commands import loaded

    found: list[list[str]] = []

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found.append(path)

    for name, command in loaded().items():
        walk(command, [name])
    return found


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c))
def test_every_command_has_help_with_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert "Example" in out, f"habeas {' '.join(command)} --help shows no example"


def test_import_then_find_without_rebuilding(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, *IMPORT, str(_manifest(tmp_path)))
    assert code == 0 and "2 records indexed" in out
    code, out, _ = run(capsys, "find", "Jeferson Gonzales", "--json")
    assert code == 0
    [best, *_] = json.loads(out)["candidates"]
    assert any(r["code"] == "given_variant" for r in best["reasons"])
    code, out, _ = run(capsys, "records", "--json")
    person_of = {r["full_name"]: r["person_id"] for r in json.loads(out)}
    assert best["person_id"] == person_of["GONZALEZ, YEFERSON"]


def test_export_with_a_manifest(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    assert run(capsys, *IMPORT, str(_manifest(tmp_path)))[0] == 0
    out_path = tmp_path / "links.csv"
    assert run(capsys, "export", "links", str(out_path), "--manifest")[0] == 0
    digest, name = (tmp_path / "links.csv.sha256").read_text().split()
    assert name.lstrip("*") == "links.csv"
    assert digest == hashlib.sha256(out_path.read_bytes()).hexdigest()

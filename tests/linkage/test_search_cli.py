"""``habeas find`` and ``habeas index`` on a fresh Typer app (the lead registers them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from habeas.cli import find as find_cli
from habeas.errors import UsageError
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.workspace import Workspace

ROWS = (
    "Folio,Nombre,Fecha de nacimiento,A#\n"
    'R-1,"NÚÑEZ PEÑA, JOSÉ LUIS",1990-05-04,A208304911\n'
    'R-2,"GONZÁLEZ RODRÍGUEZ, JOSÉ",1992-03-10,\n'
)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    find_cli.register(app)
    return app


@pytest.mark.parametrize("backend", ["sqlite"])
def test_find_and_index_commands(store: Store, workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(ROWS, encoding="utf-8")
    options = ImportOptions(source_title="L", source_kind="list", date_order="YMD", index=False)
    import_file(store, path, options)  # left to `habeas index`: scanned meanwhile
    runner, app, ws = CliRunner(), _app(), str(workspace.root)

    out = runner.invoke(app, ["index", "status", "--workspace", ws])
    assert out.exit_code == 0 and "never been built" in out.output

    out = runner.invoke(app, ["find", "Pepe Nunez", "--workspace", ws])
    assert out.exit_code == 0, out.output
    assert "not in the search index" in out.output  # scanned, and said so

    out = runner.invoke(app, ["index", "rebuild", "--workspace", ws])
    assert out.exit_code == 0, out.output
    assert "Indexed 2 records" in out.output

    out = runner.invoke(
        app, ["find", "Jose Luis Nunez", "--dob", "1990-05-04", "--json", "--workspace", ws]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["warnings"] == []
    top = data["candidates"][0]
    assert top["records"][0]["record_key"] == "R-1"
    assert top["records"][0]["name"] == "NÚÑEZ PEÑA, JOSÉ LUIS"
    assert any(r["code"] == "dob_exact" for r in top["reasons"])

    out = runner.invoke(app, ["find", "--id", "A-208-304-911", "--limit", "1", "--workspace", ws])
    assert out.exit_code == 0 and "Nunez" in out.output.replace("NÚÑEZ", "Nunez")

    out = runner.invoke(app, ["find", "--workspace", ws])
    # habeas.cli.main turns a UsageError into its message and exit code 2
    assert isinstance(out.exception, UsageError)
    assert "Say whom to look for" in str(out.exception)


@pytest.mark.parametrize("command", [["find"], ["index", "rebuild"], ["index", "status"]])
def test_help_has_an_example(command: list[str]) -> None:
    out = CliRunner().invoke(_app(), [*command, "--help"])
    assert out.exit_code == 0 and "Example" in out.output

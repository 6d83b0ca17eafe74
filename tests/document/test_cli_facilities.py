"""``habeas facility``: enter a facility, its units, areas, capacity figures and occupancy.

Through the real root CLI (:func:`habeas.cli.main.main`) on a fresh workspace
(SQLite and PostgreSQL): each command checks the one policy (``--as`` a viewer
is refused, nothing written), cites a source by title or #id, and the facility
then shows its figures side by side; ``habeas facility NAME`` still shows it;
a spreadsheet with errors is refused whole, the errors in Spanish with
``--lang es``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.access.users import add_user
from habeas.cli.main import main
from habeas.store.db import Store
from habeas.store.schema import FacilityFigure
from habeas.workspace import Workspace

CLAIM = "Government statement (test)"
DESIGN = "Engineer's account (test)"


@pytest.fixture
def ws(workspace: Workspace, store: Store, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HABEAS_LANG", "en")
    add_user(store, "vera", "viewer", "a long enough password", actor="test")
    return str(workspace.root)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _figures(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(FacilityFigure)).scalar() or 0)


def test_enter_a_facility_from_the_cli(
    ws: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    w = ("-w", ws)
    assert run(capsys, "facility", "source", CLAIM, "--kind", "official_statement", *w)[0] == 0
    assert run(capsys, "facility", "source", DESIGN, "--kind", "news_report", *w)[0] == 0
    code, out, err = run(
        capsys,
        "facility",
        "add",
        "Test Prison",
        "--kind",
        "prison",
        "--country",
        "SLV",
        "--operator",
        "Prison authority",
        "--source",
        CLAIM,
        *w,
    )
    assert code == 0, err
    code, out, err = run(
        capsys,
        "facility",
        "unit",
        "Test Prison",
        "Cell 1",
        "--building",
        "Module 1",
        "--area",
        "30",
        "--source",
        "#2",
        *w,
    )
    assert code == 0, err
    assert out.count("Recorded") == 2
    for args in (
        ("capacity", "Test Prison", "40000", "--kind", "official", "--source", CLAIM),
        ("capacity", "Test Prison", "20480", "--kind", "design", "--source", DESIGN),
        ("population", "Test Prison", "17/03/2025", "60", "--unit", "Cell 1", "--source", CLAIM),
    ):
        code, out, err = run(capsys, "facility", *args, *w)
        assert code == 0, err
    code, out, err = run(capsys, "facility", "Test Prison", "--json", *w)  # as before
    assert code == 0, err
    data = json.loads(out)
    assert {(c["kind"], c["value"], c["source_kind"]) for c in data["capacities"]} == {
        ("official_capacity", 40000, "official_statement"),
        ("design_capacity", 20480, "news_report"),
    }
    assert data["units"][0]["observations"][0]["m2_per_person"] == 0.5
    code, out, err = run(capsys, "facility", "show", "Test Prison", *w)
    assert code == 0 and "20,480" in out


def test_a_viewer_may_not_enter_facts(
    ws: str, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    w = ("-w", ws)
    run(capsys, "facility", "source", CLAIM, "--kind", "official_statement", *w)
    run(capsys, "facility", "add", "Test Prison", "--kind", "prison", "--source", CLAIM, *w)
    before = _figures(store)
    code, out, err = run(
        capsys,
        "facility",
        "capacity",
        "Test Prison",
        "5",
        "--kind",
        "official",
        "--source",
        CLAIM,
        "--as",
        "vera",
        *w,
    )
    assert code != 0 and "does not allow" in err
    code, out, err = run(
        capsys, "facility", "capacity", "Nowhere", "5", "--kind", "official", "--source", CLAIM, *w
    )
    assert code == 2 and "There is no facility named 'Nowhere'" in err
    assert "habeas facility add" in err  # says how to fix it, in CLI terms
    assert _figures(store) == before


def test_import_refused_whole_with_errors_in_spanish(
    ws: str, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = ("-w", ws)
    run(capsys, "facility", "source", CLAIM, "--kind", "official_statement", *w)
    path = tmp_path / "centros.csv"
    path.write_text(
        "registro,centro,tipo,valor,fuente\n"
        f"centro,Penal Test,prisión,,{CLAIM}\n"
        f"capacidad,Penal Test,enorme,500,{CLAIM}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--lang", "es", "facility", "import", str(path), *w)
    assert code == 1
    assert "centros.csv, fila 3, columna 'tipo'" in err
    assert "no es un tipo de capacidad" in err and "no se escribió nada" in err
    assert run(capsys, "facility", "Penal Test", *w)[0] != 0  # nothing was written
    path.write_text(path.read_text(encoding="utf-8").replace("enorme", "oficial"), encoding="utf-8")
    code, out, err = run(capsys, "facility", "import", str(path), "--dry-run", *w)
    assert code == 0 and "Nothing was written" in out
    code, out, err = run(capsys, "facility", "import", str(path), *w)
    assert code == 0 and "1 facilities" in out
    assert _figures(store) == 1

"""The import pages for a Spanish-speaking documenter (#13.5, #13.6): problems in the page's
language without CLI flags, the event type chosen by its label, "keep as written" per
column, problems first."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.workspace import Workspace
from tests.web.conftest import csrf

CSV = (
    "Nro,Nombre completo,Fecha de nacimiento,Fecha,Lugar\n"
    "1,José Rodríguez Pérez,31/02/1994,15/03/2025,San Salvador\n"
    "2,Luis Gómez,02/05/1985,16/03/2025,San Salvador\n"
)
JSON = {"Accept": "application/json"}


@pytest.fixture
def staging(workspace: Workspace) -> Path:
    return workspace.uploads_dir


def _upload(c: TestClient, extra: dict[str, str] | None = None) -> str:
    c.post("/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(c)})
    r = c.post(
        "/sources/import",
        files={"file": ("lista.csv", CSV.encode(), "text/csv")},
        data={
            "source_title": "Lista de la ONG",
            "source_kind": "list",
            "date_order": "DMY",
            "csrf_token": csrf(c),
            **(extra or {}),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def _problem_cells(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r"<td data-label=\"Columna\">([^<]*)</td>\s*<td data-label=\"Valor\">"
        r"[^<]*</td><td data-label=\"Problema\">([^<]*)</td>",
        html,
    )


def test_problems_in_spanish_without_cli_flags(
    client_as: Callable[[str], TestClient], staging: Path
) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    plan_url = _upload(c)
    html = c.get(plan_url).text
    cells = dict(_problem_cells(html))
    assert "Fecha de nacimiento" in cells
    assert (
        cells["Fecha de nacimiento"] == "«31/02/1994» no es una fecha: no existe el 31 de "
        "febrero de 1994 (febrero de 1994 tiene 28 días)."
    )
    # the event details without a type: said in the page's terms, no "--defaults"
    assert "no tiene tipo de evento" in cells["Fecha"]
    assert "--" not in html.split('id="problems"')[1].split("</table>")[0]
    # problems come first: above the mapping and the sample rows
    assert html.index('id="problems"') < html.index('id="mapping-form"')
    # the JSON keeps the English message, with the code and its values
    problems = c.get(plan_url + ".json").json()["plan"]["problems"]
    dob = next(p for p in problems if p["column"] == "Fecha de nacimiento")
    assert dob["message"].startswith("cannot read '31/02/1994' as a date: there is no 31 Feb")
    assert dob["code"] == "date_missing_day" and dob["params"]["last"] == "28"


def test_event_type_by_its_label_and_keep_as_written(
    client_as: Callable[[str], TestClient], staging: Path
) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    form = c.get("/sources/import").text
    select = re.search(
        r'<select id="default-event_type" name="default:event_type">(.*?)'
        r"</select>",
        form,
        re.S,
    )
    assert select and '<option value="removal_flight">Vuelo de expulsión</option>' in select.group(
        1
    )
    plan_url = _upload(c, {"default:event_type": "removal_flight"})
    plan = c.get(plan_url + ".json").json()
    assert plan["options"]["defaults"] == {"event_type": "removal_flight"}
    assert all(p["code"] != "event_without_type" for p in plan["plan"]["problems"])
    html = c.get(plan_url).text
    assert re.search(r'<option value="removal_flight" selected>', html)
    # keep the date of birth as written: the bad cell becomes a flagged warning
    assert 'name="keep:Fecha de nacimiento"' in html
    r = c.post(
        plan_url + "/check",
        data={
            "csrf_token": csrf(c),
            "keep_sent": "1",
            "keep:Fecha de nacimiento": "1",
            "default:event_type": "removal_flight",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    plan = c.get(plan_url + ".json").json()
    assert plan["options"]["keep_as_written"] == ["Fecha de nacimiento"]
    assert plan["plan"]["errors"] == 0 and plan["can_import"] is True
    kept = next(p for p in plan["plan"]["problems"] if p["column"] == "Fecha de nacimiento")
    assert kept["severity"] == "warning" and kept["kept"] is True
    html = c.get(plan_url).text
    assert "Conservado tal como está escrito, sin leer" in html
    assert re.search(r'name="keep:Fecha de nacimiento" value="1" checked', html)


def test_unknown_field_for_every_row_in_spanish(
    client_as: Callable[[str], TestClient], staging: Path
) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    c.post("/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(c)})
    r = c.post(
        "/sources/import",
        files={"file": ("lista.csv", CSV.encode(), "text/csv")},
        data={
            "source_title": "Lista",
            "source_kind": "list",
            "defaults": "tipo=vuelo",
            "csrf_token": csrf(c),
        },
    )
    assert r.status_code == 400
    assert "«tipo» en «Valores para todas las filas» no es un campo de habeas" in r.text
    assert "--defaults" not in r.text


def test_person_404_names_no_cli_command(client_as: Callable[[str], TestClient]) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    c.post("/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(c)})
    r = c.get("/persons/987654")
    assert r.status_code == 404
    assert "habeas find" not in r.text and "No hay ninguna persona 987654" in r.text


def test_refused_import_page_in_spanish(
    client_as: Callable[[str], TestClient], staging: Path
) -> None:
    c = client_as("documenter")
    c.get("/language/es")
    plan_url = _upload(c)
    r = c.post(plan_url + "/confirm", data={"csrf_token": csrf(c)}, follow_redirects=False)
    assert r.status_code == 422
    assert "La importación se rechazó" in r.text and "no existe el 31 de febrero" in r.text
    assert "--defaults" not in r.text and "Import refused" not in r.text

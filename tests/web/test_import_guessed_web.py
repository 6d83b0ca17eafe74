"""A scan whose header OCR misread (``A#`` read as ``AF``): the web check page marks the
column's mapping as guessed, says how it was guessed and how to change it on that page (the
mapping list, then “Check again”), and a column the user mapped is no longer a guess."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.synth.page_lists import HEADERS, render_pdf, scan, synthetic_rows
from tests.web.conftest import csrf

JSON = {"Accept": "application/json"}
HINT_ES = (
    "Supuesto: leído por OCR como «AF», asignado a a_number: está a una letra de un "
    "encabezado conocido y sus valores encajan. Si no es así, elija en esta lista el campo "
    "correcto, o «(se conserva tal como está escrito, no es un campo)», y pulse «Revisar de "
    "nuevo»."
)


def _text(page: str) -> str:
    """The page's text as read: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()).replace(" :", ":")


def _row(page: str, header: str) -> str:
    """The mapping table's row of ``header``."""
    found = re.search(
        r"<tr[^>]*><th scope=\"row\"><label[^>]*>" + re.escape(header) + r"<.*?</tr>", page, re.S
    )
    assert found, f"no mapping row for {header}"
    return found.group(0)


def test_a_column_mapped_by_guess_is_marked_with_how_to_change_it(
    client_as: Callable[[str], TestClient], tmp_path: Path
) -> None:
    headers = [("AF" if h == "A#" else h) for h in HEADERS]
    pdf = render_pdf(tmp_path / "lista.pdf", headers, synthetic_rows(4, seed=5))
    [png] = scan(pdf, tmp_path / "escaneo.png", angle=0.3, seed=2)
    c = client_as("documenter")
    c.get("/language/es")
    r = c.post(
        "/sources/import",
        files={"file": (png.name, png.read_bytes(), "image/png")},
        data={"source_title": "Escaneo web", "source_kind": "list", "csrf_token": csrf(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    plan_url = str(r.headers["location"])

    page = c.get(plan_url).text
    row = _row(page, "AF")
    assert 'class="guessed"' in row
    assert "detectado: a_number (supuesto)" in _text(row)
    assert HINT_ES in _text(row)
    # the hint describes the list that changes the mapping
    hint_id = re.search(r'aria-describedby="([^"]+)"', row)
    assert hint_id and f'id="{hint_id.group(1)}"' in row
    # a column matched by its header as written is not a guess
    assert "supuesto" not in _text(_row(page, "Apellidos"))
    assert c.get(plan_url, headers=JSON).json()["plan"]["tables"][0]["guessed"] == {
        "AF": "a_number"
    }

    # the user keeps the column as written: no longer a guess, and the page says nothing of it
    r = c.post(
        plan_url + "/check",
        data={"map:AF": "-", "csrf_token": csrf(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = c.get(plan_url).text
    assert 'class="guessed"' not in page and "Supuesto" not in page
    assert c.get(plan_url, headers=JSON).json()["plan"]["tables"][0]["guessed"] == {}

"""Withheld data is said first, with how to see it, and never reads as "no match" (#13.1).

A person just imported from a relatives' list (restricted: it needs a stated
purpose) and an incident reported by it: before the purpose is stated, the web
search, the incidents page, ``habeas find``, ``habeas incidents`` and ``habeas
export`` say that records were withheld and how to see them, not that nobody
matched; after it, the person is found.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.document.incident_entry import IncidentSpec, add_incidents
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.workspace import Workspace
from tests.web.conftest import csrf


def _said(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """stdout and stderr with Rich's line wrapping undone."""
    out, err = capsys.readouterr()
    return " ".join(out.split()), " ".join(err.split())


RELATIVES = "ID;Nombres;Apellidos;Fecha de nacimiento\nA;Yorgelis;Marcano Rengifo;04/05/1990\n"


def _relatives(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "relatives.csv"
    path.write_text(RELATIVES, encoding="utf-8")
    import_file(store, path, ImportOptions("Relatives", "testimony", date_order="DMY"))
    add_incidents(
        store,
        [IncidentSpec("torture", "possible", ["Relatives"], victims=[("Relatives", "A")])],
        actor="test",
    )


def test_web_search_and_incidents_say_withheld_first(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    _relatives(store, tmp_path)
    client = client_as("documenter")
    client.get("/language/es")
    html = client.get("/search?q=Yorgelis+Marcano").text
    assert "Nadie en el registro coincide" not in html
    notice = html.index("Retenido: 1 elemento con un nivel de confidencialidad")
    assert notice < html.index("Nadie que usted pueda ver coincide")
    assert "/purpose?next=%2Fsearch%3Fq%3DYorgelis%2BMarcano" in html
    data = client.get("/search.json?q=Yorgelis+Marcano").json()
    assert data["candidates"] == [] and data["withheld_notice"]["for_purpose"] == 1
    assert data["withheld_notice"]["purpose_url"].startswith("/purpose?next=%2Fsearch%3F")

    page = client.get("/incidents").text
    assert "Ningún incidente coincide" not in page
    # counts follow the clearance too (#14.10): the withheld incident is said first, not counted
    assert page.index("Retenido: 1 elemento con") < page.index("0 incidentes")
    assert "Ninguno de los incidentes contados arriba puede listarse" in page

    client.post(
        "/purpose", data={"purpose": "relative_request", "next": "/", "csrf_token": csrf(client)}
    )
    found = client.get("/search.json?q=Yorgelis+Marcano").json()
    assert len(found["candidates"]) == 1 and found["withheld_notice"] == {}
    assert "Ninguno de los incidentes" not in client.get("/incidents").text


def test_web_above_clearance_says_ask_an_administrator(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    _relatives(store, tmp_path)
    client = client_as("analyst")  # counts incidents, never sees identities
    client.get("/language/en")
    page = client.get("/incidents").text
    assert "above your role&#39;s clearance: ask an administrator" in page
    assert "No incident matches these filters" not in page


def test_cli_find_incidents_and_export_say_withheld_first(
    store: Store,
    workspace: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from habeas.cli.main import main

    _relatives(store, tmp_path)
    ws = ["--workspace", str(workspace.root)]
    monkeypatch.setenv("HABEAS_LANG", "en")
    monkeypatch.delenv("HABEAS_PURPOSE", raising=False)
    assert main(["find", "Yorgelis Marcano", *ws]) == 0
    out, err = _said(capsys)
    assert "Withheld: 1 item at a sensitivity level" in err and "--purpose lawyer_request" in err
    assert "No one in the register matches" not in out
    assert "No one you may see matches" in out
    assert main(["find", "Yorgelis Marcano", "--purpose", "relative_request", *ws]) == 0
    out, err = _said(capsys)
    assert "Withheld" not in err and "Marcano" in out

    assert main(["incidents", *ws]) == 0
    out, err = _said(capsys)
    assert "Withheld: " in err
    assert "None of the incidents counted above can be listed for you" in out

    monkeypatch.setenv("HABEAS_LANG", "es")
    assert main(["export", "records", str(tmp_path / "r.csv"), *ws]) == 0
    out, err = _said(capsys)
    assert "Retenido: 1 elemento con" in err and "--purpose lawyer_request" in err
    assert "Se escribieron 0 registros en" in out and "otros 1 quedaron retenidos" in out

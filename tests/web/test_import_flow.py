"""Upload → dry run (mapping + every problem) → adjust the mapping → import → report."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.store.db import Store
from habeas.workspace import Workspace
from tests.conftest import db_snapshot
from tests.web.conftest import csrf

CSV = (
    "Nro,Nombre completo,Fecha de nacimiento,A-Number,Apodo\n"
    "1,José Rodríguez Pérez,1990-05-02,123456789,Pepe\n"
    "2,Luis Gómez,1985-13-45,12345,Lucho\n"
)
JSON = {"Accept": "application/json"}


@pytest.fixture
def staging(workspace: Workspace) -> Path:
    """Uploads wait in the workspace (see tests/web/test_upload_staging.py)."""
    return workspace.uploads_dir


def test_dry_run_adjust_confirm(
    client_as: Callable[[str], TestClient], store: Store, staging: Path
) -> None:
    c = client_as("documenter")
    c.post(
        "/purpose",
        data={
            "purpose": "documentation",
            "next": "/",  # testimony: restricted
            "csrf_token": csrf(c),
        },
    )
    before = db_snapshot(store)
    r = c.post(
        "/sources/import",
        files={"file": ("familiares.csv", CSV.encode(), "text/csv")},
        data={
            "source_title": "Reportes de familiares",
            "source_kind": "testimony",
            "reliability": "C",
            "csrf_token": csrf(c),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    plan_url = r.headers["location"]
    assert re.fullmatch(r"/sources/import/[A-Za-z0-9_-]+", plan_url)
    # the dry run: detected mapping, every problem, nothing written
    plan = c.get(plan_url + ".json").json()
    table = plan["plan"]["tables"][0]
    assert table["mapping"] == {
        "Nro": "record_id",
        "Nombre completo": "full_name",
        "Fecha de nacimiento": "date_of_birth",
        "A-Number": "a_number",
        "Apodo": None,
    }
    problems = plan["plan"]["problems"]
    assert {(p["severity"], p["row"], p["column"], p["value"]) for p in problems} == {
        ("error", 3, "Fecha de nacimiento", "1985-13-45"),
        ("warning", 3, "A-Number", "12345"),
    }
    assert plan["can_import"] is False
    html = c.get(plan_url)
    assert "1985-13-45" in html.text and "Apodo" in html.text
    assert 'action="' + plan_url + '/confirm"' not in html.text  # no import button
    assert db_snapshot(store) == before
    # confirming now is refused with every problem in the error details
    r = c.post(plan_url + "/confirm", headers={**JSON, "X-CSRF-Token": csrf(c)})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "import_failed"
    assert {"file", "row", "column", "value", "message"} <= set(error["details"][0])
    assert any(d["value"] == "1985-13-45" for d in error["details"])
    assert db_snapshot(store) == before
    # adjust: keep the date of birth column as written
    r = c.post(
        plan_url + "/check",
        data={
            "map:Fecha de nacimiento": "-",
            "csrf_token": csrf(c),
            "source_title": "Reportes de familiares",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == plan_url
    plan = c.get(plan_url + ".json").json()
    assert plan["plan"]["tables"][0]["mapping"]["Fecha de nacimiento"] is None
    assert plan["plan"]["errors"] == 0 and plan["can_import"] is True
    assert "/confirm" in c.get(plan_url).text
    # confirm: imported, with the warning stored on the import
    r = c.post(plan_url + "/confirm", data={"csrf_token": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303
    report_url = r.headers["location"]
    assert report_url.startswith("/sources/imports/")
    report = c.get(report_url + ".json").json()
    assert report["import"]["rows"] == 2 and report["import"]["records"] == 2
    assert report["import"]["source"] == "Reportes de familiares"
    assert [(w["row"], w["column"], w["value"]) for w in report["warnings"]] == [
        (3, "A-Number", "12345")
    ]
    assert "12345" in c.get(report_url).text
    # history and sources list it; the upload is gone
    sources = c.get("/sources.json").json()
    assert sources["sources"][0]["records"] == 2
    assert sources["imports"][0]["warnings"] == 1
    assert sources["imports"][0]["created_by"] == "documenter"
    assert c.get(plan_url + ".json").status_code == 404
    assert store.verify_log().ok


def test_uploads_are_private_and_checked(
    client_as: Callable[[str], TestClient], staging: Path
) -> None:
    c = client_as("documenter")
    r = c.post(
        "/sources/import",
        files={"file": ("list.exe", b"MZ", "application/x-msdownload")},
        data={"source_title": "x", "csrf_token": csrf(c)},
        headers=JSON,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"
    r = c.post(
        "/sources/import",
        files={"file": ("a.csv", CSV.encode(), "text/csv")},
        data={"source_title": "Lista", "source_kind": "list", "csrf_token": csrf(c)},
        headers=JSON,
    )
    assert r.status_code == 200
    body = r.json()
    assert body["plan"]["records"] == 2 and "redirect" not in body
    other = client_as("admin")
    assert other.get(f"/sources/import/{body['upload_id']}.json").status_code == 200  # admin
    legal = client_as("legal")
    assert legal.get(f"/sources/import/{body['upload_id']}.json").status_code == 403

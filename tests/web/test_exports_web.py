"""Exports and reports from the web (issue #15 part 5), per role and sensitivity level.

The same register as the sensitivity matrix (one person stated by four sources, one per
level). Every table the CLI exports can be downloaded as CSV, XLSX and JSON by the roles
that read identities, with the same withholding (rows above the role's ``export`` level
are left out and counted) and the same read-log entry as ``habeas export``; the aggregate
tables and the situation report by the roles that read aggregates; the dossier to file by
the roles that make dossiers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.access import policy
from habeas.audit.query import LogFilter, log_entries
from habeas.report.export import FORMATS, TABLES
from habeas.store.db import Store
from tests.trust.sensitivity_data import NAMES, PHONE, REPORTER, build_levels
from tests.web.conftest import csrf

ROLES_AND_ANONYMOUS = [*policy.ROLES, None]


def _state_purpose(client: TestClient, text: str = "lawyer_request") -> None:
    done = client.post(
        "/purpose",
        data={"purpose": text, "note": "exports", "next": "/", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert done.status_code == 303


def _client(client_as: Callable[[str], TestClient], app: object, role: str | None) -> TestClient:
    if role is None:
        c = TestClient(app)  # type: ignore[arg-type]
        c.__enter__()
        return c
    return client_as(role)


@pytest.mark.parametrize("role", ROLES_AND_ANONYMOUS, ids=[*policy.ROLES, "anonymous"])
def test_record_exports_per_role_and_level(
    client_as: Callable[[str], TestClient],
    app: object,
    store: Store,
    tmp_path: Path,
    role: str | None,
) -> None:
    case = build_levels(store, tmp_path)
    client = _client(client_as, app, role)
    if policy.allowed(role, "read_identities"):
        _state_purpose(client)
    headers = {"Accept": "application/json"}
    for fmt in FORMATS:
        response = client.get(f"/exports/records/download?format={fmt}", headers=headers)
        if not policy.allowed(role, "read_identities"):
            assert response.status_code == (401 if role is None else 403), response.text
            continue
        assert response.status_code == 200, response.text
        assert response.headers["content-disposition"] == f'attachment; filename="records.{fmt}"'
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
            names = {r["full_name"] for r in rows}
        elif fmt == "json":
            rows = json.loads(response.content)
            names = {r["full_name"] for r in rows}
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(response.content)).active
            assert sheet is not None
            values = list(sheet.values)
            column = values[0].index("full_name")
            names = {row[column] for row in values[1:]}
        seen = {lv for lv, name in NAMES.items() if name in names}
        expected = {lv for lv in NAMES if policy.may(role, lv, "export")}
        assert seen == expected, (role, fmt, seen)
        assert int(response.headers["x-habeas-withheld"]) == len(NAMES) - len(expected)
        assert int(response.headers["x-habeas-rows"]) == len(expected)
        assert REPORTER not in response.text and PHONE not in response.text
    entries = log_entries(store, LogFilter(kind="read", entity="export"), limit=10)
    # as `habeas export`: an export that holds restricted rows is logged with its purpose
    if role is not None and policy.may(role, "restricted", "export"):
        assert [e.detail["format"] for e in entries] == list(reversed(FORMATS))
        assert all(e.actor == role and e.detail["face"] == "web" for e in entries)
        assert all(e.detail["purpose"] == "lawyer_request: exports" for e in entries)
    else:
        assert entries == []
    assert case.person_id


def test_every_table_downloads_and_restricted_rows_need_a_purpose(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    build_levels(store, tmp_path)
    documenter = client_as("documenter")
    for what in TABLES:
        response = documenter.get(f"/exports/{what}/download?format=json")
        assert response.status_code == 200, (what, response.text)
        assert isinstance(json.loads(response.content), list)
    # without a purpose, restricted rows are withheld (and nothing restricted is logged)
    records = documenter.get("/exports/records/download?format=csv")
    assert NAMES["restricted"] not in records.content.decode("utf-8-sig")
    assert NAMES["internal"] in records.content.decode("utf-8-sig")
    assert int(records.headers["x-habeas-withheld"]) == 2
    _state_purpose(documenter, "documentation")
    records = documenter.get("/exports/records/download?format=csv")
    assert NAMES["restricted"] in records.content.decode("utf-8-sig")
    entries = log_entries(store, LogFilter(kind="read", entity="export"), limit=1)
    assert entries[0].detail["shown"].get("restricted") == 1
    assert entries[0].detail["file"] == "records.csv"
    bad = documenter.get(
        "/exports/people/download?format=csv", headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400
    bad = documenter.get(
        "/exports/records/download?format=ods", headers={"Accept": "application/json"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("role", ROLES_AND_ANONYMOUS, ids=[*policy.ROLES, "anonymous"])
def test_aggregates_situation_and_page_per_role(
    client_as: Callable[[str], TestClient],
    app: object,
    store: Store,
    tmp_path: Path,
    role: str | None,
) -> None:
    build_levels(store, tmp_path)
    client = _client(client_as, app, role)
    allowed = policy.allowed(role, "read_aggregates")
    headers = {"Accept": "application/json"}
    refused = 401 if role is None else 403
    page = client.get("/exports", headers={"Accept": "text/html"}, follow_redirects=False)
    aggregates = client.get("/exports/aggregates/download?format=csv", headers=headers)
    situation = client.get("/reports/situation?lang=es", headers=headers)
    if not allowed:
        assert aggregates.status_code == refused and situation.status_code == refused
        assert page.status_code in (303, 403)
        return
    assert page.status_code == 200
    assert ("/exports/records/download?format=xlsx" in page.text) is policy.allowed(
        role, "read_identities"
    )
    assert aggregates.status_code == 200 and aggregates.headers["content-type"].startswith(
        "text/csv"
    )
    assert NAMES["internal"] not in aggregates.text
    assert situation.status_code == 200
    assert situation.headers["content-type"] == "application/pdf"
    assert situation.content.startswith(b"%PDF")
    assert "situation-all-es.pdf" in situation.headers["content-disposition"]


def test_dossier_to_file_from_the_web(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    case = build_levels(store, tmp_path)
    legal = client_as("legal")
    form = legal.get(f"/persons/{case.person_id}/dossier")
    assert form.status_code == 200 and 'name="preparer"' in form.text
    missing = legal.post(
        f"/persons/{case.person_id}/dossier",
        data={
            "preparer": "",
            "purpose": "court_filing",
            "language": "es",
            "csrf_token": csrf(legal),
        },
    )
    assert missing.status_code == 400 and 'aria-invalid="true"' in missing.text
    made = legal.post(
        f"/persons/{case.person_id}/dossier",
        data={
            "preparer": "Abogada de Prueba",
            "organisation": "Clínica",
            "place": "Caracas",
            "purpose": "court_filing",
            "case_number": "25-cv-7",
            "language": "es",
            "csrf_token": csrf(legal),
        },
    )
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    text = "".join(
        "".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(made.content)).pages
    )
    for phrase in ("Abogada de Prueba", "25-cv-7", "Declaración", "Firma", "Anexo A.", "Anexo B."):
        assert "".join(phrase.split()) in text, phrase
    assert "".join(NAMES["restricted"].split()) in text  # for the filing's purpose
    assert "".join(NAMES["witness_protected"].split()) not in text
    entry = log_entries(store, LogFilter(kind="read", entity="dossier"), limit=1)[0]
    assert entry.detail["purpose"] == "court_filing: case 25-cv-7" and entry.actor == "legal"
    analyst = client_as("analyst")
    assert analyst.get(f"/persons/{case.person_id}/dossier").status_code == 403

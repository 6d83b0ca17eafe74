"""Intake, corrections and attachments in the web (TestClient, both backends): a record
from a phone call, its candidate match and "same person", a correction, a file; problems
next to their fields; who may do and see what; every level of the sensitivity table."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.access import policy
from habeas.access.policy import ROLES, SENSITIVITY_LEVELS
from habeas.access.reader import Reader
from habeas.evidence.attachments import attach
from habeas.store.db import Store
from tests.trust.helpers import import_manifest
from tests.web.conftest import csrf, login

CALL = {
    "kind": "testimony",
    "channel": "phone",
    "taken_on": "2026-11-30",
    "full_name": "José Luis Rodríguez Pérez",
    "date_of_birth": "04/05/1990",
    "reporter_name": "Hermana inventada",
    "event_type": "sighting",
    "event_date": "28/11/2026",
}


def _purpose(client: TestClient) -> None:
    done = client.post(
        "/purpose",
        data={"purpose": "documentation", "next": "/", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _record_id(response: object) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.fullmatch(r"/intake/records/(\d+)", location)
    assert match, location
    return int(match[1])


def test_phone_call_match_correction_attachment(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    import_manifest(store, tmp_path)  # José Luis Rodríguez Pérez, born 4 May 1990
    doc = client_as("documenter")
    _purpose(doc)
    assert 'name="channel"' in doc.get("/intake").text

    bad = doc.post("/intake", data={**CALL, "date_of_birth": "31/02/1990", "csrf_token": csrf(doc)})
    assert bad.status_code == 400
    assert 'id="err-date_of_birth"' in bad.text and "31/02/1990" in bad.text
    assert "Hermana inventada" in bad.text  # what was typed is kept

    made = doc.post("/intake", data={**CALL, "csrf_token": csrf(doc)}, follow_redirects=False)
    assert made.status_code == 303, made.text
    rid = _record_id(made)
    page = doc.get(f"/intake/records/{rid}")
    assert page.status_code == 200
    main = page.text.split("<main", 1)[-1]
    assert "2026-11-30 llamada telefónica (documenter)" in main, main[:3000]
    data = doc.get(f"/intake/records/{rid}.json", headers={"Accept": "application/json"}).json()
    others = [c for c in data["candidates"] if not c["is_linked"]]
    assert others and "RODRIGUEZ PEREZ, JOSE LUIS" in others[0]["names"]
    target = others[0]["person_id"]

    # another person named in the same call goes into the same source
    sid = data["record"]["source_id"]
    assert f"/intake?source={sid}" in page.text
    assert 'id="same-source"' in doc.get(f"/intake?source={sid}").text
    more = doc.post(
        "/intake",
        data={"source": str(sid), "full_name": "Otra Persona Inventada", "csrf_token": csrf(doc)},
        follow_redirects=False,
    )
    assert more.status_code == 303, more.text
    again = doc.get(
        f"/intake/records/{_record_id(more)}.json", headers={"Accept": "application/json"}
    ).json()
    assert again["record"]["source_id"] == sid

    same = doc.post(
        f"/intake/records/{rid}/same",
        data={"person_id": str(target), "csrf_token": csrf(doc)},
        follow_redirects=False,
    )
    assert same.status_code == 303, same.text
    data = doc.get(f"/intake/records/{rid}.json", headers={"Accept": "application/json"}).json()
    assert data["record"]["person_id"] == target

    form = doc.get(f"/records/{rid}/correct")
    assert form.status_code == 200 and 'value="04/05/1990"' in form.text
    fixed = doc.post(
        f"/records/{rid}/correct",
        data={
            "kind": "document",
            "channel": "document",
            "taken_on": "2026-12-01",
            "full_name": "José Luis Rodríguez Pérez",
            "date_of_birth": "04/05/1991",
            "csrf_token": csrf(doc),
        },
        follow_redirects=False,
    )
    assert fixed.status_code == 303, fixed.text
    new = _record_id(fixed)
    assert f"Este registro corrige el registro {rid}." in doc.get(f"/intake/records/{new}").text

    sent = doc.post(
        "/attachments",
        data={
            "target_kind": "person",
            "target_id": str(target),
            "description": "Cédula (foto de la hermana)",
            "sensitivity": "restricted",
            "next": f"/persons/{target}",
            "csrf_token": csrf(doc),
        },
        files={"file": ("cedula.jpg", b"\xff\xd8 made-up", "image/jpeg")},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/persons/{target}"
    person = doc.get(f"/persons/{target}").text
    assert "Cédula (foto de la hermana)" in person and "cedula.jpg" in person
    files = person.split('id="attachments"', 1)[1].split("</table>", 1)[0]
    assert f"<td>persona {target}</td>" in files, files  # the target's kind in words, no code
    assert f"El registro {rid} está corregido por el registro {new}" in person
    assert f"corregido por el registro {new}" in person.split('id="records"', 1)[1]
    shown = doc.get(f"/persons/{target}.json", headers={"Accept": "application/json"}).json()
    assert {r["id"]: r["corrected_by"] for r in shown["records"]}[rid] == [new]
    dobs = next(f for f in shown["identity"] if f["field"] == "dates_of_birth")["variants"]
    # 4 May 1990 is also stated by the manifest, which nobody corrected: not superseded
    assert all(not v["superseded_by"] for v in dobs), dobs
    got = doc.get("/attachments/1")
    assert got.status_code == 200 and got.content == b"\xff\xd8 made-up"

    # an event added from the person's page joins the person
    form = doc.get(f"/persons/{target}/add")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    added = doc.post(
        f"/persons/{target}/add/event",
        data={
            "event_type": "transfer",
            "event_date": "18/07/2025",
            "place": "Aeropuerto inventado",
            "kind": "court_filing",
            "channel": "document",
            "taken_on": "2026-12-01",
            "csrf_token": csrf(doc),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303 and added.headers["location"] == f"/persons/{target}"
    assert "Aeropuerto inventado" in doc.get(f"/persons/{target}").text

    # who may: legal reads (with a purpose) but does not write; analysts see nothing
    legal = client_as("legal")
    assert legal.get("/attachments/1").status_code == 403  # no purpose yet
    _purpose(legal)
    assert legal.get("/attachments/1").status_code == 200
    assert legal.post("/intake", data={**CALL, "csrf_token": csrf(legal)}).status_code == 403
    analyst = client_as("analyst")
    assert analyst.get(f"/intake/records/{rid}").status_code == 403
    assert analyst.get("/attachments/1").status_code == 403


def test_intake_result_and_attachments_by_role_and_level(
    app: object, store: Store, tmp_path: Path
) -> None:
    """role × {intake result, attachment list on the person page, attachment download,
    correction form} × sensitivity: shown exactly when the policy table says so."""
    from tests.trust.sensitivity_data import build_levels

    case = build_levels(store, tmp_path)
    root = Reader("admin", "root", "audit")
    files = {}
    for level in SENSITIVITY_LEVELS:
        path = tmp_path / f"doc-{level}.pdf"
        path.write_bytes(f"%PDF {level}".encode())
        files[level] = attach(
            store,
            root,
            path,
            "person",
            case.person_id,
            sensitivity=level,
            description=f"file at {level}",
        ).id
    checked = 0
    for role in ROLES:
        client = TestClient(app)  # type: ignore[arg-type]
        login(client, role)
        if policy.allowed(role, "read_identities"):
            _purpose(client)
        page = client.get(f"/persons/{case.person_id}", follow_redirects=False)
        for level in SENSITIVITY_LEVELS:
            may = policy.may(role, level, "view")
            if page.status_code == 200:
                assert (f"file at {level}" in page.text) is may, (role, level)
            else:
                assert not may
            got = client.get(f"/attachments/{files[level]}")
            assert (got.status_code == 200) is may, (role, level, got.status_code)
            shown = client.get(
                f"/intake/records/{case.record_ids[level]}.json",
                headers={"Accept": "application/json"},
            )
            assert (shown.status_code == 200) is may, (role, level, shown.status_code)
            if not may:
                assert shown.status_code in (403, 404)
            correct = client.get(
                f"/records/{case.record_ids[level]}/correct.json",
                headers={"Accept": "application/json"},
            )
            can = may and policy.allowed(role, "edit")
            assert (correct.status_code == 200) is can, (role, level, correct.status_code)
            if can:
                from tests.trust.sensitivity_data import NAMES

                assert correct.json()["form"]["full_name"] == NAMES[level]
            checked += 4
    assert checked == len(ROLES) * len(SENSITIVITY_LEVELS) * 4


@pytest.mark.parametrize("path", ["/intake", "/persons/1/add", "/records/1/correct"])
def test_forms_need_edit(client_as: Callable[[str], TestClient], path: str) -> None:
    assert client_as("legal").get(path).status_code == 403
    assert client_as("viewer").get(path).status_code == 403

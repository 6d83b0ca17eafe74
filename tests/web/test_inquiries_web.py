"""Relatives' inquiries in the browser's pages and the JSON API (TestClient)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.store.db import Store
from tests.inquiry.case import ASKER, CONTACT, ORDERED_BY, add_person
from tests.web.conftest import csrf

FORM = {
    "asker_name": ASKER,
    "asker_relationship": "madre",
    "asker_contact": CONTACT,
    "asker_level": "witness_protected",
    "sought_name": "Teodoro Larrazabal",
    "sought_dob": "12/08/1994",
    "known": "Se lo llevaron de Maracay en marzo de 2025.",
    "language": "es",
}


def state_purpose(client: TestClient) -> None:
    done = client.post(
        "/purpose",
        data={
            "purpose": "relative_request",
            "note": "web",
            "next": "/",
            "csrf_token": csrf(client),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def test_an_inquiry_from_the_form_to_the_letter(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    pid = add_person(store, tmp_path)
    doc = client_as("documenter")
    state_purpose(doc)
    bad = doc.post("/inquiries/new", data={**FORM, "asker_contact": " ", "csrf_token": csrf(doc)})
    assert bad.status_code == 400 and 'id="err-asker_contact"' in bad.text
    assert ASKER in bad.text  # what was typed is kept for the one who typed it
    made = doc.post(
        "/inquiries/new", data={**FORM, "csrf_token": csrf(doc)}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    iid = int(url.rsplit("/", 1)[1])
    page = doc.get(url)
    assert page.status_code == 200 and "Teodoro Larrazabal" in page.text
    assert ASKER not in page.text and CONTACT not in page.text
    assert "solicitante reservado" in page.text
    listed = doc.get("/inquiries.json").json()
    assert [i["id"] for i in listed["inquiries"]] == [iid]
    assert listed["inquiries"][0]["asker"] == "solicitante reservado"  # the web speaks Spanish
    assert listed["inquiries"][0]["asker_withheld"] is True
    assert ASKER not in doc.get("/inquiries").text

    token = csrf(doc)
    assert doc.post(f"/inquiries/{iid}/match", data={"csrf_token": token}).status_code == 200
    data = doc.get(f"/inquiries/{iid}.json").json()
    assert data["candidates"][0]["person_id"] == pid
    refused = doc.post(
        f"/inquiries/{iid}/status",
        data={"status": "answered", "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    assert "Primero emita la carta" in refused.json()["error"]["message"]
    doc.post(f"/inquiries/{iid}/confirm", data={"person_id": str(pid), "csrf_token": token})
    doc.post(
        f"/inquiries/{iid}/status",
        data={"status": "information_found", "note": "hallado", "csrf_token": token},
    )
    preview = doc.get(f"/inquiries/{iid}/letter?lang=es")
    assert preview.status_code == 200 and "Respuesta a su consulta" in preview.text
    assert ORDERED_BY in preview.text and ASKER not in preview.text
    english = doc.get(f"/inquiries/{iid}/letter?lang=en")
    assert "The authority that ordered the deprivation of liberty;" in english.text
    pdf = doc.post(f"/inquiries/{iid}/letter.pdf", data={"lang": "es", "csrf_token": token})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    doc.post(f"/inquiries/{iid}/status", data={"status": "answered", "csrf_token": token})
    data = doc.get(f"/inquiries/{iid}.json").json()
    assert data["inquiry"]["status"] == "answered" and data["inquiry"]["person_id"] == pid
    assert [h["kind"] for h in data["inquiry"]["history"]] == [
        "created",
        "matched",
        "confirmed",
        "status",
        "letter",
        "status",
    ]
    answered = doc.get("/inquiries.json?status=answered").json()["inquiries"]
    assert [i["id"] for i in answered] == [iid]
    assert doc.get("/inquiries.json?status=open").json()["inquiries"] == []

    admin = client_as("admin")
    state_purpose(admin)
    assert ASKER in admin.get(url).text and CONTACT in admin.get(url).text
    assert admin.get("/inquiries.json").json()["inquiries"][0]["asker"] == ASKER
    legal = client_as("legal")
    assert "Teodoro Larrazabal" not in legal.get(url).text  # no purpose stated yet
    state_purpose(legal)
    seen = legal.get(url).text
    assert "Teodoro Larrazabal" in seen and ASKER not in seen and 'id="match"' not in seen
    assert (
        legal.post(
            f"/inquiries/{iid}/status",
            data={"status": "closed", "csrf_token": csrf(legal)},
            headers={"Accept": "application/json"},
        ).status_code
        == 403
    )


def test_analysts_and_viewers_reach_no_inquiry(
    client_as: Callable[[str], TestClient], store: Store
) -> None:
    for role in ("analyst", "viewer"):
        c = client_as(role)
        assert c.get("/inquiries.json").status_code == 403
        assert c.get("/inquiries/1.json").status_code == 403


def test_documents_attached_to_an_inquiry(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    from habeas.inquiry import Asker, InquirySpec, Sought, create_inquiry

    iid = create_inquiry(
        store, InquirySpec(Asker(ASKER, "madre", CONTACT), Sought(name="Teodoro Larrazabal")), None
    )
    admin = client_as("admin")
    state_purpose(admin)
    page = admin.get(f"/inquiries/{iid}")
    assert 'id="q-attach"' in page.text and 'name="target_kind" value="inquiry"' in page.text
    for name, level in (("cedula.jpg", "restricted"), ("denuncia.pdf", "witness_protected")):
        added = admin.post(
            "/attachments",
            data={
                "target_kind": "inquiry",
                "target_id": str(iid),
                "description": name,
                "sensitivity": level,
                "next": f"/inquiries/{iid}",
                "csrf_token": csrf(admin),
            },
            files={"file": (name, f"contenido de {name}".encode(), "application/octet-stream")},
            follow_redirects=False,
        )
        assert added.status_code == 303 and added.headers["location"] == f"/inquiries/{iid}"
    assert "cedula.jpg" in admin.get(f"/inquiries/{iid}").text
    assert "denuncia.pdf" in admin.get(f"/inquiries/{iid}").text
    doc = client_as("documenter")
    state_purpose(doc)
    seen = doc.get(f"/inquiries/{iid}")
    assert "cedula.jpg" in seen.text and "denuncia.pdf" not in seen.text
    assert "1 archivo(s)" in seen.text or "1 file(s)" in seen.text
    missing = doc.post(
        "/attachments",
        data={"target_kind": "inquiry", "target_id": "999", "csrf_token": csrf(doc)},
        files={"file": ("x.txt", b"x", "text/plain")},
        headers={"Accept": "application/json"},
    )
    assert missing.status_code == 400, missing.text  # no such inquiry: checked


def test_correcting_an_inquiry_keeps_the_old_description(
    client_as: Callable[[str], TestClient], store: Store
) -> None:
    from habeas.inquiry import Asker, InquirySpec, Sought, create_inquiry

    iid = create_inquiry(
        store,
        InquirySpec(Asker(ASKER, "madre", CONTACT), Sought(name="Teodoro Larrazabal")),
        None,
    )
    doc = client_as("documenter")
    state_purpose(doc)
    form = doc.get(f"/inquiries/{iid}/correct")
    assert form.status_code == 200 and 'value="Teodoro Larrazabal"' in form.text
    assert 'name="asker_name"' not in form.text and ASKER not in form.text
    data = {"sought_name": "Teodoro Larrazábal Díaz", "language": "es", "csrf_token": csrf(doc)}
    bad = doc.post(f"/inquiries/{iid}/correct", data={**data, "sought_dob": "31/31/31"})
    assert bad.status_code == 400 and 'id="err-sought_dob"' in bad.text
    done = doc.post(f"/inquiries/{iid}/correct", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text
    admin = client_as("admin")
    state_purpose(admin)
    page = admin.get(f"/inquiries/{iid}/correct")
    assert f'value="{ASKER}"' in page.text
    admin.post(
        f"/inquiries/{iid}/correct",
        data={
            "sought_name": "Teodoro Larrazábal Díaz",
            "asker_name": ASKER,
            "asker_relationship": "madre",
            "asker_contact": "+58 412-5550999",
            "note": "nuevo teléfono",
            "csrf_token": csrf(admin),
        },
    )
    seen = admin.get(f"/inquiries/{iid}.json").json()
    assert seen["asker"]["contact"] == "+58 412-5550999"
    history = seen["inquiry"]["history"]
    assert [(h["kind"], h["asker_stated"]) for h in history] == [
        ("created", True),
        ("described", False),
        ("described", True),
    ]
    assert history[0]["detail"]["sought"]["name"] == "Teodoro Larrazabal"

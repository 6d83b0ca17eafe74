"""Legal actions in the browser (#15.3): the list with deadlines first, the form, the detail
page with its history, the person page's section; who may write; errors next to the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.document.legal_action_entry import ActionSpec, add_action
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.schema import Link
from tests.web.conftest import CSRF_RE

Client = Callable[[str], TestClient]
ADMIN = Reader("admin", "test", "audit", "cli")


@pytest.fixture
def person_id(store: Store, tmp_path: Path) -> int:
    path = tmp_path / "list.csv"
    path.write_text("Nombre completo\nAna Ficticia Pérez\n", encoding="utf-8")
    import_file(store, path, ImportOptions(source_title="Lista", source_kind="list"), actor="t")
    with store.read() as s:
        return int(s.execute(select(Link.person_id)).scalar_one())


def _token(client: TestClient, path: str = "/legal-actions") -> str:
    found = CSRF_RE.search(client.get(path).text)
    assert found
    return found.group(1)


def _form(person_id: int, **extra: str) -> dict[str, str]:
    return {
        "person_id": str(person_id),
        "kind": "habeas_petition",
        "court": "Juzgado Federal de Distrito (ficticio)",
        "case_number": "25-cv-0101",
        "filed_on": "2025-03-20",
        "petitioner": "Madre (ficticia)",
        "status": "pending",
        "next_date": (date.today() + timedelta(days=3)).isoformat(),
        "next_due": "audiencia",
        "sensitivity": "internal",
        **extra,
    }


@pytest.mark.parametrize("role", ["admin", "documenter", "legal"])
def test_record_a_petition_and_see_its_deadline(
    client_as: Client, store: Store, person_id: int, role: str
) -> None:
    c = client_as(role)
    assert 'href="/legal-actions/new"' in c.get("/legal-actions").text
    assert 'name="next_date"' in c.get(f"/legal-actions/new?person={person_id}").text
    done = c.post(
        "/legal-actions/new",
        data={**_form(person_id), "csrf_token": _token(c)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    detail_url = done.headers["location"]
    assert detail_url.startswith("/legal-actions/")
    action_id = int(detail_url.rsplit("/", 1)[1])
    data = c.get("/legal-actions.json").json()
    assert [d["id"] for d in data["deadlines"]] == [action_id]
    assert data["deadlines"][0]["days_left"] == 3 and not data["deadlines"][0]["overdue"]
    page = c.get("/legal-actions").text
    assert f'id="deadline-{action_id}"' in page and "25-cv-0101" in page
    # A change: the status, with a note; the history keeps both.
    changed = c.post(
        f"/legal-actions/{action_id}/update",
        data={"status": "granted", "note": "orden del juez", "csrf_token": _token(c)},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    shown = c.get(f"/legal-actions/{action_id}.json").json()
    assert shown["action"]["status"] == "granted"
    assert [h["status"] for h in shown["history"]] == ["pending", "granted"]
    assert "orden del juez" in c.get(f"/legal-actions/{action_id}").text
    person = c.get(f"/persons/{person_id}.json").json()
    assert [a["id"] for a in person["legal_actions"]] == [action_id]
    assert f"/legal-actions/{action_id}" in c.get(f"/persons/{person_id}").text


def test_overdue_first_and_marked(client_as: Client, store: Store, person_id: int) -> None:
    today = date.today()
    later = add_action(
        store,
        ADMIN,
        ActionSpec("asylum_claim", person_id, "Immigration Court", next_date=today + timedelta(9)),
    )
    late = add_action(
        store,
        ADMIN,
        ActionSpec(
            "ced_urgent_action",
            person_id,
            "CED",
            filed_on=date(2025, 4, 1),
            status="filed",
            next_date=today - timedelta(days=4),
            next_due="State's reply",
        ),
    )
    c = client_as("legal")
    data = c.get("/legal-actions.json").json()
    assert [d["id"] for d in data["deadlines"]] == [late, later]
    assert data["deadlines"][0]["overdue"] and data["overdue"] == 1
    page = c.get("/legal-actions").text
    assert 'class="overdue"' in page
    assert "/legal-actions/new" in page  # lawyers record the actions they file
    assert "/legal-actions/new" not in client_as("analyst").get("/legal-actions").text
    es = client_as("documenter")
    es.get("/language/es")
    spanish = es.get("/legal-actions").text
    assert "vencido" in spanish and "Acción urgente" in spanish


def test_errors_next_to_the_field_and_nothing_written(
    client_as: Client, store: Store, person_id: int
) -> None:
    c = client_as("documenter")
    bad = c.post(
        "/legal-actions/new",
        data={**_form(person_id, filed_on="", status="filed"), "csrf_token": _token(c)},
    )
    assert bad.status_code == 400
    assert 'id="err-filed_on"' in bad.text and "25-cv-0101" in bad.text  # typed values kept
    wrong_date = c.post(
        "/legal-actions/new",
        data={**_form(person_id, next_date="20/03/2025"), "csrf_token": _token(c)},
    )
    assert wrong_date.status_code == 400 and 'id="err-next_date"' in wrong_date.text
    api = c.post(
        "/legal-actions/new",
        data={**_form(person_id, kind="nope"), "csrf_token": _token(c)},
        headers={"Accept": "application/json"},
    )
    assert api.status_code == 400 and api.json()["error"]["code"] == "invalid_request"
    assert c.get("/legal-actions.json").json()["actions"] == []


def test_level_above_the_reader_is_not_listed(
    client_as: Client, store: Store, person_id: int
) -> None:
    sealed = add_action(
        store,
        ADMIN,
        ActionSpec("wgeid_communication", person_id, "WGEID", sensitivity="witness_protected"),
    )
    c = client_as("documenter")
    data = c.get("/legal-actions.json").json()
    assert data["actions"] == [] and data["withheld"]["total"] == 1
    assert c.get(f"/legal-actions/{sealed}.json").status_code == 404
    assert client_as("admin").get(f"/legal-actions/{sealed}.json").status_code == 200


def test_documents_of_an_action(client_as: Client, store: Store, person_id: int) -> None:
    aid = add_action(
        store,
        ADMIN,
        ActionSpec("habeas_petition", person_id, "Juzgado", sensitivity="restricted"),
    )
    c = client_as("documenter")
    stated = c.post(
        "/purpose",
        data={"purpose": "court_filing", "next": "/", "csrf_token": _token(c)},
        follow_redirects=False,
    )
    assert stated.status_code == 303
    page = c.get(f"/legal-actions/{aid}").text
    assert 'name="target_kind" value="legal_action"' in page
    done = c.post(
        "/attachments",
        data={
            "target_kind": "legal_action",
            "target_id": str(aid),
            "description": "Petición presentada",
            "sensitivity": "internal",
            "next": f"/legal-actions/{aid}#documents",
            "csrf_token": _token(c),
        },
        files={"file": ("peticion.pdf", b"%PDF-1.4 ficticio\n", "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = c.get(f"/legal-actions/{aid}.json").json()
    assert [d["filename"] for d in shown["documents"]] == ["peticion.pdf"]
    assert shown["documents"][0]["sensitivity"] == "restricted"  # raised to the action's level
    assert c.get(shown["documents"][0]["url"]).content == b"%PDF-1.4 ficticio\n"
    missing = c.post(
        "/attachments",
        data={"target_kind": "legal_action", "target_id": "9999", "csrf_token": _token(c)},
        files={"file": ("x.pdf", b"x", "application/pdf")},
        headers={"Accept": "application/json"},
    )
    assert missing.status_code == 400  # no such legal action


def test_the_list_is_paged_but_not_the_deadlines(
    client_as: Client, store: Store, person_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from habeas.web.pages import legal_actions as page

    monkeypatch.setattr(page, "PAGE_SIZE", 2)
    soon = date.today() + timedelta(days=1)
    made = [
        add_action(store, ADMIN, ActionSpec("amparo", person_id, f"Sala {i}", next_date=soon))
        for i in range(5)
    ]
    c = client_as("documenter")
    first = c.get("/legal-actions.json").json()
    assert first["pages"] == 3 and first["listed"] == 5 and len(first["actions"]) == 2
    assert [d["id"] for d in first["deadlines"]] == made  # every deadline, on every page
    last = c.get("/legal-actions.json?page=3").json()
    assert [a["id"] for a in last["actions"]] == made[4:]
    assert c.get("/legal-actions.json?page=4").status_code == 400
    assert 'rel="next"' in c.get("/legal-actions").text


def test_a_lawyer_files_the_petition_document_but_edits_no_facts(
    client_as: Client, store: Store, person_id: int
) -> None:
    """The legal role records legal actions and attaches their documents (permission
    ``legal_actions``); attaching to a person's record still needs ``edit``."""
    aid = add_action(store, ADMIN, ActionSpec("habeas_petition", person_id, "Juzgado"))
    c = client_as("legal")
    page = c.get(f"/legal-actions/{aid}").text
    assert f'action="/legal-actions/{aid}/documents"' in page
    done = c.post(
        f"/legal-actions/{aid}/documents",
        data={
            "description": "Petición presentada",
            "sensitivity": "internal",
            "next": f"/legal-actions/{aid}#documents",
            "csrf_token": _token(c),
        },
        files={"file": ("peticion.pdf", b"%PDF-1.4 ficticio\n", "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    shown = c.get(f"/legal-actions/{aid}.json").json()
    assert [d["filename"] for d in shown["documents"]] == ["peticion.pdf"]
    refused = c.post(
        "/attachments",
        data={"target_kind": "person", "target_id": str(person_id), "csrf_token": _token(c)},
        files={"file": ("x.pdf", b"x", "application/pdf")},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403
    viewer = client_as("analyst")
    denied = viewer.post(
        f"/legal-actions/{aid}/documents",
        data={"csrf_token": _token(viewer, "/")},
        files={"file": ("x.pdf", b"x", "application/pdf")},
        headers={"Accept": "application/json"},
    )
    assert denied.status_code == 403

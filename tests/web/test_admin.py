"""The admin pages: users, vocabulary, change log."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from habeas.store.db import Store
from habeas.store.vocabulary import VocabularyIndex
from tests.web.conftest import PASSWORD, csrf, login

JSON = {"Accept": "application/json"}


def test_admin_manages_users(
    client_as: Callable[[str], TestClient], app: object, store: Store
) -> None:
    admin = client_as("admin")
    r = admin.post(
        "/admin/users",
        data={
            "name": "rosa",
            "role": "legal",
            "password": PASSWORD,
            "totp": "1",
            "csrf_token": csrf(admin),
        },
    )
    assert r.status_code == 200  # the TOTP key is shown once, on this page
    assert "otpauth://totp/" in r.text
    users = {u["name"]: u for u in admin.get("/admin.json").json()["users"]}
    assert users["rosa"]["role"] == "legal" and users["rosa"]["totp"] is True
    r = admin.post(
        "/admin/users/viewer/role",
        data={"role": "analyst", "csrf_token": csrf(admin)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    viewer = TestClient(app)  # type: ignore[arg-type]
    login(viewer, "viewer")
    assert viewer.get("/account.json").json()["account"]["role"] == "analyst"
    admin.post("/admin/users/viewer/disable", data={"csrf_token": csrf(admin)})
    assert viewer.get("/index.json").status_code == 401  # the session ended
    # the last admin cannot lock everyone out
    r = admin.post("/admin/users/admin/disable", headers={**JSON, "X-CSRF-Token": csrf(admin)})
    assert r.status_code == 400
    r = admin.post(
        "/admin/users/admin/role",
        data={"role": "viewer"},
        headers={**JSON, "X-CSRF-Token": csrf(admin)},
    )
    assert r.status_code == 400
    r = admin.post("/admin/users/analyst/token", data={"csrf_token": csrf(admin)})
    assert r.status_code == 200 and "hbs_" in r.text
    log = admin.get("/admin/log.json?actor=admin").json()
    actions = [e["action"] for e in log["entries"]]
    assert {"add", "set_role", "disable", "create_token"} <= set(actions)


def test_admin_vocabulary_and_log(client_as: Callable[[str], TestClient], store: Store) -> None:
    admin = client_as("admin")
    vocab = admin.get("/admin/vocabulary.json?vocabulary=legal_basis").json()
    assert vocab["terms"] and all(t["vocabulary"] == "legal_basis" for t in vocab["terms"])
    r = admin.post(
        "/admin/vocabulary",
        data={
            "vocabulary": "legal_basis",
            "code": "title_42",
            "label_en": "Title 42",
            "label_es": "Título 42",
            "synonyms": "T42|titulo 42",
            "csrf_token": csrf(admin),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert VocabularyIndex.load(store).resolve("legal_basis", "Titulo 42") == "title_42"
    verify = admin.get("/admin/log/verify.json").json()
    assert verify["ok"] is True and verify["entries"] >= 1
    page = admin.get("/admin/log/verify")
    assert page.status_code == 200 and verify["head_hash"] in page.text


def test_only_admins_see_the_audit_trail_on_the_dashboard(
    client_as: Callable[[str], TestClient],
) -> None:
    """#14.11: who read which person, logins and tokens are for the admin permission."""
    admin = client_as("admin")
    assert admin.get("/index.json").json()["recent_activity"]
    assert 'id="activity"' in admin.get("/").text
    for role in ("documenter", "legal", "analyst", "viewer"):
        client = client_as(role)
        assert "recent_activity" not in client.get("/index.json").json(), role
        assert 'id="activity"' not in client.get("/").text, role


def test_weak_password_refused_in_the_visitors_language(
    client_as: Callable[[str], TestClient],
) -> None:
    admin = client_as("admin")
    admin.get("/language/es")
    r = admin.post(
        "/admin/users",
        data={
            "name": "rosa.m",
            "role": "viewer",
            "password": "aaaaaaaaaaaa",
            "csrf_token": csrf(admin),
        },
    )
    assert r.status_code == 400 and "un mismo carácter repetido" in r.text
    r = admin.post(
        "/admin/users",
        data={
            "name": "rosa.m",
            "role": "viewer",
            "password": "password123",
            "csrf_token": csrf(admin),
        },
        headers=JSON,
    )
    assert r.status_code == 400 and "más comunes" in r.json()["error"]["message"]
    assert "rosa.m" not in {u["name"] for u in admin.get("/admin.json").json()["users"]}


def test_admin_token_shows_its_expiry(client_as: Callable[[str], TestClient]) -> None:
    admin = client_as("admin")
    admin.get("/language/en")
    r = admin.post("/admin/users/analyst/token", data={"days": "7", "csrf_token": csrf(admin)})
    assert r.status_code == 200 and "It expires on" in r.text
    tokens = admin.get("/admin.json").json()["tokens"]
    assert tokens[-1]["expires_at"] and tokens[-1]["expired"] is False
    assert "Expires" in admin.get("/admin").text
    r = admin.post(
        "/admin/users/analyst/token",
        data={"days": "0"},
        headers={**JSON, "X-CSRF-Token": csrf(admin)},
    )
    assert r.status_code == 400

"""Logging in and out, rate limiting, TOTP, cookies, CSRF, API tokens."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.access import users as accounts
from habeas.store.db import Store
from habeas.web import create_app
from tests.web.conftest import PASSWORD, csrf, login

JSON = {"Accept": "application/json"}


def _post_login(client: TestClient, name: str, password: str) -> object:
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": csrf(client)}, follow_redirects=False)


def test_login_good_and_bad(client: TestClient) -> None:
    r = _post_login(client, "documenter", "wrong password!")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")  # type: ignore[attr-defined]
    assert client.get("/index.json").status_code == 401
    page = client.get("/login").text
    assert "Wrong user name or password" in page or "Usuario o contraseña" in page
    login(client, "documenter")
    me = client.get("/account.json").json()
    assert me["account"]["name"] == "documenter" and me["account"]["role"] == "documenter"
    assert "import" in me["permissions"] and "admin" not in me["permissions"]
    # the JSON API answers a failed login with the error shape
    r = client.post("/login", data={"name": "viewer", "password": "nope nope nope",
                                    "csrf_token": csrf(client)}, headers=JSON)
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_failed"


def test_rate_limited_after_five_failures(client: TestClient, store: Store) -> None:
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        r = client.post("/login", data={"name": "legal", "password": "not the password",
                                        "csrf_token": csrf(client)}, headers=JSON)
        assert r.status_code == 401
    # even the right password is refused now
    r = client.post("/login", data={"name": "legal", "password": PASSWORD,
                                    "csrf_token": csrf(client)}, headers=JSON)
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) > 0
    # other accounts from elsewhere are not affected; each failure was logged
    login(client, "analyst")
    assert store.verify_log().ok


def test_rate_limit_per_address(store: Store, users: dict[str, str], monkeypatch: object) -> None:
    monkeypatch.setattr(accounts, "MAX_FAILURES_PER_ADDRESS", 3)  # type: ignore[attr-defined]
    for name in ("a1", "a2", "a3"):
        with contextlib.suppress(accounts.LoginFailed):
            accounts.check_password(store, name, "whatever123", "10.0.0.9")
    try:
        accounts.check_password(store, "admin", PASSWORD, "10.0.0.9")
        raise AssertionError("not rate limited")
    except accounts.RateLimited:
        pass
    assert accounts.check_password(store, "admin", PASSWORD, "10.0.0.10").user.name == "admin"


def test_totp_second_step(app: FastAPI, store: Store) -> None:
    _, secret = accounts.add_user(store, "ines", "legal", PASSWORD, totp=True)
    assert secret
    client = TestClient(app)
    r = _post_login(client, "ines", PASSWORD)
    assert r.headers["location"] == "/login/totp"  # type: ignore[attr-defined]
    assert client.get("/index.json").status_code == 401  # not logged in yet
    token = csrf(client)
    r = client.post("/login/totp", data={"code": "000000", "csrf_token": token},
                    headers=JSON)
    if pyotp.TOTP(secret).verify("000000", valid_window=1):  # astronomically unlikely
        return
    assert r.status_code == 401
    r = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert client.get("/account.json").json()["account"]["totp"] is True


def test_session_cookie_flags(store: Store, users: dict[str, str]) -> None:
    for secure in (False, True):
        app = create_app(store, secret_key="k", secure_cookies=secure)
        client = TestClient(app, base_url="http://testserver")  # https: always Secure
        # (see tests/web/test_csrf_sessions.py)
        r = client.get("/login")
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure
        assert "Max-Age=" in cookie


def test_logout_ends_the_session_server_side(client: TestClient) -> None:
    login(client, "admin")
    stolen = dict(client.cookies)
    assert client.get("/index.json").status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/index.json").status_code == 401
    # replaying the old cookie does not bring the session back
    client.cookies.clear()
    for key, value in stolen.items():
        client.cookies.set(key, value)
    assert client.get("/index.json").status_code == 401


def test_tampered_cookie_is_ignored(client: TestClient) -> None:
    login(client, "admin")
    value = client.cookies.get("habeas_session")
    assert value
    client.cookies.set("habeas_session", value[:-3] + ("aaa" if value[-3:] != "aaa" else "bbb"))
    assert client.get("/index.json").status_code == 401


def test_csrf_required_on_posts(client_as: Callable[[str], TestClient]) -> None:
    admin = client_as("admin")
    form = {"name": "nuevo", "role": "viewer", "password": "a long enough password"}
    r = admin.post("/admin/users", data=form, headers=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = admin.post("/admin/users", data={**form, "csrf_token": "forged"}, headers=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert "nuevo" not in {u["name"] for u in admin.get("/admin.json").json()["users"]}
    # the token from the session works, as a form field or as the htmx header
    r = admin.post("/admin/users", data={**form, "csrf_token": csrf(admin)}, headers=JSON)
    assert r.status_code == 200, r.text
    r = admin.post("/admin/users/nuevo/disable", headers={**JSON, "X-CSRF-Token": csrf(admin)})
    assert r.status_code == 200 and r.json()["user"]["disabled"] is True


def test_api_token(client: TestClient, store: Store) -> None:
    token = accounts.create_token(store, "analyst", "script")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.get("/index.json", headers=auth)
    assert r.status_code == 200 and "counts" in r.json()
    assert client.get("/sources.json", headers=auth).status_code == 403  # no identities
    # without Accept, a token-authenticated request gets JSON
    assert client.get("/", headers=auth).headers["content-type"] == "application/json"
    bad = client.get("/index.json", headers={"Authorization": "Bearer hbs_nonsense"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "not_authenticated"
    # token requests need no CSRF token (no ambient cookies)
    admin_token = accounts.create_token(store, "admin", "script")
    r = client.post("/admin/users", json={"name": "bot", "role": "viewer",
                                          "password": "0123456789abc"},
                    headers={"Authorization": f"Bearer {admin_token}"})
    assert r.status_code == 200, r.text
    # only the hash is stored
    with store.read() as s:
        from sqlalchemy import select

        from habeas.store.schema_access import ApiToken
        hashes = list(s.execute(select(ApiToken.token_hash)).scalars())
    assert token not in hashes and accounts.digest(token) in hashes
    # disabling the user stops the token
    accounts.set_disabled(store, "analyst", True)
    assert client.get("/index.json", headers=auth).status_code == 401


def test_language_switch(client: TestClient) -> None:
    r = client.get("/language/en?next=/login", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert '<html lang="en">' in client.get("/login").text
    client.get("/language/es")
    page = client.get("/login").text
    assert '<html lang="es">' in page and "Iniciar sesión" in page
    # an open redirect is refused
    r = client.get("/language/es?next=//evil.example", follow_redirects=False)
    assert r.headers["location"] == "/"
    assert client.get("/language/fr", headers=JSON).status_code == 400


def test_passwords_are_hashed_with_argon2(store: Store, users: dict[str, str]) -> None:
    from sqlalchemy import select

    from habeas.store.schema_access import AppUser
    with store.read() as s:
        stored = s.execute(select(AppUser.password_hash).where(AppUser.name == "admin")).scalar()
    assert stored and stored.startswith("$argon2id$") and PASSWORD not in stored

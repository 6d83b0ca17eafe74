"""CSRF and session security, route by route, on a real store (SQLite and PostgreSQL).

* Every registered action (enumerated from ``habeas.web.views.ROUTES``) refuses a
  cookie-authenticated POST with no CSRF token, with a wrong one, and with the
  token of another session — ``403 csrf_failed`` — and the database is unchanged.
* An API-token request needs no CSRF token.
* The session cookie is HttpOnly, SameSite=Lax, and Secure over TLS (directly,
  or behind a proxy the server trusts; an untrusted X-Forwarded-Proto changes nothing).
* Logging in issues a fresh session id and CSRF token (no fixation); logging out,
  changing the password and expiry end the session server-side; repeated failed
  logins are rate limited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from habeas.access import users as accounts
from habeas.store.db import Store
from habeas.store.schema_access import WebSession
from habeas.web import create_app
from habeas.web.sessions import COOKIE_NAME
from habeas.web.views import ROUTES, RouteInfo
from tests.conftest import db_snapshot
from tests.web.conftest import PASSWORD, csrf, login
from tests.web.test_role_matrix import concrete

JSON = {"Accept": "application/json"}
SECRET = "test-secret-key"  # the ``app`` fixture's key


def _actions() -> list[tuple[RouteInfo, str]]:
    actions = [(r, m) for r in ROUTES if r.kind == "action" for m in r.methods]
    assert len(actions) >= 10, "the views were not loaded"
    return actions


def _session(client: TestClient) -> dict[str, object]:
    raw = client.cookies.get(COOKIE_NAME)
    assert raw, "no session cookie"
    data: dict[str, object] = URLSafeTimedSerializer(SECRET, salt="habeas-session").loads(raw)
    return data


def _refused(response: object) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    return status == 403 and response.json()["error"]["code"] == "csrf_failed"  # type: ignore[attr-defined]


def test_every_action_refuses_a_post_without_the_right_csrf_token(
    app: FastAPI, store: Store
) -> None:
    admin = TestClient(app)
    login(admin, "admin")
    other = TestClient(app)
    other_token = csrf(other)  # a valid token, of another (anonymous) session
    own_token = csrf(admin)
    assert other_token != own_token
    before = db_snapshot(store)
    checked = 0
    failures = []
    for route, method in _actions():
        path = concrete(route.path)
        for label, data, headers in (
            ("missing", {"name": "x"}, JSON),
            ("wrong", {"name": "x", "csrf_token": "forged-" + own_token[:10]}, JSON),
            ("other session's", {"name": "x", "csrf_token": other_token}, JSON),
            ("other session's header", {"name": "x"}, {**JSON, "X-CSRF-Token": other_token}),
            ("missing (JSON body)", None, JSON),
        ):
            if data is None:
                r = admin.request(method, path, json={"name": "x"}, headers=headers)
            else:
                r = admin.request(method, path, data=data, headers=headers)
            if not _refused(r):
                failures.append(
                    f"{label} token: {method} {route.path} -> {r.status_code} {r.text[:120]}"
                )
            checked += 1
    assert not failures, "\n".join(failures)
    assert checked == 5 * len(_actions())
    assert db_snapshot(store) == before, "a refused request wrote something"
    # the session is still alive (logout was refused too)
    assert admin.get("/index.json").status_code == 200


def test_api_tokens_need_no_csrf_token(client: TestClient, store: Store) -> None:
    token = accounts.create_token(store, "admin", "script").token
    r = client.post(
        "/admin/users",
        data={"name": "por-token", "role": "viewer", "password": "a long enough password"},
        headers={**JSON, "Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert accounts.get_user(store, "por-token").role == "viewer"
    # a cookie session does need it, for the same request
    login(client, "admin")
    r = client.post(
        "/admin/users",
        data={"name": "por-cookie", "role": "viewer", "password": "a long enough password"},
        headers=JSON,
    )
    assert _refused(r)


@pytest.mark.parametrize("secure_setting", [False, True])
def test_cookie_flags_and_secure_over_tls(
    store: Store, users: dict[str, str], secure_setting: bool
) -> None:
    app = create_app(store, secret_key=SECRET, secure_cookies=secure_setting)

    def cookie(client: TestClient, headers: dict[str, str] | None = None) -> str:
        return str(client.get("/login", headers=headers).headers["set-cookie"])

    plain = cookie(TestClient(app, base_url="http://testserver"))
    tls = cookie(TestClient(app, base_url="https://testserver"))
    for value in (plain, tls):
        assert "HttpOnly" in value and "samesite=lax" in value.lower()
    assert ("Secure" in plain) is secure_setting
    assert "Secure" in tls
    # X-Forwarded-Proto counts only from a proxy the server trusts
    forwarded = {"X-Forwarded-Proto": "https"}
    untrusted = ProxyHeadersMiddleware(app, trusted_hosts="10.9.9.9")  # type: ignore[arg-type]
    trusted = ProxyHeadersMiddleware(app, trusted_hosts="testclient")  # type: ignore[arg-type]
    assert ("Secure" in cookie(TestClient(untrusted), forwarded)) is secure_setting
    assert "Secure" in cookie(TestClient(trusted), forwarded)
    assert ("Secure" in cookie(TestClient(app), forwarded)) is secure_setting


def test_login_issues_a_fresh_session(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf(client)
    before = _session(client)
    planted = client.cookies.get(COOKIE_NAME)  # what an attacker could plant
    assert before["sid"] is None
    login(client, "admin")
    after = _session(client)
    assert after["sid"] and after["csrf"] != token
    login(client, "legal")  # logging in again: another new session id
    assert _session(client)["sid"] not in (None, after["sid"])
    # the cookie from before the login does not carry the login
    victim = TestClient(app)
    victim.cookies.set(COOKIE_NAME, str(planted))
    assert victim.get("/index.json").status_code == 401


def _replay(app: FastAPI, cookie: str) -> int:
    client = TestClient(app)
    client.cookies.set(COOKIE_NAME, cookie)
    return int(client.get("/index.json").status_code)


def test_logout_ends_the_session_server_side(app: FastAPI, client: TestClient) -> None:
    login(client, "documenter")
    cookie = str(client.cookies.get(COOKIE_NAME))
    assert _replay(app, cookie) == 200
    r = client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert _replay(app, cookie) == 401


def test_password_change_ends_every_session(app: FastAPI, store: Store) -> None:
    laptop, phone = TestClient(app), TestClient(app)
    login(laptop, "legal")
    login(phone, "legal")
    old_laptop = str(laptop.cookies.get(COOKIE_NAME))
    r = laptop.post(
        "/account/password",
        data={
            "current_password": "wrong password!",
            "new_password": "a brand new password",
            "csrf_token": csrf(laptop),
        },
        headers=JSON,
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_failed"
    r = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new password",
            "csrf_token": csrf(laptop),
        },
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    assert phone.get("/index.json").status_code == 401  # the other device is logged out
    assert _replay(app, old_laptop) == 401  # so is the old cookie of this one
    assert laptop.get("/index.json").status_code == 200  # this browser: a new session
    # the library call (CLI, admin reset) ends sessions too
    accounts.set_password(store, "legal", "yet another password", actor="admin")
    assert laptop.get("/index.json").status_code == 401


def test_expired_sessions_are_refused(app: FastAPI, store: Store) -> None:
    client = TestClient(app)
    login(client, "analyst")
    assert client.get("/index.json").status_code == 200
    with store.engine.begin() as conn:
        conn.execute(update(WebSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/index.json").status_code == 401


def test_login_rate_limiting_engages(client: TestClient) -> None:
    token = csrf(client)
    codes = []
    for _ in range(accounts.FAILURES_BEFORE_BACKOFF + 1):
        r = client.post(
            "/login",
            data={"name": "viewer", "password": "not the password", "csrf_token": token},
            headers=JSON,
        )
        codes.append(r.json()["error"]["code"])
    assert (
        codes[: accounts.FAILURES_BEFORE_BACKOFF]
        == ["login_failed"] * accounts.FAILURES_BEFORE_BACKOFF
    )
    assert codes[-1] == "rate_limited"
    # even the right password is refused now, with Retry-After
    r = client.post(
        "/login", data={"name": "viewer", "password": PASSWORD, "csrf_token": token}, headers=JSON
    )
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0

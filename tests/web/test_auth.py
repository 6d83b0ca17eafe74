"""Logging in and out, rate limiting, TOTP, cookies, CSRF, API tokens."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Literal

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.access import throttle
from habeas.access import users as accounts
from habeas.errors import UsageError
from habeas.store.db import Store
from habeas.web import create_app
from tests.conftest import db_snapshot
from tests.web.conftest import PASSWORD, csrf, login

JSON = {"Accept": "application/json"}


def _post_login(client: TestClient, name: str, password: str) -> object:
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf(client)},
        follow_redirects=False,
    )


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
    r = client.post(
        "/login",
        data={"name": "viewer", "password": "nope nope nope", "csrf_token": csrf(client)},
        headers=JSON,
    )
    assert r.status_code == 401 and r.json()["error"]["code"] == "login_failed"


def test_rate_limited_after_five_failures(client: TestClient, store: Store) -> None:
    for _ in range(accounts.FAILURES_BEFORE_BACKOFF):
        r = client.post(
            "/login",
            data={"name": "legal", "password": "not the password", "csrf_token": csrf(client)},
            headers=JSON,
        )
        assert r.status_code == 401
    # even the right password is refused now
    r = client.post(
        "/login",
        data={"name": "legal", "password": PASSWORD, "csrf_token": csrf(client)},
        headers=JSON,
    )
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["retry-after"]) > 0
    # other accounts from elsewhere are not affected; each failure was logged
    login(client, "analyst")
    assert store.verify_log().ok


def test_rate_limit_per_address(store: Store, users: dict[str, str], monkeypatch: object) -> None:
    monkeypatch.setattr(throttle, "MAX_FAILURES_PER_ADDRESS", 3)  # type: ignore[attr-defined]
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
    r = client.post("/login/totp", data={"code": "000000", "csrf_token": token}, headers=JSON)
    if pyotp.TOTP(secret).verify("000000", valid_window=1):  # astronomically unlikely
        return
    assert r.status_code == 401
    r = client.post(
        "/login/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": token},
        follow_redirects=False,
    )
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
    token = accounts.create_token(store, "analyst", "script").token
    auth = {"Authorization": f"Bearer {token}"}
    r = client.get("/index.json", headers=auth)
    assert r.status_code == 200 and "counts" in r.json()
    assert client.get("/sources.json", headers=auth).status_code == 403  # no identities
    # without Accept, a token-authenticated request gets JSON
    assert client.get("/", headers=auth).headers["content-type"] == "application/json"
    bad = client.get("/index.json", headers={"Authorization": "Bearer hbs_nonsense"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "not_authenticated"
    # token requests need no CSRF token (no ambient cookies)
    admin_token = accounts.create_token(store, "admin", "script").token
    r = client.post(
        "/admin/users",
        json={"name": "bot", "role": "viewer", "password": "0123456789abc"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
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


# -- #14.13: throttled per (account, address), atomically; X-Forwarded-For ----------


def _fail(store: Store, name: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        with contextlib.suppress(accounts.LoginFailed, accounts.RateLimited):
            accounts.check_password(store, name, "not the password", address)


def _age_attempts(store: Store, seconds: float) -> None:
    """Move every recorded attempt ``seconds`` into the past (instead of sleeping)."""
    from sqlalchemy import select

    from habeas.store.schema_access import LoginAttempt

    with store.write("test") as op:
        for attempt in op.session.execute(select(LoginAttempt)).scalars():
            attempt.at = attempt.at - timedelta(seconds=seconds)
        op.log("test", "login_attempt", None, {})


def test_failures_from_one_address_do_not_lock_the_owner_out(
    store: Store, users: dict[str, str]
) -> None:
    _fail(store, "admin", "203.0.113.9", 3 * accounts.FAILURES_BEFORE_BACKOFF)
    with pytest.raises(accounts.RateLimited):
        accounts.check_password(store, "admin", PASSWORD, "203.0.113.9")
    # the admin, from their own address, is not kept out
    assert accounts.check_password(store, "admin", PASSWORD, "198.51.100.7").user.name == "admin"


def test_waits_grow_with_each_failure(store: Store, users: dict[str, str]) -> None:
    address = "203.0.113.10"
    _fail(store, "legal", address, accounts.FAILURES_BEFORE_BACKOFF)
    with pytest.raises(accounts.RateLimited) as refused:
        accounts.check_password(store, "legal", PASSWORD, address)
    assert 0 < refused.value.retry_after <= throttle.BACKOFF_START.total_seconds()
    _age_attempts(store, throttle.BACKOFF_START.total_seconds() + 1)
    _fail(store, "legal", address)  # one more try was allowed (and failed)
    with pytest.raises(accounts.RateLimited) as refused:
        accounts.check_password(store, "legal", PASSWORD, address)
    assert refused.value.retry_after > throttle.BACKOFF_START.total_seconds()  # doubled
    _age_attempts(store, 2 * throttle.BACKOFF_START.total_seconds() + 1)
    assert accounts.check_password(store, "legal", PASSWORD, address).user.name == "legal"


def test_concurrent_guesses_count_against_one_limit(
    store: Store, users: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty simultaneous wrong passwords: only the first five are checked and counted."""
    from sqlalchemy import func, select

    from habeas.store.schema_access import LoginAttempt

    class Slow(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            time.sleep(0.2)  # like the real argon2 parameters: the guesses overlap
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", Slow(time_cost=1, memory_cost=1024, parallelism=1))
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def guess(i: int) -> str:
        barrier.wait()
        try:
            accounts.check_password(store, "analyst", f"guess number {i}", "203.0.113.11")
        except accounts.LoginFailed:
            return "failed"
        except accounts.RateLimited:
            return "limited"
        return "accepted"

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(guess, range(20)))
    assert outcomes.count("failed") == accounts.FAILURES_BEFORE_BACKOFF, outcomes
    assert outcomes.count("limited") == 20 - accounts.FAILURES_BEFORE_BACKOFF
    with store.read() as s:
        recorded = s.execute(select(func.count()).select_from(LoginAttempt)).scalar()
    assert recorded == accounts.FAILURES_BEFORE_BACKOFF
    assert store.verify_log().ok


# -- #14.11: a name that is not an account is not kept ------------------------------


def test_unknown_names_are_not_stored(
    client_as: Callable[[str], TestClient], store: Store, client: TestClient
) -> None:
    typed = "my secret passphrase " * 10_000  # 210 KB, a password typed as the name
    r = client.post(
        "/login",
        data={"name": typed, "password": "x" * 12, "csrf_token": csrf(client)},
        headers=JSON,
    )
    assert r.status_code == 401
    r = client.post(
        "/login",
        data={"name": "no.such.user", "password": "x" * 12, "csrf_token": csrf(client)},
        headers=JSON,
    )
    assert r.status_code == 401
    dump = "\n".join(repr(rows) for rows in db_snapshot(store).values())
    assert "secret passphrase" not in dump and "no.such.user" not in dump
    log = client_as("admin").get("/admin/log.json?action=login_failed").json()["entries"]
    assert len(log) == 2
    assert {e["actor"] for e in log} == {accounts.UNKNOWN_ACCOUNT}
    assert sorted(e["detail"]["name_length"] for e in log) == [12, 10_000]  # capped
    # a known account's failure still names it (bounded: it is a valid user name)
    _fail(store, "viewer", "203.0.113.12")
    log = client_as("admin").get("/admin/log.json?action=login_failed").json()["entries"]
    assert log[0]["actor"] == "viewer" and log[0]["entity_id"] == "viewer"


# -- #14.14: a TOTP code is accepted once -------------------------------------------


def test_a_totp_code_cannot_be_used_twice(store: Store, users: dict[str, str]) -> None:
    _, secret = accounts.add_user(store, "ines", "legal", PASSWORD, totp=True)
    assert secret
    code = pyotp.TOTP(secret).now()
    assert accounts.check_totp(store, "ines", code, "10.0.0.1").name == "ines"
    with pytest.raises(accounts.LoginFailed):
        accounts.check_totp(store, "ines", code, "10.0.0.2")  # replayed
    # nor an older one (the previous step is still within the accepted window)
    earlier = pyotp.TOTP(secret).at(datetime.now(UTC) - timedelta(seconds=30))
    with pytest.raises(accounts.LoginFailed):
        accounts.check_totp(store, "ines", earlier, "10.0.0.2")


# -- #14.15: passwords easy to guess are refused ------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        " " * 12,
        "aaaaaaaaaa",
        "AAAAAaaaaaaa",
        "maria.lopez",
        "Maria.Lopez",
        "password123",
        "1234567890",
        "Contraseña123",
        "qwertyuiop",
    ],
)
def test_weak_passwords_are_refused(store: Store, password: str) -> None:
    with pytest.raises(UsageError):
        accounts.add_user(store, "maria.lopez", "viewer", password)
    accounts.add_user(store, "maria.lopez", "viewer", "a long enough password")
    with pytest.raises(UsageError):
        accounts.set_password(store, "maria.lopez", password)


# -- #14.16: tokens expire, and a password change revokes them ----------------------


def test_tokens_expire_by_default(store: Store, users: dict[str, str]) -> None:
    made = accounts.create_token(store, "analyst", "script")
    days = (made.expires_at - datetime.now(UTC)).total_seconds() / 86400
    assert 89.9 < days <= 90
    listed = accounts.list_tokens(store, "analyst")[0]
    assert listed["expires_at"] == made.expires_at and listed["expired"] is False
    short = accounts.create_token(store, "analyst", "weekly", lifetime=timedelta(days=7))
    assert accounts.token_user(store, short.token) is not None
    with pytest.raises(UsageError):
        accounts.create_token(store, "analyst", "forever", lifetime=timedelta(days=100_000))


def test_password_change_revokes_api_tokens(client: TestClient, store: Store) -> None:
    token = accounts.create_token(store, "legal", "script").token
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/index.json", headers=auth).status_code == 200
    login(client, "legal")
    r = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new password",
            "csrf_token": csrf(client),
        },
        headers=JSON,
    )
    assert r.status_code == 200 and r.json()["tokens_revoked"] == 1
    assert client.get("/index.json", headers=auth).status_code == 401
    # an admin's reset (the library call) revokes them too
    again = accounts.create_token(store, "legal", "script").token
    changed = accounts.set_password(store, "legal", "yet another password", actor="admin")
    assert changed.tokens_revoked == 1 and accounts.token_user(store, again) is None


def test_a_successful_login_clears_earlier_failures(store: Store, users: dict[str, str]) -> None:
    address = "203.0.113.13"
    _fail(store, "documenter", address, accounts.FAILURES_BEFORE_BACKOFF - 1)
    ok = accounts.check_password(store, "documenter", PASSWORD, address)
    accounts.start_session(store, ok.user, address)
    _fail(store, "documenter", address, accounts.FAILURES_BEFORE_BACKOFF - 1)  # a bad day
    assert accounts.check_password(store, "documenter", PASSWORD, address).user.name

"""Web fixtures: the app on a real store (SQLite and PostgreSQL), users of every role.

* ``app`` — :func:`habeas.web.create_app` on the ``store`` fixture (both backends).
* ``client`` — a ``TestClient`` (not logged in); ``login(client, role)`` logs it in
  as the user of that role (``users[role]`` is the name, :data:`PASSWORD` the
  password); ``csrf(client)`` gives the session's CSRF token for form posts.
* ``client_as(role)`` — a new logged-in client.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.access.policy import ROLES
from habeas.access.users import add_user
from habeas.store.db import Store
from habeas.web import create_app

PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small parameters: the tests hash dozens of passwords (the real
    parameters take about half a second per hash by design)."""
    from argon2 import PasswordHasher

    from habeas.access import users as accounts

    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def users(store: Store) -> dict[str, str]:
    """One user per role, named after it (``admin``, ``documenter``, ...)."""
    for role in ROLES:
        add_user(store, role, role, PASSWORD, actor="test")
    return {role: role for role in ROLES}


@pytest.fixture
def app(store: Store, users: dict[str, str]) -> FastAPI:
    return create_app(store, secret_key="test-secret-key")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def csrf(client: TestClient) -> str:
    """The CSRF token of the client's session (from a page's form)."""
    page = client.get("/login")
    found = CSRF_RE.search(page.text)
    assert found, "the login page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/", "login failed (redirected back to /login)"


@pytest.fixture
def client_as(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    made: list[TestClient] = []

    def make(role: str) -> TestClient:
        c = TestClient(app)
        c.__enter__()
        made.append(c)
        login(c, role)
        return c

    yield make
    for c in made:
        c.__exit__(None, None, None)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One Chromium per test process, shared by every browser test: Playwright's sync API
    runs an event loop in the thread, so a second instance cannot start beside the first."""
    from tests.web.conftest_browser import Chromium, ChromiumUnavailable

    try:
        browser = Chromium().start()
    except ChromiumUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {exc}")
        pytest.skip(str(exc))
    yield browser
    browser.stop()

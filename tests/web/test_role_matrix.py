"""Every registered route × every role (and anonymous), checked against the policy table.

The routes come from ``habeas.web.views.ROUTES`` after the app is built, so pages
added later (any module in ``habeas.web.pages``) are checked without editing this
test. Requests ask for JSON so that refusals are unambiguous error codes:
``forbidden`` (403) for a role without the permission, ``not_authenticated``
(401) for anonymous visitors. An allowed request may still fail for other
reasons (404 for the sample id, 400/422 for an empty form) — but never 401/403.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.access.policy import ROLES, allowed
from habeas.web.views import ROUTES, RouteInfo
from tests.web.conftest import csrf, login

PARAM = re.compile(r"\{([^}:]+)(:[^}]+)?\}")


def concrete(path: str) -> str:
    return PARAM.sub("1", path)


def _request(client: TestClient, route: RouteInfo, method: str, token: str) -> object:
    headers = {"Accept": "application/json", "X-CSRF-Token": token}
    return client.request(method, concrete(route.path), headers=headers,
                          data={"csrf_token": token} if method != "GET" else None,
                          follow_redirects=False)


def _check(role: str | None, route: RouteInfo, method: str, response: object) -> str | None:
    status = response.status_code  # type: ignore[attr-defined]
    code = None
    if response.headers.get("content-type", "").startswith("application/json"):  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            code = body["error"].get("code")
    expected = allowed(role, route.permission)
    where = f"{role or 'anonymous'}: {method} {route.path} ({route.permission}) -> {status} {code}"
    if expected:
        if status in (401, 403) and code in ("forbidden", "not_authenticated", "csrf_failed"):
            return "refused but allowed — " + where
    elif role is None:
        if not (status == 401 and code == "not_authenticated"):
            return "not refused (expected 401) — " + where
    elif not (status == 403 and code == "forbidden"):
        return "not refused (expected 403) — " + where
    return None


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_role_matrix(app: FastAPI, role: str | None) -> None:
    client = TestClient(app)
    if role is not None:
        login(client, role)
    token = csrf(client)
    routes = [r for r in ROUTES if r.kind != "framework"]
    assert len(routes) >= 20, "the views were not loaded"
    # logging out would end the session: do it last
    routes.sort(key=lambda r: r.name == "logout")
    failures = []
    checked = 0
    for route in routes:
        for method in route.methods:
            response = _request(client, route, method, token)
            assert response.status_code < 500, f"{method} {route.path}: {response.text[:300]}"  # type: ignore[attr-defined]
            problem = _check(role, route, method, response)
            if problem:
                failures.append(problem)
            checked += 1
    assert not failures, "\n".join(failures)
    assert checked == sum(len(r.methods) for r in routes)


def test_framework_routes_are_public(client: TestClient) -> None:
    for route in ROUTES:
        if route.kind == "framework":
            assert route.permission == "public"
    assert client.get("/static/habeas.css").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_policy_table_matches_the_roles_described() -> None:
    assert allowed("analyst", "estimate") and not allowed("analyst", "read_identities")
    assert allowed("legal", "dossier") and allowed("legal", "read_identities")
    assert not allowed("legal", "import")
    assert allowed("documenter", "import") and allowed("documenter", "review")
    assert allowed("documenter", "edit") and not allowed("documenter", "admin")
    assert allowed("viewer", "read_summary") and not allowed("viewer", "read_aggregates")
    assert all(allowed(r, "admin") is (r == "admin") for r in ROLES)
    assert allowed(None, "public") and not allowed(None, "read_summary")

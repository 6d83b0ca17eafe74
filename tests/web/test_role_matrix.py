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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from habeas.access.policy import ROLES, allowed
from habeas.store.db import Store
from habeas.web.views import ROUTES, RouteInfo
from tests.web.conftest import csrf, login

PARAM = re.compile(r"\{([^}:]+)(:[^}]+)?\}")


def concrete(path: str) -> str:
    return PARAM.sub("1", path)


def _request(client: TestClient, route: RouteInfo, method: str, token: str) -> object:
    headers = {"Accept": "application/json", "X-CSRF-Token": token}
    return client.request(
        method,
        concrete(route.path),
        headers=headers,
        data={"csrf_token": token} if method != "GET" else None,
        follow_redirects=False,
    )


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


# ---------------------------------------------------------------------------------------------
# role × route × sensitivity: the same register, one record / incident / source at each level.

SENSITIVITY_ROUTES = (
    "person",
    "person.json",
    "dossier",
    "sources.json",
    "search.json",
    "incidents.json",
    "inquiry.json",
    "inquiry_letter",
    "legal-actions.json",
    "legal-actions",
    "legal-action.json",
    "person.legal_actions",
    "export.csv",
    "dossier_filed",
    "situation",
    "aggregates.csv",
    "exports",
    "dossier_form",
)
#: routes that must show no personal data at any level to anyone they serve
NO_PERSONAL_DATA = ("aggregates.csv", "exports", "dossier_form")


def _inquiry(store: Store, case: Any) -> int:
    """An inquiry about the matrix person, matched by the library (every record a
    candidate) and confirmed: its page shows candidates, its letter the person's facts."""
    from habeas.inquiry import Asker, InquirySpec, Sought, create_inquiry
    from habeas.inquiry.matching import confirm_person, match_inquiry

    iid = create_inquiry(
        store,
        InquirySpec(Asker("A. Preguntona", "tía", "555"), Sought(name="Zebulon Testino")),
        None,
    )
    match_inquiry(store, iid, None)
    confirm_person(store, iid, case.person_id, None)
    return iid


def _legal_levels_seen(
    client: TestClient, route: str, pid: int, legal: dict[str, int]
) -> set[str] | None:
    """The levels of the legal actions a legal-action route showed (``None``: refused)."""
    if route == "legal-action.json":
        seen = set()
        for level, aid in legal.items():
            got = client.get(f"/legal-actions/{aid}.json", headers={"Accept": "application/json"})
            if got.status_code in (401, 403):
                return None
            assert got.status_code in (200, 404), (route, level, got.text[:300])
            if got.status_code == 200:
                assert got.json()["action"]["case_number"] == f"LV-{level}"
                seen.add(level)
        return seen
    url = {
        "legal-actions.json": "/legal-actions.json",
        "legal-actions": "/legal-actions",
        "person.legal_actions": f"/persons/{pid}.json",
    }[route]
    json_route = route != "legal-actions"
    response = client.get(
        url, headers={"Accept": "application/json"} if json_route else {}, follow_redirects=False
    )
    if response.status_code in (401, 403) or response.status_code == 303:
        return None
    assert response.status_code == 200, (route, response.status_code, response.text[:300])
    if not json_route:
        return {lv for lv in legal if f"LV-{lv}" in response.text}
    key = "legal_actions" if route == "person.legal_actions" else "actions"
    numbers = {a["case_number"] for a in response.json().get(key, [])}
    return {lv for lv in legal if f"LV-{lv}" in numbers}


def _levels_seen(
    client: TestClient, route: str, case: Any, store: Store, legal: dict[str, int]
) -> set[str] | None:
    """The levels whose data the route showed, or ``None`` when the route refused (401/403)."""
    from tests.trust.sensitivity_data import NAMES, SOURCES

    pid = case.person_id
    if route.startswith(("legal-action", "person.legal")):
        return _legal_levels_seen(client, route, pid, legal)
    if route == "dossier_filed":  # the dossier to file: a form post, PDF out
        response = client.post(
            f"/persons/{pid}/dossier",
            data={
                "preparer": "Matrix",
                "purpose": "court_filing",
                "case_number": "M-1",
                "language": "en",
                "csrf_token": csrf(client),
            },
            headers={"X-CSRF-Token": csrf(client)},
            follow_redirects=False,
        )
        if response.status_code in (401, 403, 303):  # 303: anonymous, sent to log in
            return None
        assert response.status_code == 200, (route, response.status_code, response.text[:300])
        from habeas.audit.query import LogFilter, log_entries

        entries = log_entries(store, LogFilter(kind="read", entity="dossier"), limit=1)
        assert entries and entries[0].detail["purpose"] == "court_filing: case M-1"
        return {lv for lv, rid in case.record_ids.items() if rid in entries[0].detail["records"]}
    url = {
        "person": f"/persons/{pid}",
        "person.json": f"/persons/{pid}.json",
        "dossier": f"/persons/{pid}/dossier.pdf",
        "sources.json": "/sources.json",
        "search.json": "/search.json?q=Zebulon+Testino",
        "incidents.json": "/incidents.json",
        "inquiry.json": f"/inquiries/{case.inquiry_id}.json",
        "inquiry_letter": f"/inquiries/{case.inquiry_id}/letter?lang=en",
        "export.csv": "/exports/records/download?format=csv",
        "situation": "/reports/situation?lang=en",
        "aggregates.csv": "/exports/aggregates/download?format=csv",
        "exports": "/exports",
        "dossier_form": f"/persons/{pid}/dossier",
    }[route]
    response = client.get(
        url,
        headers={"Accept": "application/json"} if route.endswith(".json") else {},
        follow_redirects=False,
    )
    if response.status_code in (401, 403) or (
        response.status_code == 303
        and route
        in (
            "person",
            "dossier",
            "export.csv",
            "situation",
            "aggregates.csv",
            "exports",
            "dossier_form",
            "inquiry_letter",
        )
    ):
        return None
    assert response.status_code == 200, (route, response.status_code, response.text[:300])
    if route == "person":
        return {lv for lv, name in NAMES.items() if name in response.text}
    if route == "person.json":
        names = {
            v["value"]
            for f in response.json()["identity"]
            if f["field"] == "names"
            for v in f["variants"]
        }
        return {lv for lv, name in NAMES.items() if name in names}
    if route == "dossier":  # the PDF is compressed: read what it held from the audit entry
        from habeas.audit.query import LogFilter, log_entries

        entries = log_entries(store, LogFilter(kind="read", entity="dossier"), limit=1)
        assert entries, "a dossier with restricted records was produced without an audit entry"
        entry = entries[0]
        return {lv for lv, rid in case.record_ids.items() if rid in entry.detail["records"]}
    if route == "sources.json":
        titles = {s["title"] for s in response.json()["sources"]}
        return {lv for lv, (title, _, _) in SOURCES.items() if title in titles}
    if route == "inquiry.json":  # anywhere in it: candidates, history
        return {lv for lv, (title, _, _) in SOURCES.items() if title in response.text}
    if route == "inquiry_letter":
        import html

        text = html.unescape(response.text)
        return {lv for lv, (title, _, _) in SOURCES.items() if title in text}
    if route in ("export.csv", *NO_PERSONAL_DATA):
        return {lv for lv, name in NAMES.items() if name in response.text}
    if route == "situation":  # sources named in the PDF's text
        import io

        from pypdf import PdfReader

        text = " ".join(
            (pg.extract_text() or "") for pg in PdfReader(io.BytesIO(response.content)).pages
        )
        flat = "".join(text.split())
        return {lv for lv, (title, _, _) in SOURCES.items() if "".join(title.split()) in flat}
    if route == "search.json":
        shown = {r["source"] for c in response.json()["candidates"] for r in c["records"]}
        return {lv for lv, (title, _, _) in SOURCES.items() if title in shown}
    ids = {i["id"] for i in response.json()["incidents"]}
    return {lv for lv, iid in case.incident_ids.items() if iid in ids}


def _expected(role: str | None, route: str, level: str) -> bool | None:
    from habeas.access import policy

    if route in NO_PERSONAL_DATA:
        needs = "dossier" if route == "dossier_form" else "read_aggregates"
        return False if allowed(role, needs) else None
    if route in ("incidents.json", "situation"):
        if not allowed(role, "read_aggregates"):
            return None
        return policy.allowed(role, "read_summary", sensitivity=level)
    action = {
        "dossier": "dossier",
        "dossier_filed": "dossier",
        "export.csv": "export",
        "inquiry_letter": "dossier",
    }.get(route, "view")
    if policy.max_level(role, action) is None:
        return None
    return policy.may(role, level, action)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_role_route_sensitivity(
    app: FastAPI, store: Store, tmp_path: Path, role: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    from habeas.access.policy import SENSITIVITY_LEVELS
    from tests.trust.sensitivity_data import REPORTER, build_legal_levels, build_levels

    case = build_levels(store, tmp_path)
    case.inquiry_id = _inquiry(store, case)  # type: ignore[attr-defined]
    legal = build_legal_levels(store, case)
    client = TestClient(app)
    if role is not None:
        login(client, role)
        if allowed(role, "read_identities"):
            stated = client.post(
                "/purpose",
                data={
                    "purpose": "lawyer_request",
                    "note": "matrix",
                    "next": "/",
                    "csrf_token": csrf(client),
                },
                follow_redirects=False,
            )
            assert stated.status_code == 303, stated.text
    checked, failures = 0, []
    for route in SENSITIVITY_ROUTES:
        seen = _levels_seen(client, route, case, store, legal)
        for level in SENSITIVITY_LEVELS:
            expected = _expected(role, route, level)
            got = None if seen is None else level in seen
            if got != expected:
                failures.append(f"{role} {route} {level}: got {got}, expected {expected}")
            checked += 1
    page = client.get(f"/persons/{case.person_id}", follow_redirects=False)
    assert (REPORTER in page.text) is (role == "admin")
    data = client.get(f"/persons/{case.person_id}.json", headers={"Accept": "application/json"})
    assert (REPORTER in data.text) is (role == "admin")
    assert not failures, "\n".join(failures)
    assert checked == len(SENSITIVITY_ROUTES) * len(SENSITIVITY_LEVELS)
    with capsys.disabled():
        print(f"\n{role or 'anonymous'}: {checked} route × sensitivity combinations checked")


def test_web_purpose_is_asked_once_and_logged(
    client_as: Callable[[str], TestClient], store: Store, tmp_path: Path
) -> None:
    from tests.trust.sensitivity_data import NAMES, build_levels

    case = build_levels(store, tmp_path)
    legal = client_as("legal")
    page = legal.get(f"/persons/{case.person_id}")
    assert NAMES["restricted"] not in page.text and "/purpose?next=" in page.text
    form = legal.get(f"/purpose?next=/persons/{case.person_id}")
    assert form.status_code == 200 and 'name="purpose"' in form.text
    done = legal.post(
        "/purpose",
        data={
            "purpose": "relative_request",
            "note": "RF-1",
            "next": f"/persons/{case.person_id}",
            "csrf_token": csrf(legal),
        },
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/persons/{case.person_id}"
    assert NAMES["restricted"] in legal.get(f"/persons/{case.person_id}").text
    api = legal.get(f"/persons/{case.person_id}.json", headers={"Accept": "application/json"})
    assert NAMES["restricted"] in api.text  # the session remembers the purpose
    admin = client_as("admin")
    log = admin.get(f"/admin/log.json?kind=read&person={case.person_id}").json()
    assert [e["purpose"] for e in log["entries"]] == ["relative_request: RF-1"] * 2
    assert all(e["actor"] == "legal" for e in log["entries"])
    assert admin.get("/admin/log/verify.json").json()["ok"] is True
    assert (
        "relative_request: RF-1" in admin.get(f"/admin/log?kind=read&person={case.person_id}").text
    )

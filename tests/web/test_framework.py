"""The framework: error shape, content negotiation, route registry, OpenAPI, base page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from habeas.access.policy import PERMISSIONS
from habeas.web.views import ROUTES

JSON = {"Accept": "application/json"}


def assert_error_shape(body: dict, status: int, code: str) -> None:
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)


def test_error_shape_everywhere(client: TestClient, client_as: Callable[[str], TestClient]) -> None:
    # unknown route
    r = client.get("/no/such/page", headers=JSON)
    assert r.status_code == 404
    assert_error_shape(r.json(), 404, "not_found")
    # not logged in
    r = client.get("/index.json")
    assert r.status_code == 401
    assert_error_shape(r.json(), 401, "not_authenticated")
    viewer = client_as("viewer")
    # logged in, not allowed
    r = viewer.get("/admin.json")
    assert r.status_code == 403
    assert_error_shape(r.json(), 403, "forbidden")
    assert r.json()["error"]["details"] == [{"permission": "admin", "role": "viewer"}]
    admin = client_as("admin")
    # a library NotFound raised inside a view
    r = admin.get("/sources/imports/999.json")
    assert r.status_code == 404
    assert_error_shape(r.json(), 404, "not_found")
    assert "999" in r.json()["error"]["message"]
    # a parameter that does not validate
    r = admin.get("/sources/imports/abc.json")
    assert r.status_code == 422
    assert_error_shape(r.json(), 422, "validation_failed")
    assert r.json()["error"]["details"][0]["loc"] == ["path", "import_id"]
    # a library UsageError
    r = admin.post(
        "/admin/users/viewer/role",
        data={"role": "emperor"},
        headers={**JSON, "X-CSRF-Token": _token(admin)},
    )
    assert r.status_code == 400
    assert_error_shape(r.json(), 400, "invalid_request")
    # wrong method
    r = admin.delete("/admin.json")
    assert r.status_code == 405
    assert_error_shape(r.json(), 405, "method_not_allowed")


def _token(client: TestClient) -> str:
    from tests.web.conftest import csrf

    return csrf(client)


def test_html_errors_are_pages_in_the_users_language(
    client: TestClient, client_as: Callable[[str], TestClient]
) -> None:
    r = client.get("/admin", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fadmin"
    viewer = client_as("viewer")
    viewer.get("/language/es")
    r = viewer.get("/admin")
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="es">' in r.text
    assert "No permitido" in r.text
    viewer.get("/language/en")
    r = viewer.get("/no/such/page")
    assert r.status_code == 404
    assert '<html lang="en">' in r.text and "Not found" in r.text


def test_content_negotiation(client_as: Callable[[str], TestClient]) -> None:
    c = client_as("analyst")
    html = c.get("/")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    suffixed = c.get("/index.json")
    accepted = c.get("/", headers=JSON)
    for r in (suffixed, accepted):
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
    assert suffixed.json()["counts"] == accepted.json()["counts"]
    assert set(suffixed.json()["counts"]) >= {"persons", "records", "sources", "events"}
    # a browser's Accept header gets HTML
    r = c.get("/", headers={"Accept": "text/html,application/xhtml+xml,application/json;q=0.9"})
    assert r.headers["content-type"].startswith("text/html")


def test_every_app_route_is_registered_with_a_permission(app: FastAPI) -> None:
    registered = {(r.path, m) for r in ROUTES for m in r.methods}
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        methods = (route.methods or set()) - {"HEAD"}  # type: ignore[attr-defined]
        for method in methods:
            assert (route.path, method) in registered, (
                f"{method} {route.path} is served but not in views.ROUTES"
            )  # type: ignore[attr-defined]
    assert all(r.permission in PERMISSIONS for r in ROUTES)
    names = [r.name for r in ROUTES]
    assert len(names) == len(set(names))


def test_openapi_lists_every_json_route(client: TestClient, app: FastAPI) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for route in ROUTES:
        if route.kind in ("page.json", "action"):
            assert route.path in paths, f"{route.path} missing from the OpenAPI schema"
            for method in route.methods:
                assert method.lower() in paths[route.path]
        if route.kind == "page":
            assert "get" not in paths.get(route.path, {}), f"HTML page {route.path} in the schema"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "/index.json" in docs.text and "/sources/import/{upload_id}/confirm" in docs.text
    # offline: no external scripts or styles
    assert "cdn" not in docs.text.lower()
    assert 'src="http' not in docs.text and 'href="http' not in docs.text
    api_routes = [r for r in app.routes if isinstance(r, APIRoute) and r.include_in_schema]
    assert api_routes


def test_base_page_landmarks_and_assets(client: TestClient) -> None:
    page = client.get("/login").text
    for landmark in (
        "<header",
        '<main id="main"',
        "<footer",
        'class="skip" href="#main"',
        "/static/htmx.min.js",
        "/static/habeas.css",
        'name="viewport"',
    ):
        assert landmark in page
    assert 'hreflang="en"' in page or 'hreflang="es"' in page
    for asset in ("/static/htmx.min.js", "/static/habeas.css", "/static/habeas.js"):
        assert client.get(asset).status_code == 200
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_dashboard_aggregates_follow_every_change(tmp_path: Path) -> None:
    """The dashboard's cache is keyed on the change-log head: a write shows at once."""
    from habeas.ingest.sources import add_source
    from habeas.store.db import Store
    from habeas.web.dashboard import cached_aggregates
    from habeas.workspace import init_workspace

    store = Store.open(init_workspace(tmp_path / "ws"), create=True)
    with store.read() as session:
        before = cached_aggregates(store, session, "en")["counts"]["sources"]
    add_source(store, "A statement", "official_statement")
    with store.read() as session:
        after = cached_aggregates(store, session, "en")
    assert (before, after["counts"]["sources"]) == (0, 1)
    after["counts"]["sources"] = 99  # callers get a copy, never the cached object
    with store.read() as session:
        assert cached_aggregates(store, session, "en")["counts"]["sources"] == 1

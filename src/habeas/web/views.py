"""One pattern for every resource: a view builds one data dict; the framework renders it.

Adding a page (W2: put modules in ``src/habeas/web/pages/``; every module there
is imported by :func:`load_views`, so its routes register themselves)::

    from typing import Any
    from habeas.web.context import Context
    from habeas.messages import N_
from habeas.web.views import action, page

    @page("/persons/{person_id}", permission="read_identities", template="person.html",
          name="person")
    def person(ctx: Context, person_id: int, tab: str | None = None) -> dict[str, Any]:
        \"\"\"One person: identity, records, custody timeline.\"\"\"   # OpenAPI summary
        with ctx.store.read() as session:
            ...
        return {"person": {...}, "records": [...]}

This registers ``GET /persons/{person_id}`` (HTML, from ``person.html``) and
``GET /persons/{person_id}.json`` (the same dict as JSON; in the OpenAPI schema).
``GET /persons/7`` with ``Accept: application/json`` also answers JSON.
Parameters after ``ctx`` are path or query parameters, typed and validated by
FastAPI (a bad value is a 422 in the JSON error shape). The template receives
the dict's keys plus ``ctx``, ``user``, ``lang``, ``_``, ``csrf_field()``,
``url()``, ``allowed()``; it should ``{% extends "base.html" %}`` and fill
``{% block title %}`` and ``{% block content %}``.

``partial="_person_records.html"``: when the request comes from htmx
(``HX-Request``), render that fragment instead of the full page (live search).
``nav=N_("Find a person"), nav_order=20``: list the page in the main navigation
(shown only to roles that hold its permission).

A form post::

    @action("/review/{pair_id}/decide", permission="review", name="review_decide",
            partial="_review_pair.html", redirect="/review")
    def decide(ctx: Context, pair_id: int) -> dict[str, Any]:
        decision = ctx.form.get("decision", "")
        ...  # with ctx.store.write(ctx.actor) as op: ...; op.log(...)
        ctx.flash(ctx._("Decision saved."))
        return {"pair": next_pair}

An action is CSRF-checked (form field ``csrf_token`` or header ``X-CSRF-Token``;
requests authenticated with an API token are exempt). Its response: JSON (the
dict) for API clients; the ``partial`` template for htmx; otherwise a
303 redirect (POST-redirect-GET) to ``data["redirect"]``, else the decorator's
``redirect``, else back to the page the form was on.

A view may also return a Starlette ``Response`` (a file download, a PDF) which is
sent as is. Raise library errors (``NotFound``, ``UsageError``, ...) — the
framework turns them into the JSON error shape or an error page
(:mod:`habeas.web.errors`).

Every route declares its permission (see :mod:`habeas.access.policy`);
:data:`ROUTES` lists them all (the role-matrix test enumerates it).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_type_hints

from habeas.access import policy

View = Callable[..., Any]


@dataclass(frozen=True)
class ViewDef:
    kind: str  # "page" or "action"
    path: str
    methods: tuple[str, ...]
    permission: str
    name: str
    view: View
    template: str | None = None
    partial: str | None = None
    redirect: str | None = None
    nav: str | None = None
    nav_order: int = 100
    summary: str | None = None
    tags: tuple[str, ...] = ()
    json: bool = True
    csrf: bool = True

    @property
    def json_path(self) -> str:
        return json_path(self.path)


@dataclass(frozen=True)
class RouteInfo:
    """One registered route: what the role-matrix test enumerates."""

    path: str
    methods: tuple[str, ...]
    permission: str
    name: str
    kind: str  # page, page.json, action, framework


#: Every route of the application, with its permission (filled at import time).
ROUTES: list[RouteInfo] = []
#: The views, in registration order.
VIEWS: list[ViewDef] = []

_taken: dict[tuple[str, str], str] = {}


def json_path(path: str) -> str:
    return path + "index.json" if path.endswith("/") else path + ".json"


def _add_route(info: RouteInfo) -> None:
    for method in info.methods:
        key = (method, info.path)
        if key in _taken and _taken[key] != info.name:
            raise ValueError(
                f"{method} {info.path} is registered twice ({_taken[key]} and {info.name})"
            )
        _taken[key] = info.name
    if not any(r.name == info.name and r.path == info.path for r in ROUTES):
        ROUTES.append(info)


def framework_route(path: str, methods: tuple[str, ...], permission: str, name: str) -> None:
    """Record a route the framework itself serves (static files, the OpenAPI schema)."""
    policy.check_permission(permission)
    _add_route(RouteInfo(path, methods, permission, name, "framework"))


def _register(vdef: ViewDef) -> None:
    policy.check_permission(vdef.permission)
    params = list(inspect.signature(vdef.view).parameters)
    if not params or params[0] != "ctx":
        raise TypeError(f"view {vdef.name}: the first parameter must be ctx")
    if "request" in params:
        raise TypeError(f"view {vdef.name}: 'request' is reserved; use ctx.request")
    if any(v.name == vdef.name for v in VIEWS):
        raise ValueError(f"a view named {vdef.name!r} is already registered")
    VIEWS.append(vdef)
    if vdef.kind == "page":
        if vdef.json:
            _add_route(
                RouteInfo(
                    vdef.json_path, vdef.methods, vdef.permission, vdef.name + ".json", "page.json"
                )
            )
        _add_route(RouteInfo(vdef.path, vdef.methods, vdef.permission, vdef.name, "page"))
    else:
        _add_route(RouteInfo(vdef.path, vdef.methods, vdef.permission, vdef.name, "action"))


def _summary(view: View) -> str | None:
    doc = inspect.getdoc(view)
    return doc.strip().splitlines()[0] if doc else None


def page(
    path: str,
    *,
    permission: str,
    template: str | None = None,
    name: str | None = None,
    partial: str | None = None,
    nav: str | None = None,
    nav_order: int = 100,
    tags: tuple[str, ...] | list[str] = (),
    json: bool = True,
) -> Callable[[View], View]:
    """Register a GET page (HTML from ``template``) and its JSON twin (``path + '.json'``)."""

    def decorate(view: View) -> View:
        _register(
            ViewDef(
                "page",
                path,
                ("GET",),
                permission,
                name or view.__name__,
                view,
                template=template,
                partial=partial,
                nav=nav,
                nav_order=nav_order,
                summary=_summary(view),
                tags=tuple(tags),
                json=json,
            )
        )
        return view

    return decorate


def action(
    path: str,
    *,
    permission: str,
    methods: list[str] | tuple[str, ...] = ("POST",),
    name: str | None = None,
    partial: str | None = None,
    redirect: str | None = None,
    tags: tuple[str, ...] | list[str] = (),
    csrf: bool = True,
) -> Callable[[View], View]:
    """Register a form post (CSRF-checked): JSON, an htmx ``partial``, or a 303 redirect."""

    def decorate(view: View) -> View:
        _register(
            ViewDef(
                "action",
                path,
                tuple(m.upper() for m in methods),
                permission,
                name or view.__name__,
                view,
                partial=partial,
                redirect=redirect,
                summary=_summary(view),
                tags=tuple(tags),
                csrf=csrf,
            )
        )
        return view

    return decorate


#: The application's own view modules (W2's live in habeas.web.pages and are found).
CORE_VIEW_MODULES = (
    "habeas.web.auth",
    "habeas.web.dashboard",
    "habeas.web.sources",
    "habeas.web.admin",
    "habeas.web.apidocs",
)


def load_views() -> list[RouteInfo]:
    """Import every view module (ours, then each module of ``habeas.web.pages``)."""
    for module in CORE_VIEW_MODULES:
        importlib.import_module(module)
    if importlib.util.find_spec("habeas.web.pages") is not None:
        package = importlib.import_module("habeas.web.pages")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"habeas.web.pages.{info.name}")
    return ROUTES


def view_parameters(view: View) -> list[inspect.Parameter]:
    """The view's parameters after ``ctx``, with annotations resolved (for FastAPI)."""
    hints = get_type_hints(view)
    params = list(inspect.signature(view).parameters.values())[1:]
    return [
        p.replace(annotation=hints.get(p.name, p.annotation), kind=inspect.Parameter.KEYWORD_ONLY)
        for p in params
    ]


framework_route("/static/{path:path}", ("GET",), "public", "static")
framework_route("/api/openapi.json", ("GET",), "public", "openapi")

"""Page URLs by route name, found in one dictionary look-up.

Starlette's ``app.url_path_for`` tries every route in turn (each miss raises
and catches an exception), which costs ~0.5 ms per call with this application's
hundred routes; a page that links 300 victims or search results spent most of
its time there. :func:`url_path` looks the route up by name in a table built
once per application, then asks that one route for its path (the same
parameter checking and escaping as Starlette's own). Names that several routes
share, and mounts, fall back to Starlette's search.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Mount

_TABLE = "habeas_routes_by_name"


def _table(app: Any) -> dict[str, BaseRoute | None]:
    """``{name: route}``, rebuilt when routes were added since it was made."""
    routes = app.router.routes
    built: tuple[int, dict[str, BaseRoute | None]] | None = getattr(app.state, _TABLE, None)
    if built is None or built[0] != len(routes):
        table: dict[str, BaseRoute | None] = {}
        for route in routes:
            name = getattr(route, "name", None)
            if name is None or isinstance(route, Mount):
                continue
            table[name] = None if name in table else route  # shared name: full search
        built = (len(routes), table)
        setattr(app.state, _TABLE, built)
    return built[1]


def url_path(app: Any, name: str, **params: Any) -> str:
    """The path of route ``name`` with ``params`` filled in (values turned into text)."""
    values = {k: str(v) for k, v in params.items()}
    route = _table(app).get(name)
    if route is None:
        return str(app.url_path_for(name, **values))
    return str(route.url_path_for(name, **values))

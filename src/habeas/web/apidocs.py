"""The API documentation: the OpenAPI schema rendered as a page (no external assets)."""

from __future__ import annotations

from typing import Any

from habeas.web.context import Context
from habeas.web.views import page


@page("/api/docs", permission="public", template="apidocs.html", name="api_docs")
def api_docs(ctx: Context) -> dict[str, Any]:
    """Every JSON endpoint of the API, from the OpenAPI schema."""
    schema = ctx.request.app.openapi()
    endpoints = []
    for path, operations in sorted(schema.get("paths", {}).items()):
        for method, op in operations.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or "",
                    "description": op.get("description") or "",
                    "tags": op.get("tags", []),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": bool(p.get("required")),
                            "type": (p.get("schema") or {}).get("type", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                }
            )
    return {
        "title": schema.get("info", {}).get("title", "habeas"),
        "version": schema.get("info", {}).get("version", ""),
        "schema_url": "/api/openapi.json",
        "endpoints": endpoints,
    }

"""The data pages' own stylesheet and keyboard script, served from this origin.

The Content-Security-Policy allows styles and scripts from ``'self'`` only (no
inline ``<style>``, ``style=""`` or ``<script>``), so what the search, person,
review, facility, incident and estimate pages need beyond ``/static/habeas.css``
is served here, from files next to this module.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.responses import Response

from habeas.web.context import Context
from habeas.web.views import page

ASSETS = Path(__file__).parent / "assets"


@lru_cache(maxsize=4)
def _read(name: str) -> bytes:
    return (ASSETS / name).read_bytes()


@page("/assets/pages.css", permission="public", name="pages_css", json=False, tags=["assets"])
def pages_css(ctx: Context) -> Response:
    """The data pages' stylesheet."""
    return Response(
        _read("pages.css"), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


@page(
    "/assets/review-keys.js",
    permission="public",
    name="review_keys_js",
    json=False,
    tags=["assets"],
)
def review_keys_js(ctx: Context) -> Response:
    """Keyboard shortcuts of the review page: s / d / u press the decision buttons."""
    return Response(
        _read("review-keys.js"),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )

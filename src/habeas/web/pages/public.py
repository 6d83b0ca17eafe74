"""The public situation page (``/public``): aggregates anyone may read, once an admin publishes it.

Until it is published the page answers 404 to everyone but administrators, who
see a preview with the publishing form. The page has no personal data at all
(see :mod:`habeas.report.aggregates`), so it is served the same to every
visitor, logged in or not; its figures are cached per register state.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse

from habeas.errors import NotFound, UsageError
from habeas.report.public_figures import public_situation
from habeas.report.public_page import page_html
from habeas.report.sharing import set_sharing, sharing_settings
from habeas.web.cache import cached
from habeas.web.context import Context
from habeas.web.views import action, page

#: The page carries its own inline styles (it is also a stand-alone static file).
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@page("/public", permission="public", name="public_situation")
def public_page(ctx: Context) -> Any:
    """The public situation page: counts, events over time, facilities, flags (no personal
    data; counts below k hidden). 404 until an admin publishes it."""
    settings = cached(ctx.store, ("sharing",), lambda: sharing_settings(ctx.store))
    is_admin = ctx.allowed("admin")
    if not settings.public_page and not is_admin:
        raise NotFound(ctx._("The public situation page is not published."))
    data: dict[str, Any] = cached(
        ctx.store,
        ("public_situation", ctx.lang, settings.k),
        lambda: public_situation(ctx.store, k=settings.k, lang=ctx.lang),
    )
    if ctx.wants_json:
        return data
    admin = (
        {
            "published": settings.public_page,
            "csrf_token": ctx.csrf_token,
            "action": ctx.url("public_publish"),
            "messages": [f["message"] for f in ctx.session.pop_flashes()],
        }
        if is_admin
        else None
    )
    links = {lang: f"/language/{lang}?next=/public" for lang in ("es", "en")}
    html = page_html(
        data,
        site_name=ctx.settings.site_name,
        language_links=links,
        json_href="/public.json",
        admin=admin,
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})


@action("/public/publish", permission="admin", name="public_publish", redirect="/public")
def publish(ctx: Context) -> dict[str, Any]:
    """Publish or withdraw the public page (field ``published``: true/false) and set k
    (field ``k``: counts below it are hidden; 1 hides nothing)."""
    raw_k = str(ctx.form.get("k", "")).strip()
    raw_published = str(ctx.form.get("published", "")).strip().lower()
    if raw_published not in ("", "true", "false", "on", "off", "1", "0"):
        raise UsageError(ctx._("“published” must be true or false."))
    try:
        k = int(raw_k) if raw_k else None
    except ValueError:
        raise UsageError(ctx._("k must be a whole number.")) from None
    published = None if raw_published == "" else raw_published in ("true", "on", "1")
    settings = set_sharing(ctx.store, k=k, public_page=published, actor=ctx.actor)
    ctx.flash(
        ctx._("The public page is published.")
        if settings.public_page
        else ctx._("The public page is not published.")
    )
    return {"sharing": settings.to_dict()}

"""Jinja2 rendering, one environment per language (gettext installed, Babel filters).

Templates live in ``habeas/web/templates``. Every template gets, besides the
view's data: ``ctx``, ``user``, ``role``, ``lang``, ``_``/``gettext``/``ngettext``,
``csrf_token``, ``csrf_field()``, ``allowed(permission)``, ``url(name, **params)``,
``nav`` (the navigation entries this user may see), ``flashes``, ``json_url`` (this
page's JSON twin), ``current_path``, ``site_name``; and the filters ``date``,
``datetime``, ``number``, ``decimal``, ``percent``, ``tojson``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context as TemplateContext
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from habeas import i18n
from habeas.access import policy
from habeas.web.country_names import country_name
from habeas.web.sessions import CSRF_FIELD

if TYPE_CHECKING:
    from habeas.web.context import Context

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=4)
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = i18n.translator(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # ``_`` and ``gettext`` as Jinja's new-style gettext computes them, with the
    # translated text of a message without placeholders kept: a page asks for the
    # same ~170 labels on every render
    env.globals["gettext"] = env.globals["_"] = _cached_gettext(translations.gettext)
    env.filters["date"] = lambda v, fmt="medium": _date(v, lang, fmt)
    env.filters["datetime"] = lambda v, fmt="medium": _datetime(v, lang, fmt)
    # a suppressed count arrives as text ("<5", "x") and is shown as it is
    env.filters["number"] = lambda v: v if isinstance(v, str) else i18n.format_number(v, lang)
    env.filters["decimal"] = lambda v, digits=2: i18n.format_decimal(v, lang, digits)
    env.filters["percent"] = lambda v, digits=0: _percent(v, lang, digits)
    # a stored ISO country code ("SLV") as the reader reads it ("El Salvador")
    env.filters["country"] = lambda code: country_name(code, lang)
    env.globals["lang"] = lang
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    return env


#: At most this many translated texts are kept per language (templates hold a few
#: hundred; a template translating data, e.g. ``_(label)``, must not grow it unbounded).
GETTEXT_CACHE = 4096


def _cached_gettext(translate: Any) -> Any:
    """Jinja's new-style ``gettext`` (the translation, escaped when autoescaping, then
    ``% variables``), the result kept for a plain text without variables."""
    kept: dict[str, Markup] = {}

    @pass_context
    def gettext(__context: TemplateContext, __string: str, **variables: Any) -> Any:
        autoescape = __context.eval_ctx.autoescape
        if not variables and autoescape and type(__string) is str:
            hit = kept.get(__string)
            if hit is None:
                hit = Markup(translate(__string)) % variables
                if len(kept) < GETTEXT_CACHE:
                    kept[__string] = hit
            return hit
        rv = translate(__string)
        if autoescape:
            rv = Markup(rv)
        return rv % variables

    return gettext


def _percent(value: Any, lang: str, digits: int) -> str:
    """``i18n.format_percent``, kept for plain numbers (a search shows a score per
    candidate: Babel reads the pattern anew on every call)."""
    if type(value) in (float, int) and type(digits) is int:
        return _kept_percent(value, lang, digits)
    return i18n.format_percent(value, lang, digits)


@lru_cache(maxsize=8192)
def _kept_percent(value: float, lang: str, digits: int) -> str:
    return i18n.format_percent(value, lang, digits)


def _date(value: Any, lang: str, fmt: str) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return i18n.format_date(value, lang, fmt) if isinstance(value, date) else str(value or "")


def _datetime(value: Any, lang: str, fmt: str) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return i18n.format_date(value, lang, fmt) if isinstance(value, date) else str(value or "")


def _nav(ctx: Context) -> list[dict[str, Any]]:
    from habeas.web.views import VIEWS

    entries = [v for v in VIEWS if v.nav and ctx.allowed(v.permission) and "{" not in v.path]
    path = ctx.request.url.path
    return [
        {
            "label": ctx._(v.nav or ""),
            "path": v.path,
            "name": v.name,
            "current": path == v.path or (v.path != "/" and path.startswith(v.path + "/")),
        }
        for v in sorted(entries, key=lambda v: (v.nav_order, v.name))
    ]


def template_context(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    token = ctx.csrf_token

    def csrf_field() -> Markup:
        return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')

    path = ctx.request.url.path
    query = ctx.request.url.query
    return {
        **data,
        "ctx": ctx,
        "user": ctx.user,
        "role": ctx.role,
        "csrf_token": token,
        "csrf_field": csrf_field,
        "allowed": ctx.allowed,
        "url": ctx.url,
        "nav": _nav(ctx),
        "flashes": ctx.session.pop_flashes(),
        "current_path": path,
        "current_url": quote(path + (f"?{query}" if query else ""), safe=""),
        "json_url": (path + "index.json" if path.endswith("/") else path + ".json")
        + (f"?{query}" if query else ""),
        "site_name": ctx.settings.site_name,
        "roles": policy.ROLES,
    }


def render(
    ctx: Context,
    template: str,
    data: dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    html = environment(ctx.lang).get_template(template).render(template_context(ctx, data))
    return HTMLResponse(html, status_code=status, headers=headers)


def render_error(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]],
    headers: dict[str, str] | None,
) -> HTMLResponse:
    from habeas.web.context import Context
    from habeas.web.errors import TITLES

    ctx = getattr(request.state, "ctx", None)
    if not isinstance(ctx, Context):
        ctx = request.app.state.habeas.anonymous_context(request)
    if code == "import_failed":  # the problems in the page's language, without CLI flags
        from habeas.web.import_problems import shown
        from habeas.web.pages._common import vocabulary_labels

        errors = sum(1 for d in details if d.get("severity") == "error")
        message = ctx._("The import was refused: %(n)s error(s); nothing was written.", n=errors)
        details = shown(details, ctx._, ctx.lang, vocabulary_labels(ctx.store, ctx.lang))
    data = {
        "status": status,
        "code": code,
        "message": message,
        "details": details,
        "title": TITLES.get(status, "Error"),
    }
    return render(ctx, "error.html", data, status=status, headers=headers)

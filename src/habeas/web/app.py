"""The web application: :func:`create_app` builds a FastAPI app on one open store.

Request flow: a middleware loads the signed session cookie (and saves it after
the response); each registered view (see :mod:`habeas.web.views`) gets two
route-level dependencies — ``guard`` (who is asking: session cookie or
``Authorization: Bearer`` token; the language; the route's permission) and, for
actions, ``read_form`` (form or JSON body; CSRF check) — then the view runs in a
worker thread and its dict is rendered as HTML or JSON.
"""

from __future__ import annotations

import gc
import hmac
import inspect
import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from fastapi import Depends, FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from habeas import __version__, i18n
from habeas.access.policy import PermissionDenied
from habeas.access.users import session_user_purpose, token_user
from habeas.errors import UsageError
from habeas.store.db import Store
from habeas.web import errors, sessions
from habeas.web.context import Context
from habeas.web.errors import CsrfFailed, NotAuthenticated, PayloadTooLarge, prefers_json
from habeas.web.guards import BodyLimit, TrustedHosts, refused_body
from habeas.web.rendering import render
from habeas.web.settings import Settings
from habeas.web.views import VIEWS, ViewDef, load_views, view_parameters

log = logging.getLogger("habeas.web")
STATIC = Path(__file__).parent / "static"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class AppState:
    """What every request shares: the store and the settings."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def language(self, request: Request, session: sessions.SessionData) -> str:
        if session.lang in i18n.LANGUAGES:
            return str(session.lang)
        for part in request.headers.get("accept-language", "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in i18n.LANGUAGES:
                return code
        return self.settings.default_language

    def anonymous_context(self, request: Request) -> Context:
        session = getattr(request.state, "session", None) or sessions.SessionData()
        return Context(
            request=request,
            store=self.store,
            settings=self.settings,
            user=None,
            lang=self.language(request, session),
            session=session,
            wants_json=prefers_json(request),
            htmx=request.headers.get("hx-request") == "true",
        )

    def context(self, request: Request) -> Context:
        """Authenticate the request (blocking: runs in a worker thread)."""
        ctx = self.anonymous_context(request)
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            user = token_user(self.store, auth[7:].strip())
            if user is None:
                raise NotAuthenticated(
                    "The API token is not valid (unknown, revoked, expired, "
                    "or its user is disabled)."
                )
            ctx.user, ctx.via_token = user, True
        elif ctx.session.sid:
            ctx.user, purpose = session_user_purpose(self.store, ctx.session.sid)
            if ctx.user is None:  # expired or ended elsewhere
                ctx.session.sid = None
            else:
                ctx.known_purpose(purpose)
        return ctx


def _guard(vdef: ViewDef, force_json: bool) -> Any:
    def guard(request: Request) -> None:
        ctx = request.app.state.habeas.context(request)
        ctx.wants_json = force_json or ctx.wants_json
        request.state.ctx = ctx
        request.state.wants_json = ctx.wants_json
        if not ctx.allowed(vdef.permission):
            if ctx.user is None:
                raise NotAuthenticated("Please log in (or send an API token) to see this.")
            raise PermissionDenied(vdef.permission, ctx.role)

    return guard


async def _read_form(request: Request) -> None:
    """Actions: read the form (or JSON body) and check the CSRF token."""
    ctx: Context = request.state.ctx
    try:
        await _read_body(request, ctx)
    except ClientDisconnect:
        refused = refused_body(request.scope, ctx.lang)  # cut off by guards.BodyLimit
        if refused is not None:
            raise refused from None
        raise
    if request.method in UNSAFE_METHODS and not ctx.via_token:
        sent = str(
            ctx.form.get(sessions.CSRF_FIELD) or request.headers.get(sessions.CSRF_HEADER, "")
        )
        if not sent or not hmac.compare_digest(sent, ctx.session.csrf):
            raise CsrfFailed(
                "The form has expired or did not come from this site (CSRF "
                "check failed). Reload the page and try again."
            )


async def _read_body(request: Request, ctx: Context) -> None:
    """The form (or JSON body) into ``ctx.form`` and ``ctx.files``."""
    settings = ctx.settings
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        too_deep = ctx._(
            "The JSON body is nested too deeply (at most %(n)s levels).", n=MAX_JSON_DEPTH
        )
        try:
            body = await request.json()
        except ValueError:
            raise UsageError(ctx._("The request body is not valid JSON.")) from None
        except RecursionError:
            raise UsageError(too_deep) from None
        if not isinstance(body, dict):
            raise UsageError(ctx._("The JSON body must be an object."))
        if json_depth(body) > MAX_JSON_DEPTH:
            raise UsageError(too_deep)
        # scalar values as text, like a form; nested values as JSON text
        ctx.form = {
            str(k): v
            if isinstance(v, str)
            else json.dumps(v)
            if isinstance(v, dict | list)
            else str(v).lower()
            if isinstance(v, bool)
            else str(v)
            for k, v in body.items()
            if v is not None
        }
    elif request.method in UNSAFE_METHODS:
        form = await request.form(max_files=20, max_fields=2000)
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                if value.size is not None and value.size > settings.max_upload_bytes:
                    raise PayloadTooLarge(
                        f"The file is larger than the limit of "
                        f"{settings.max_upload_bytes // (1024 * 1024)} MB."
                    )
                if value.filename:
                    ctx.files[key] = value
            else:
                ctx.form[key] = value


#: How deeply a JSON body may nest (no form needs more than a few levels).
MAX_JSON_DEPTH = 32


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend(
                    (v, depth) for v in (item.values() if isinstance(item, dict) else item)
                )
    return deepest


def _safe_target(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _respond(vdef: ViewDef, ctx: Context, data: Any, params: dict[str, Any]) -> Response:
    if isinstance(data, Response):
        return data
    data = {} if data is None else data
    if ctx.wants_json:
        payload = (
            {k: v for k, v in data.items() if k != "redirect"} if vdef.kind == "action" else data
        )
        return JSONResponse(jsonable_encoder(payload))
    if vdef.kind == "page":
        template = vdef.partial if ctx.htmx and vdef.partial else vdef.template
        if template is None:
            return JSONResponse(jsonable_encoder(data))
        return render(ctx, template, data)
    if ctx.htmx and vdef.partial:
        return render(ctx, vdef.partial, data)
    referer = ctx.request.headers.get("referer", "")
    host = ctx.request.url.netloc
    back = None
    if referer and f"//{host}/" in referer:
        back = "/" + referer.split(f"//{host}/", 1)[1]
    target = (
        _safe_target(data.get("redirect"))
        or _safe_target(vdef.redirect.format(**params) if vdef.redirect else None)
        or _safe_target(back)
        or "/"
    )
    if ctx.htmx:
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


#: The range of a database integer (SQLite and PostgreSQL BIGINT): a path or query
#: parameter outside it is a 422, not an overflow deep in the driver.
DB_INT = (annotated_types.Ge(-(2**63)), annotated_types.Le(2**63 - 1))


def _bounded(param: inspect.Parameter) -> inspect.Parameter:
    """``int`` (or ``int | None``) parameters limited to what the database can hold."""
    annotation = param.annotation
    if annotation is int:
        return param.replace(annotation=Annotated[int, *DB_INT])
    if get_origin(annotation) in (Union, UnionType) and int in get_args(annotation):
        others = [a for a in get_args(annotation) if a is not int]
        return param.replace(annotation=Union[(Annotated[int, *DB_INT], *others)])  # noqa: UP007
    return param


def _endpoint(vdef: ViewDef) -> Any:
    params = [_bounded(p) for p in view_parameters(vdef.view)]
    is_async = inspect.iscoroutinefunction(vdef.view)

    async def endpoint(request: Request, **kwargs: Any) -> Response:
        ctx: Context = request.state.ctx
        if is_async:
            data = await vdef.view(ctx, **kwargs)
        else:
            data = await run_in_threadpool(vdef.view, ctx, **kwargs)
        return _respond(vdef, ctx, data, kwargs)

    request_param = inspect.Parameter(
        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
    )
    endpoint.__signature__ = inspect.Signature([request_param, *params])  # type: ignore[attr-defined]
    endpoint.__name__ = vdef.name.replace(".", "_")
    endpoint.__doc__ = inspect.getdoc(vdef.view)
    return endpoint


def _install(app: FastAPI, vdef: ViewDef) -> None:
    tags = list(vdef.tags) or [vdef.view.__module__.rsplit(".", 1)[-1]]
    common: dict[str, Any] = {
        "methods": list(vdef.methods),
        "response_model": None,
        "summary": vdef.summary,
        "tags": tags,
        "responses": errors.OPENAPI_RESPONSES,
    }
    if vdef.kind == "page":
        if vdef.json:
            app.add_api_route(
                vdef.json_path,
                _endpoint(vdef),
                name=vdef.name + ".json",
                dependencies=[Depends(_guard(vdef, True))],
                include_in_schema=True,
                **common,
            )
        app.add_api_route(
            vdef.path,
            _endpoint(vdef),
            name=vdef.name,
            dependencies=[Depends(_guard(vdef, False))],
            include_in_schema=False,
            **common,
        )
    else:
        app.add_api_route(
            vdef.path,
            _endpoint(vdef),
            name=vdef.name,
            dependencies=[Depends(_guard(vdef, False)), Depends(_read_form)],
            include_in_schema=True,
            **common,
        )


@asynccontextmanager
async def _freeze_startup_objects(app: FastAPI) -> AsyncIterator[None]:
    """When the server starts: move everything loaded so far (modules, templates, views)
    out of the garbage collector's reach. It lives as long as the server, and a
    collection during a request then walks only that request's objects — the long
    tail of page times was mostly collections walking the whole heap (a search's
    worst case, measured in-process: 88 ms with, 22 ms without)."""
    gc.collect()
    gc.freeze()
    yield


def create_app(
    store: Store,
    *,
    secret_key: str | None = None,
    secure_cookies: bool = False,
    settings: Settings | None = None,
    **options: Any,
) -> FastAPI:
    """The web application on ``store``.

    ``secret_key`` signs session cookies: give the same key to every worker (``habeas
    serve`` keeps one in the workspace); without one, a random key is made (sessions
    then end when the process restarts). ``secure_cookies``: behind TLS. Other
    keyword options are :class:`~habeas.web.settings.Settings` fields.
    """
    if settings is None:
        key = secret_key or os.environ.get("HABEAS_SECRET_KEY") or secrets.token_urlsafe(32)
        settings = Settings(secret_key=key, secure_cookies=secure_cookies, **options)
    state = AppState(store, settings)
    app = FastAPI(
        title="habeas",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_freeze_startup_objects,
        description="The habeas register: every JSON view of the web application. "
        "Authenticate with `Authorization: Bearer <token>` "
        "(`habeas token create NAME`).",
    )
    app.state.habeas = state
    errors.install(app)

    @app.middleware("http")
    async def session_cookie(request: Request, call_next: Any) -> Response:
        session = sessions.load(request, settings)
        request.state.session = session
        response: Response = await call_next(request)
        sessions.save(response, session, settings, request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        if "cache-control" not in response.headers and not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    # added last, so they run first: no view, session or body parsing before them
    app.add_middleware(BodyLimit, settings=settings)
    app.add_middleware(TrustedHosts, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    load_views()
    for vdef in VIEWS:
        _install(app, vdef)
    return app

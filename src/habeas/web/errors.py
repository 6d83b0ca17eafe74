"""One error shape everywhere, and an error page in the visitor's language.

JSON (API clients, ``.json`` routes, ``Accept: application/json``)::

    {"error": {"status": 404, "code": "not_found", "message": "No person 7.",
               "details": []}}

``details`` lists the particulars: for a refused import, one item per problem
(``file``, ``sheet``, ``row``, ``column``, ``value``, ``message``, ``severity``);
for a malformed request, one per invalid parameter (``loc``, ``message``).

HTML: an error page (``error.html``) in the visitor's language; a visitor who is
not logged in is sent to ``/login?next=...`` instead of a 401 page.

Library errors map to statuses: ``NotFound`` 404, ``UsageError`` 400,
``ImportFailed`` 422, ``PermissionDenied`` 403, ``WorkspaceError`` and
``ServerBusy`` 503 (the latter with ``Retry-After``),
``IntegrityError`` 409, any other ``HabeasError`` 400; anything unexpected is a
500 whose message reveals nothing (the traceback goes to the server log).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from habeas.access.policy import PermissionDenied
from habeas.access.users import LoginFailed, RateLimited
from habeas.errors import HabeasError, IntegrityError, NotFound, UsageError, WorkspaceError
from habeas.ingest.problems import ImportFailed

log = logging.getLogger("habeas.web")


class NotAuthenticated(HabeasError):
    """The route needs a logged-in user (or a valid API token)."""


class CsrfFailed(HabeasError):
    """A form post without the right CSRF token."""


class PayloadTooLarge(HabeasError):
    """An upload larger than the configured limit."""


class ServerBusy(HabeasError):
    """Too many long computations are running at once; the client may retry later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


#: exception class -> (status, code); the first match in this order wins.
STATUS: list[tuple[type[Exception], int, str]] = [
    (NotAuthenticated, 401, "not_authenticated"),
    (LoginFailed, 401, "login_failed"),
    (PermissionDenied, 403, "forbidden"),
    (CsrfFailed, 403, "csrf_failed"),
    (NotFound, 404, "not_found"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (ImportFailed, 422, "import_failed"),
    (RateLimited, 429, "rate_limited"),
    (UsageError, 400, "invalid_request"),
    (ServerBusy, 503, "busy"),
    (WorkspaceError, 503, "workspace_unavailable"),
    (IntegrityError, 409, "integrity_error"),
    (HabeasError, 400, "error"),
]

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

#: Headings of the error page (translated in the catalogs).
TITLES = {
    400: "The request could not be processed",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "The stored data does not match its record",
    413: "The file is too large",
    422: "Some values need correcting",
    429: "Too many attempts",
    500: "Something went wrong on the server",
    503: "The register is not available",
}


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorResponse(BaseModel):
    """The one JSON error shape (documented in the OpenAPI schema of every operation)."""

    error: ErrorDetail


#: The errors any operation may answer, as documented in the OpenAPI schema (a 500 is a
#: bug, so it is not documented as an answer).
OPENAPI_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": TITLES[status]}
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}


def error_body(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "details": details or []}}


def classify(exc: Exception) -> tuple[int, str]:
    for cls, status, code in STATUS:
        if isinstance(exc, cls):
            return status, code
    return 500, "internal_error"


def details_of(exc: Exception) -> list[dict[str, Any]]:
    if isinstance(exc, ImportFailed):
        return [p.to_dict() for p in exc.problems]
    if isinstance(exc, PermissionDenied):
        return [{"permission": exc.permission, "role": exc.role}]
    return []


def wants_json(request: Request) -> bool:
    decided = getattr(request.state, "wants_json", None)
    if decided is not None:
        return bool(decided)
    return prefers_json(request)


def prefers_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return True
    return (
        request.headers.get("authorization", "").lower().startswith("bearer ")
        and "text/html" not in accept
    )


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse(
            error_body(status, code, message, details), status_code=status, headers=headers
        )
    if status == 401 and code == "not_authenticated":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    from habeas.web.rendering import render_error

    return render_error(request, status, code, message, details or [], headers)


def install(app: FastAPI) -> None:
    async def habeas_error(request: Request, exc: Exception) -> Response:
        status, code = classify(exc)
        headers = (
            {"Retry-After": str(exc.retry_after)}
            if isinstance(exc, RateLimited | ServerBusy)
            else None
        )
        if status == 500:
            log.exception(
                "unexpected error on %s %s", request.method, request.url.path, exc_info=exc
            )
            return error_response(
                request,
                500,
                "internal_error",
                "An unexpected error happened on the server; it has been "
                "logged. Nothing was half-written.",
            )
        return error_response(request, status, code, str(exc), details_of(exc), headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        return error_response(
            request,
            status,
            HTTP_CODES.get(status, f"http_{status}"),
            message,
            headers=getattr(exc, "headers", None),
        )

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = [
            {"loc": list(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return error_response(
            request, 422, "validation_failed", "Some parameters are missing or invalid.", details
        )

    app.add_exception_handler(HabeasError, habeas_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, habeas_error)

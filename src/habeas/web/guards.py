"""Checks on every request before any view runs: the size of its body, and its Host.

* :class:`BodyLimit` — no route reads more of a request body than it may need:
  the import upload up to the upload limit (:attr:`Settings.max_upload_bytes`, plus
  room for the form around the file), every other route up to
  :attr:`Settings.max_body_bytes`. A ``Content-Length`` over the limit is refused
  before a byte is read; a body that grows past it while being read (chunked) is
  cut off there. Either way the application sees the client go away (the
  request's ``habeas.too_large`` scope key says why), and the code that reads
  bodies (:func:`refused_body`) answers a 413 in the one error shape.
* :class:`TrustedHosts` — a request whose ``Host`` header names none of
  :attr:`Settings.allowed_hosts` (and is not a loopback name) is refused with a
  400 before anything runs, so that no response (a slash redirect, a link in a
  page) ever echoes a host an attacker chose. ``allowed_hosts=None`` switches the
  check off (an application built in tests or embedded elsewhere); ``habeas
  serve`` always sets it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import JSONResponse

from habeas import i18n
from habeas.web.errors import PayloadTooLarge, error_body
from habeas.web.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The routes that take a file, and so may receive up to the upload limit.
UPLOAD_ROUTES = frozenset({("POST", "/sources/import"), ("POST", "/attachments")})
#: Room for the form fields sent along with an uploaded file.
FORM_ROOM = 1024 * 1024
#: The scope key set when a body was cut off (its value: the limit in bytes).
TOO_LARGE = "habeas.too_large"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def body_limit(settings: Settings, method: str, path: str) -> int:
    """The largest body (bytes) ``method path`` may send."""
    if (method, path.rstrip("/") or "/") in UPLOAD_ROUTES:
        return settings.max_upload_bytes + FORM_ROOM
    return settings.max_body_bytes


def language(scope: Scope, settings: Settings) -> str:
    """The visitor's language from ``Accept-Language`` (no session is loaded yet)."""
    accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), "")
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in i18n.LANGUAGES:
            return code
    return settings.default_language


def refused_body(scope: Scope, lang: str) -> PayloadTooLarge | None:
    """The error to raise when reading the body stopped because it was too large."""
    limit = scope.get(TOO_LARGE)
    if limit is None:
        return None
    return PayloadTooLarge(
        i18n.translator(lang).gettext(
            "The request is larger than this address accepts (%(n)s bytes at most)."
        )
        % {"n": i18n.format_number(limit, lang)}
    )


class BodyLimit:
    """ASGI middleware: see the module doc."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(self.settings, scope["method"], scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        too_large = declared is not None and declared.isdigit() and int(declared) > limit
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if TOO_LARGE in scope:
                return {"type": "http.disconnect"}
            if too_large:
                scope[TOO_LARGE] = limit
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    scope[TOO_LARGE] = limit
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited, send)


def host_name(host: str) -> str:
    """``example.org:8000`` -> ``example.org``; ``[::1]:8000`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Is ``host`` (a Host header) a loopback name or one of ``allowed`` (``*.example.org``
    allows its subdomains)?"""
    name = host_name(host)
    if not name:
        return False
    if name in LOOPBACK:
        return True
    for pattern in (a.strip().lower() for a in allowed):
        if (
            pattern == "*"
            or name == pattern
            or (pattern.startswith("*.") and name.endswith(pattern[1:]))
        ):
            return True
    return False


class TrustedHosts:
    """ASGI middleware: see the module doc."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        allowed = self.settings.allowed_hosts
        if scope["type"] not in ("http", "websocket") or allowed is None:
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if host_allowed(host, tuple(allowed)):
            await self.app(scope, receive, send)
            return
        _ = i18n.translator(language(scope, self.settings)).gettext
        response = JSONResponse(
            error_body(400, "invalid_host", _("This server does not answer to that host name.")),
            status_code=400,
        )
        await response(scope, receive, send)

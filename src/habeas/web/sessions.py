"""The browser session: one signed cookie (itsdangerous).

The cookie carries no identity by itself: ``sid`` is a random session id whose
SHA-256 is a row of ``web_session`` (so logging out, disabling the user or
expiry end it server-side). It also carries the CSRF token, the chosen
language, one-time messages ("flashes") and, between the password and TOTP
steps of a login, the pending user name. Cookies are HttpOnly, SameSite=Lax, and
Secure when the application runs behind TLS: always with ``secure_cookies``, and
otherwise whenever the request itself came over HTTPS — directly, or through a
reverse proxy whose ``X-Forwarded-Proto`` the server trusts (``habeas serve
--trusted-proxy ADDRESS``; without it ``habeas serve`` believes no forwarded
header, not even from 127.0.0.1). An untrusted client cannot switch the flag
with that header.
"""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from habeas.web.settings import Settings

COOKIE_NAME = "habeas_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass
class SessionData:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    sid: str | None = None
    lang: str | None = None
    flashes: list[dict[str, str]] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    loaded: dict[str, Any] | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "csrf": self.csrf,
            "sid": self.sid,
            "lang": self.lang,
            "flashes": self.flashes,
            "pending": self.pending,
        }

    @property
    def changed(self) -> bool:
        return self.payload() != self.loaded

    def pop_flashes(self) -> list[dict[str, str]]:
        flashes, self.flashes = self.flashes, []
        return flashes

    def renew(self) -> None:
        """A new CSRF token (after logging in or out)."""
        self.csrf = secrets.token_urlsafe(24)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="habeas-session")


def load(request: Request, settings: Settings) -> SessionData:
    raw = request.cookies.get(COOKIE_NAME)
    if raw:
        try:
            data = _serializer(settings).loads(
                raw, max_age=int(settings.session_lifetime.total_seconds())
            )
        except BadSignature:
            data = None
        if isinstance(data, dict) and isinstance(data.get("csrf"), str):
            session = SessionData(
                csrf=data["csrf"],
                sid=data.get("sid"),
                lang=data.get("lang"),
                flashes=list(data.get("flashes") or []),
                pending=data.get("pending"),
            )
            session.loaded = copy.deepcopy(session.payload())
            return session
    return SessionData()


def save(
    response: Response, session: SessionData, settings: Settings, request: Request | None = None
) -> None:
    if not session.changed:
        return
    over_tls = request is not None and request.url.scheme == "https"
    response.set_cookie(
        COOKIE_NAME,
        _serializer(settings).dumps(session.payload()),
        max_age=int(settings.session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies or over_tls,
    )

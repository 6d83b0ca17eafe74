"""Logging in (password, then the TOTP code when the account has one), out, and language."""

from __future__ import annotations

import math
import time
from typing import Any

from starlette.responses import RedirectResponse

from habeas import i18n
from habeas.access import passwords, policy
from habeas.access.users import (
    LoginFailed,
    RateLimited,
    User,
    WeakPassword,
    check_password,
    check_totp,
    end_session,
    set_password,
    start_session,
)
from habeas.errors import UsageError
from habeas.web.context import Context
from habeas.web.views import action, page

PENDING_SECONDS = 300


def _next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _address(ctx: Context) -> str:
    """The client's address: the TCP peer, or what a trusted proxy says (``habeas serve
    --trusted-proxy``; never ``X-Forwarded-For`` from anyone else)."""
    client = ctx.request.client
    return client.host if client is not None else "unknown"


def refused_message(ctx: Context, exc: LoginFailed | RateLimited, wrong: str) -> str:
    """What to tell a visitor whose login was refused (``wrong``: the LoginFailed text)."""
    if isinstance(exc, RateLimited):
        return ctx._(
            "Too many failed logins; wait %(minutes)s minute(s) and try again.",
            minutes=max(1, math.ceil(exc.retry_after / 60)),
        )
    return wrong


def weak_password_message(ctx: Context, exc: WeakPassword) -> str:
    """Why a new password was refused, and what to choose instead, in the visitor's language."""
    if exc.reason == passwords.SHORT:
        return ctx._(
            "The password must have at least %(n)s characters; a few unrelated "
            "words make a good one.",
            n=passwords.MIN_PASSWORD_LENGTH,
        )
    if exc.reason == passwords.BLANK:
        return ctx._("The password cannot be only spaces; choose a few unrelated words.")
    if exc.reason == passwords.REPEATED:
        return ctx._("The password cannot be one character repeated; choose a few unrelated words.")
    if exc.reason == passwords.NAME:
        return ctx._("The password cannot be the user name; choose a few unrelated words.")
    return ctx._(
        "That is one of the most common passwords, the first an attacker tries; "
        "choose a few unrelated words."
    )


def _open_session(ctx: Context, user: User, target: str) -> dict[str, Any]:
    sid = start_session(ctx.store, user, _address(ctx), ctx.settings.session_lifetime)
    ctx.session.sid = sid
    ctx.session.pending = None
    ctx.session.renew()
    ctx.user = user
    return {"user": user.to_dict(), "totp_required": False, "redirect": target}


@page("/login", permission="public", template="login.html", name="login")
def login_page(ctx: Context, next: str | None = None) -> dict[str, Any]:
    """The login form."""
    return {"next": _next(next), "logged_in": ctx.user is not None}


@action("/login", permission="public", name="login_submit")
def login_submit(ctx: Context) -> dict[str, Any]:
    """Log in with name and password (form fields ``name``, ``password``)."""
    name = str(ctx.form.get("name", "")).strip()
    password = str(ctx.form.get("password", ""))
    target = _next(ctx.form.get("next"))
    if not name or not password:
        raise UsageError(ctx._("Enter your user name and password."))
    try:
        ok = check_password(ctx.store, name, password, _address(ctx))
    except (LoginFailed, RateLimited) as exc:
        if ctx.wants_json:
            raise
        ctx.flash(refused_message(ctx, exc, ctx._("Wrong user name or password.")), "error")
        return {"redirect": f"/login?next={target}"}
    if ok.needs_totp:
        ctx.session.pending = {"name": ok.user.name, "at": int(time.time()), "next": target}
        return {"user": None, "totp_required": True, "redirect": "/login/totp"}
    return _open_session(ctx, ok.user, target)


@page("/login/totp", permission="public", template="login_totp.html", name="login_totp")
def totp_page(ctx: Context) -> Any:
    """The second step: the code from the authenticator app."""
    pending = ctx.session.pending
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        if ctx.wants_json:
            return {"pending": False}
        return RedirectResponse("/login", status_code=303)
    return {"pending": True}


@action("/login/totp", permission="public", name="login_totp_submit")
def totp_submit(ctx: Context) -> dict[str, Any]:
    """Second step of a login: form field ``code`` (6 digits)."""
    pending = ctx.session.pending
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        ctx.session.pending = None
        raise UsageError(ctx._("The login has expired; enter your password again."))
    try:
        user = check_totp(ctx.store, pending["name"], str(ctx.form.get("code", "")), _address(ctx))
    except (LoginFailed, RateLimited) as exc:
        if ctx.wants_json:
            raise
        ctx.flash(
            refused_message(
                ctx,
                exc,
                ctx._("That code is not right, or it was already used; enter the next one."),
            ),
            "error",
        )
        return {"redirect": "/login/totp"}
    return _open_session(ctx, user, _next(pending.get("next")))


@action("/logout", permission="public", name="logout", redirect="/login")
def logout(ctx: Context) -> dict[str, Any]:
    """End this session."""
    if ctx.session.sid:
        end_session(ctx.store, ctx.session.sid)
    ctx.session.sid = None
    ctx.session.pending = None
    ctx.session.renew()
    ctx.flash(ctx._("You have logged out."))
    return {"logged_out": True}


@page("/language/{lang}", permission="public", name="language", json=False)
def language(ctx: Context, lang: str, next: str | None = None) -> Any:
    """Switch the interface language (``es`` or ``en``) and go back."""
    ctx.session.lang = i18n.check_language(lang)
    return RedirectResponse(_next(next), status_code=303)


@page("/account", permission="read_summary", template="account.html", name="account")
def account(ctx: Context) -> dict[str, Any]:
    """Who you are logged in as, and what your role allows."""
    assert ctx.user is not None
    return {
        "account": ctx.user.to_dict(),
        "permissions": sorted(policy.permissions_of(ctx.role)),
        "via_token": ctx.via_token,
    }


@action(
    "/account/password", permission="read_summary", name="account_password", redirect="/account"
)
def change_password(ctx: Context) -> dict[str, Any]:
    """Change your own password (fields ``current_password``, ``new_password``). Every
    session of the account ends and its API tokens are revoked; this browser continues
    in a new session."""
    assert ctx.user is not None
    if ctx.via_token:
        raise UsageError(ctx._("Change the password in the browser, not with an API token."))
    current = str(ctx.form.get("current_password", ""))
    new = str(ctx.form.get("new_password", ""))
    if not current or not new:
        raise UsageError(ctx._("Enter your current password and the new one."))
    check_password(ctx.store, ctx.user.name, current, _address(ctx))
    try:
        changed = set_password(ctx.store, ctx.user.name, new, actor=ctx.actor)
    except WeakPassword as exc:
        raise UsageError(weak_password_message(ctx, exc)) from exc
    _open_session(ctx, ctx.user, "/account")
    ctx.flash(
        ctx._(
            "Your password has been changed; your other sessions have ended and "
            "your API tokens were revoked (%(tokens)s).",
            tokens=changed.tokens_revoked,
        )
    )
    return {
        "changed": True,
        "sessions_ended": changed.sessions_ended,
        "tokens_revoked": changed.tokens_revoked,
        "redirect": "/account",
    }

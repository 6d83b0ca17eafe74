"""Accounts: users, passwords (argon2), TOTP second factor, API tokens, sessions, rate limits.

Every change is one logged write (``store.write``): adding, disabling or changing
a user, creating or revoking a token, each login and each failed login (a name that is
not an account is logged only as "unknown account" and its length: it may be a
password typed in the wrong field). Secrets are never stored in the clear:
passwords as argon2 hashes, API tokens and session ids as SHA-256 digests (they
are long random strings, so a fast hash is enough). The TOTP secret has to be
readable to check codes; it is sealed when the workspace encrypts
(:mod:`habeas.access.totp`).

Passwords: see :mod:`habeas.access.passwords` (what is refused). Changing a
password ends the user's sessions and revokes their API tokens. API tokens
expire, by default after :data:`TOKEN_LIFETIME`.

Rate limiting (:mod:`habeas.access.throttle`): failed logins slow down the
address they come from, per account, with growing waits; attempts that must
wait are refused (:class:`RateLimited`) even with the right password.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select

from habeas.access import throttle
from habeas.access import totp as second_factor
from habeas.access.account import User, aware, digest, get_row, utcnow
from habeas.access.passwords import MIN_PASSWORD_LENGTH, WeakPassword, check_password_strength
from habeas.access.policy import check_role
from habeas.access.throttle import (
    FAILURE_WINDOW,
    FAILURES_BEFORE_BACKOFF,
    MAX_FAILURES_PER_ADDRESS,
    UNKNOWN_ACCOUNT,
    RateLimited,
)
from habeas.access.tokens import (
    MAX_TOKEN_LIFETIME,
    TOKEN_LIFETIME,
    TOKEN_PREFIX,
    NewToken,
    create_token,
    list_tokens,
    revoke_token,
    token_user,
)
from habeas.crypto.fields import is_sealed
from habeas.errors import HabeasError, UsageError
from habeas.store.db import Store
from habeas.store.schema_access import ApiToken, AppUser, LoginAttempt, WebSession

__all__ = [
    "FAILURES_BEFORE_BACKOFF",
    "FAILURE_WINDOW",
    "MAX_FAILURES_PER_ADDRESS",
    "MAX_TOKEN_LIFETIME",
    "MIN_PASSWORD_LENGTH",
    "TOKEN_LIFETIME",
    "TOKEN_PREFIX",
    "UNKNOWN_ACCOUNT",
    "NewToken",
    "RateLimited",
    "User",
    "WeakPassword",
    "check_password_strength",
    "create_token",
    "digest",
    "list_tokens",
    "revoke_token",
    "token_user",
]

SESSION_LIFETIME = timedelta(hours=12)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginFailed(HabeasError):
    """Wrong name, password or code (deliberately not saying which)."""


def _check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise UsageError(
            f"User name {name!r} is not valid: use letters, digits and . _ @ - "
            "(at most 128 characters, starting with a letter or digit)."
        )
    return name


# -- managing users ------------------------------------------------------------


def add_user(
    store: Store,
    name: str,
    role: str,
    password: str | None = None,
    *,
    totp: bool = False,
    display_name: str | None = None,
    actor: str | None = None,
) -> tuple[User, str | None]:
    """Create a user; returns it and, with ``totp``, the TOTP secret to give them (once)."""
    _check_name(name)
    check_role(role)
    if password is not None:
        check_password_strength(password, name)
    secret = second_factor.new_secret() if totp else None
    stored = second_factor.stored_form(store, secret) if secret is not None else None
    with store.write(actor) as op:
        if op.session.execute(select(AppUser.id).where(AppUser.name == name)).first():
            raise UsageError(f"A user named {name!r} already exists.")
        row = AppUser(
            name=name,
            display_name=display_name,
            role=role,
            password_hash=_hasher.hash(password) if password is not None else None,
            totp_secret=stored,
            disabled=False,
            created_by=op.actor,
            created_at=utcnow(),
        )
        op.session.add(row)
        op.session.flush()
        op.log("add", "user", name, {"role": role, "totp": totp, "password": password is not None})
        user = User.of(row)
    return user, secret


def totp_uri(name: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed in)."""
    return second_factor.provisioning_uri(name, secret)


def list_users(store: Store) -> list[User]:
    with store.read() as session:
        return [
            User.of(u) for u in session.execute(select(AppUser).order_by(AppUser.name)).scalars()
        ]


def get_user(store: Store, name: str) -> User:
    with store.read() as session:
        return User.of(get_row(session, name))


def count_users(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(select(func.count()).select_from(AppUser)).scalar() or 0)


def set_role(store: Store, name: str, role: str, actor: str | None = None) -> User:
    check_role(role)
    with store.write(actor) as op:
        row = get_row(op.session, name)
        before = row.role
        row.role = role
        op.log("set_role", "user", name, {"from": before, "to": role})
        return User.of(row)


def set_disabled(store: Store, name: str, disabled: bool, actor: str | None = None) -> User:
    """Disable (or re-enable) a user; disabling ends their sessions and tokens stop working."""
    with store.write(actor) as op:
        row = get_row(op.session, name)
        row.disabled = disabled
        if disabled:
            now = utcnow()
            for s in op.session.execute(
                select(WebSession).where(
                    WebSession.user_id == row.id, WebSession.ended_at.is_(None)
                )
            ).scalars():
                s.ended_at = now
        op.log("disable" if disabled else "enable", "user", name, {})
        return User.of(row)


@dataclass(frozen=True)
class PasswordChanged:
    sessions_ended: int
    tokens_revoked: int


def set_password(
    store: Store, name: str, password: str, actor: str | None = None
) -> PasswordChanged:
    """Change (or, as an admin, reset) a password: every open session of the user ends
    and every API token of theirs is revoked (whoever knew the old password may have
    made one)."""
    check_password_strength(password, name)
    with store.write(actor) as op:
        row = get_row(op.session, name)
        row.password_hash = _hasher.hash(password)
        now = utcnow()
        ended = revoked = 0
        for s in op.session.execute(
            select(WebSession).where(WebSession.user_id == row.id, WebSession.ended_at.is_(None))
        ).scalars():
            s.ended_at = now
            ended += 1
        for t in op.session.execute(
            select(ApiToken).where(ApiToken.user_id == row.id, ApiToken.revoked_at.is_(None))
        ).scalars():
            t.revoked_at = now
            revoked += 1
        op.log("set_password", "user", name, {"sessions_ended": ended, "tokens_revoked": revoked})
    return PasswordChanged(ended, revoked)


# -- logging in ---------------------------------------------------------------


class _Accepted(Exception):  # noqa: N818 - control flow: nothing to write, roll back
    """Raised inside a login's write transaction when there is nothing to record."""


@dataclass(frozen=True)
class PasswordOk:
    user: User
    needs_totp: bool


def _verify(row: AppUser | None, password: str) -> bool:
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    try:
        ok = bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        ok = False
    return ok and row is not None and row.password_hash is not None and not row.disabled


def check_password(store: Store, name: str, password: str, address: str) -> PasswordOk:
    """First step of a login. Raises :class:`RateLimited` or :class:`LoginFailed`.

    The decision (may this address try now, was the password right, record the
    failure) is taken in one transaction that concurrent attempts from the same
    address enter one at a time (see :mod:`habeas.access.throttle`)."""
    address = throttle.bounded_address(address)
    with store.read() as session:
        row = (
            None
            if not NAME_PATTERN.match(name or "")
            else session.execute(select(AppUser).where(AppUser.name == name)).scalar_one_or_none()
        )
    account = row.name if row is not None else UNKNOWN_ACCOUNT
    throttle.precheck(store, account, address)
    detail: dict[str, object] = {"address": address, "stage": "password"}
    if row is None:
        detail["name_length"] = min(len(name or ""), 10_000)
    try:
        with store.write(account) as op:
            throttle.serialize(op.session, address)
            throttle.enforce(op.session, account, address)
            if _verify(row, password):
                raise _Accepted
            throttle.record_failure(op.session, account, address, "password")
            op.log("login_failed", "user", row.name if row is not None else None, detail)
    except _Accepted:
        assert row is not None
        return PasswordOk(User.of(row), row.totp_secret is not None)
    raise LoginFailed("Wrong user name or password (or the account is disabled).")


def check_totp(store: Store, name: str, code: str, address: str) -> User:
    """Second step: the 6-digit code from the user's authenticator app, accepted once.

    A secret still kept plain on a workspace that encrypts is sealed now."""
    address = throttle.bounded_address(address)
    with store.read() as session:
        user_id = get_row(session, name).id
    throttle.precheck(store, name, address)
    accepted: User | None = None
    with store.write(name) as op:
        throttle.serialize(op.session, address)
        throttle.enforce(op.session, name, address)
        row = op.session.get(AppUser, user_id, with_for_update=True)
        assert row is not None
        step = None
        if not row.disabled and row.totp_secret is not None:
            secret = second_factor.open_secret(store, row.totp_secret)
            step = second_factor.accepted_step(secret, code, row.totp_last_step)
        if step is None:
            throttle.record_failure(op.session, name, address, "totp")
            op.log("login_failed", "user", name, {"address": address, "stage": "totp"})
        else:
            row.totp_last_step = step
            detail: dict[str, object] = {"address": address}
            if store.keyring.enabled and not is_sealed(row.totp_secret):
                row.totp_secret = second_factor.stored_form(store, secret)
                detail["sealed"] = "totp_secret"
            op.log("login_totp", "user", name, detail)
            accepted = User.of(row)
    if accepted is None:
        raise LoginFailed(
            "That code is not right (or has expired, or was already used); try the next one."
        )
    return accepted


def start_session(
    store: Store, user: User, address: str, lifetime: timedelta = SESSION_LIFETIME
) -> str:
    """Record a successful login and open a session; returns the session id (for the cookie)."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    address = throttle.bounded_address(address)
    with store.write(user.name) as op:
        op.session.add(
            LoginAttempt(name=user.name, address=address, at=now, success=True, stage="session")
        )
        op.session.add(
            WebSession(
                id_hash=digest(sid),
                user_id=user.id,
                created_at=now,
                expires_at=now + lifetime,
                address=address,
            )
        )
        op.log("login", "user", user.name, {"address": address})
    return sid


def session_user(store: Store, sid: str) -> User | None:
    """The user of a live session, or ``None`` (unknown, ended, expired, disabled)."""
    return session_user_purpose(store, sid)[0]


# a session with its user (built once: every page asks)
_SESSION_USER = (
    select(WebSession, AppUser)
    .join(AppUser, AppUser.id == WebSession.user_id)
    .where(WebSession.id_hash == bindparam("id_hash"))
)


def session_user_purpose(store: Store, sid: str) -> tuple[User | None, str | None]:
    """The user of a live session (``None``: unknown, ended, expired, disabled) and the
    purpose stated for it (:func:`session_purpose`), in one read: every page needs both."""
    with store.read() as session:
        found = session.execute(_SESSION_USER, {"id_hash": digest(sid)}).first()
    if found is None:
        return None, None
    web, row = found
    if web.ended_at is not None or aware(web.expires_at) <= utcnow() or row.disabled:
        return None, None
    return User.of(row), web.purpose


def session_purpose(store: Store, sid: str) -> str | None:
    """The purpose stated for this browser session (see :mod:`habeas.access.reader`)."""
    with store.read() as session:
        return session.execute(
            select(WebSession.purpose).where(WebSession.id_hash == digest(sid))
        ).scalar_one_or_none()


def set_session_purpose(store: Store, sid: str, purpose: str, actor: str) -> None:
    """Remember why this session consults restricted data (one logged change)."""
    from habeas.access.reader import check_purpose

    checked = check_purpose(purpose)
    if checked is None:
        raise UsageError("Say why you consult this data (the purpose).")
    with store.write(actor) as op:
        web = op.session.get(WebSession, digest(sid))
        if web is None or web.ended_at is not None:
            raise UsageError("This session has ended; log in again.")
        web.purpose = checked
        op.log("purpose", "user", actor, {"purpose": checked})


def end_session(store: Store, sid: str) -> None:
    with store.read() as session:
        found = session.execute(
            select(WebSession.id_hash, AppUser.name)
            .join(AppUser, AppUser.id == WebSession.user_id)
            .where(WebSession.id_hash == digest(sid), WebSession.ended_at.is_(None))
        ).first()
    if found is None:
        return
    with store.write(found.name) as op:
        web = op.session.get(WebSession, found.id_hash)
        assert web is not None
        web.ended_at = utcnow()
        op.log("logout", "user", found.name, {})

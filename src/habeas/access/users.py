"""Accounts: users, passwords (argon2), TOTP second factor, API tokens, sessions, rate limits.

Every change is one logged write (``store.write``): adding, disabling or changing
a user, creating or revoking a token, each login and each failed login. Secrets
are never stored in the clear: passwords as argon2 hashes, API tokens and
session ids as SHA-256 digests (they are long random strings, so a fast hash is
enough). The TOTP secret has to be readable to check codes; issue 7 encrypts it.

Rate limiting: after :data:`MAX_FAILURES_PER_ACCOUNT` failed logins for one
account, or :data:`MAX_FAILURES_PER_ADDRESS` from one network address, within
:data:`FAILURE_WINDOW`, further attempts are refused (:class:`RateLimited`)
until the window has passed — even with the right password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from habeas.access.policy import check_role
from habeas.errors import HabeasError, NotFound, UsageError
from habeas.store.db import Store
from habeas.store.schema_access import ApiToken, AppUser, LoginAttempt, WebSession

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "hbs_"
TOTP_ISSUER = "habeas"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal names.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginFailed(HabeasError):
    """Wrong name, password or code (deliberately not saying which)."""


class RateLimited(HabeasError):
    """Too many failed logins recently; try again later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    display_name: str | None = None
    disabled: bool = False
    has_totp: bool = False
    created_at: datetime | None = None

    @classmethod
    def of(cls, row: AppUser) -> User:
        return cls(row.id, row.name, row.role, row.display_name, row.disabled,
                   row.totp_secret is not None, row.created_at)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role,
                "display_name": self.display_name, "disabled": self.disabled,
                "totp": self.has_totp,
                "created_at": self.created_at.isoformat() if self.created_at else None}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes (stored in UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def _check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise UsageError(f"User name {name!r} is not valid: use letters, digits and . _ @ - "
                         "(at most 128 characters, starting with a letter or digit).")
    return name


def _get(session: Session, name: str) -> AppUser:
    row = session.execute(select(AppUser).where(AppUser.name == name)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No user named {name!r}.")
    return row


# -- managing users ------------------------------------------------------------

def add_user(store: Store, name: str, role: str, password: str | None = None, *,
             totp: bool = False, display_name: str | None = None,
             actor: str | None = None) -> tuple[User, str | None]:
    """Create a user; returns it and, with ``totp``, the TOTP secret to give them (once)."""
    _check_name(name)
    check_role(role)
    if password is not None:
        check_password_strength(password)
    secret = pyotp.random_base32() if totp else None
    with store.write(actor) as op:
        if op.session.execute(select(AppUser.id).where(AppUser.name == name)).first():
            raise UsageError(f"A user named {name!r} already exists.")
        row = AppUser(name=name, display_name=display_name, role=role,
                      password_hash=_hasher.hash(password) if password is not None else None,
                      totp_secret=secret, disabled=False, created_by=op.actor,
                      created_at=_now())
        op.session.add(row)
        op.session.flush()
        op.log("add", "user", name, {"role": role, "totp": totp,
                                     "password": password is not None})
        user = User.of(row)
    return user, secret


def totp_uri(name: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=TOTP_ISSUER)


def list_users(store: Store) -> list[User]:
    with store.read() as session:
        return [User.of(u) for u in session.execute(select(AppUser).order_by(AppUser.name))
                .scalars()]


def get_user(store: Store, name: str) -> User:
    with store.read() as session:
        return User.of(_get(session, name))


def count_users(store: Store) -> int:
    with store.read() as session:
        return int(session.execute(select(func.count()).select_from(AppUser)).scalar() or 0)


def set_role(store: Store, name: str, role: str, actor: str | None = None) -> User:
    check_role(role)
    with store.write(actor) as op:
        row = _get(op.session, name)
        before = row.role
        row.role = role
        op.log("set_role", "user", name, {"from": before, "to": role})
        return User.of(row)


def set_disabled(store: Store, name: str, disabled: bool, actor: str | None = None) -> User:
    """Disable (or re-enable) a user; disabling ends their sessions and tokens stop working."""
    with store.write(actor) as op:
        row = _get(op.session, name)
        row.disabled = disabled
        if disabled:
            now = _now()
            for s in op.session.execute(select(WebSession).where(
                    WebSession.user_id == row.id, WebSession.ended_at.is_(None))).scalars():
                s.ended_at = now
        op.log("disable" if disabled else "enable", "user", name, {})
        return User.of(row)


def set_password(store: Store, name: str, password: str, actor: str | None = None) -> None:
    """Change a password; every open session of the user ends (log in again)."""
    check_password_strength(password)
    with store.write(actor) as op:
        row = _get(op.session, name)
        row.password_hash = _hasher.hash(password)
        now = _now()
        ended = 0
        for s in op.session.execute(select(WebSession).where(
                WebSession.user_id == row.id, WebSession.ended_at.is_(None))).scalars():
            s.ended_at = now
            ended += 1
        op.log("set_password", "user", name, {"sessions_ended": ended})


# -- logging in ---------------------------------------------------------------

def _recent_failures(session: Session, column: InstrumentedAttribute[str], value: str,
                     since: datetime) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(
        column == value, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    return int(session.execute(query).scalar() or 0)


def check_rate_limit(store: Store, name: str, address: str) -> None:
    since = _now() - FAILURE_WINDOW
    with store.read() as session:
        by_name = _recent_failures(session, LoginAttempt.name, name, since)
        by_address = _recent_failures(session, LoginAttempt.address, address, since)
    if by_name >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise RateLimited(f"Too many failed logins; wait {minutes} minutes and try again.",
                          retry_after=int(FAILURE_WINDOW.total_seconds()))


def _record_failure(store: Store, name: str, address: str, stage: str) -> None:
    with store.write(name) as op:
        op.session.add(LoginAttempt(name=name, address=address, at=_now(), success=False,
                                    stage=stage))
        op.log("login_failed", "user", name, {"address": address, "stage": stage})


@dataclass(frozen=True)
class PasswordOk:
    user: User
    needs_totp: bool


def check_password(store: Store, name: str, password: str, address: str) -> PasswordOk:
    """First step of a login. Raises :class:`RateLimited` or :class:`LoginFailed`."""
    check_rate_limit(store, name, address)
    with store.read() as session:
        row = session.execute(select(AppUser).where(AppUser.name == name)).scalar_one_or_none()
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    ok: bool
    try:
        ok = bool(_hasher.verify(stored, password))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None or row.password_hash is None or row.disabled:
        _record_failure(store, name, address, "password")
        raise LoginFailed("Wrong user name or password (or the account is disabled).")
    return PasswordOk(User.of(row), row.totp_secret is not None)


def check_totp(store: Store, name: str, code: str, address: str) -> User:
    """Second step: the 6-digit code from the user's authenticator app."""
    check_rate_limit(store, name, address)
    with store.read() as session:
        row = _get(session, name)
    code = re.sub(r"\s", "", code or "")
    if row.disabled or row.totp_secret is None or \
            not pyotp.TOTP(row.totp_secret).verify(code, valid_window=1):
        _record_failure(store, name, address, "totp")
        raise LoginFailed("That code is not right (or has expired); try the current one.")
    return User.of(row)


def start_session(store: Store, user: User, address: str,
                  lifetime: timedelta = SESSION_LIFETIME) -> str:
    """Record a successful login and open a session; returns the session id (for the cookie)."""
    sid = secrets.token_urlsafe(32)
    now = _now()
    with store.write(user.name) as op:
        op.session.add(LoginAttempt(name=user.name, address=address, at=now, success=True,
                                    stage="session"))
        op.session.add(WebSession(id_hash=digest(sid), user_id=user.id, created_at=now,
                                  expires_at=now + lifetime, address=address))
        op.log("login", "user", user.name, {"address": address})
    return sid


def session_user(store: Store, sid: str) -> User | None:
    """The user of a live session, or ``None`` (unknown, ended, expired, disabled)."""
    with store.read() as session:
        found = session.execute(select(WebSession, AppUser).join(
            AppUser, AppUser.id == WebSession.user_id).where(
            WebSession.id_hash == digest(sid))).first()
    if found is None:
        return None
    web, row = found
    if web.ended_at is not None or _aware(web.expires_at) <= _now() or row.disabled:
        return None
    return User.of(row)


def session_purpose(store: Store, sid: str) -> str | None:
    """The purpose stated for this browser session (see :mod:`habeas.access.reader`)."""
    with store.read() as session:
        return session.execute(select(WebSession.purpose).where(
            WebSession.id_hash == digest(sid))).scalar_one_or_none()


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
        found = session.execute(select(WebSession.id_hash, AppUser.name).join(
            AppUser, AppUser.id == WebSession.user_id).where(
            WebSession.id_hash == digest(sid), WebSession.ended_at.is_(None))).first()
    if found is None:
        return
    with store.write(found.name) as op:
        web = op.session.get(WebSession, found.id_hash)
        assert web is not None
        web.ended_at = _now()
        op.log("logout", "user", found.name, {})


# -- API tokens ---------------------------------------------------------------

def create_token(store: Store, name: str, label: str = "api", *, actor: str | None = None,
                 lifetime: timedelta | None = None) -> str:
    """A new API token for user ``name``; returned once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = _now()
    with store.write(actor) as op:
        row = _get(op.session, name)
        if row.disabled:
            raise UsageError(f"User {name!r} is disabled.")
        op.session.add(ApiToken(user_id=row.id, label=label, token_hash=digest(token),
                                prefix=token[:10], created_by=op.actor, created_at=now,
                                expires_at=now + lifetime if lifetime else None))
        op.log("create_token", "user", name, {"label": label, "prefix": token[:10]})
    return token


def token_user(store: Store, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.read() as session:
        found = session.execute(select(ApiToken, AppUser).join(
            AppUser, AppUser.id == ApiToken.user_id).where(
            ApiToken.token_hash == digest(token))).first()
    if found is None:
        return None
    tok, row = found
    if tok.revoked_at is not None or row.disabled or \
            (tok.expires_at is not None and _aware(tok.expires_at) <= _now()):
        return None
    return User.of(row)


def list_tokens(store: Store, name: str | None = None) -> list[dict[str, object]]:
    with store.read() as session:
        query = select(ApiToken, AppUser.name).join(AppUser, AppUser.id == ApiToken.user_id)
        if name:
            query = query.where(AppUser.name == name)
        return [{"id": t.id, "user": uname, "label": t.label, "prefix": t.prefix,
                 "created_at": t.created_at, "revoked": t.revoked_at is not None}
                for t, uname in session.execute(query.order_by(ApiToken.id))]


def revoke_token(store: Store, token_id: int, actor: str | None = None) -> None:
    with store.write(actor) as op:
        tok = op.session.get(ApiToken, token_id)
        if tok is None:
            raise NotFound(f"No API token {token_id}.")
        tok.revoked_at = _now()
        op.log("revoke_token", "api_token", token_id, {"prefix": tok.prefix})

"""API tokens: bearer tokens for the JSON API, shown once, kept as SHA-256 digests.

A token expires, by default after :data:`TOKEN_LIFETIME` (at most
:data:`MAX_TOKEN_LIFETIME`); it stops working when revoked, when its user is
disabled, and when the user's password changes (:func:`habeas.access.users.set_password`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from habeas.access.account import User, aware, digest, get_row, utcnow
from habeas.errors import NotFound, UsageError
from habeas.store.db import Store
from habeas.store.schema_access import ApiToken, AppUser

TOKEN_PREFIX = "hbs_"
TOKEN_LIFETIME = timedelta(days=90)
MAX_TOKEN_LIFETIME = timedelta(days=3650)


@dataclass(frozen=True)
class NewToken:
    """A token just created: the secret (shown once) and when it expires."""

    token: str = field(repr=False)
    expires_at: datetime


def create_token(
    store: Store,
    name: str,
    label: str = "api",
    *,
    actor: str | None = None,
    lifetime: timedelta = TOKEN_LIFETIME,
) -> NewToken:
    """A new API token for user ``name``, valid for ``lifetime`` (default
    :data:`TOKEN_LIFETIME`); returned once, only its hash is kept."""
    if not timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise UsageError(
            f"A token's lifetime must be between 1 and {MAX_TOKEN_LIFETIME.days} days."
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with store.write(actor) as op:
        row = get_row(op.session, name)
        if row.disabled:
            raise UsageError(f"User {name!r} is disabled.")
        op.session.add(
            ApiToken(
                user_id=row.id,
                label=label,
                token_hash=digest(token),
                prefix=token[:10],
                created_by=op.actor,
                created_at=now,
                expires_at=now + lifetime,
            )
        )
        op.log(
            "create_token",
            "user",
            name,
            {"label": label, "prefix": token[:10], "expires_at": (now + lifetime).isoformat()},
        )
    return NewToken(token, now + lifetime)


def token_user(store: Store, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    with store.read() as session:
        found = session.execute(
            select(ApiToken, AppUser)
            .join(AppUser, AppUser.id == ApiToken.user_id)
            .where(ApiToken.token_hash == digest(token))
        ).first()
    if found is None:
        return None
    tok, row = found
    if (
        tok.revoked_at is not None
        or row.disabled
        or (tok.expires_at is not None and aware(tok.expires_at) <= utcnow())
    ):
        return None
    return User.of(row)


def list_tokens(store: Store, name: str | None = None) -> list[dict[str, object]]:
    with store.read() as session:
        query = select(ApiToken, AppUser.name).join(AppUser, AppUser.id == ApiToken.user_id)
        if name:
            query = query.where(AppUser.name == name)
        now = utcnow()
        return [
            {
                "id": t.id,
                "user": uname,
                "label": t.label,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "revoked": t.revoked_at is not None,
                "expires_at": aware(t.expires_at) if t.expires_at else None,
                "expired": t.expires_at is not None and aware(t.expires_at) <= now,
            }
            for t, uname in session.execute(query.order_by(ApiToken.id))
        ]


def revoke_token(store: Store, token_id: int, actor: str | None = None) -> None:
    with store.write(actor) as op:
        tok = op.session.get(ApiToken, token_id)
        if tok is None:
            raise NotFound(f"No API token {token_id}.")
        tok.revoked_at = utcnow()
        op.log("revoke_token", "api_token", token_id, {"prefix": tok.prefix})

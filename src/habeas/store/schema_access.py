"""Tables for accounts and access (see :mod:`habeas.access.users`).

* :class:`AppUser` — a person who logs in: a name, one role, an argon2 password
  hash, an optional TOTP secret (second factor; sealed when the workspace
  encrypts) and the time step of the last code accepted, disabled or not. Users are never
  deleted (the change log names them); they are disabled.
* :class:`ApiToken` — a bearer token for the JSON API; only its SHA-256 is
  stored (the token is shown once, when created). Revoked, never deleted.
* :class:`WebSession` — a logged-in browser session: the SHA-256 of the random
  session id kept in the (signed) cookie, and when it expires. Logging out or
  disabling the user ends it. ``purpose``: why restricted data is consulted in
  this session (stated once; see :mod:`habeas.access.reader`).
* :class:`LoginAttempt` — failed (and successful) logins by account and address,
  for rate limiting.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class AppUser(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    # Sealed (``hbs1:...``) when the workspace encrypts; see habeas.access.totp.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    # The 30-second step of the last TOTP code accepted (a code is used once).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(String(64))
    # Why restricted data is consulted in this session (art. 19; asked once, remembered).
    purpose: Mapped[str | None] = mapped_column(String(255))


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_name_at", "name", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    success: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str] = mapped_column(String(16))  # password or totp

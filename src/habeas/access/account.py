"""An account as the rest of habeas sees it (:class:`User`), and small helpers that
:mod:`habeas.access.users` and :mod:`habeas.access.tokens` share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas.errors import NotFound
from habeas.store.schema_access import AppUser


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
        return cls(
            row.id,
            row.name,
            row.role,
            row.display_name,
            row.disabled,
            row.totp_secret is not None,
            row.created_at,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "display_name": self.display_name,
            "disabled": self.disabled,
            "totp": self.has_totp,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes (stored in UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def get_row(session: Session, name: str) -> AppUser:
    row = session.execute(select(AppUser).where(AppUser.name == name)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"No user named {name!r}.")
    return row

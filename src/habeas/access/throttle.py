"""Slowing down password guessing without letting anyone lock an account.

Failed logins are counted per *(account, network address)*: after
:data:`FAILURES_BEFORE_BACKOFF` failures from one address on one account within
:data:`FAILURE_WINDOW`, that address must wait before its next try on that
account — :data:`BACKOFF_START`, doubling with each further failure, at most the
window. Someone guessing from one address cannot keep the account's owner (who
logs in from another) out, and a successful login from an address clears its
earlier failures on that account. One address is also limited to
:data:`MAX_FAILURES_PER_ADDRESS` failures within the window over all accounts.

Names that are not accounts share one bucket, :data:`UNKNOWN_ACCOUNT`: the name
typed is never stored (it may be a password typed in the wrong field).

The decision is atomic: :func:`serialize` makes concurrent attempts from one
address take turns inside their write transaction (a PostgreSQL advisory lock;
SQLite writers already take turns), so :func:`enforce` counts every earlier
failure. Twenty simultaneous guesses get five answers, not twenty.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from habeas.errors import HabeasError
from habeas.store.db import Store
from habeas.store.schema_access import LoginAttempt

FAILURES_BEFORE_BACKOFF = 5
BACKOFF_START = timedelta(seconds=30)
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
UNKNOWN_ACCOUNT = "(unknown)"
MAX_ADDRESS = 64


class RateLimited(HabeasError):
    """Too many failed logins recently; ``retry_after`` says how many seconds to wait."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def bounded_address(address: str | None) -> str:
    """The client address as stored (at most :data:`MAX_ADDRESS` characters)."""
    return (address or "unknown")[:MAX_ADDRESS]


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def wait_seconds(session: Session, account: str, address: str, now: datetime | None = None) -> int:
    """How long ``address`` must wait before trying ``account`` again (0: it may try now)."""
    now = now or _now()
    since = now - FAILURE_WINDOW
    failed = (
        LoginAttempt.success.is_(False),
        LoginAttempt.at >= since,
        LoginAttempt.address == address,
    )
    # a successful login from this address clears its earlier failures on this account
    last_login = session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.name == account,
            LoginAttempt.address == address,
            LoginAttempt.success.is_(True),
            LoginAttempt.at >= since,
        )
    ).scalar()
    pair = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.name == account,
            *failed,
            *(() if last_login is None else (LoginAttempt.at > last_login,)),
        )
    ).one()
    wait = 0.0
    if pair[0] >= FAILURES_BEFORE_BACKOFF and pair[1] is not None:
        delay = min(BACKOFF_START * 2 ** (pair[0] - FAILURES_BEFORE_BACKOFF), FAILURE_WINDOW)
        wait = (_aware(pair[1]) + delay - now).total_seconds()
    by_address = session.execute(
        select(LoginAttempt.at)
        .where(*failed)
        .order_by(LoginAttempt.at.desc())
        .offset(MAX_FAILURES_PER_ADDRESS - 1)
        .limit(1)
    ).scalar()
    if by_address is not None:  # the address has used up its failures in the window
        wait = max(wait, (_aware(by_address) + FAILURE_WINDOW - now).total_seconds())
    return max(0, math.ceil(wait))


def _refuse(wait: int) -> RateLimited:
    return RateLimited(
        f"Too many failed logins; wait {math.ceil(wait / 60)} minute(s) and try again.",
        retry_after=wait,
    )


def precheck(store: Store, account: str, address: str) -> None:
    """A quick refusal before the (slow) password check; :func:`enforce` decides."""
    with store.read() as session:
        wait = wait_seconds(session, account, address)
    if wait:
        raise _refuse(wait)


def serialize(session: Session, address: str) -> None:
    """Make attempts from ``address`` take turns until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(b"habeas login " + address.encode()).digest()[:8], "big", signed=True
        )
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def enforce(session: Session, account: str, address: str) -> None:
    """Raise :class:`RateLimited` if this attempt must wait (call after :func:`serialize`)."""
    wait = wait_seconds(session, account, address)
    if wait:
        raise _refuse(wait)


def record_failure(session: Session, account: str, address: str, stage: str) -> None:
    session.add(LoginAttempt(name=account, address=address, at=_now(), success=False, stage=stage))

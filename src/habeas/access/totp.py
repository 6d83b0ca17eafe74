"""The TOTP second factor: the secret kept sealed, and each code accepted once.

The secret must be readable to check codes, so it cannot be hashed. When the
workspace encrypts (``habeas encryption enable``), it is stored sealed like
other protected values (:func:`habeas.crypto.fields.seal_json`, context
:data:`CONTEXT`) and so is every backup of the database. Secrets written
before encryption was enabled are sealed by :func:`seal_totp_secrets`, which
``encryption enable`` and ``encryption change-passphrase`` run, and otherwise
the first time the user logs in with a code. Without encryption the secret is
kept as the plain base32 text.

A code is valid for its 30-second step and one step either side (clocks
drift); :func:`accepted_step` refuses a step not later than the last one
accepted for that user, so an observed code cannot be replayed.
"""

from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from habeas.crypto.fields import is_sealed, open_json, seal_json
from habeas.store.db import Store
from habeas.store.schema_access import AppUser

CONTEXT = "app_user.totp_secret"
ISSUER = "habeas"
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def stored_form(store: Store, secret: str) -> str:
    """The secret as kept in ``app_user.totp_secret``: sealed when the workspace encrypts."""
    return seal_json(store, secret, context=CONTEXT) if store.keyring.enabled else secret


def open_secret(store: Store, stored: str) -> str:
    """The base32 secret from its stored form (sealed or plain)."""
    if is_sealed(stored):
        return str(open_json(store, stored, context=CONTEXT))
    return stored


def provisioning_uri(name: str, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def accepted_step(
    secret: str, code: str, last_step: int | None, now: datetime | None = None
) -> int | None:
    """The time step ``code`` belongs to, or ``None`` if it is wrong or was already used."""
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = now or datetime.now(UTC)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        at = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(at), code):
            step = int(totp.timecode(at))
            return step if last_step is None or step > last_step else None
    return None


def seal_totp_secrets(store: Store, *, actor: str | None = None) -> int:
    """Seal the TOTP secrets still kept plain (written before encryption was enabled).

    One ``seal_fields`` entry in the change log names the users; no secret is
    logged. Safe to run again. Returns how many secrets were sealed.
    """
    if not store.keyring.enabled:
        return 0
    with store.read() as session:
        plain = [
            uid
            for uid, stored in session.execute(
                select(AppUser.id, AppUser.totp_secret).where(AppUser.totp_secret.is_not(None))
            )
            if stored is not None and not is_sealed(stored)
        ]
    if not plain:
        return 0
    with store.write(actor) as op:
        names = []
        for uid in plain:
            row = op.session.get(AppUser, uid)
            assert row is not None and row.totp_secret is not None
            if not is_sealed(row.totp_secret):
                row.totp_secret = stored_form(store, row.totp_secret)
                names.append(row.name)
        op.log("seal_fields", "user", None, {"users": names, "field": "totp_secret"})
    return len(names)

"""Helpers for the encryption tests: a cheap scrypt cost, a known passphrase."""

from __future__ import annotations

from habeas.encryption import EnableResult, enable
from habeas.store.db import Store

PASSPHRASE = "correct horse battery staple"
# Tests use a small scrypt cost (the default, 2**17, takes about a second per unlock).
TEST_SCRYPT_N = 2**10


def enable_encryption(store: Store, passphrase: str = PASSPHRASE) -> EnableResult:
    return enable(store, passphrase=passphrase, scrypt_n=TEST_SCRYPT_N, actor="ana")

"""What a password must not be: too short, blank, one character repeated, the user's
own name, or one of the passwords people choose most often.

:func:`check_password_strength` raises :class:`WeakPassword`, whose ``reason``
(one of :data:`REASONS`) lets each face say what to do in the user's language;
the message of the error itself is English. The list of common passwords is
bundled here (no network): the most frequent entries of published breach lists
that are at least :data:`MIN_PASSWORD_LENGTH` characters long, with Spanish ones.
"""

from __future__ import annotations

from habeas.errors import UsageError

MIN_PASSWORD_LENGTH = 10

SHORT, BLANK, REPEATED, NAME, COMMON = "short", "blank", "repeated", "name", "common"
REASONS = (SHORT, BLANK, REPEATED, NAME, COMMON)

#: Compared ignoring case and spaces at either end.
COMMON_PASSWORDS = frozenset(
    (
        "1234567890",
        "0123456789",
        "0987654321",
        "9876543210",
        "1234512345",
        "1122334455",
        "1qaz2wsx3edc",
        "12345678910",
        "123456789a",
        "a123456789",
        "123456789q",
        "q123456789",
        "123456789z",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "asdfghjkl1",
        "asdfghjkl;",
        "zxcvbnm123",
        "qazwsxedcrfv",
        "abcdefghij",
        "abcdef1234",
        "abc1234567",
        "abcd123456",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "passw0rd123",
        "p@ssw0rd123",
        "p@ssword123",
        "iloveyou12",
        "iloveyou123",
        "1iloveyou1",
        "princess12",
        "football12",
        "baseball12",
        "sunshine12",
        "superman12",
        "starwars12",
        "welcome123",
        "welcome1234",
        "letmein123",
        "trustno1234",
        "administrator",
        "administrador",
        "admin12345",
        "admin123456",
        "changeme123",
        "secret1234",
        "computer12",
        "internet12",
        "contrasena",
        "contraseña",
        "contrasena1",
        "contraseña1",
        "contrasena123",
        "contraseña123",
        "micontrasena",
        "micontraseña",
        "contrasenia",
        "teamo12345",
        "teamo123456",
        "tequiero123",
        "estrella123",
        "mariposa123",
        "1234567890a",
        "12345678900",
        "1111122222",
        "1212121212",
        "1231231231",
        "1234123412",
        "1234554321",
        "5555555555",
        "6543210987",
        "0000011111",
        "habeas1234",
        "habeas12345",
    )
)

REASON_MESSAGES = {
    SHORT: f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
    BLANK: "The password cannot be only spaces.",
    REPEATED: "The password cannot be one character repeated.",
    NAME: "The password cannot be the user name.",
    COMMON: "The password is one of the most common passwords.",
}


class WeakPassword(UsageError):
    """A password refused by :func:`check_password_strength` (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(REASON_MESSAGES[reason])
        self.reason = reason


def check_password_strength(password: str, name: str | None = None) -> None:
    """Refuse a password that is easy to guess; ``name`` is the account's user name."""
    folded = password.strip().casefold()
    if not folded:
        raise WeakPassword(BLANK)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(SHORT)
    if len(set(folded)) == 1:
        raise WeakPassword(REPEATED)
    if name and folded == name.strip().casefold():
        raise WeakPassword(NAME)
    if folded in COMMON_PASSWORDS or folded.replace(" ", "") in COMMON_PASSWORDS:
        raise WeakPassword(COMMON)

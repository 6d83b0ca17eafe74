"""Identity document numbers: normalise for matching, reject what cannot be one.

Every function takes the value as the source wrote it and returns a canonical
form, or raises :class:`InvalidIdentifier` (a ``ValueError``) naming the kind,
the raw value and the reason. Callers keep the raw value too; the canonical form
is only for matching.

* **A-number** (US Alien Registration Number): an optional ``A``/``A#`` prefix,
  then 8 or 9 digits with any dashes, spaces or dots (``A-208-304-911``,
  ``A208304911``, ``208 304 911``). 8 digits are zero-padded to 9.
  Canonical: 9 digits, no prefix (``"208304911"``).
* **Venezuelan cédula**: ``V`` (citizen) or ``E`` (foreign resident) prefix, then
  6–8 digits, with dots/dashes/spaces (``V-12.345.678``, ``V12345678``,
  ``12.345.678``, ``C.I. V-12345678``). No prefix means ``V``. Leading zeros
  are dropped. Canonical: ``"V12345678"`` / ``"E81234567"``.
* **Salvadoran DUI**: 8 digits and a check digit, written ``01234567-8``. The
  check digit is validated: weights 9, 8, …, 2 over the 8 digits,
  ``check = (10 − sum mod 10) mod 10`` (the algorithm used by the public DUI
  validators, e.g. avalon-tech/idsv-js). A 7+1 value with a dash
  (``1234567-8``) or 8 digits without one (``12345678``) are read as a DUI whose
  leading zero a spreadsheet dropped, and must then pass the check. Limit of
  the scheme: a single-digit change whose difference times its weight is a
  multiple of 10 (a change of 5 at weights 8, 6, 4, 2; any even change at
  weight 5) keeps the check valid and cannot be detected.
  Canonical: 9 digits, no dash (``"012345678"``).
* **Colombian cédula de ciudadanía**: 6–10 digits (``CC 1.234.567.890``).
  Canonical: the digits, leading zeros dropped.
* **Passport**: upper case, letters and digits only, 5–20 characters.

:func:`classify_national_id` reads a mixed "national ID" column (e.g.
"Cédula / DUI") and says which document a value is; rules in its docstring.
"""

from __future__ import annotations

import re

from habeas.domain.countries import normalise_country
from habeas.domain.text import fold
from habeas.messages import N_

#: Every identifier type and its name (an English msgid: the web translates it with the
#: request's gettext, the CLI with its own, the search reasons keep it in English).
ID_TYPE_LABELS: dict[str, str] = {
    "a_number": N_("A-number"),
    "cedula_ve": N_("Venezuelan cédula"),
    "dui_sv": N_("DUI"),
    "cedula_co": N_("Colombian cédula"),
    "passport": N_("passport"),
    "national_id": N_("national ID"),
}


class InvalidIdentifier(ValueError):
    """A value that cannot be a document number of the given kind."""

    def __init__(self, kind: str, raw: object, reason: str) -> None:
        self.kind = kind
        self.raw = raw
        self.reason = reason
        super().__init__(f"invalid {kind} {str(raw)!r}: {reason}")


_SEPARATORS = re.compile(r"[\s.\-_/,·]+")
_A_PREFIX = re.compile(r"^(?:A\s*(?:#|NO\.?|NUMBER|N[º°])?\s*[:\-]?)", re.IGNORECASE)
_CEDULA = re.compile(r"(?:CI|CEDULA|CED)?([VE])?0*(\d+)")
_DUI_DASHED = re.compile(r"(\d{7,8})\s*-\s*(\d)")
_CC_PREFIX = re.compile(r"^(?:C\.?\s*C\.?|CEDULA DE CIUDADANIA)\s*[:#]?\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_DOTS_DASHES = re.compile(r"[.\-]")
_ALNUM = re.compile(r"[^0-9A-Z]+")


def _text(raw: object) -> str:
    """Cell text; integers (and integral floats, as spreadsheets give them) as digits."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def normalise_a_number(raw: object) -> str:
    """``"A-208-304-911"`` → ``"208304911"``; 8 digits are zero-padded to 9."""
    text = _text(raw)
    digits = _SEPARATORS.sub("", _A_PREFIX.sub("", text, count=1))
    if not digits:
        raise InvalidIdentifier("A-number", raw, "empty")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidIdentifier("A-number", raw, "expected 'A' and 8 or 9 digits")
    if len(digits) not in (8, 9):
        raise InvalidIdentifier("A-number", raw, f"expected 8 or 9 digits, found {len(digits)}")
    return digits.zfill(9)


def normalise_cedula(raw: object) -> str:
    """Venezuelan cédula: ``"V-12.345.678"`` → ``"V12345678"`` (prefix V by default)."""
    # fold turns punctuation into spaces; dropping them leaves e.g. "CIV12345678".
    text = fold(_text(raw)).upper().replace(" ", "")
    m = _CEDULA.fullmatch(text)
    if not text:
        raise InvalidIdentifier("cédula", raw, "empty")
    if m is None:
        raise InvalidIdentifier("cédula", raw, "expected V or E and 6 to 8 digits")
    prefix, digits = m[1] or "V", m[2]
    if not 6 <= len(digits) <= 8:
        raise InvalidIdentifier("cédula", raw, f"expected 6 to 8 digits, found {len(digits)}")
    return prefix + digits


def dui_check_digit(base: str) -> int:
    """The check digit of an 8-digit DUI base (weights 9..2, (10 − sum mod 10) mod 10)."""
    if len(base) != 8 or not base.isdigit() or not base.isascii():
        raise ValueError(f"a DUI base is 8 digits, not {base!r}")
    total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
    return (10 - total % 10) % 10


def normalise_dui(raw: object) -> str:
    """Salvadoran DUI: ``"01234567-8"`` → ``"012345678"``, check digit validated."""
    text = _text(raw)
    if not text:
        raise InvalidIdentifier("DUI", raw, "empty")
    compact = _SPACES.sub("", text)
    if m := _DUI_DASHED.fullmatch(compact):
        base, check = m[1].zfill(8), m[2]
    else:
        digits = _DOTS_DASHES.sub("", compact)
        if not digits.isdigit() or not digits.isascii() or len(digits) not in (8, 9):
            raise InvalidIdentifier("DUI", raw, "expected 8 digits, a dash and a check digit")
        digits = digits.zfill(9)
        base, check = digits[:8], digits[8]
    expected = dui_check_digit(base)
    if int(check) != expected:
        raise InvalidIdentifier("DUI", raw, f"check digit is {check} but {base} needs {expected}")
    return base + check


def normalise_cedula_co(raw: object) -> str:
    """Colombian cédula de ciudadanía: 6–10 digits, separators and ``CC`` dropped."""
    text = _CC_PREFIX.sub("", _text(raw))
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise InvalidIdentifier("Colombian cédula", raw, "empty")
    if not digits.isdigit() or not digits.isascii():
        raise InvalidIdentifier("Colombian cédula", raw, "expected 6 to 10 digits")
    digits = digits.lstrip("0")
    if not 6 <= len(digits) <= 10:
        raise InvalidIdentifier(
            "Colombian cédula", raw, f"expected 6 to 10 digits, found {len(digits)}"
        )
    return digits


def normalise_passport(raw: object) -> str:
    """Upper case, letters and digits only, 5–20 characters."""
    value = _ALNUM.sub("", fold(_text(raw)).upper())
    if not value:
        raise InvalidIdentifier("passport", raw, "empty")
    if not 5 <= len(value) <= 20:
        raise InvalidIdentifier(
            "passport", raw, f"expected 5 to 20 letters and digits, found {len(value)}"
        )
    return value


def normalise_national_id(raw: object) -> str:
    """A national ID of unknown type: upper case letters and digits only."""
    value = _ALNUM.sub("", fold(_text(raw)).upper())
    if not value:
        raise InvalidIdentifier("national ID", raw, "empty")
    if not any(ch.isdigit() for ch in value):
        raise InvalidIdentifier("national ID", raw, "no digits")
    return value


_VE_PREFIXED = re.compile(r"(?:C\.?\s*I\.?\s*[:#]?\s*)?[VE]\s*[-.:]?\s*[\d.\s]+\d", re.IGNORECASE)
_DUI_SHAPE = re.compile(r"\d{7,8}\s*-\s*\d")


def classify_national_id(raw: object, nationality: str | None = None) -> tuple[str, str]:
    """``(id_type, normalised)`` for a value of a mixed national-ID column.

    ``id_type`` is ``"cedula_ve"``, ``"dui_sv"``, ``"cedula_co"`` or ``"national_id"``.
    ``nationality`` may be an ISO3 code or any form :func:`normalise_country` reads.
    Rules, first that applies:

    1. a ``V``/``E`` prefix → Venezuelan cédula;
    2. the DUI shape ``NNNNNNNN-N`` → DUI (check digit validated: a wrong one raises);
    3. nationality Venezuela and 6–8 digits → cédula;
    4. nationality El Salvador and 8–9 digits → DUI (validated: a wrong check raises);
    5. nationality Colombia and 6–10 digits → Colombian cédula;
    6. anything else → ``national_id``, letters and digits only. Without a
       nationality a bare number is not guessed: linkage may compare the digits
       of a ``national_id`` with those of a typed document.
    """
    text = _text(raw)
    if not text:
        raise InvalidIdentifier("national ID", raw, "empty")
    country = normalise_country(nationality) if nationality else None
    if _VE_PREFIXED.fullmatch(text):
        return "cedula_ve", normalise_cedula(text)
    if _DUI_SHAPE.fullmatch(text):
        return "dui_sv", normalise_dui(text)
    digits = _SEPARATORS.sub("", text)
    if digits.isdigit() and digits.isascii():
        n = len(digits.lstrip("0"))
        if country == "VEN" and 6 <= n <= 8:
            return "cedula_ve", normalise_cedula(digits)
        if country == "SLV" and len(digits) in (8, 9):
            return "dui_sv", normalise_dui(digits)
        if country == "COL" and 6 <= n <= 10:
            return "cedula_co", normalise_cedula_co(digits)
    if country == "COL" and _CC_PREFIX.match(text):
        return "cedula_co", normalise_cedula_co(text)
    return "national_id", normalise_national_id(text)

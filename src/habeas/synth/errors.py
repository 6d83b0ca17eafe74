"""Noise models: how lists write a person's name, dates and document numbers.

Each function takes the true value and a ``random.Random`` and returns the
value *as a list would write it*. The errors are the ones seen in real lists
(accents dropped, one-character typos, OCR confusions, surnames dropped,
swapped or hyphenated, nicknames, anglicised spellings, day/month swapped,
identifiers written in several ways) and are kept mild: a careful human can
still recognise most records. These models are independent of
``habeas.domain`` (which *undoes* such errors) on purpose.
"""

from __future__ import annotations

import datetime as dt
import random

from habeas.synth.names import NICKNAMES, VARIANTS

# Letters a hurried typist or a Spanish/English speaker confuses.
_CONFUSABLE: dict[str, str] = {
    "a": "se",
    "b": "vn",
    "c": "sxk",
    "d": "sf",
    "e": "ari",
    "f": "dg",
    "g": "hj",
    "h": "gj",
    "i": "uoy",
    "j": "hgy",
    "k": "cl",
    "l": "kñ",
    "m": "n",
    "n": "mñ",
    "o": "ipu",
    "p": "o",
    "q": "k",
    "r": "te",
    "s": "zc",
    "t": "ry",
    "u": "io",
    "v": "b",
    "w": "u",
    "x": "sc",
    "y": "ij",
    "z": "s",
    "ñ": "n",
    "á": "a",
    "é": "e",
    "í": "i",
    "ó": "o",
    "ú": "u",
}
_OCR_PAIRS: tuple[tuple[str, str], ...] = (
    ("rn", "m"),
    ("m", "rn"),
    ("O", "0"),
    ("o", "0"),
    ("l", "1"),
    ("I", "1"),
    ("i", "l"),
    ("S", "5"),
    ("B", "8"),
    ("e", "c"),
    ("cl", "d"),
    ("h", "b"),
)


def typo(text: str, r: random.Random) -> str:
    """One-character edit (substitution, deletion, insertion or transposition).

    The first letter of each word is left alone so the value stays recognisable.
    """
    positions = [i for i in range(1, len(text)) if text[i].isalpha() and text[i - 1] != " "]
    if not positions:
        return text
    i = r.choice(positions)
    op = r.random()
    ch = text[i]
    if op < 0.45:
        pool = _CONFUSABLE.get(ch.lower(), "aeiou")
        new = r.choice(pool)
        new = new.upper() if ch.isupper() else new
        return text[:i] + new + text[i + 1 :]
    if op < 0.70:
        return text[:i] + text[i + 1 :]
    if op < 0.85:
        return text[:i] + ch + text[i:]
    if i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + ch + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def ocr_error(text: str, r: random.Random) -> str:
    """One OCR confusion (rn/m, O/0, l/1, ...) if the text offers one."""
    options = [(a, b) for a, b in _OCR_PAIRS if a in text]
    if not options:
        return typo(text, r)
    a, b = r.choice(options)
    starts = [i for i in range(len(text)) if text.startswith(a, i)]
    i = r.choice(starts)
    return text[:i] + b + text[i + len(a) :]


def given_as_written(
    g1: str,
    g2: str,
    r: random.Random,
    *,
    p_second: float = 1.0,
    p_initial: float = 0.0,
    p_nick: float = 0.0,
    p_variant: float = 0.0,
) -> str:
    """Given names as a list writes them: maybe a nickname, a variant, no second name."""
    if p_nick and r.random() < p_nick:
        compound = f"{g1} {g2}" if g2 else g1
        for key in (compound, g1):
            if key in NICKNAMES:
                return r.choice(NICKNAMES[key])
    if p_variant and g1 in VARIANTS and r.random() < p_variant:
        g1 = r.choice(VARIANTS[g1])
    if not g2 or r.random() >= p_second:
        return g1
    if p_initial and r.random() < p_initial:
        return f"{g1} {g2[0]}."
    return f"{g1} {g2}"


def surnames_as_written(
    s1: str,
    s2: str,
    r: random.Random,
    *,
    p_drop: float = 0.0,
    p_swap: float = 0.0,
    p_hyphen: float = 0.0,
    p_y: float = 0.0,
    p_particle: float = 0.0,
) -> str:
    """Surnames as a list writes them: dropped maternal, swapped, hyphenated, "y"-joined.

    ``p_particle`` writes particles run together or in lower case ("Delacruz",
    "de la Cruz").
    """
    if p_particle and r.random() < p_particle:
        s1, s2 = _particle_variant(s1, r), _particle_variant(s2, r)
    u = r.random()
    if u < p_drop:
        return s1
    u -= p_drop
    if u < p_swap:
        return f"{s2} {s1}"
    u -= p_swap
    if u < p_hyphen:
        return f"{s1}-{s2}"
    u -= p_hyphen
    if u < p_y:
        return f"{s1} y {s2}"
    return f"{s1} {s2}"


def _particle_variant(surname: str, r: random.Random) -> str:
    parts = surname.split(" ")
    if len(parts) < 2:
        return surname
    if r.random() < 0.5:
        return parts[0] + "".join(p.lower() for p in parts[1:])
    return " ".join([p.lower() for p in parts[:-1]] + parts[-1:])


def maybe(text: str, r: random.Random, p: float, fn: object) -> str:
    """Apply a noise function ``fn(text, r)`` with probability ``p``."""
    if p and r.random() < p and callable(fn):
        return str(fn(text, r))
    return text


def swap_day_month(d: dt.date) -> dt.date:
    """The date with day and month swapped, or the date itself if impossible/identical."""
    if d.day > 12 or d.day == d.month:
        return d
    return dt.date(d.year, d.day, d.month)


def date_as_written(d: dt.date | None, order: str, r: random.Random, p_swap: float = 0.0) -> str:
    """A date formatted in ``order`` ("DMY", "MDY" or "ISO"), day/month swapped sometimes."""
    if d is None:
        return ""
    if p_swap and r.random() < p_swap:
        d = swap_day_month(d)
    if order == "MDY":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if order == "DMY":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def digit_typo(digits: str, r: random.Random) -> str:
    """Change or transpose one digit of a document number."""
    i = r.randrange(len(digits))
    if r.random() < 0.6 or i + 1 >= len(digits):
        return digits[:i] + str((int(digits[i]) + r.randint(1, 9)) % 10) + digits[i + 1 :]
    return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]


def a_number_as_written(num: int, r: random.Random, styles: tuple[str, ...]) -> str:
    """An A-number written one of several ways ("A-208-304-911", "A208304911", ...)."""
    s9 = f"{num:09d}"
    style = r.choice(styles)
    if style == "dashed":
        return f"A-{s9[:3]}-{s9[3:6]}-{s9[6:]}"
    if style == "spaced":
        return f"{s9[:3]} {s9[3:6]} {s9[6:]}"
    if style == "plain":
        return s9
    if style == "short":  # significant digits only ("A98765432" for 098765432)
        return f"A{num}"
    return f"A{s9}"


def cedula_as_written(num: int, prefix: str, r: random.Random, styles: tuple[str, ...]) -> str:
    """A cédula written "V-12.345.678", "V12345678", "12.345.678" or "12345678"."""
    digits = str(num)
    style = r.choice(styles)
    dotted = f"{num:,}".replace(",", ".")
    if style == "dotted_prefix":
        return f"{prefix}-{dotted}"
    if style == "dotted":
        return dotted
    if style == "prefix":
        return f"{prefix}{digits}"
    return digits

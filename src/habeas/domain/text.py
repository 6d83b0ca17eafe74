"""Text folding and OCR repair for names.

``fold`` is the one normalisation every comparison uses:

* Unicode compatibility decomposition (NFKD), then combining marks removed:
  ``"Núñez" → "nunez"``, ``"Peña" → "pena"``, ``"Ibáñez" → "ibanez"``;
* a few letters that do not decompose are transliterated (``ß → ss``, ``æ → ae``,
  ``ø → o``, ``ł → l``, ``đ → d``, ``þ → th``, ``œ → oe``, ``ı → i``);
* case folded (lower case, ``casefold``);
* every run of characters that is not a letter or digit (punctuation, symbols,
  underscores, whitespace) becomes one space; leading/trailing space removed.

``fold`` is idempotent: ``fold(fold(x)) == fold(x)``.

``strip_accents`` is the one accent removal (NFKD, combining marks dropped; case and
everything else kept); :func:`fold_header` folds a column header for matching.

``ocr_repair`` undoes common OCR confusions inside a *single folded name token*.
It is deliberately conservative, because most names are written correctly and a
"repair" of a correct name is a new error:

1. Digits inside a token that also has letters are read as letters:
   ``0→o``, ``5→s``, ``8→b``, ``3→e``, ``4→a``, ``6→g``, ``9→g``, ``7→t``, ``2→z``,
   ``1→l`` or ``i`` (see 3). A token made only of digits is left alone (it is
   not a name token: a number, a date, a cell).
2. ``vv → w`` anywhere (no Spanish name has a double v).
3. Choices that depend on the word (``1 → l`` or ``i``; ``rn → m``, since
   ``Bernardo``, ``Hernández``, ``Fernando`` really contain ``rn``): when a
   lexicon of known name tokens is given, the candidate that is a known name
   wins, and ``rn → m`` is applied only if the result is known and the token as
   written is not. Without a lexicon, ``1`` becomes ``i`` between two consonants
   and ``l`` otherwise (right for ``A1berto``, ``Migue1``; wrong for ``Lu1s`` —
   pass a lexicon), and ``rn`` is left alone.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Container, Sequence

_NON_WORD = re.compile(r"[\W_]+")
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "þ": "th",
        "Þ": "th",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ð": "d",
    }
)


def strip_accents(text: str) -> str:
    """``text`` with its accents and other combining marks removed (``"Peña" → "Pena"``):
    NFKD, so compatibility forms become plain letters too (``"º" → "o"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_strip_marks = strip_accents
_HEADER_WORD = re.compile(r"[a-z0-9]+")


def fold_header(text: str) -> str:
    """Fold a column header (or a vocabulary label) for matching: lower case, no accents,
    ASCII words only (``"F. Nac."`` → ``"f nac"``)."""
    return " ".join(_HEADER_WORD.findall(strip_accents(text).lower()))


# Fast path for the accented letters Spanish, Portuguese and French names use; anything
# else still non-ASCII after it goes through NFKD. Same result either way.
_LATIN = str.maketrans(
    "áàâäãåéèêëíìîïóòôöõúùûüñçýÿÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÑÇÝ",
    "aaaaaaeeeeiiiiooooouuuuncyyAAAAAAEEEEIIIIOOOOOUUUUNCY",
)


def fold(text: str) -> str:
    """Lower case, accents stripped (ñ→n), punctuation to space, whitespace collapsed."""
    if not text.isascii():
        text = text.translate(_LATIN)
    if text.isascii():
        return " ".join(_NON_WORD.sub(" ", text.lower()).split())
    text = _strip_marks(text.translate(_SPECIAL)).casefold()
    # casefold can itself produce decomposable or special characters; one more pass
    # makes the function idempotent.
    text = _strip_marks(text.translate(_SPECIAL)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


_DIGIT_AS_LETTER = {
    "0": "o",
    "5": "s",
    "8": "b",
    "3": "e",
    "4": "a",
    "6": "g",
    "7": "t",
    "2": "z",
    "9": "g",
}
_VOWELS = frozenset("aeiou")
_MAX_ONES = 4  # cap on the 2**k candidates tried for k ambiguous "1"s


def _default_one(token: Sequence[str], i: int) -> str:
    before = token[i - 1] if i > 0 else ""
    after = token[i + 1] if i + 1 < len(token) else ""
    consonant = (before.isalpha() and before not in _VOWELS) and (
        after.isalpha() and after not in _VOWELS
    )
    return "i" if consonant else "l"


def ocr_repair(token: str, lexicon: Container[str] | None = None) -> str:
    """Repair common OCR confusions in one folded name token (rules in the module doc).

    ``lexicon`` is an optional set of known folded name tokens used to choose
    between ``1→l``/``1→i`` and to accept ``rn→m``.
    """
    if not token:
        return token
    has_digit = any(ch.isdigit() for ch in token)
    has_alpha = any(ch.isalpha() for ch in token)
    if has_digit and not has_alpha:
        return token
    chars = list(token)
    ones: list[int] = []
    if has_digit:
        for i, ch in enumerate(chars):
            if ch == "1":
                ones.append(i)
            elif ch in _DIGIT_AS_LETTER:
                chars[i] = _DIGIT_AS_LETTER[ch]
    base = "".join(chars).replace("vv", "w")
    # indices are unchanged by the digit replacement; "vv"→"w" may shift them, so
    # resolve the "1"s on the un-shifted string first.
    if ones:
        choice = None
        if lexicon is not None and len(ones) <= _MAX_ONES:
            for combo in itertools.product("li", repeat=len(ones)):
                trial = chars[:]
                for idx, letter in zip(ones, combo, strict=True):
                    trial[idx] = letter
                word = "".join(trial).replace("vv", "w")
                if word in lexicon:
                    choice = word
                    break
        if choice is None:
            for idx in ones:
                chars[idx] = _default_one(chars, idx)
            choice = "".join(chars).replace("vv", "w")
        base = choice
    if lexicon is not None and "rn" in base and base not in lexicon:
        fixed = base.replace("rn", "m")
        if fixed in lexicon:
            base = fixed
    return base

"""The sex a first given name is borne by, where the name says it unambiguously.

Peter and Petra, Uwe and Ute, Juan and Juana, Francisco and Francisca are one typo
or one sound apart, and they are the names of a brother and a sister far more often
than one person's name mistyped: siblings share both surnames, twins a date of
birth, households an address. :func:`habeas.linkage.comparisons.given` compares two
different first given names whose sexes are known and opposite in a level of their
own, a caution like "completely different given names".

The names come from Jörg Michael's dictionary of first names (about 48,000 names
from Europe, the Americas and elsewhere, with their sex per country), as shipped by
the ``gender-guesser`` package. A name counts as male (``"m"``) or female (``"f"``)
only when that sex bears nearly all of it (:data:`CERTAIN`, by the dictionary's
frequencies over every country): "Andrea" (a man's name in Italy, a woman's in Spain),
"Kim" and other names borne by both are unknown (``None``) and never separate two
records; so are names rare in every country (:data:`RARE`), which typos make. Names are
folded as habeas folds given names (:func:`habeas.domain.text.fold`); a name whose
folded form is borne by both sexes is unknown too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

from habeas.domain.text import fold

#: The dictionary's sex codes: (male share, female share) of a line's frequency. "1M" and
#: "?M" are "mostly male" names, "?" a unisex one, "=" a line of equivalent names (skipped).
_CODES = {"M": (1.0, 0.0), "1M": (1.0, 0.0), "?M": (1.0, 0.0), "F": (0.0, 1.0)}
_CODES |= {"1F": (0.0, 1.0), "?F": (0.0, 1.0), "?": (0.5, 0.5)}
#: A name is one sex's when that sex bears at least this share of it, by frequency.
CERTAIN = 0.95
#: Where the country columns start; each is a frequency code, 1 (rare) to D (13, very
#: common), each step about doubling.
_COUNTRIES = 30


_CODE_VALUE = {c: 2.0**v for v, c in enumerate("123456789ABCD", start=1)}
#: A name "rare" in every country (the dictionary's frequency 1) is unknown: it is what a
#: typo makes of a common name as often as a parent's choice (FEBRL's "Laur" for Laura,
#: "Annik" for Annika, "Erni" for Erin).
RARE = 2.0


def _frequency(columns: str) -> tuple[float, float]:
    """(total frequency over the countries, the largest country's), each as a count."""
    values = [_CODE_VALUE[c] for c in columns if c in _CODE_VALUE]
    return (sum(values), max(values)) if values else (1.0, 1.0)


@cache
def name_sexes() -> dict[str, str]:
    """Folded first given name → ``"m"`` or ``"f"``, for names borne by one sex (at least
    :data:`CERTAIN` of their frequency, over every country and every spelling that folds
    to the same letters).

    Read once per process, in about a twentieth of a second: the dictionary's 48,000 lines
    hold some 7,000 distinct rows of country frequencies, each added up once.
    """
    raw = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_bytes()
    text = raw.decode("utf-8", errors="replace")
    mass: dict[str, list[float]] = {}
    frequencies: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        shares = _CODES.get(line[:2].strip())
        if shares is None:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            continue
        male, female = shares
        columns = line[_COUNTRIES:]
        found = frequencies.get(columns)
        if found is None:
            found = frequencies[columns] = _frequency(columns)
        weight, peak = found
        written = parts[1]
        variants = {written.replace("+", r) for r in ("", " ")} if "+" in written else (written,)
        for variant in variants:
            name = variant.lower() if variant.isascii() and variant.isalpha() else fold(variant)
            if name:
                seen = mass.get(name)
                if seen is None:
                    seen = mass[name] = [0.0, 0.0, 0.0]
                seen[0] += male * weight
                seen[1] += female * weight
                if peak > seen[2]:
                    seen[2] = peak
    out = {}
    for name, (male, female, peak) in mass.items():
        if peak <= RARE:
            continue
        if male >= CERTAIN * (male + female):
            out[name] = "m"
        elif female >= CERTAIN * (male + female):
            out[name] = "f"
    return out


def sex_of(names: Iterable[object]) -> list[str | None]:
    """The sex of each first given name (``None``: unknown, missing, or an initial)."""
    table = name_sexes()
    return [table.get(n) if isinstance(n, str) and len(n) > 1 else None for n in names]

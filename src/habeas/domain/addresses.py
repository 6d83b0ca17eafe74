"""Place of residence: street, house number, locality, postcode and region, folded for matching.

Relatives' reports give a person's home (street and house, urbanización or
sector, city or municipality, state); court filings give a last address; other
lists give a suburb and a postcode. The register keeps them as written
(``record.residence``); record linkage compares the keys made here:

* :func:`street_key` — the street as written, folded (:func:`habeas.domain.text.fold`),
  each word in one canonical, spelled-out form (``"Av."``, ``"Avda"``,
  ``"Avenue"`` → ``avenida``; ``"St"`` → ``street``; ``"Urb."`` →
  ``urbanizacion``; :data:`STREET_WORDS`), filler words dropped
  (``"de"``, ``"la"``, ``"No."``, ``"Nro."``), then the words joined without
  spaces, so ``"Av. Bolívar"`` = ``"Avenida Bolivar"`` and a split or joined
  word (``"kirklandc ircuit"``) is one typo, not two different words.
* :func:`house_number` — the house number: the list's own street-number column,
  else a number that opens the street (``"12 Wattle St"``; ``"Calle 5"`` keeps
  its 5: a number after the street type is part of the street's name).
  Leading zeros dropped.
* :func:`locality_key` — city, town, municipality or suburb, folded, compact,
  without a leading ``"Municipio"`` / ``"Parroquia"``.
* :func:`postcode_key` — letters and digits, upper case; a US ZIP+4 is cut
  to its five digits. Text without a digit is not a postcode (``None``).
* :func:`region_key` — state or province, folded, compact, without a leading
  ``"Estado"`` / ``"Edo."`` / ``"Provincia"``.

Every function is memoised: a register repeats localities, postcodes and
street names a great deal.
"""

from __future__ import annotations

import re
from functools import cache

from habeas.domain.text import fold

# Folded word -> canonical form: street types and building words in English and Spanish.
# Ambiguous abbreviations are left alone ("cl" is a Colombian calle and an English close;
# "cr" a carrera and a crescent; "p" a piso and a place).
_CANONICAL: dict[str, str] = {}
for _canon, _forms in {
    "street": "st str",
    "road": "rd",
    "avenida": "av ave avenue avda avd",
    "crescent": "cres crsnt",
    "place": "pl",
    "circuit": "cct cir",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "terrace": "tce terr",
    "boulevard": "blvd bulevar",
    "highway": "hwy",
    "parade": "pde",
    "square": "sq",
    "apartamento": "apto apt apartment ap",
    "calle": "c",
    "carrera": "cra kra kr",
    "transversal": "tv transv",
    "urbanizacion": "urb",
    "edificio": "edif ed",
    "residencias": "res resd residencia",
    "sector": "sect sec",
    "barrio": "bo",
    "casa": "cs",
    "manzana": "mz mza",
    "carretera": "ctra carr",
    "esquina": "esq",
    "kilometro": "km",
    "village": "vlge vill",
}.items():
    for _form in (_canon, *_forms.split()):
        _CANONICAL[_form] = _canon
#: The canonical street-type and building words (``avenida``, ``street``, ``urbanizacion``, …).
STREET_WORDS = frozenset(_CANONICAL.values())
#: Words dropped from a street: articles, "number" markers.
FILLER_WORDS = frozenset(
    {"de", "del", "la", "las", "los", "el", "y", "the", "no", "nro", "num", "numero", "n"}
)
_LOCALITY_PREFIXES = ("municipio", "mun", "mcpio", "parroquia", "pq", "ciudad de")
_REGION_PREFIXES = (
    "estado de",
    "estado",
    "edo",
    "state of",
    "provincia de",
    "provincia",
    "prov",
    "departamento de",
    "departamento",
    "depto",
    "dpto",
)
_HOUSE = re.compile(r"\d+[a-z]?")
_ZIP4 = re.compile(r"(\d{5})-?\d{4}")
_POSTCODE = re.compile(r"[A-Z0-9]{2,10}")


@cache
def _words(text: str) -> tuple[str, ...]:
    """A street's folded words in canonical form, fillers dropped."""
    return tuple(_CANONICAL.get(w, w) for w in fold(text).split() if w not in FILLER_WORDS)


@cache
def _number(text: str) -> str | None:
    """A house number without leading zeros ("012" → "12", "7b" → "7b"); ``None`` when it
    has no digit ("s/n", sin número)."""
    folded = "".join(fold(text).split())
    if not any(c.isdigit() for c in folded):
        return None
    return folded.lstrip("0") or "0"


@cache
def split_street(street: str, number: str | None = None) -> tuple[str | None, str | None]:
    """(street key, house number) of a street as written and its number column, if any.

    With no number column, a number that opens the street is its house number
    ("12 Wattle St" → ``("wattlest", "12")``); a number column that repeats the
    street's opening number is not counted twice.
    """
    words = list(_words(street))
    house = _number(number) if number and number.strip() else None
    if words and _HOUSE.fullmatch(words[0]) and len(words) > 1:
        opening = _number(words[0])
        if house is None or house == opening:
            house = opening
            words = words[1:]
    key = "".join(words) or None
    return key, house


def street_key(street: str) -> str | None:
    """The street's compact canonical key (module doc); ``None`` when nothing is left."""
    return split_street(street)[0]


def house_number(street: str, number: str | None = None) -> str | None:
    """The house number of a street as written and its number column (module doc)."""
    return split_street(street, number)[1]


def _without_prefix(folded: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
            return folded[len(prefix) + 1 :]
    return folded


@cache
def locality_key(text: str) -> str | None:
    """City, town, municipality or suburb, folded and compact ("Mcpio. Sucre" → "sucre")."""
    return "".join(_without_prefix(fold(text), _LOCALITY_PREFIXES).split()) or None


@cache
def region_key(text: str) -> str | None:
    """State or province, folded and compact ("Edo. Zulia" → "zulia")."""
    return "".join(_without_prefix(fold(text), _REGION_PREFIXES).split()) or None


@cache
def postcode_key(text: str) -> str | None:
    """A postcode's letters and digits in upper case, or ``None`` if it is not one.

    A postcode has at least one digit and 2–10 letters and digits; a US ZIP+4
    (``"78501-1234"``) is its first five digits, as most lists write it.
    """
    stripped = text.strip()
    if m := _ZIP4.fullmatch(stripped):
        return m[1]
    compact = "".join(fold(stripped).split()).upper()
    if not _POSTCODE.fullmatch(compact) or not any(c.isdigit() for c in compact):
        return None
    return compact

"""Countries: names, demonyms and codes as lists write them → ISO 3166-1 alpha-3.

The table is data (``data/countries.csv``: ``iso3, iso2, name_en, name_es,
other_forms`` with ``|`` between forms) — add a country or a spelling there, not
here. Every form is folded (case, accents, punctuation) before lookup, so
``"VENEZOLANA"``, ``"venezolana"`` and ``"Venezolana."`` are one form, and the
ISO3 and ISO2 codes are forms too (``"VE"``, ``"VEN"``).

``normalise_country`` tries, in order:

1. the whole folded value (``"república dominicana"`` → ``DOM``);
2. the value without a plural ``s``/``es`` (``"venezolanos"`` → ``VEN``);
3. every run of 1–4 words inside it, after dropping filler words such as
   "nacionalidad", "citizen", "de": if all recognised runs name one country
   it is the answer (``"de nacionalidad venezolana"``, ``"Venezuela (VEN)"``);
   if they name several (``"Venezuela / Colombia"``) the answer is ``None``.

Unknown → ``None``. A form that would name two countries is a data error: the
loader raises, and a test loads the table.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib import resources

from habeas.domain.text import fold

_FILLER_TEXT = (
    "de del la el the of nacionalidad nationality citizen citizenship ciudadano ciudadana "
    "ciudadania national nacional pais country born nacido nacida en in"
)
_FILLER = frozenset(_FILLER_TEXT.split())


@cache
def _table() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    forms: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    text = resources.files("habeas.domain").joinpath("data/countries.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        iso3 = row["iso3"].strip().upper()
        names[iso3] = (row["name_en"].strip(), row["name_es"].strip())
        candidates = [iso3, row["iso2"], row["name_en"], row["name_es"]]
        candidates += (row.get("other_forms") or "").split("|")
        for form in candidates:
            key = fold(form)
            if not key:
                continue
            if forms.get(key, iso3) != iso3:
                raise ValueError(f"countries.csv: {form!r} names both {forms[key]} and {iso3}")
            forms[key] = iso3
    return forms, names


def country_names(iso3: str) -> tuple[str, str] | None:
    """(English name, Spanish name) of an ISO3 code in the table, or ``None``."""
    return _table()[1].get(iso3.upper())


def known_countries() -> frozenset[str]:
    """Every ISO3 code in the table."""
    return frozenset(_table()[1])


@lru_cache(maxsize=4096)
def _lookup(key: str) -> str | None:
    forms = _table()[0]
    if key in forms:
        return forms[key]
    for suffix in ("es", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in forms:
            return forms[key[: -len(suffix)]]
    words = [w for w in key.split() if w not in _FILLER]
    if not words:
        return None
    found: set[str] = set()
    i = 0
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + n])
            iso = forms.get(phrase)
            if iso is None and len(phrase) > 3 and phrase.endswith("s"):
                iso = forms.get(phrase[:-1])
            if iso is not None:
                found.add(iso)
                i += n
                break
        else:
            i += 1
    return found.pop() if len(found) == 1 else None


def normalise_country(raw: str | None) -> str | None:
    """ISO 3166-1 alpha-3 code for a country name, demonym or code; ``None`` if unknown."""
    if raw is None:
        return None
    key = fold(str(raw))
    if not key:
        return None
    return _lookup(key)

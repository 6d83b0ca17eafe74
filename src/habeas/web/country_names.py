"""A country as a reader reads it: its name in the page's language, not its ISO code.

The register stores countries as ISO 3166-1 alpha-3 codes (``SLV``,
:func:`habeas.domain.countries.normalise_country`), and the JSON answers and exports keep
them (a code is what a program asks for). A page writes the country's name from the same
table (``El Salvador``; ``Estados Unidos`` in Spanish), or the value as stored when the
table does not know it.
"""

from __future__ import annotations

from habeas import i18n
from habeas.domain.countries import country_names


def country_name(code: str | None, lang: str) -> str:
    """The name of the country ``code`` in ``lang`` ("" for none; the code when unknown)."""
    if not code:
        return ""
    names = country_names(code)
    if names is None:
        return code
    english, spanish = names
    return i18n.label({"name_en": english, "name_es": spanish}, lang, "name")

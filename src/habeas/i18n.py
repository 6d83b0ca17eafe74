"""Languages of the documents habeas produces (and of the web UI): English and Spanish.

* Interface text (headings, explanations) goes through **gettext**: message
  catalogs ``habeas/locale/{en,es}/LC_MESSAGES/habeas.po``, compiled to ``.mo``
  files that are **committed next to them** (so an installed habeas needs no
  build step). :func:`compile_catalogs` rewrites the ``.mo`` files from the
  ``.po`` files; a test fails when a ``.mo`` is out of date with its ``.po``.
* **Vocabulary labels** (act types, event types, ...) are data: they come from
  the database (``vocabulary_term.label_en`` / ``label_es``), see :func:`label`.
* Dates and numbers are formatted with Babel's CLDR data (:func:`format_date`,
  :func:`format_number`, :func:`format_decimal`, :func:`format_percent`).

Adding or changing a message: edit the templates or code (``_("...")``), then::

    .venv/bin/pybabel extract -F src/habeas/locale/babel.cfg -o src/habeas/locale/habeas.pot \\
        --no-location --omit-header src/habeas
    .venv/bin/pybabel update -i src/habeas/locale/habeas.pot -d src/habeas/locale -D habeas
    # translate the new entries in es/LC_MESSAGES/habeas.po, then:
    .venv/bin/python -c "import habeas.i18n as i; i.compile_catalogs()"
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from habeas.errors import UsageError

DOMAIN = "habeas"
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"


def check_language(lang: str) -> str:
    lang = (lang or DEFAULT_LANGUAGE).lower().split("_")[0].split("-")[0]
    if lang not in LANGUAGES:
        raise UsageError(f"Unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}.")
    return lang


@lru_cache(maxsize=8)
def translator(lang: str) -> gettext.NullTranslations:
    """The gettext translations for ``lang`` ("en" or "es")."""
    lang = check_language(lang)
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.exists():
        if lang == DEFAULT_LANGUAGE:  # message ids are English
            return gettext.NullTranslations()
        raise FileNotFoundError(f"missing message catalog {mo}; run habeas.i18n.compile_catalogs()")
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def gettext_for(lang: str) -> Any:
    return translator(lang).gettext


def format_date(value: date | datetime | None, lang: str, format: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return babel_dates.format_datetime(value, format=format, locale=check_language(lang))
    return babel_dates.format_date(value, format=format, locale=check_language(lang))


def format_number(value: int | float | None, lang: str) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=check_language(lang))


def format_decimal(value: float | None, lang: str, digits: int = 2) -> str:
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=check_language(lang))


def format_percent(value: float | None, lang: str, digits: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    return babel_numbers.format_percent(value, format=pattern, locale=check_language(lang))


def label(term: Any, lang: str, name: str = "label") -> str:
    """The text of ``term`` kept in both languages, in ``lang``: its ``<name>_es`` or
    ``<name>_en`` (an attribute, or a key when ``term`` is a mapping). A vocabulary term's
    label by default; ``name="title"`` for a flag's title, and so on."""
    key = f"{name}_{'es' if check_language(lang) == 'es' else 'en'}"
    return str(term[key] if isinstance(term, Mapping) else getattr(term, key))


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``.po`` under ``locale_dir`` to its ``.mo``; returns the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=DOMAIN)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo)
    translator.cache_clear()
    return written

"""The language the CLI speaks: ``--lang``, else ``HABEAS_LANG``, else the locale.

``habeas --lang es …`` (or ``HABEAS_LANG=es``, or a Spanish locale such as
``LANG=es_VE.UTF-8``) makes the CLI answer in Spanish: the command list, errors,
withheld notices and the commands' own reports. Library messages describe the
problem in English message ids; the CLI translates them here through gettext.
"""

from __future__ import annotations

import os

ENV = "HABEAS_LANG"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


def choose(lang: str | None) -> None:
    """Set the language for this run (from the root ``--lang`` option); ``None`` resets."""
    global _chosen
    if lang is None:
        _chosen = None
        return
    from habeas.i18n import check_language

    _chosen = check_language(lang)


def current() -> str:
    """``es`` or ``en``: ``--lang``, then ``HABEAS_LANG``, then the first locale variable set
    (``C`` and ``POSIX`` mean English)."""
    if _chosen is not None:
        return _chosen
    wanted = os.environ.get(ENV, "").strip()
    if wanted:
        from habeas.i18n import check_language

        return check_language(wanted)
    for variable in LOCALE_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def _(message: str) -> str:
    """``message`` (an English message id) in the CLI's language."""
    if current() == "en":
        return message
    from habeas.i18n import gettext_for

    return str(gettext_for(current())(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    from habeas.i18n import translator

    return str(translator(current()).ngettext(singular, plural, n))

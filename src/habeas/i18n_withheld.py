"""The withheld notice ("Withheld: 3 items at a sensitivity level you may not see.") in the
reader's language, in the plural form its count takes.

Every face says it (the web pages, the person page's data, the CLI), each with its own
translations. The count is a number, or a small count hidden from a role that sees
aggregates only (``"<5"``, :func:`habeas.access.reader.withheld_parts`): such a count
takes the plural ("<5 items"), never the singular.
"""

from __future__ import annotations

from typing import Protocol

from habeas.messages import N_

#: The notice, singular and plural (``%(num)s``: the count as shown).
WITHHELD = (
    N_("Withheld: %(num)s item at a sensitivity level you may not see."),
    N_("Withheld: %(num)s items at a sensitivity level you may not see."),
)


#: How many of them a stated purpose would show (a page: its link to the purpose form follows).
FOR_PURPOSE = (
    N_("%(num)s of them is shown once you state the purpose of this consultation."),
    N_("%(num)s of them are shown once you state the purpose of this consultation."),
)
#: The same, for the CLI (the option that states it).
FOR_PURPOSE_CLI = (
    N_(
        "%(num)s of them is shown once you give the purpose of this consultation: "
        "--purpose lawyer_request (or relative_request, court_filing, un_communication, "
        "documentation, audit)."
    ),
    N_(
        "%(num)s of them are shown once you give the purpose of this consultation: "
        "--purpose lawyer_request (or relative_request, court_filing, un_communication, "
        "documentation, audit)."
    ),
)
#: How many of them are above the reader's role's clearance.
ABOVE_CLEARANCE = (
    N_("%(num)s of them is above your role's clearance: ask an administrator if you need it."),
    N_("%(num)s of them are above your role's clearance: ask an administrator if you need them."),
)


class Plurals(Protocol):
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


def plural_n(count: int | str) -> int:
    """The number that chooses ``count``'s plural form: the count itself, or 2 (a plural
    in every language habeas speaks) for a count shown as text such as ``"<5"``."""
    if isinstance(count, int):
        return count
    text = str(count).strip()
    return int(text) if text.isdigit() else 2


def withheld_said(
    translations: Plurals, count: int | str, forms: tuple[str, str] = WITHHELD
) -> str:
    """The notice for ``count`` withheld items (or another of the notice's sentences,
    ``forms``: :data:`FOR_PURPOSE`…), through ``translations`` (gettext)."""
    return translations.ngettext(*forms, plural_n(count)) % {"num": count}

"""The values of a coded import problem written in the reader's language.

A problem with a ``code`` (:data:`habeas.ingest.problems.CODES`) carries its values
as text: ISO dates, a month number, a vocabulary's name, cell flags. Each face (the
web check page, the CLI) words the message itself, in its own terms; this module
writes the values the same way for both: dates and months in the reader's language,
the known terms of a vocabulary by their labels, why lines were skipped, why a cell
read off a page is to be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from babel.dates import get_month_names

from habeas import i18n
from habeas.messages import N_

#: A gettext function: an English message id in the reader's language.
Gettext = Callable[[str], Any]

#: Why a line on a page is not a row of the list (lists read off PDFs and scans).
SKIP_REASONS = {
    "repeated_header": N_("a header row repeated on a later page"),
    "page_text": N_("text outside the table (titles, page numbers, footers, notes)"),
    "empty_row": N_("an empty row"),
}
#: Why a cell read off a page is to be checked.
FLAGS = {
    "low_confidence": N_("OCR was unsure of it"),
    "not_a_date": N_("it does not read as a date"),
    "odd_identifier": N_("its shape differs from the column's other identifiers"),
    "odd_name": N_("a name with digits or stray marks"),
}
#: Known values listed in an unknown-term message.
KNOWN_SHOWN = 12


def flag_labels(flags: tuple[str, ...] | list[str], _: Gettext) -> str:
    return "; ".join(str(_(FLAGS[f])) if f in FLAGS else f for f in flags)


def long_date(iso: str, lang: str) -> str:
    """An ISO date as the reader writes it in full (``17 de marzo de 2025``)."""
    try:
        return i18n.format_date(date.fromisoformat(iso), lang, "long")
    except ValueError:
        return iso


def known_terms(labels: Mapping[str, str]) -> str:
    """The first :data:`KNOWN_SHOWN` terms of a vocabulary, ``label (code)``."""
    known = [
        f"{label} ({c})" if label.casefold() != c.casefold() else c for c, label in labels.items()
    ]
    return ", ".join(known[:KNOWN_SHOWN]) + (" …" if len(known) > KNOWN_SHOWN else "")


def reader_params(
    problem: Mapping[str, Any], _: Gettext, lang: str, vocab: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """The problem's ``params`` (``Problem.to_dict()``), written for a reader of ``lang``.

    ``vocab`` is ``{vocabulary: {code: label}}`` in ``lang`` (for ``unknown_term``'s
    ``known``, which the problem does not carry)."""
    code = problem.get("code")
    params = {k: str(v) for k, v in dict(problem.get("params") or {}).items()}
    if code == "date_missing_day":
        params["month"] = get_month_names("wide", locale=i18n.check_language(lang))[
            int(params["month"])
        ]
    elif code == "date_ambiguous":
        params["first"] = long_date(params["first"], lang)
        params["second"] = long_date(params["second"], lang)
    elif code == "lines_skipped":
        reason = params.get("reason", "")
        params["reason"] = str(_(SKIP_REASONS.get(reason, reason)))
    elif code == "cell_unsure":
        params["flags"] = flag_labels([f for f in params.get("flags", "").split(",") if f], _)
    elif code == "unknown_term":
        params["known"] = known_terms(vocab.get(params.get("vocabulary", ""), {}))
    return params

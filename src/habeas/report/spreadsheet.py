"""Cells that a spreadsheet program shows as text, never runs as a formula.

A value from a list (a name, a note, a place) may begin with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return; Excel, LibreOffice and Google Sheets
would take such a cell of a CSV file as a formula (``=HYPERLINK(...)`` sends
data away, ``=cmd|...`` runs programs: "CSV injection"). This is the one home
of the rule; every CSV and XLSX writer of habeas uses it:

* **CSV** (:func:`csv_value`, :func:`csv_row`): following OWASP's advice, a text
  that begins with one of those characters — or with a single quote, so the
  rule can be undone without ambiguity — gets a single quote (``'``) in front.
  To recover the exact text, remove **one** leading ``'`` from every cell that
  begins with one; no other cell was changed.
* **XLSX** (:func:`xlsx_cell`): every text is written as a text cell, never as a
  formula, and the text is kept exactly; cells that begin with one of those
  characters also get Excel's "quote prefix" style, so editing the cell does not
  turn it into a formula either.

Numbers (``int``, ``float``, ``Decimal``) are never changed: a negative number
stays a number. Only texts are.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP), the
#: full-width forms some spreadsheet programs also accept, and the quote itself.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20'")
QUOTE = "'"


def needs_quote(value: Any) -> bool:
    """Whether ``value`` is a text a spreadsheet could read as a formula."""
    return isinstance(value, str) and value[:1] in TRIGGERS


def csv_value(value: Any) -> Any:
    """``value`` made safe for a CSV cell (a quote before a dangerous first character)."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    return QUOTE + text if needs_quote(text) else text


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of a ``csv.DictWriter`` row made safe."""
    return {key: csv_value(value) for key, value in row.items()}


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A cell for ``sheet.append`` (openpyxl write-only sheet): texts stay texts."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl makes "=..." a formula; a text it is
    if needs_quote(value):
        cell.quotePrefix = True
    return cell


def csv_text(cell: str | None) -> str:
    """The original text of a CSV cell written with :func:`csv_value` (one leading quote off)."""
    text = cell or ""
    return text[1:] if text.startswith(QUOTE) else text

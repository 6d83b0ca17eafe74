"""Reading one mapped row's cells: the fields a row can carry, each problem named by row
and column, and each distinct value read once.

:class:`RowReader` is the base of :class:`habeas.ingest.normalise.RowPreparer`: the row's
fields (cell or ``--defaults``), its problems (file, row, the source's own header, what
was expected; a column kept as written turns an error into a warning), and the bounded
per-kind caches through which dates and vocabulary terms are read once per import.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from habeas.domain.dates import (
    AmbiguousDate,
    DateParseError,
    UncertainDate,
    parse_date,
)
from habeas.errors import UsageError
from habeas.ingest.doc_shapes import ShapeReader
from habeas.ingest.fields import RESIDENCE_FIELDS
from habeas.ingest.mapping import ColumnMapping
from habeas.ingest.problems import Problem
from habeas.ingest.readers import Table
from habeas.store.vocabulary import VocabularyIndex

EVENT_DETAIL_FIELDS = (
    "event_date",
    "place",
    "facility",
    "unit",
    "flight",
    "event_time",
    "event_authority",
)
# canonical field -> (fact_type, vocabulary)
LEGAL_FIELDS = {
    "legal_basis": ("legal_basis", "legal_basis"),
    "criminal_record": ("criminal_record", "criminal_record"),
    "hearing": ("hearing", "hearing"),
    "notice": ("notice", "notice"),
    "asylum_claim": ("asylum_claim", "asylum_claim"),
    "counsel": ("counsel", "counsel"),
    "family_notified": ("family_notification", "family_notification"),
}
# canonical field -> fact_type, for facts kept as written (no vocabulary)
TEXT_FACT_FIELDS = {
    "ordering_authority": "ordering_authority",
    "supervising_authority": "supervising_authority",
    "health": "health",
}
DATE_FIELDS = ("date_of_birth", "event_date", "court_order_date")
NAME_PART_FIELDS = ("given_names", "surnames", "first_surname", "second_surname")


#: How a cell that could not be read, in a column the user chose to keep as written, is
#: flagged: the value stays verbatim in the record's raw row and nowhere else.
KEPT_AS_WRITTEN = "kept as written, not read (precision unknown)"


def date_problem(exc: DateParseError) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The problem code and parameters of a date that cannot be read."""
    if exc.missing_day is not None:
        y, m, d = exc.missing_day
        last = calendar.monthrange(y, m)[1]
        return "date_missing_day", (
            ("value", exc.value),
            ("day", str(d)),
            ("month", str(m)),
            ("year", str(y)),
            ("last", str(last)),
        )
    if isinstance(exc, AmbiguousDate):
        first, second = exc.readings
        return "date_ambiguous", (
            ("value", exc.value),
            ("first", first.isoformat()),
            ("second", second.isoformat()),
        )
    return "date_unreadable", (("value", exc.value),)


@dataclass
class RowContext:
    """What every row of one table shares."""

    table: Table
    mapping: ColumnMapping
    vocab: VocabularyIndex
    defaults: dict[str, str]
    date_orders: dict[str, str | None]  # canonical date field → "DMY"/"MDY"/None
    as_of: date  # reference date for ages (the source's date, else today)
    multi_sheet: bool
    key_prefix: str  # for lists without a record id column: the file's short hash
    keep: frozenset[str] = frozenset()  # fields whose unreadable cells are kept as written


#: Distinct values parsed once per import before the cache starts over (memory stays
#: bounded on lists of millions of distinct names).
CACHE_LIMIT = 50_000


class RowReader:
    """The shared part of reading a row: fields, problems, cached dates and terms."""

    def __init__(self, context: RowContext) -> None:
        self.ctx = context
        self.fields = context.mapping.fields  # field → header
        self.defaults = {k: v.strip() for k, v in context.defaults.items()}
        self.problems: list[Problem] = []
        # Lists repeat values (sex, nationality, dates, given names): each distinct value is
        # parsed once per column; its problems are re-reported for every row that has it.
        # Each message: (severity, message) or (severity, message, code, params). One cache
        # per kind of value (the key's first item), so that the names and document numbers
        # of a long list, nearly all distinct, do not push out its few dates and terms.
        self._caches: dict[str, dict[tuple[str, ...], tuple[Any, tuple[Any, ...]]]] = {}
        self._country_codes: dict[str, str | None] = {}
        self._doc_shapes = ShapeReader()
        # (field, cell index) of every mapped field: the last column of that header, and
        # none for a header the table lacks (the field then takes its default, as a blank
        # cell would).
        index = {h: i for i, h in enumerate(context.table.headers)}
        self._columns = [(f, index[h]) for f, h in self.fields.items() if h in index]
        # The fields a row can have at all (mapped or defaulted), so that the groups of
        # fields a list lacks (residence, legal facts) cost nothing per row.
        present = set(self.fields) | set(self.defaults)
        self._residence_fields = [f for f in RESIDENCE_FIELDS if f in present]
        self._legal_fields = [(f, *v) for f, v in LEGAL_FIELDS.items() if f in present]
        self._text_fact_fields = [(f, t) for f, t in TEXT_FACT_FIELDS.items() if f in present]
        self._split_names = bool(present & set(NAME_PART_FIELDS))

    def _cached(
        self,
        row: int,
        fld: str,
        value: str,
        key: tuple[str, ...],
        compute: Callable[..., tuple[Any, list[Any]]],
        *args: Any,
    ) -> Any:
        cache = self._caches.get(key[0])
        if cache is None:
            cache = self._caches[key[0]] = {}
        hit = cache.get(key)
        if hit is None:
            result, messages = compute(*args)
            hit = (result, tuple(messages))
            if len(cache) >= CACHE_LIMIT:  # a list of a million distinct names:
                cache.clear()  # keep memory bounded, start over
            cache[key] = hit
        for severity, message, *coded in hit[1]:
            code, params = (coded[0], coded[1]) if coded else (None, ())
            self._problem(row, fld, value, message, severity, code=code, params=params)
        return hit[0]

    # -- helpers ---------------------------------------------------------------
    def _problem(
        self,
        row: int,
        fld: str | None,
        value: str | None,
        message: str,
        severity: str = "error",
        *,
        code: str | None = None,
        params: tuple[tuple[str, str], ...] = (),
    ) -> None:
        column = self.fields.get(fld) if fld else None
        kept = False
        if fld and column is None:
            column = f"--defaults {fld}"
        elif severity == "error" and fld in self.ctx.keep:
            severity, message, kept = "warning", f"{KEPT_AS_WRITTEN}: {message}", True
        self.problems.append(
            Problem(
                self.ctx.table.file,
                row,
                column,
                value,
                message,
                severity,
                self.ctx.table.sheet,
                code,
                params,
                kept,
            )
        )

    def _field_values(self, cells: list[str]) -> dict[str, str]:
        """Every canonical field the row has: its cell, trimmed, where the table maps the
        field and the cell is not blank, else the field's ``--defaults`` value (computed
        once per row, instead of once for each of the dozens of fields a row is read for)."""
        out = dict(self.defaults)
        n = len(cells)
        for fld, i in self._columns:
            if i < n:
                value = cells[i]
                if value:
                    value = value.strip()
                    if value:
                        out[fld] = value
        return out

    def _date(self, row: int, fld: str, text: str) -> UncertainDate | None:
        order = self.ctx.date_orders.get(fld)

        def compute() -> tuple[UncertainDate | None, list[Any]]:
            try:
                return parse_date(text, order), []
            except DateParseError as exc:
                if order in ("DMY", "MDY"):
                    other = "MDY" if order == "DMY" else "DMY"
                    try:
                        parsed = parse_date(text, other)
                    except DateParseError:
                        pass
                    else:
                        return parsed, [
                            (
                                "warning",
                                f"only readable as {other} while the column "
                                f"is {order}: read as {parsed.display()} (day and "
                                "month may have been swapped)",
                                "date_swapped",
                                (
                                    ("value", text),
                                    ("read", parsed.display()),
                                    ("order", order),
                                    ("other", other),
                                ),
                            )
                        ]
                return None, [("error", str(exc), *date_problem(exc))]

        result: UncertainDate | None = self._cached(row, fld, text, ("date", fld, text), compute)
        return result

    def _term(self, row: int, fld: str, vocabulary: str, text: str) -> str | None:
        def compute() -> tuple[str | None, list[Any]]:
            try:
                return self.ctx.vocab.require(vocabulary, text, "value"), []
            except UsageError as exc:
                return None, [
                    (
                        "error",
                        str(exc),
                        "unknown_term",
                        (("value", text), ("vocabulary", vocabulary)),
                    )
                ]

        result: str | None = self._cached(row, fld, text, ("term", vocabulary, text), compute)
        return result

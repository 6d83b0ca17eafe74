"""Turn one mapped row into a prepared record: values as written plus normalised fields.

Nothing here touches the database. Every problem names the row and the column
(the source's own header) and says what was expected. Errors stop the import;
warnings are kept with it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from habeas.domain.addresses import postcode_key
from habeas.domain.countries import normalise_country
from habeas.domain.dates import (
    AmbiguousDate,
    DateParseError,
    UncertainDate,
    dob_from_age,
    parse_date,
)
from habeas.domain.identifiers import (
    InvalidIdentifier,
    classify_national_id,
    normalise_a_number,
    normalise_passport,
)
from habeas.domain.names import (
    ParsedName,
    given_beside_surnames,
    parse_full_name,
    parse_name_parts,
)
from habeas.errors import UsageError
from habeas.ingest.doc_shapes import ShapeReader
from habeas.ingest.fields import RESIDENCE_FIELDS
from habeas.ingest.mapping import ColumnMapping
from habeas.ingest.prepared import PreparedEvent, PreparedLegalFact, PreparedRecord
from habeas.ingest.problems import Problem
from habeas.ingest.readers import Table
from habeas.ingest.times import TimeParseError, parse_term_days, parse_time_at
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
_NAME_PART_FIELDS = ("given_names", "surnames", "first_surname", "second_surname")
POSTCODE_WARNING = (
    "not a postcode (2 to 10 letters and digits, at least one digit): kept "
    "as written but not used for matching"
)

_NO_NAME_IN_COLUMNS = "no name in the given columns"  # parse_name_parts's own words


def _given_side(given: str) -> tuple[ParsedName | None, list[Any]]:
    """The given names of a name in columns (None: no word in them)."""
    if not given:
        return None, []
    try:
        return parse_name_parts(given=given), []
    except ValueError:
        return None, []


def _surname_side(
    surnames: str, first_surname: str, second_surname: str
) -> tuple[ParsedName | None, list[Any]]:
    """The surnames of a name in columns (None: no word in them)."""
    if not (surnames or first_surname or second_surname):
        return None, []
    try:
        return parse_name_parts(
            surnames=surnames or None,
            first_surname=first_surname or None,
            second_surname=second_surname or None,
        ), []
    except ValueError:
        return None, []


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


class RowPreparer:
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
        self._split_names = bool(present & set(_NAME_PART_FIELDS))

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

    # -- one row -----------------------------------------------------------------
    def prepare(self, row_number: int, cells: list[str]) -> PreparedRecord | None:
        table = self.ctx.table
        headers = table.headers
        short = len(headers) - len(cells)
        values = dict(zip(headers, cells + [""] * short if short > 0 else cells, strict=False))
        if len(cells) > len(table.headers) and any(c.strip() for c in cells[len(table.headers) :]):
            self._problem(
                row_number,
                None,
                cells[len(table.headers)],
                f"the row has {len(cells)} cells but the header has {len(table.headers)} columns",
                code="too_many_cells",
                params=(("cells", str(len(cells))), ("columns", str(len(table.headers)))),
            )
            return None
        if not any(v.strip() for v in values.values()):
            self._problem(row_number, None, None, "empty row: skipped", "warning", code="empty_row")
            return None
        raw = {h: v for h, v in values.items() if h} if "" in values else values
        values = self._field_values(cells)

        key = values.get("record_id", "") if "record_id" in self.fields else ""
        if not key:
            if "record_id" in self.fields:
                self._problem(
                    row_number,
                    "record_id",
                    "",
                    "no record id: the row number is used",
                    "warning",
                    code="no_record_id",
                )
            # No id in the source: the file version (short hash) and row identify the entry.
            sheet = f"{table.sheet}!" if self.ctx.multi_sheet else ""
            key = f"{self.ctx.key_prefix}:{sheet}row {row_number}"

        name, full_name = self._name(row_number, values)
        identifiers = self._identifiers(row_number, values)
        if name is None and not identifiers:
            self._problem(
                row_number,
                None,
                None,
                "the row has neither a name nor an identity document number",
                code="no_name_or_id",
            )
            return None

        dob = None
        dob_text = values.get("date_of_birth", "")
        if dob_text:
            dob = self._date(row_number, "date_of_birth", dob_text)
        age_text = values.get("age", "")
        if dob is None and age_text and not dob_text:
            try:
                dob = dob_from_age(age_text, self.ctx.as_of)
            except DateParseError as exc:
                self._problem(row_number, "age", age_text, str(exc))

        sex_text = values.get("sex", "")
        sex = self._term(row_number, "sex", "sex", sex_text) if sex_text else None
        nationality = self._country(row_number, values, "nationality")
        birth_country = self._country(row_number, values, "country_of_birth")

        record = PreparedRecord(
            row_number,
            table.sheet,
            key,
            raw,
            full_name,
            name,
            dob,
            sex,
            nationality,
            birth_country,
            identifiers,
        )
        record.residence = self._residence(row_number, values)
        self._event(row_number, values, record)
        self._legal(row_number, values, record)
        return record

    def _residence(self, row: int, values: dict[str, str]) -> dict[str, str] | None:
        """The place of residence as written; what linkage cannot compare is warned about."""
        found = {f: v for f in self._residence_fields if (v := values.get(f, ""))}
        if not found:
            return None
        code = found.get("postcode")
        if code:  # checked once per distinct value, reported on every row that has it
            self._cached(
                row,
                "postcode",
                code,
                ("postcode", code),
                lambda: (None, [] if postcode_key(code) else [("warning", POSTCODE_WARNING)]),
            )
        if "street_number" in found and "address" not in found:
            self._problem(
                row,
                "street_number",
                found["street_number"],
                "a house number without a street (address column): kept as "
                "written but not used for matching",
                "warning",
            )
        return found

    def _name(self, row: int, values: dict[str, str]) -> tuple[ParsedName | None, str | None]:
        full = values.get("full_name", "")
        if not self._split_names:  # the whole name in one cell: parsed once per distinct text
            if not full:
                return None, None
            name: ParsedName | None = self._cached(
                row, "full_name", full, ("name", full), self._full_name, full
            )
            return name, full
        parts = tuple(values.get(f, "") for f in _NAME_PART_FIELDS)
        if full and not parts[0] and any(parts[1:]):
            # a whole name beside the surnames, no given names column: the given names are
            # the whole name's other words
            parts = (self._given_of_full(row, full, parts[1:]), *parts[1:])
        written = " ".join(v for v in parts if v)
        if written:  # given names and surnames in columns: each side parsed once
            name = self._name_from_parts(row, full, parts, written)
            return name, (full or written)

        def compute() -> tuple[ParsedName | None, list[tuple[str, str]]]:
            try:
                if full:
                    return parse_full_name(full), []
            except ValueError as exc:
                return None, [("error", f"cannot read this name: {exc}")]
            return None, []

        name = self._cached(row, "full_name", full, ("name", full, *parts), compute)
        return name, (full or None)

    def _name_from_parts(
        self, row: int, full: str, parts: tuple[str, ...], written: str
    ) -> ParsedName | None:
        """:func:`parse_name_parts` of the row's name columns, built from its given names
        and its surnames parsed apart (each side depends on its own columns only), each
        distinct side once: a list's given names and surnames repeat far more than their
        pairs do."""
        given = self._cached(row, "full_name", full, ("given", parts[0]), _given_side, parts[0])
        surnames = self._cached(
            row, "full_name", full, ("surnames", *parts[1:]), _surname_side, *parts[1:]
        )
        if given is None and surnames is None:  # no word in any column
            self._problem(row, "full_name", full, f"cannot read this name: {_NO_NAME_IN_COLUMNS}")
            return None
        return ParsedName(
            " ".join(p.strip() for p in parts if p.strip()),
            given.given_names if given else (),
            surnames.surnames if surnames else (),
            given.given_written if given else (),
            surnames.surnames_written if surnames else (),
            "columns",
        )

    def _given_of_full(self, row: int, full: str, surname_parts: tuple[str, ...]) -> str:
        """The given names in ``full`` (a whole name) beside its surname columns, as written:
        the whole name without the surnames' words or, where the whole name does not hold
        them, the given names a whole-name reading finds in it."""
        surnames = " ".join(p for p in surname_parts if p)

        def compute() -> tuple[str, list[tuple[str, str]]]:
            beside = given_beside_surnames(full, surnames)
            if beside is not None:
                return beside, []
            try:
                return " ".join(parse_full_name(full).given_written), []
            except ValueError:
                return "", []

        given: str = self._cached(row, "full_name", full, ("given of", full, surnames), compute)
        return given

    @staticmethod
    def _full_name(full: str) -> tuple[ParsedName | None, list[tuple[str, str]]]:
        try:
            return parse_full_name(full), []
        except ValueError as exc:
            return None, [("error", f"cannot read this name: {exc}")]

    def _identifiers(
        self, row: int, values: dict[str, str]
    ) -> list[tuple[str, str, str | None, bool]]:
        found: list[tuple[str, str, str | None, bool]] = []
        nationality = values.get("nationality", "")
        shapes = self._doc_shapes
        for fld in ("a_number", "national_id", "passport"):
            text = values.get(fld, "")
            if not text:
                continue
            # a number's reading by its shape (doc_shapes): numbers are nearly all distinct
            context = (fld, self._country_code(nationality) if nationality else None)
            known = shapes.known(context, text)
            if known is not None:
                found.append((known[0], text, known[1], True))
                continue

            def compute(
                fld: str = fld, text: str = text
            ) -> tuple[tuple[str, str, str | None, bool], list[tuple[str, str]]]:
                try:
                    if fld == "a_number":
                        return ("a_number", text, normalise_a_number(text), True), []
                    if fld == "passport":
                        return ("passport", text, normalise_passport(text), True), []
                    country = self._country_code(nationality) if nationality else None
                    id_type, value = classify_national_id(text, country)
                    return (id_type, text, value, True), []
                except InvalidIdentifier as exc:
                    return (fld, text, None, False), [
                        ("warning", f"kept as written but not used for matching: {exc}")
                    ]

            read = self._cached(row, fld, text, ("id", fld, text, nationality), compute)
            if read[3] and read[2] is not None:
                shapes.learn(context, text, read[0], read[2])
            found.append(read)
        return found

    def _country_code(self, text: str) -> str | None:
        """:func:`normalise_country`, once per distinct text (no problem reported)."""
        if text not in self._country_codes:
            if len(self._country_codes) >= CACHE_LIMIT:
                self._country_codes.clear()
            self._country_codes[text] = normalise_country(text)
        return self._country_codes[text]

    def _country(self, row: int, values: dict[str, str], fld: str) -> str | None:
        text = values.get(fld, "")
        if not text:
            return None

        def compute() -> tuple[str | None, list[tuple[str, str]]]:
            code = normalise_country(text)
            if code is None:
                return None, [("warning", "unknown country: kept as written only")]
            return code, []

        result: str | None = self._cached(row, fld, text, ("country", text), compute)
        return result

    def _time(
        self,
        row: int,
        values: dict[str, str],
        fld: str,
        when: UncertainDate | None,
        date_field: str,
    ) -> datetime | None:
        """The UTC instant of a time column on its (exact) date; problems name the column."""
        text = values.get(fld, "")
        if not text:
            return None
        if when is None or not when.is_exact:
            self._problem(
                row,
                fld,
                text,
                f"a time of day needs an exact date in '{self.fields.get(date_field, date_field)}'",
            )
            return None
        zone = values.get("time_zone", "") or None
        try:
            return parse_time_at(when.earliest, text, zone)
        except TimeParseError as exc:
            self._problem(row, fld, text, str(exc))
            return None

    def _event(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        type_text = values.get("event_type", "")
        details = {f: values.get(f, "") for f in EVENT_DETAIL_FIELDS}
        if not type_text:
            if any(details.values()):
                present = [self.fields.get(f, f) for f, v in details.items() if v]
                first = next(f for f, v in details.items() if v)
                self._problem(
                    row,
                    first,
                    details[first],
                    f"the row has event details ({', '.join(present)}) but no event "
                    "type; add an event type column or --defaults event_type=TYPE",
                    code="event_without_type",
                    params=(("columns", ", ".join(present)),),
                )
            return
        event_type = self._term(row, "event_type", "event_type", type_text)
        when = (
            self._date(row, "event_date", details["event_date"]) if details["event_date"] else None
        )
        at = self._time(row, values, "event_time", when, "event_date")
        if event_type is None:
            return
        record.events.append(
            PreparedEvent(
                event_type,
                when,
                details["event_date"] or None,
                details["place"] or None,
                details["facility"] or None,
                details["unit"] or None,
                details["flight"] or None,
                details["event_authority"] or None,
                at,
                details["event_time"] or None,
            )
        )

    def _legal(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        """Legal facts. A fact without a date of its own is dated by the row's event date
        (the date the source states it as of), when the row has one."""
        as_of = record.events[0].when if record.events else None
        for fld, fact_type, vocabulary in self._legal_fields:
            text = values.get(fld, "")
            if not text:
                continue
            code = self._term(row, fld, vocabulary, text)
            if code is not None:
                record.legal_facts.append(PreparedLegalFact(fact_type, code, text, as_of))
        for fld, fact_type in self._text_fact_fields:
            text = values.get(fld, "")
            if text:
                record.legal_facts.append(PreparedLegalFact(fact_type, None, text, as_of))
        term = values.get("detention_term", "")
        if term:
            try:
                days = parse_term_days(term)
            except ValueError as exc:
                self._problem(row, "detention_term", term, str(exc))
            else:
                record.legal_facts.append(
                    PreparedLegalFact("detention_term", str(days), term, as_of)
                )
        self._court_order(row, values, record)

    def _court_order(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        text = values.get("court_order", "")
        date_text = values.get("court_order_date", "")
        time_text = values.get("court_order_time", "")
        if not text:
            if date_text or time_text:
                fld = "court_order_date" if date_text else "court_order_time"
                self._problem(
                    row,
                    fld,
                    date_text or time_text,
                    "the row has a court order date or time but no court order; "
                    "add a court order column",
                )
            return
        code = self._term(row, "court_order", "court_order", text)
        when = self._date(row, "court_order_date", date_text) if date_text else None
        at = self._time(row, values, "court_order_time", when, "court_order_date")
        if code is not None:
            record.legal_facts.append(
                PreparedLegalFact(
                    "court_order",
                    code,
                    text,
                    when,
                    values.get("court", "") or None,
                    at,
                    time_text or None,
                )
            )

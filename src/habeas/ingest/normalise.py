"""Turn one mapped row into a prepared record: values as written plus normalised fields.

Nothing here touches the database. Every problem names the row and the column
(the source's own header) and says what was expected. Errors stop the import;
warnings are kept with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from habeas.domain.countries import normalise_country
from habeas.domain.dates import DateParseError, UncertainDate, dob_from_age, parse_date
from habeas.domain.identifiers import (
    InvalidIdentifier,
    classify_national_id,
    normalise_a_number,
    normalise_passport,
)
from habeas.domain.names import ParsedName, parse_full_name, parse_name_parts
from habeas.errors import UsageError
from habeas.ingest.mapping import ColumnMapping
from habeas.ingest.problems import Problem
from habeas.ingest.readers import Table
from habeas.store.vocabulary import VocabularyIndex

EVENT_DETAIL_FIELDS = ("event_date", "place", "facility", "unit", "flight")
LEGAL_FIELDS = {"legal_basis": "legal_basis", "criminal_record": "criminal_record",
                "hearing": "hearing"}
DATE_FIELDS = ("date_of_birth", "event_date")


@dataclass
class PreparedEvent:
    event_type: str
    when: UncertainDate | None
    date_text: str | None
    place: str | None
    facility: str | None
    unit: str | None
    flight: str | None


@dataclass
class PreparedLegalFact:
    fact_type: str
    value: str
    value_text: str


@dataclass
class PreparedRecord:
    row_number: int
    sheet: str | None
    record_key: str
    raw: dict[str, str]
    full_name: str | None
    name: ParsedName | None
    dob: UncertainDate | None
    sex: str | None
    nationality: str | None
    country_of_birth: str | None
    identifiers: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    events: list[PreparedEvent] = field(default_factory=list)
    legal_facts: list[PreparedLegalFact] = field(default_factory=list)


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


class RowPreparer:
    def __init__(self, context: RowContext) -> None:
        self.ctx = context
        self.fields = context.mapping.fields  # field → header
        self.problems: list[Problem] = []

    # -- helpers ---------------------------------------------------------------
    def _problem(self, row: int, fld: str | None, value: str | None, message: str,
                 severity: str = "error") -> None:
        column = self.fields.get(fld) if fld else None
        if fld and column is None:
            column = f"--defaults {fld}"
        self.problems.append(Problem(self.ctx.table.file, row, column, value, message, severity,
                                     self.ctx.table.sheet))

    def _value(self, values: dict[str, str], fld: str) -> str:
        header = self.fields.get(fld)
        value = values.get(header, "").strip() if header else ""
        return value or self.ctx.defaults.get(fld, "").strip()

    def _date(self, row: int, fld: str, text: str) -> UncertainDate | None:
        order = self.ctx.date_orders.get(fld)
        try:
            return parse_date(text, order)
        except DateParseError as exc:
            if order in ("DMY", "MDY"):
                other = "MDY" if order == "DMY" else "DMY"
                try:
                    parsed = parse_date(text, other)
                except DateParseError:
                    pass
                else:
                    self._problem(row, fld, text,
                                  f"only readable as {other} while the column is {order}: read "
                                  f"as {parsed.display()} (day and month may have been swapped)",
                                  "warning")
                    return parsed
            self._problem(row, fld, text, str(exc))
            return None

    def _term(self, row: int, fld: str, vocabulary: str, text: str) -> str | None:
        try:
            return self.ctx.vocab.require(vocabulary, text, "value")
        except UsageError as exc:
            self._problem(row, fld, text, str(exc))
            return None

    # -- one row -----------------------------------------------------------------
    def prepare(self, row_number: int, cells: list[str]) -> PreparedRecord | None:
        table = self.ctx.table
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(table.headers)}
        if len(cells) > len(table.headers) and any(c.strip() for c in cells[len(table.headers):]):
            self._problem(row_number, None, cells[len(table.headers)],
                          f"the row has {len(cells)} cells but the header has "
                          f"{len(table.headers)} columns")
            return None
        if not any(v.strip() for v in values.values()):
            self._problem(row_number, None, None, "empty row: skipped", "warning")
            return None
        raw = {h: v for h, v in values.items() if h}

        key = self._value(values, "record_id") if "record_id" in self.fields else ""
        if not key:
            if "record_id" in self.fields:
                self._problem(row_number, "record_id", "", "no record id: the row number is used",
                              "warning")
            # No id in the source: the file version (short hash) and row identify the entry.
            sheet = f"{table.sheet}!" if self.ctx.multi_sheet else ""
            key = f"{self.ctx.key_prefix}:{sheet}row {row_number}"

        name, full_name = self._name(row_number, values)
        identifiers = self._identifiers(row_number, values)
        if name is None and not identifiers:
            self._problem(row_number, None, None,
                          "the row has neither a name nor an identity document number")
            return None

        dob = None
        dob_text = self._value(values, "date_of_birth")
        if dob_text:
            dob = self._date(row_number, "date_of_birth", dob_text)
        age_text = self._value(values, "age")
        if dob is None and age_text and not dob_text:
            try:
                dob = dob_from_age(age_text, self.ctx.as_of)
            except DateParseError as exc:
                self._problem(row_number, "age", age_text, str(exc))

        sex_text = self._value(values, "sex")
        sex = self._term(row_number, "sex", "sex", sex_text) if sex_text else None
        nationality = self._country(row_number, values, "nationality")
        birth_country = self._country(row_number, values, "country_of_birth")

        record = PreparedRecord(row_number, table.sheet, key, raw, full_name, name, dob, sex,
                                nationality, birth_country, identifiers)
        self._event(row_number, values, record)
        self._legal(row_number, values, record)
        return record

    def _name(self, row: int, values: dict[str, str]) -> tuple[ParsedName | None, str | None]:
        full = self._value(values, "full_name")
        parts = {f: self._value(values, f)
                 for f in ("given_names", "surnames", "first_surname", "second_surname")}
        try:
            if any(parts.values()):
                name = parse_name_parts(given=parts["given_names"] or None,
                                        surnames=parts["surnames"] or None,
                                        first_surname=parts["first_surname"] or None,
                                        second_surname=parts["second_surname"] or None)
                written = " ".join(v for v in (parts["given_names"], parts["surnames"],
                                               parts["first_surname"], parts["second_surname"])
                                   if v)
                return name, full or written
            if full:
                return parse_full_name(full), full
        except ValueError as exc:
            self._problem(row, "full_name", full, f"cannot read this name: {exc}")
        return None, full or None

    def _identifiers(self, row: int,
                     values: dict[str, str]) -> list[tuple[str, str, str | None, bool]]:
        found: list[tuple[str, str, str | None, bool]] = []
        nationality = normalise_country(self._value(values, "nationality") or "") or None
        for fld in ("a_number", "national_id", "passport"):
            text = self._value(values, fld)
            if not text:
                continue
            try:
                if fld == "a_number":
                    found.append(("a_number", text, normalise_a_number(text), True))
                elif fld == "passport":
                    found.append(("passport", text, normalise_passport(text), True))
                else:
                    id_type, value = classify_national_id(text, nationality)
                    found.append((id_type, text, value, True))
            except InvalidIdentifier as exc:
                found.append((fld, text, None, False))
                self._problem(row, fld, text,
                              f"kept as written but not used for matching: {exc}", "warning")
        return found

    def _country(self, row: int, values: dict[str, str], fld: str) -> str | None:
        text = self._value(values, fld)
        if not text:
            return None
        code = normalise_country(text)
        if code is None:
            self._problem(row, fld, text, "unknown country: kept as written only", "warning")
        return code

    def _event(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        type_text = self._value(values, "event_type")
        details = {f: self._value(values, f) for f in EVENT_DETAIL_FIELDS}
        if not type_text:
            if any(details.values()):
                present = [self.fields.get(f, f) for f, v in details.items() if v]
                first = next(f for f, v in details.items() if v)
                self._problem(row, first, details[first],
                              f"the row has event details ({', '.join(present)}) but no event "
                              "type; add an event type column or --defaults event_type=TYPE")
            return
        event_type = self._term(row, "event_type", "event_type", type_text)
        when = self._date(row, "event_date", details["event_date"]) if details["event_date"] \
            else None
        if event_type is None:
            return
        record.events.append(PreparedEvent(
            event_type, when, details["event_date"] or None, details["place"] or None,
            details["facility"] or None, details["unit"] or None, details["flight"] or None))

    def _legal(self, row: int, values: dict[str, str], record: PreparedRecord) -> None:
        for fld, vocabulary in LEGAL_FIELDS.items():
            text = self._value(values, fld)
            if not text:
                continue
            code = self._term(row, fld, vocabulary, text)
            if code is not None:
                record.legal_facts.append(PreparedLegalFact(fld, code, text))

"""Turn one mapped row into a prepared record: values as written plus normalised fields.

Nothing here touches the database. Every problem names the row and the column
(the source's own header) and says what was expected. Errors stop the import;
warnings are kept with it. The reading shared by every field (problems, caches, dates,
terms) is :mod:`habeas.ingest.row_reader`; events and legal facts are
:mod:`habeas.ingest.row_facts`.
"""

from __future__ import annotations

from typing import Any

from habeas.domain.addresses import postcode_key
from habeas.domain.countries import normalise_country
from habeas.domain.dates import (
    DateParseError,
    dob_from_age,
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
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.row_facts import FactReader
from habeas.ingest.row_reader import CACHE_LIMIT, NAME_PART_FIELDS

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


class RowPreparer(FactReader):
    """One mapped row → a :class:`~habeas.ingest.prepared.PreparedRecord` (or ``None``),
    its problems kept in ``problems``: names, documents, residence, nationality here;
    dates, terms and the cache in :class:`~habeas.ingest.row_reader.RowReader`;
    events and legal facts in :class:`~habeas.ingest.row_facts.FactReader`."""

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
        parts = tuple(values.get(f, "") for f in NAME_PART_FIELDS)
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

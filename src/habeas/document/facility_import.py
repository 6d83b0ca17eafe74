"""Import facilities, units, areas, capacity figures and occupancy from a spreadsheet.

One row is one fact (CSV, or every sheet of an XLSX workbook; read by
:mod:`habeas.ingest.readers`). Headers in English or Spanish, any case, accents
optional:

=============  =====================  =============================================
column         Spanish                meaning
=============  =====================  =============================================
record         registro, dato         facility | unit | area | capacity | population
                                      (centro, unidad, superficie, capacidad, poblacion)
facility       centro                 the facility's name
unit           unidad, celda          the unit (for unit, area; optional for capacity,
                                      population: empty means the whole facility)
building       edificio, modulo       the unit's building or module
kind           tipo                   facility kind (prison, ...); capacity kind
                                      (official / oficial, design / diseño)
country        pais                   the facility's country
operator       operador               who runs the facility
latitude       latitud                where the facility is, decimal degrees (13.7 or
longitude      longitud               13,7; south and west negative): both or neither
value          valor, cifra           area in m², capacity, population
date           fecha                  the day a population was counted (2025-03-17 or
                                      17/03/2025, day first)
source         fuente                 the source's exact title, or #ID
note           nota                   a note on a figure
=============  =====================  =============================================

All or nothing: every row is checked (against the register and the rows above
it) and written as one logged operation; any error writes nothing and every
error names the file, sheet, row and column (:class:`RowError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.document import facility_entry as fe
from habeas.domain.text import fold
from habeas.errors import UsageError
from habeas.ingest.problems import ImportFailed
from habeas.ingest.readers import read_tables
from habeas.store.db import Store
from habeas.store.schema import Source
from habeas.store.vocabulary import VocabularyIndex

HEADERS = {
    "record": ("record", "registro", "dato", "fact"),
    "facility": ("facility", "centro", "establecimiento"),
    "unit": ("unit", "unidad", "celda", "cell"),
    "building": ("building", "edificio", "modulo"),
    "kind": ("kind", "tipo", "type"),
    "country": ("country", "pais"),
    "operator": ("operator", "operador"),
    "latitude": ("latitude", "latitud", "lat"),
    "longitude": ("longitude", "longitud", "lon", "lng"),
    "value": ("value", "valor", "cifra"),
    "date": ("date", "fecha"),
    "source": ("source", "fuente"),
    "note": ("note", "nota", "notes", "notas"),
}
RECORDS = {
    "facility": ("facility", "centro", "establecimiento"),
    "unit": ("unit", "unidad", "celda", "cell"),
    "area": ("area", "superficie", "area_m2"),
    "capacity": ("capacity", "capacidad"),
    "population": ("population", "poblacion", "ocupacion", "occupancy"),
}
CAPACITY = {
    "official_capacity": ("official", "official_capacity", "oficial", "declarada", "stated"),
    "design_capacity": ("design", "design_capacity", "diseno", "de diseno"),
}
#: Which column each fact field comes from (an EntryError's ``field`` → column).
FIELD_COLUMN = {
    "name": "facility",
    "facility": "facility",
    "unit": "unit",
    "kind": "kind",
    "country": "country",
    "operator": "operator",
    "latitude": "latitude",
    "longitude": "longitude",
    "area": "value",
    "capacity": "value",
    "value": "value",
    "population": "value",
    "source": "source",
    "note": "note",
    "building": "building",
}


@dataclass(frozen=True)
class RowError:
    """One problem: where (file, sheet, row, column as written) and what (a message id)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    template: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self, gettext: Any = None) -> str:
        text = gettext(self.template) if gettext else self.template
        return str(text).format(**self.values)

    def location(self, gettext: Any = None) -> str:
        tr = gettext or (lambda text: text)
        parts = [self.file]
        if self.sheet:
            parts.append(str(tr("sheet {sheet!r}")).format(sheet=self.sheet))
        if self.row is not None:
            parts.append(str(tr("row {row}")).format(row=self.row))
        if self.column:
            parts.append(str(tr("column {column!r}")).format(column=self.column))
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message(),
        }


class FacilityImportFailed(UsageError):
    """The spreadsheet has errors; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            f"Import refused: {len(errors)} error(s); nothing was written.\n"
            + "\n".join(f"  {e.location()} — {e.message()}" for e in errors)
        )


@dataclass(frozen=True)
class FacilityImport:
    """What an import wrote (or, with ``dry_run``, would write)."""

    file: str
    entered: list[fe.Entered]
    dry_run: bool

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entered:
            out[e.entity] = out.get(e.entity, 0) + 1
        return out


class _DryRun(Exception):
    """Raised inside the write to roll it back after every row was checked."""


def _columns(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    wanted = {fold(alias): key for key, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    unknown = []
    for i, header in enumerate(headers):
        key = wanted.get(fold(header).replace(" ", "_")) or wanted.get(fold(header))
        if key is None:
            unknown.append(header)
        elif key not in found:
            found[key] = i
    return found, unknown


def _choice(value: str, options: dict[str, tuple[str, ...]]) -> str | None:
    key = fold(value).replace(" ", "_")
    for code, aliases in options.items():
        if key in {fold(a).replace(" ", "_") for a in aliases}:
            return code
    return None


def parse_number(text: str, *, whole: bool) -> float:
    """``1480``, ``14.8``, ``14,8``; whole numbers may group thousands (``40.000``,
    ``40,000``, ``40 000``). An area such as ``1.480`` is refused as ambiguous."""
    t = text.strip().replace("\u00a0", " ")
    grouped = re.fullmatch(r"\d{1,3}([ .,'])\d{3}(\1\d{3})*", t)
    if whole:
        if grouped:
            return float(re.sub(r"\D", "", t))
        if re.fullmatch(r"\d+", t):
            return float(t)
        raise ValueError("whole")
    if grouped and grouped.group(1) in ".,":
        raise ValueError("ambiguous")
    if grouped:
        return float(re.sub(r"\D", "", t))
    if re.fullmatch(r"\d+([.,]\d+)?", t):
        return float(t.replace(",", "."))
    raise ValueError("number")


def parse_day(text: str) -> date:
    t = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t) or None
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", t)
    if m:
        return date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(t)


def parse_degrees(text: str) -> float:
    """A coordinate in decimal degrees: ``-88.9``, ``-88,9``, ``13.7``, ``13`` (no thousands
    separators; a sign in front, south and west negative)."""
    t = text.strip().replace("\u2212", "-").replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}([.,]\d+)?", t):
        return float(t.replace(",", "."))
    raise ValueError("degrees")


NUMBER_ERRORS = {
    "whole": "{value!r} is not a whole number (write 40000 or 40.000).",
    "ambiguous": "{value!r} is ambiguous: write the area without a thousands separator "
    "(1480, or 14,8 for a decimal).",
    "number": "{value!r} is not a number.",
    "degrees": "{value!r} is not a coordinate: write decimal degrees such as -88.9 or 13,7.",
}


def _fact(record: str, cell: dict[str, str], sources: dict[str, int]) -> fe.Fact:
    """One row as a fact; raises EntryError naming the field."""
    source_text = cell.get("source", "")
    if not source_text:
        raise fe.EntryError("Every fact needs its source.", "source")
    source_id = sources.get(source_text)
    if source_id is None:
        raise fe.EntryError("There is no source titled {title!r}.", "source", title=source_text)
    facility = cell.get("facility", "")
    if not facility:
        raise fe.EntryError("The facility is missing.", "facility")
    unit = cell.get("unit") or None

    def number(whole: bool) -> float:
        raw = cell.get("value", "")
        if not raw:
            raise fe.EntryError("The value is missing.", "value")
        try:
            return parse_number(raw, whole=whole)
        except ValueError as exc:
            raise fe.EntryError(NUMBER_ERRORS[str(exc)], "value", value=raw) from None

    def degrees(name: str) -> float | None:
        raw = cell.get(name, "")
        if not raw:
            return None
        try:
            return parse_degrees(raw)
        except ValueError:
            raise fe.EntryError(NUMBER_ERRORS["degrees"], name, value=raw) from None

    if record == "facility":
        return fe.FacilityFact(
            facility,
            cell.get("kind", ""),
            source_id,
            cell.get("country"),
            cell.get("operator"),
            cell.get("note"),
            degrees("latitude"),
            degrees("longitude"),
        )
    if record == "unit":
        if not unit:
            raise fe.EntryError("The unit is missing.", "unit")
        return fe.UnitFact(facility, unit, source_id, cell.get("building"))
    if record == "area":
        if not unit:
            raise fe.EntryError("An area is the area of a unit: the unit is missing.", "unit")
        return fe.AreaFact(facility, unit, number(False), source_id, cell.get("note"))
    if record == "capacity":
        kind = _choice(cell.get("kind", ""), CAPACITY)
        if kind is None:
            raise fe.EntryError(
                "{value!r} is not a capacity kind: write official or design (oficial o diseño).",
                "kind",
                value=cell.get("kind", ""),
            )
        return fe.CapacityFact(facility, kind, number(True), source_id, unit, cell.get("note"))
    raw_day = cell.get("date", "")
    try:
        day = parse_day(raw_day)
    except ValueError:
        raise fe.EntryError(
            "{value!r} is not a date: write 2025-03-17 or 17/03/2025.", "date", value=raw_day
        ) from None
    return fe.PopulationFact(facility, day, int(number(True)), source_id, unit)


def import_facilities(
    store: Store, reader: Reader, path: Path, *, sheet: str | None = None, dry_run: bool = False
) -> FacilityImport:
    """Import every row of ``path`` (see the module docstring): all or nothing."""
    fe.may_edit(reader)
    try:
        tables = read_tables(path, sheet)
    except ImportFailed as exc:
        raise FacilityImportFailed(
            [RowError(p.file, p.sheet, p.row, p.column, p.message) for p in exc.problems]
        ) from None
    with store.read() as s:
        sources = {t: i for i, t in s.execute(select(Source.id, Source.title))}
    sources.update({f"#{i}": i for i in list(sources.values())})
    errors: list[RowError] = []
    rows: list[tuple[Any, int, dict[str, str], dict[str, str]]] = []
    for table in tables:
        columns, unknown = _columns(table.headers)
        names = {key: table.headers[i] for key, i in columns.items()}
        for header in unknown:
            errors.append(
                RowError(
                    table.file,
                    table.sheet,
                    1,
                    header,
                    "Unknown column {column!r}; the columns are: {known}.",
                    {"column": header, "known": ", ".join(HEADERS)},
                )
            )
        for needed in ("record", "facility", "source"):
            if needed not in columns:
                errors.append(
                    RowError(
                        table.file,
                        table.sheet,
                        1,
                        None,
                        "The column {column!r} is missing.",
                        {"column": needed},
                    )
                )
        if errors:
            continue
        for number, cells in table.rows:
            cell = {key: (cells[i] if i < len(cells) else "").strip() for key, i in columns.items()}
            if not any(cell.values()):
                continue
            rows.append((table, number, cell, names))
    if errors:
        raise FacilityImportFailed(errors)
    facts: list[tuple[Any, int, dict[str, str], fe.Fact]] = []
    for table, number, cell, names in rows:
        record = _choice(cell.get("record", ""), RECORDS)
        try:
            if record is None:
                raise fe.EntryError(
                    "{value!r} is not a record type: write facility, unit, "
                    "area, capacity or population.",
                    "record",
                    value=cell.get("record", ""),
                )
            facts.append((table, number, names, _fact(record, cell, sources)))
        except fe.EntryError as exc:
            errors.append(_row_error(table, number, names, exc))
    if errors:
        raise FacilityImportFailed(errors)
    entered = _write(store, reader, facts, path, dry_run)
    return FacilityImport(path.name, entered, dry_run)


def _row_error(table: Any, number: int, names: dict[str, str], exc: fe.EntryError) -> RowError:
    column = FIELD_COLUMN.get(exc.field or "", exc.field)
    return RowError(
        table.file,
        table.sheet,
        number,
        names.get(column or "", column) if column else None,
        exc.template,
        dict(exc.values),
    )


def _write(
    store: Store,
    reader: Reader,
    facts: list[tuple[Any, int, dict[str, str], fe.Fact]],
    path: Path,
    dry_run: bool,
) -> list[fe.Entered]:
    actor = fe.may_edit(reader)
    vocab = VocabularyIndex.load(store)
    errors: list[RowError] = []
    entered: list[fe.Entered] = []
    try:
        with store.write(actor) as op:
            for table, number, names, fact in facts:
                try:
                    with op.session.begin_nested():
                        entered.append(fe.apply_fact(op.session, fact, vocab, op.actor))
                except fe.EntryError as exc:
                    errors.append(_row_error(table, number, names, exc))
            if errors:
                raise FacilityImportFailed(errors)
            if dry_run:
                raise _DryRun
            op.log(
                "import",
                "facility_facts",
                None,
                {"file": path.name, "facts": [e.to_dict() for e in entered]},
            )
    except _DryRun:
        pass
    return entered

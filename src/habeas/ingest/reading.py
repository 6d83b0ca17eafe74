"""Reading a file for import: its tables, each column mapped to a field, the date order of
each date column settled, and the rows prepared in bounded batches (:data:`BATCH_ROWS`),
so that memory stays flat whatever the file's size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from habeas.domain.date_order import order_evidence
from habeas.domain.dates import DateParseError, parse_date
from habeas.domain.text import fold_header
from habeas.errors import UsageError
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.ingest.mapping import ColumnMapping, map_columns
from habeas.ingest.normalise import RowPreparer
from habeas.ingest.options import ImportOptions
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.problems import Problem
from habeas.ingest.readers import Table, read_tables
from habeas.ingest.row_reader import DATE_FIELDS, RowContext
from habeas.store.db import Store
from habeas.store.vocabulary import VocabularyIndex

Progress = Callable[[str, int, int], None]
#: Rows prepared, checked and written at a time: memory stays flat whatever the file's size.
BATCH_ROWS = 20_000


@dataclass
class TablePlan:
    sheet: str | None
    headers: list[str]
    mapping: ColumnMapping
    date_orders: dict[str, str | None]
    rows: int


@dataclass
class Reading:
    """A file's tables, mapped and with their date orders, ready to be prepared row by row."""

    vocab: VocabularyIndex
    plans: list[TablePlan]
    problems: list[Problem]
    preparers: list[tuple[Table, RowPreparer]]

    @property
    def total(self) -> int:
        return sum(len(t.rows) for t, _ in self.preparers)

    def batches(self, progress: Progress | None) -> Iterator[list[PreparedRecord]]:
        """Prepared rows in batches of :data:`BATCH_ROWS`; each table's row problems are
        added to :attr:`problems` when the table is done."""
        total, done = self.total, 0
        batch: list[PreparedRecord] = []
        for table, preparer in self.preparers:
            for row_number, cells in table.rows:
                prepared = preparer.prepare(row_number, cells)
                if prepared is not None:
                    batch.append(prepared)
                done += 1
                if len(batch) >= BATCH_ROWS:
                    yield batch
                    batch = []
                if progress and done % 5000 == 0:
                    progress("checking rows", done, total)
            self.problems.extend(preparer.problems)
            preparer.problems = []
        if batch:
            yield batch
        if progress:
            progress("checking rows", total, total)


def open_tables(store: Store, path: Path, options: ImportOptions, sha256: str) -> Reading:
    """Read the file's headers, map its columns and settle its date orders."""
    tables = read_tables(path, options.sheet, options.corrections)
    vocab = VocabularyIndex.load(store)
    problems: list[Problem] = [p for t in tables for p in t.problems]  # read off pages
    check_kept_columns(path.name, tables, options)
    as_of = (
        date.fromisoformat(options.published_on)
        if options.published_on
        else datetime.now(UTC).date()
    )
    for fld in ("event_date", "date_of_birth"):
        if options.defaults.get(fld):
            try:
                parse_date(options.defaults[fld], "YMD")
            except DateParseError as exc:
                raise UsageError(f"--defaults {fld}: {exc}") from None
    plans: list[TablePlan] = []
    preparers: list[tuple[Table, RowPreparer]] = []
    for table in tables:
        mapping = map_columns(table, options.mapping)
        problems.extend(mapping.problems)
        if mapping.problems:
            plans.append(TablePlan(table.sheet, table.headers, mapping, {}, len(table.rows)))
            continue
        orders = _date_orders(table, mapping, options.date_order, problems)
        plans.append(TablePlan(table.sheet, table.headers, mapping, orders, len(table.rows)))
        context = RowContext(
            table,
            mapping,
            vocab,
            options.defaults,
            orders,
            as_of,
            multi_sheet=len(tables) > 1,
            key_prefix=sha256[:10],
            keep=kept_fields(mapping, options.keep_as_written),
        )
        preparers.append((table, RowPreparer(context)))
    return Reading(vocab, plans, problems, preparers)


def _date_orders(
    table: Table, mapping: ColumnMapping, declared: str | None, problems: list[Problem]
) -> dict[str, str | None]:
    orders: dict[str, str | None] = {}
    for fld in DATE_FIELDS:
        header = mapping.fields.get(fld)
        if header is None:
            continue
        if declared:
            orders[fld] = declared.upper()
            continue
        index = table.headers.index(header)
        evidence = order_evidence(
            cells[index] if index < len(cells) else None for _, cells in table.rows
        )
        if evidence.inconsistent:
            problems.append(
                Problem(
                    table.file,
                    None,
                    header,
                    f"{evidence.examples['day_first']} / {evidence.examples['month_first']}",
                    "the column mixes day-first and month-first dates; say which order the "
                    "source uses with --date-order DMY or --date-order MDY",
                    sheet=table.sheet,
                    code="date_order_mixed",
                    params=(("column", header),),
                )
            )
        elif evidence.needs_order:
            problems.append(
                Problem(
                    table.file,
                    None,
                    header,
                    evidence.examples.get("ambiguous"),
                    f"{evidence.ambiguous} date(s) could be day-first or month-first and nothing "
                    "in "
                    "the column decides; give --date-order DMY (Latin-American) or "
                    "--date-order MDY (US)",
                    sheet=table.sheet,
                    code="date_order_needed",
                    params=(("column", header), ("n", str(evidence.ambiguous))),
                )
            )
        orders[fld] = evidence.order
    return orders


def kept_fields(mapping: ColumnMapping, wanted: tuple[str, ...]) -> frozenset[str]:
    names = {fold_header(w) for w in wanted}
    return frozenset(
        fld
        for fld, header in mapping.fields.items()
        if fld in wanted or fold_header(header) in names
    )


def check_kept_columns(file: str, tables: list[Table], options: ImportOptions) -> None:
    folded = {fold_header(h) for t in tables for h in t.headers}
    unknown = [
        w
        for w in options.keep_as_written
        if w not in CANONICAL_FIELDS and fold_header(w) not in folded
    ]
    if unknown:
        raise UsageError(
            f"{file} has no column {unknown[0]!r} to keep as written (its "
            f"columns: {', '.join(h for t in tables for h in t.headers)})."
        )

"""Import a list into a source: read, map, check every row and write, in one transaction.

The file is read in bounded batches of rows (:data:`BATCH_ROWS`), each prepared,
checked and written before the next is read, so memory stays flat whatever the
file's size. The import is all or nothing: if any row has an error, the rest is
still checked, the transaction is rolled back, and :class:`ImportFailed` lists every
error (file, row, column, value, what was expected); nothing is written.
Importing the same file (same SHA-256) into the same source again is a
no-op that says so. The file itself is kept in the content-addressed store.

Until record linkage runs, each new record gets a person of its own (a link
with method ``import``); linkage later supersedes those links. The new records are
indexed for search batch by batch in the same transaction
(:class:`habeas.search.index.ImportIndexer`): a committed list is searchable at once,
and a refused one leaves no postings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.domain.dates import DateParseError, order_evidence, parse_date
from habeas.domain.text import fold_header
from habeas.errors import UsageError
from habeas.ingest.cell_checks import Corrections
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.ingest.mapping import ColumnMapping, map_columns
from habeas.ingest.normalise import DATE_FIELDS, PreparedRecord, RowContext, RowPreparer
from habeas.ingest.problems import ImportFailed, Problem
from habeas.ingest.readers import Table, media_type, read_tables
from habeas.ingest.rowchecks import Citations, RowChecks, existing_keys, facility_index
from habeas.ingest.rowwrite import (
    RowTarget,
    correction_links,
    insert_rows,
    new_counts,
    search_entries,
)
from habeas.ingest.sensitivity import file_level, protected_headers, source_level
from habeas.search.index import ImportIndexer
from habeas.store.bulk import large_cache
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import ImportBatch, Source, SourceFile, StoredFile
from habeas.store.vocabulary import VocabularyIndex

Progress = Callable[[str, int, int], None]
DATE_ORDERS = ("DMY", "MDY", "YMD")
#: Rows prepared, checked and written at a time: memory stays flat whatever the file's size.
BATCH_ROWS = 20_000
#: Prepared rows a dry run keeps to show what would be stored.
SAMPLE_SIZE = 20


@dataclass
class ImportOptions:
    source_title: str
    source_kind: str | None = None
    reliability: str | None = None
    publisher: str | None = None
    author: str | None = None
    published_on: str | None = None
    url: str | None = None
    language: str | None = None
    notes: str | None = None
    one_row_per_person: bool = False
    mapping: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    sheet: str | None = None
    corrects: str | None = None  # title of the source this list corrects
    sensitivity: str | None = None  # the new source's level (default: by its kind)
    # Columns (headers as written, or field names) whose unreadable cells are kept as
    # written instead of refusing the import: the value stays verbatim in the record's raw
    # row, is not read into a normalised field (precision unknown), and is flagged with a
    # warning stored with the import. Evidence is never edited to be imported.
    keep_as_written: tuple[str, ...] = ()
    # A conversation or document entered by hand (habeas.ingest.intake): how it came in
    # (a ``channel`` term), who took it and on which day (YYYY-MM-DD).
    channel: str | None = None
    taken_by: str | None = None
    taken_on: str | None = None
    # The importer states that every record is the person of this record (an entry made
    # from a person's page): decided "same" and joined at once (habeas.ingest.same_person).
    same_as_record: int | None = None
    # A person's corrections of cells read off pages (PDF, scans), applied before checking.
    corrections: Corrections | None = None
    # Index the new records for search in the import's transaction (the default). When
    # False they are left to ``habeas index`` (search scans them meanwhile, and says so).
    index: bool = True


@dataclass
class TablePlan:
    sheet: str | None
    headers: list[str]
    mapping: ColumnMapping
    date_orders: dict[str, str | None]
    rows: int


@dataclass
class ImportPlan:
    """What an import would do: the dry-run result, and the input to the write."""

    file: str
    sha256: str
    tables: list[TablePlan]
    sample: list[PreparedRecord]  # the first SAMPLE_SIZE rows as they would be stored
    record_count: int
    problems: list[Problem]
    corrected_source_id: int | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class ImportResult:
    source_id: int
    source_title: str
    sha256: str
    already_imported: bool = False
    import_id: int | None = None
    records: int = 0
    persons: int = 0
    identifiers: int = 0
    events: int = 0
    legal_facts: int = 0
    warnings: list[Problem] = field(default_factory=list)
    indexed: int = 0  # records indexed for search in the import's transaction (all new ones)


def _check_options(options: ImportOptions) -> None:
    if options.date_order is not None and options.date_order.upper() not in DATE_ORDERS:
        raise UsageError(
            f"--date-order must be one of {', '.join(DATE_ORDERS)}, not {options.date_order!r}"
        )
    unknown = [k for k in options.defaults if k not in CANONICAL_FIELDS]
    if unknown:
        raise UsageError(
            f"--defaults names unknown field(s) {', '.join(unknown)}; fields are: "
            f"{', '.join(CANONICAL_FIELDS)}"
        )
    if options.sensitivity:
        options.sensitivity = policy.check_level(options.sensitivity)
    if options.published_on:
        try:
            date.fromisoformat(options.published_on)
        except ValueError:
            raise UsageError(f"--date must be YYYY-MM-DD, not {options.published_on!r}") from None


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


def plan_import(
    store: Store,
    path: Path,
    options: ImportOptions,
    progress: Progress | None = None,
    sha256: str | None = None,
) -> ImportPlan:
    """Read and check the whole file without writing anything (the dry run).

    The file is read in bounded batches: what is kept is a sample of prepared rows, the
    count, and the problems."""
    _check_options(options)
    sha256 = sha256 or sha256_file(path)
    reading = _open_tables(store, path, options, sha256)
    problems = [*_source_problems(store, reading.vocab, path.name, options), *reading.problems]
    reading.problems = problems
    sample: list[PreparedRecord] = []
    count = 0
    with store.read() as session:
        checks = RowChecks(path.name, *facility_index(session))
        citations = Citations(session, path.name, options.corrects) if options.corrects else None
        for batch in reading.batches(progress):
            count += len(batch)
            if len(sample) < SAMPLE_SIZE:
                sample.extend(batch[: SAMPLE_SIZE - len(sample)])
            checks.feed(batch)
            if citations is not None:
                citations.cite(session, batch)
    problems.extend(checks.finish())
    if citations is not None:
        problems.extend(citations.problems)
    return ImportPlan(
        path.name,
        sha256,
        reading.plans,
        sample,
        count,
        problems,
        citations.source_id if citations is not None else None,
    )


@dataclass
class _Reading:
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


def _open_tables(store: Store, path: Path, options: ImportOptions, sha256: str) -> _Reading:
    """Read the file's headers, map its columns and settle its date orders."""
    tables = read_tables(path, options.sheet, options.corrections)
    vocab = VocabularyIndex.load(store)
    problems: list[Problem] = [p for t in tables for p in t.problems]  # read off pages
    _check_kept_columns(path.name, tables, options)
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
            keep=_kept_fields(mapping, options.keep_as_written),
        )
        preparers.append((table, RowPreparer(context)))
    return _Reading(vocab, plans, problems, preparers)


def _source_problems(
    store: Store, vocab: VocabularyIndex, file: str, options: ImportOptions
) -> list[Problem]:
    """What the import would refuse about the source itself (its kind, reliability, or a
    clash with the existing source of that title), so that the dry run says it too."""
    with store.read() as session:
        source = session.execute(
            select(Source).where(Source.title == options.source_title)
        ).scalar_one_or_none()
    try:
        if source is not None:
            _check_same_source(source, options)
        else:
            _require_new_source_terms(vocab, options)
    except UsageError as exc:
        return [Problem(file, None, None, options.source_title, str(exc))]
    return []


def _kept_fields(mapping: ColumnMapping, wanted: tuple[str, ...]) -> frozenset[str]:
    names = {fold_header(w) for w in wanted}
    return frozenset(
        fld
        for fld, header in mapping.fields.items()
        if fld in wanted or fold_header(header) in names
    )


def _check_kept_columns(file: str, tables: list[Table], options: ImportOptions) -> None:
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


def import_file(
    store: Store,
    path: Path,
    options: ImportOptions,
    *,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``path`` into the source titled ``options.source_title`` (created if new)."""
    _check_options(options)
    sha256 = sha256_file(path)
    with store.read() as session:
        source = session.execute(
            select(Source).where(Source.title == options.source_title)
        ).scalar_one_or_none()
        if source is not None:
            _check_same_source(source, options)
            done = session.execute(
                select(ImportBatch.id).where(
                    ImportBatch.source_id == source.id, ImportBatch.file_sha256 == sha256
                )
            ).first()
            if done is not None:
                return ImportResult(
                    source.id, source.title, sha256, already_imported=True, import_id=done[0]
                )
    if source is None:
        _require_new_source_terms(VocabularyIndex.load(store), options)
    reading = _open_tables(store, path, options, sha256)
    if any(p.severity == "error" for p in reading.problems):
        raise ImportFailed(reading.problems)
    level = (
        source.sensitivity
        if source is not None
        else source_level(options.source_kind, options.sensitivity)
    )
    carries = any(protected_headers(t.mapping.fields) for t in reading.plans)
    return _write(store, path, sha256, options, reading, source, actor, progress, level, carries)


def _put_file(store: Store, path: Path, sha256: str, level: str) -> None:
    """Store the file; restricted and witness_protected files are encrypted when the
    workspace encrypts (the file store decides how, see :mod:`habeas.crypto`)."""
    assert store.files is not None
    store.files.put(path, sha256, encrypt=policy.rank(level) >= policy.rank(policy.RESTRICTED))


def _check_same_source(source: Source, options: ImportOptions) -> None:
    if options.corrects is not None and source.corrects_source_id is None:
        raise UsageError(
            f"Source {source.title!r} already exists and is not a correction "
            "list; import corrections into a new source."
        )
    given = {
        "kind": options.source_kind,
        "reliability": options.reliability,
        "sensitivity": options.sensitivity,
        **({"same_as_record": options.same_as_record} if options.same_as_record else {}),
    }
    for attribute, value in given.items():
        if value is not None and value != getattr(source, attribute):
            raise UsageError(
                f"Source {source.title!r} already exists with {attribute} "
                f"{getattr(source, attribute)!r}; sources are immutable. Leave out "
                f"--source-{attribute}, or import into a new source."
            )


def _require_new_source_terms(vocab: VocabularyIndex, options: ImportOptions) -> None:
    if not options.source_kind:
        raise UsageError(
            f"Source {options.source_title!r} is new: say what it is with "
            f"--source-kind ({', '.join(vocab.codes('source_kind'))})."
        )
    options.source_kind = vocab.require("source_kind", options.source_kind, "--source-kind")
    if options.reliability:
        options.reliability = vocab.require("reliability", options.reliability, "--reliability")


def _write(
    store: Store,
    path: Path,
    sha256: str,
    options: ImportOptions,
    reading: _Reading,
    source: Source | None,
    actor: str | None,
    progress: Progress | None,
    level: str,
    carries_protected: bool,
) -> ImportResult:
    """Check and write the rows batch by batch in one transaction. Once a row has an
    error nothing more is written, the rest is still checked (so that every problem is
    reported), and the transaction is rolled back: all or nothing."""
    from habeas.crypto.fields import seal_json

    now = datetime.now(UTC)
    with store.write(actor) as op, large_cache(op.session.connection()):
        session = op.session
        if source is None:
            source = _new_source(options, level, op.actor, now)
            session.add(source)
            session.flush()
        checks = RowChecks(path.name, *facility_index(session))
        citations = Citations(session, path.name, options.corrects) if options.corrects else None
        if citations is not None and source.corrects_source_id is None:
            source.corrects_source_id = citations.source_id
        stored_level = file_level(level, carries_protected)
        _record_file(session, path, sha256, source.id, stored_level, op.actor, now)
        batch = ImportBatch(
            source_id=source.id,
            file_sha256=sha256,
            options=_options_dict(options),
            mapping={
                t.sheet or "": {h: f for h, f in t.mapping.columns.items()} for t in reading.plans
            },
            row_count=0,
            warnings=[],
            created_by=op.actor,
            created_at=now,
        )
        session.add(batch)
        session.flush()
        facilities, units = checks.facilities, checks.units
        target = RowTarget(
            source.id,
            batch.id,
            op.actor,
            now,
            level,
            {t.sheet: protected_headers(t.mapping.fields) for t in reading.plans},
            lambda values: seal_json(store, values),
            facilities,
            units,
        )
        counts, rows = new_counts(), 0
        conflicts: list[Problem] = []
        failed = _ErrorWatch(reading.problems)
        indexer = ImportIndexer(session) if options.index else None
        for chunk in reading.batches(progress):
            rows += len(chunk)
            taken = existing_keys(session, source.id, [r.record_key for r in chunk])
            ours = {k: row for k, (imp, row) in taken.items() if imp == batch.id}
            checks.feed(chunk, ours)  # ids repeated within the file
            corrects = citations.cite(session, chunk) if citations is not None else {}
            conflicts.extend(
                _conflict(path.name, r)
                for r in chunk
                if r.record_key in taken and r.record_key not in ours
            )
            if not conflicts and not checks.failed and not failed.seen(citations):
                ids = insert_rows(session, target, chunk, corrects, counts)
                checks.forget()  # written: found in the store from now on
                if indexer is not None:
                    indexer.add(search_entries(chunk, ids))
                if progress:
                    progress("writing", rows, reading.total)
        problems = [*reading.problems, *checks.finish()]
        if citations is not None:
            problems.extend(citations.problems)
        if any(p.severity == "error" for p in problems):
            raise ImportFailed(problems)
        if conflicts:
            raise ImportFailed(conflicts)
        warnings = [p for p in problems if p.severity == "warning"]
        batch.row_count = rows
        batch.warnings = [p.to_dict() for p in warnings]
        counts["corrections"] = correction_links(session, batch.id, op.actor, now)
        _keep_places(session, batch.id, reading)
        indexed = indexer.finish(op.actor) if indexer is not None else {"records": 0, "keys": 0}
        _keep_file(store, session, path, sha256, stored_level)
        joined = None
        if options.same_as_record is not None:
            from habeas.ingest.same_person import join_import

            joined = join_import(session, batch.id, options.same_as_record, op.actor, now)
        op.log(
            "import",
            "source",
            source.id,
            {
                "source": source.title,
                "file": path.name,
                "file_sha256": sha256,
                "import_id": batch.id,
                "rows": rows,
                **counts,
                "warnings": len(warnings),
                "indexed_for_search": indexed["records"],
                "search_keys": indexed["keys"],
                "sensitivity": level,
                "file_sensitivity": stored_level,
                **({"channel": options.channel} if options.channel else {}),
                **({"joined_person": joined["person_id"]} if joined else {}),
            },
        )
    return ImportResult(
        source.id,
        source.title,
        sha256,
        import_id=batch.id,
        records=rows,
        persons=counts["persons"],
        identifiers=counts["identifiers"],
        events=counts["events"],
        legal_facts=counts["legal_facts"],
        warnings=warnings,
        indexed=indexed["records"],
    )


def _keep_places(session: Any, import_id: int, reading: _Reading) -> None:
    """Lists read off pages: each record's page, row and cells' places (ingest.cell_places)."""
    from habeas.ingest.cell_places import write_places

    for table, _ in reading.preparers:
        if table.pages is not None:
            write_places(session, import_id, table.pages)


class _ErrorWatch:
    """Whether any error has been found yet, looking only at problems added since last asked."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems, self.checked, self.failed = problems, 0, False

    def seen(self, citations: Citations | None) -> bool:
        if not self.failed:
            new = self.problems[self.checked :]
            self.checked = len(self.problems)
            self.failed = any(p.severity == "error" for p in new)
        return self.failed or bool(citations is not None and citations.problems)


def _conflict(file: str, r: PreparedRecord) -> Problem:
    return Problem(
        file,
        r.row_number,
        None,
        r.record_key,
        "a record with this id is already in the source (from "
        "another file); records are immutable — import a "
        "correction into a new source",
        sheet=r.sheet,
    )


def _new_source(options: ImportOptions, level: str, actor: str, now: datetime) -> Source:
    return Source(
        title=options.source_title,
        kind=options.source_kind,
        publisher=options.publisher,
        author=options.author,
        published_on=date.fromisoformat(options.published_on) if options.published_on else None,
        url=options.url,
        language=options.language,
        reliability=options.reliability,
        notes=options.notes,
        one_row_per_person=options.one_row_per_person,
        corrects_source_id=None,
        sensitivity=level,
        created_by=actor,
        created_at=now,
        channel=options.channel,
        taken_by=options.taken_by,
        taken_on=date.fromisoformat(options.taken_on) if options.taken_on else None,
    )


def _record_file(
    session: Any,
    path: Path,
    sha256: str,
    source_id: int,
    stored_level: str,
    actor: str,
    now: datetime,
) -> None:
    """The file's row, and which source it belongs to (rolled back with the import)."""
    stored = session.get(StoredFile, sha256)
    if stored is None:
        session.add(
            StoredFile(
                sha256=sha256,
                size=path.stat().st_size,
                media_type=media_type(path),
                original_filename=path.name,
                added_by=actor,
                added_at=now,
                sensitivity=stored_level,
            )
        )
    elif policy.rank(stored.sensitivity) < policy.rank(stored_level):
        stored.sensitivity = stored_level  # the same bytes now belong to a stricter source
    if session.get(SourceFile, (source_id, sha256)) is None:
        session.add(
            SourceFile(
                source_id=source_id,
                sha256=sha256,
                filename=path.name,
                added_by=actor,
                added_at=now,
            )
        )
    session.flush()


def _keep_file(store: Store, session: Any, path: Path, sha256: str, stored_level: str) -> None:
    """Put the file in the content-addressed store (sealed when its level asks for it),
    once every row has passed; a sealed copy's hash is recorded on its row."""
    if store.files is None:
        return
    _put_file(store, path, sha256, stored_level)
    sealed = store.files.sealed_sha256(sha256)
    if sealed is not None:  # kept encrypted: record the sealed bytes' hash (habeas.crypto)
        stored = session.get(StoredFile, sha256)
        assert stored is not None
        stored.sealed_sha256 = sealed


def _options_dict(options: ImportOptions) -> dict[str, Any]:
    return {
        "mapping": options.mapping,
        "defaults": options.defaults,
        "date_order": options.date_order,
        "sheet": options.sheet,
        "corrects": options.corrects,
        "sensitivity": options.sensitivity,
    }

"""Import a list into a source: read, map, check every row and write, in one transaction.

The file is read in bounded batches of rows (:data:`habeas.ingest.reading.BATCH_ROWS`),
each prepared, checked and written before the next is read, so memory stays flat
whatever the file's size. The import is all or nothing: if any row has an error, the
rest is still checked, the transaction is rolled back, and :class:`ImportFailed` lists
every error (file, row, column, value, what was expected); nothing is written.
Importing the same file (same SHA-256) into the same source again is a
no-op that says so. The file itself is kept in the content-addressed store.

Until record linkage runs, each new record gets a person of its own (a link
with method ``import``); linkage later supersedes those links. The new records are
indexed for search batch by batch in the same transaction
(:class:`habeas.search.index.ImportIndexer`): a committed list is searchable at once,
and a refused one leaves no postings.

The parts: :mod:`habeas.ingest.options` (what an import is told),
:mod:`habeas.ingest.reading` (tables, mappings, date orders, batches of prepared rows),
:mod:`habeas.ingest.plan` (the dry run), :mod:`habeas.ingest.provenance` (source, file,
import batch), :mod:`habeas.ingest.rowwrite` (the rows written).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.collector import BatchCollector
from habeas.ingest.options import DATE_ORDERS, ImportOptions, check_options
from habeas.ingest.plan import ImportPlan, plan_import
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.problems import ImportFailed, Problem
from habeas.ingest.provenance import (
    check_same_source,
    keep_file,
    new_source,
    options_dict,
    record_file,
    require_new_source_terms,
)
from habeas.ingest.reading import Progress, Reading, open_tables
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
from habeas.store.schema import ImportBatch, Source
from habeas.store.vocabulary import VocabularyIndex

__all__ = [
    "DATE_ORDERS",
    "ImportOptions",
    "ImportPlan",
    "ImportResult",
    "import_file",
    "plan_import",
]


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


def import_file(
    store: Store,
    path: Path,
    options: ImportOptions,
    *,
    actor: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``path`` into the source titled ``options.source_title`` (created if new)."""
    check_options(options)
    sha256 = sha256_file(path)
    with store.read() as session:
        source = session.execute(
            select(Source).where(Source.title == options.source_title)
        ).scalar_one_or_none()
        if source is not None:
            check_same_source(source, options)
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
        require_new_source_terms(VocabularyIndex.load(store), options)
    reading = open_tables(store, path, options, sha256)
    if any(p.severity == "error" for p in reading.problems):
        # A column's error (an undecided day/month order, say) stops the import, but its
        # rows are still read as the dry run reads them, so every problem is said at once
        # and not one import at a time.
        raise ImportFailed(plan_import(store, path, options, sha256=sha256).problems)
    level = (
        source.sensitivity
        if source is not None
        else source_level(options.source_kind, options.sensitivity)
    )
    carries = any(protected_headers(t.mapping.fields) for t in reading.plans)
    return _write(store, path, sha256, options, reading, source, actor, progress, level, carries)


def _write(
    store: Store,
    path: Path,
    sha256: str,
    options: ImportOptions,
    reading: Reading,
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
    with (
        store.write(actor) as op,
        large_cache(op.session.connection()),
        ExitStack() as ending,
        BatchCollector() as collector,
    ):
        session = op.session
        if source is None:
            source = new_source(options, level, op.actor, now)
            session.add(source)
            session.flush()
        checks = RowChecks(path.name, *facility_index(session))
        citations = Citations(session, path.name, options.corrects) if options.corrects else None
        if citations is not None and source.corrects_source_id is None:
            source.corrects_source_id = citations.source_id
        stored_level = file_level(level, carries_protected)
        record_file(session, path, sha256, source.id, stored_level, op.actor, now)
        batch = ImportBatch(
            source_id=source.id,
            file_sha256=sha256,
            options=options_dict(options),
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
        if indexer is not None:  # its spilled postings go, whether the import ends or fails
            ending.callback(indexer.close)
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
            collector.batch_done()
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
        keep_file(store, session, path, sha256, stored_level)
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


def _keep_places(session: Any, import_id: int, reading: Reading) -> None:
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

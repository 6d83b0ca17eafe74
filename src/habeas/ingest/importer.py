"""Import a list into a source: read, map, check every row, then write in one transaction.

The import is all or nothing: if any row has an error, :class:`ImportFailed`
lists every error (file, row, column, value, what was expected) and nothing is
written. Importing the same file (same SHA-256) into the same source again is a
no-op that says so. The file itself is kept in the content-addressed store.

Until record linkage runs, each new record gets a person of its own (a link
with method ``import``); linkage later supersedes those links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.domain.dates import DateParseError, order_evidence, parse_date
from habeas.domain.text import fold, fold_header
from habeas.errors import UsageError
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.ingest.mapping import ColumnMapping, map_columns
from habeas.ingest.normalise import DATE_FIELDS, PreparedRecord, RowContext, RowPreparer
from habeas.ingest.problems import ImportFailed, Problem
from habeas.ingest.readers import Table, media_type, read_tables
from habeas.ingest.sensitivity import file_level, protected_headers, source_level, split_protected
from habeas.store.bulk import allocate_ids as _allocate_ids
from habeas.store.bulk import bulk_insert
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    FacilityUnit,
    ImportBatch,
    LegalFact,
    Link,
    Person,
    Record,
    RecordIdentifier,
    Source,
    SourceFile,
    StoredFile,
)
from habeas.store.schema_linkage import ReviewDecision
from habeas.store.vocabulary import VocabularyIndex

Progress = Callable[[str, int, int], None]
DATE_ORDERS = ("DMY", "MDY", "YMD")


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
    records: list[PreparedRecord]
    problems: list[Problem]
    corrected_source_id: int | None = None
    corrects: dict[str, int] = field(default_factory=dict)  # record key → corrected record

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
    """Read and check the whole file without writing anything (the dry run)."""
    _check_options(options)
    sha256 = sha256 or sha256_file(path)
    tables = read_tables(path, options.sheet)
    vocab = VocabularyIndex.load(store)
    problems: list[Problem] = _source_problems(store, vocab, path.name, options)
    _check_kept_columns(path.name, tables, options)
    as_of = (
        date.fromisoformat(options.published_on)
        if options.published_on
        else datetime.now(UTC).date()
    )
    plans: list[TablePlan] = []
    records: list[PreparedRecord] = []
    total = sum(len(t.rows) for t in tables)
    done = 0
    for fld in ("event_date", "date_of_birth"):
        if options.defaults.get(fld):
            try:
                parse_date(options.defaults[fld], "YMD")
            except DateParseError as exc:
                raise UsageError(f"--defaults {fld}: {exc}") from None
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
        preparer = RowPreparer(context)
        for row_number, cells in table.rows:
            prepared = preparer.prepare(row_number, cells)
            if prepared is not None:
                records.append(prepared)
            done += 1
            if progress and done % 5000 == 0:
                progress("checking rows", done, total)
        problems.extend(preparer.problems)
    if progress:
        progress("checking rows", total, total)
    problems.extend(_duplicate_keys(path.name, records))
    with store.read() as session:
        problems.extend(_unknown_places(path.name, records, *_facility_index(session)))
        plan = ImportPlan(path.name, sha256, plans, records, problems)
        if options.corrects:
            _cite_corrected(session, options.corrects, plan)
    return plan


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


def _cite_corrected(session: Any, title: str, plan: ImportPlan) -> None:
    """A correction list's rows must each name (by record id) a record of the corrected source."""
    corrected = session.execute(select(Source).where(Source.title == title)).scalar_one_or_none()
    if corrected is None:
        raise UsageError(f"--corrects names no source titled {title!r}.")
    plan.corrected_source_id = corrected.id
    keys = [r.record_key for r in plan.records]
    for start in range(0, len(keys), 900):
        plan.corrects.update(
            session.execute(
                select(Record.record_key, Record.id).where(
                    Record.source_id == corrected.id,
                    Record.record_key.in_(keys[start : start + 900]),
                )
            ).all()
        )
    plan.problems.extend(
        Problem(
            plan.file,
            r.row_number,
            None,
            r.record_key,
            f"a correction must cite a record of {title!r}, and it has no record with this id",
            sheet=r.sheet,
        )
        for r in plan.records
        if r.record_key not in plan.corrects
    )


def _unknown_places(
    file: str,
    records: list[PreparedRecord],
    facilities: dict[str, int],
    units: dict[tuple[int, str], int],
) -> list[Problem]:
    """One warning per distinct facility or unit name that the register does not know."""
    first: dict[tuple[str, str], tuple[PreparedRecord, int]] = {}
    for rec in records:
        for ev in rec.events:
            fid = facilities.get(fold(ev.facility)) if ev.facility else None
            if ev.facility and fid is None:
                key = ("facility", ev.facility)
            elif ev.unit and fid is not None and (fid, fold(ev.unit)) not in units:
                key = ("unit", ev.unit)
            else:
                continue
            seen = first.get(key)
            first[key] = (seen[0], seen[1] + 1) if seen else (rec, 1)
    return [
        Problem(
            file,
            rec.row_number,
            None,
            name,
            f"{kind} not in the register ({count} row(s)): kept as written on the event; "
            "add the facility to link events to it",
            "warning",
            rec.sheet,
        )
        for (kind, name), (rec, count) in first.items()
    ]


def _duplicate_keys(file: str, records: list[PreparedRecord]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for rec in records:
        if rec.record_key in seen:
            problems.append(
                Problem(
                    file,
                    rec.row_number,
                    None,
                    rec.record_key,
                    f"the record id is also used on row {seen[rec.record_key]}; "
                    "record ids must be unique within a source",
                    sheet=rec.sheet,
                )
            )
        else:
            seen[rec.record_key] = rec.row_number
    return problems


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
    plan = plan_import(store, path, options, progress, sha256)
    if plan.errors:
        raise ImportFailed(plan.problems)
    level = (
        source.sensitivity
        if source is not None
        else source_level(options.source_kind, options.sensitivity)
    )
    carries = any(protected_headers(t.mapping.fields) for t in plan.tables)
    if store.files is not None:
        _put_file(store, path, sha256, file_level(level, carries))
    return _write(store, path, options, plan, source, actor, progress, level, carries)


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
    options: ImportOptions,
    plan: ImportPlan,
    source: Source | None,
    actor: str | None,
    progress: Progress | None,
    level: str,
    carries_protected: bool,
) -> ImportResult:
    from habeas.crypto.fields import seal_json

    now = datetime.now(UTC)
    with store.write(actor) as op:
        session = op.session
        if source is None:
            source = Source(
                title=options.source_title,
                kind=options.source_kind,
                publisher=options.publisher,
                author=options.author,
                published_on=date.fromisoformat(options.published_on)
                if options.published_on
                else None,
                url=options.url,
                language=options.language,
                reliability=options.reliability,
                notes=options.notes,
                one_row_per_person=options.one_row_per_person,
                corrects_source_id=plan.corrected_source_id,
                sensitivity=level,
                created_by=op.actor,
                created_at=now,
            )
            session.add(source)
            session.flush()
        conflicts = _existing_keys(session, source.id, [r.record_key for r in plan.records])
        if conflicts:
            raise ImportFailed(
                [
                    Problem(
                        plan.file,
                        r.row_number,
                        None,
                        r.record_key,
                        "a record with this id is already in the source (from "
                        "another file); records are immutable — import a "
                        "correction into a new source",
                        sheet=r.sheet,
                    )
                    for r in plan.records
                    if r.record_key in conflicts
                ]
            )
        stored_level = file_level(level, carries_protected)
        stored = session.get(StoredFile, plan.sha256)
        if stored is None:
            session.add(
                StoredFile(
                    sha256=plan.sha256,
                    size=path.stat().st_size,
                    media_type=media_type(path),
                    original_filename=path.name,
                    added_by=op.actor,
                    added_at=now,
                    sensitivity=stored_level,
                )
            )
        elif policy.rank(stored.sensitivity) < policy.rank(stored_level):
            stored.sensitivity = stored_level  # the same bytes now belong to a stricter source
        sealed = store.files.sealed_sha256(plan.sha256) if store.files is not None else None
        if sealed is not None:  # kept encrypted: record the sealed bytes' hash (habeas.crypto)
            stored = session.get(StoredFile, plan.sha256)
            assert stored is not None
            stored.sealed_sha256 = sealed
        if session.get(SourceFile, (source.id, plan.sha256)) is None:
            session.add(
                SourceFile(
                    source_id=source.id,
                    sha256=plan.sha256,
                    filename=path.name,
                    added_by=op.actor,
                    added_at=now,
                )
            )
        batch = ImportBatch(
            source_id=source.id,
            file_sha256=plan.sha256,
            options=_options_dict(options),
            mapping={
                t.sheet or "": {h: f for h, f in t.mapping.columns.items()} for t in plan.tables
            },
            row_count=len(plan.records),
            warnings=[p.to_dict() for p in plan.warnings],
            created_by=op.actor,
            created_at=now,
        )
        session.add(batch)
        session.flush()
        protect = {t.sheet: protected_headers(t.mapping.fields) for t in plan.tables}
        counts = _insert_rows(
            session,
            source.id,
            batch.id,
            plan.records,
            op.actor,
            now,
            progress,
            plan.corrects,
            level,
            protect,
            lambda values: seal_json(store, values),
        )
        counts["corrections"] = _correction_links(session, batch.id, op.actor, now)
        op.log(
            "import",
            "source",
            source.id,
            {
                "source": source.title,
                "file": path.name,
                "file_sha256": plan.sha256,
                "import_id": batch.id,
                "rows": len(plan.records),
                **counts,
                "warnings": len(plan.warnings),
                "sensitivity": level,
                "file_sensitivity": stored_level,
            },
        )
    return ImportResult(
        source.id,
        source.title,
        plan.sha256,
        import_id=batch.id,
        records=len(plan.records),
        persons=counts["persons"],
        identifiers=counts["identifiers"],
        events=counts["events"],
        legal_facts=counts["legal_facts"],
        warnings=plan.warnings,
    )


def _options_dict(options: ImportOptions) -> dict[str, Any]:
    return {
        "mapping": options.mapping,
        "defaults": options.defaults,
        "date_order": options.date_order,
        "sheet": options.sheet,
        "corrects": options.corrects,
        "sensitivity": options.sensitivity,
    }


def _existing_keys(session: Any, source_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        found.update(
            session.execute(
                select(Record.record_key).where(
                    Record.source_id == source_id, Record.record_key.in_(chunk)
                )
            ).scalars()
        )
    return found


def _facility_index(session: Any) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    facilities = {
        fold(name): fid for fid, name in session.execute(select(Facility.id, Facility.name))
    }
    units = {
        (fid, fold(name)): uid
        for uid, fid, name in session.execute(
            select(FacilityUnit.id, FacilityUnit.facility_id, FacilityUnit.name)
        )
    }
    return facilities, units


def _correction_links(session: Any, import_id: int, actor: str, now: datetime) -> int:
    """A correction and the record it corrects are the same person: a human must-link.

    The documenter who imports a correction list asserts it, so it is recorded as
    a review decision "same" (which record linkage never overrides).
    """
    pairs = session.execute(
        select(Record.corrects_record_id, Record.id).where(
            Record.import_id == import_id, Record.corrects_record_id.is_not(None)
        )
    ).all()
    bulk_insert(
        session.connection(),
        ReviewDecision.__table__,
        [
            {
                "record_a": min(old, new),
                "record_b": max(old, new),
                "decision": "same",
                "reviewer": actor,
                "note": f"correction: record {new} corrects record {old}",
                "decided_at": now,
                "superseded_at": None,
                "pair_id": None,
                "position": None,
            }
            for old, new in pairs
        ],
    )
    return len(pairs)


def _insert_rows(
    session: Any,
    source_id: int,
    import_id: int,
    records: list[PreparedRecord],
    actor: str,
    now: datetime,
    progress: Progress | None,
    corrects: dict[str, int],
    level: str,
    protect: dict[str | None, dict[str, str]],
    seal: Callable[[dict[str, Any]], str],
) -> dict[str, int]:
    """Bulk-insert records and everything hanging off them; returns counts.

    Reporter and witness columns (``protect``: sheet → header → field) leave ``raw``
    for ``protected``, sealed by ``seal``."""
    conn = session.connection()
    total = len(records)
    counts = {"persons": 0, "identifiers": 0, "events": 0, "legal_facts": 0, "protected": 0}
    facilities, units = _facility_index(session)
    batch_size = 20_000
    for start in range(0, total, batch_size):
        chunk = records[start : start + batch_size]
        person_ids = _allocate_ids(conn, "person", len(chunk))
        bulk_insert(
            conn,
            Person.__table__,
            [{"id": pid, "created_by": actor, "created_at": now} for pid in person_ids],
        )
        record_ids = _allocate_ids(conn, "record", len(chunk))
        split = [split_protected(r.raw, protect.get(r.sheet, {})) for r in chunk]
        counts["protected"] += sum(1 for _, values in split if values)
        record_rows = [
            {
                "id": rid,
                "source_id": source_id,
                "import_id": import_id,
                "sheet": r.sheet,
                "row_number": r.row_number,
                "record_key": r.record_key,
                "raw": raw,
                "sensitivity": level,
                "protected": seal(values) if values else None,
                "full_name": r.full_name,
                "given_names": list(r.name.given_names) if r.name else [],
                "surnames": list(r.name.surnames) if r.name else [],
                "dob_earliest": r.dob.earliest if r.dob else None,
                "dob_latest": r.dob.latest if r.dob else None,
                "dob_precision": r.dob.precision if r.dob else None,
                "sex": r.sex,
                "nationality": r.nationality,
                "country_of_birth": r.country_of_birth,
                "residence": r.residence,
                "corrects_record_id": corrects.get(r.record_key),
                "created_at": now,
            }
            for r, rid, (raw, values) in zip(chunk, record_ids, split, strict=True)
        ]
        bulk_insert(conn, Record.__table__, record_rows)
        links: list[dict[str, Any]] = []
        identifiers: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        legal: list[dict[str, Any]] = []
        for rec, rid, pid in zip(chunk, record_ids, person_ids, strict=True):
            links.append(
                {
                    "record_id": rid,
                    "person_id": pid,
                    "method": "import",
                    "score": None,
                    "decided_by": actor,
                    "decided_at": now,
                    "superseded_at": None,
                }
            )
            identifiers.extend(
                {"record_id": rid, "id_type": t, "raw": raw, "value": v, "valid": ok}
                for t, raw, v, ok in rec.identifiers
            )
            for ev in rec.events:
                fid = facilities.get(fold(ev.facility)) if ev.facility else None
                uid = units.get((fid, fold(ev.unit))) if fid and ev.unit else None
                events.append(
                    {
                        "record_id": rid,
                        "source_id": source_id,
                        "event_type": ev.event_type,
                        "date_earliest": ev.when.earliest if ev.when else None,
                        "date_latest": ev.when.latest if ev.when else None,
                        "date_precision": ev.when.precision if ev.when else None,
                        "date_text": ev.date_text,
                        "place": ev.place,
                        "facility_id": fid,
                        "facility_text": ev.facility,
                        "unit_id": uid,
                        "unit_text": ev.unit,
                        "flight": ev.flight,
                        "authority": ev.authority,
                        "notes": None,
                        "occurred_at": ev.occurred_at,
                        "time_text": ev.time_text,
                    }
                )
            legal.extend(
                {
                    "record_id": rid,
                    "source_id": source_id,
                    "fact_type": f.fact_type,
                    "value": f.value,
                    "value_text": f.value_text,
                    "date_earliest": f.when.earliest if f.when else None,
                    "date_latest": f.when.latest if f.when else None,
                    "date_precision": f.when.precision if f.when else None,
                    "court": f.court,
                    "case_number": None,
                    "detail": None,
                    "occurred_at": f.occurred_at,
                    "time_text": f.time_text,
                }
                for f in rec.legal_facts
            )
        bulk_insert(conn, Link.__table__, links)
        for table, rows in (
            (RecordIdentifier, identifiers),
            (CustodyEvent, events),
            (LegalFact, legal),
        ):
            bulk_insert(conn, table.__table__, rows)
        counts["persons"] += len(chunk)
        counts["identifiers"] += len(identifiers)
        counts["events"] += len(events)
        counts["legal_facts"] += len(legal)
        if progress:
            progress("writing", min(start + batch_size, total), total)
    return counts

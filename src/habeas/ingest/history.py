"""Import history as a reader may see it: which files went into which source, and their report.

An import shows its source's title, the file's name and fingerprint, the options,
the column mapping and the row-level warnings (with the cell values that caused
them). All of that belongs to the source and the stored file, so an import is at
the more protected of the two levels (:func:`import_level`): a reader who may not
see that level sees neither the import nor anything in it, and it is counted as
withheld (kind ``imports``). Inside an import the reader may see, the warnings of
rows whose record was raised above the reader's clearance are withheld too
(kind ``warnings``). Shown reads of restricted data are written to the read audit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import log_read
from habeas.errors import NotFound
from habeas.store.db import Store
from habeas.store.schema import ImportBatch, Record, Source, SourceFile, StoredFile


def import_level(source_level: str | None, file_level: str | None) -> str:
    """The level of an import: the more protected of its source's and its file's."""
    return policy.highest(source_level or policy.RESTRICTED, file_level or policy.RESTRICTED)


@dataclass
class ImportDetail:
    """One import as the reader may see it (``detail`` is ``None`` when it is withheld)."""

    import_id: int
    detail: dict[str, Any] | None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    withheld: Withheld = field(default_factory=Withheld)


def _query() -> Any:
    return (
        select(
            ImportBatch,
            Source.title,
            Source.sensitivity,
            SourceFile.filename,
            StoredFile.sensitivity,
        )
        .join(Source, Source.id == ImportBatch.source_id)
        .outerjoin(
            SourceFile,
            (SourceFile.source_id == ImportBatch.source_id)
            & (SourceFile.sha256 == ImportBatch.file_sha256),
        )
        .outerjoin(StoredFile, StoredFile.sha256 == ImportBatch.file_sha256)
    )


def visible_imports(
    store: Store, reader: Reader, source_id: int | None = None
) -> tuple[list[dict[str, Any]], Withheld]:
    """The imports (newest first) ``reader`` may see, and how many were withheld."""
    withheld, shown = Withheld(), Counter[str]()
    rows: list[dict[str, Any]] = []
    query = _query().order_by(ImportBatch.id.desc())
    if source_id is not None:
        query = query.where(ImportBatch.source_id == source_id)
    with store.read() as s:
        for batch, title, source_level, filename, file_level in s.execute(query):
            level = import_level(source_level, file_level)
            reason = reader.why_not(level)
            if reason is not None:
                withheld.add("imports", level, reason)
                continue
            shown[level] += 1
            rows.append(
                {
                    "id": batch.id,
                    "source_id": batch.source_id,
                    "source": title,
                    "file": filename,
                    "file_sha256": batch.file_sha256,
                    "rows": batch.row_count,
                    "warnings": len(batch.warnings or []),
                    "created_by": batch.created_by,
                    "created_at": batch.created_at,
                    "sensitivity": level,
                }
            )
    log_read(
        store,
        reader,
        "source",
        source_id,
        action="view",
        shown=shown,
        withheld=withheld,
        detail={
            "imports": [
                r["id"]
                for r in rows
                if r["sensitivity"] in (policy.RESTRICTED, policy.WITNESS_PROTECTED)
            ]
        },
    )
    return rows, withheld


def import_detail(store: Store, reader: Reader, import_id: int) -> ImportDetail:
    """One import with its options, mapping and warnings, as ``reader`` may see it.

    Raises :class:`NotFound` when there is no such import, or when it is above
    the reader's clearance (so that a reader cannot learn it exists); when only a
    purpose is missing, the result has ``detail=None`` and says so in ``withheld``."""
    with store.read() as s:
        found = s.execute(_query().where(ImportBatch.id == import_id)).first()
        if found is None:
            raise NotFound(f"No import {import_id}.")
        batch, title, source_level, filename, file_level = found
        level = import_level(source_level, file_level)
        reason = reader.why_not(level)
        result = ImportDetail(import_id, None)
        if reason == "level":
            raise NotFound(f"No import {import_id}.")
        if reason is not None:
            result.withheld.add("imports", level, reason)
            return result
        records = int(
            s.execute(
                select(func.count()).select_from(Record).where(Record.import_id == import_id)
            ).scalar()
            or 0
        )
        hidden: dict[tuple[str | None, int], str] = {}
        levels = reader.levels("view")
        for sheet, row, row_level in s.execute(
            select(Record.sheet, Record.row_number, Record.sensitivity).where(
                Record.import_id == import_id, Record.sensitivity.not_in(levels)
            )
        ):
            hidden[(sheet, row)] = row_level
    shown: Counter[str] = Counter({level: 1})
    for warning in batch.warnings or []:
        above = hidden.get((warning.get("sheet"), warning.get("row") or -1))
        if above is not None:
            result.withheld.add("warnings", above, reader.why_not(above) or "level")
        else:
            result.warnings.append(warning)
    result.detail = {
        "id": batch.id,
        "source_id": batch.source_id,
        "source": title,
        "file": filename,
        "file_sha256": batch.file_sha256,
        "rows": batch.row_count,
        "records": records,
        "options": batch.options,
        "mapping": batch.mapping,
        "created_by": batch.created_by,
        "created_at": batch.created_at,
        "sensitivity": level,
    }
    log_read(
        store,
        reader,
        "source",
        batch.source_id,
        action="view",
        shown=shown,
        withheld=result.withheld,
        detail={"import": batch.id},
    )
    return result

"""Checks that look across rows, fed one batch of prepared rows at a time.

An import reads its file in bounded batches (:mod:`habeas.ingest.importer`), so the
checks that need more than one row keep only what they must: the record ids seen so
far (ids must be unique within a source), the first row naming each unknown facility
or unit, and, for a correction list, the records it cites. Problems come out in the
order a whole-file check would give them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from habeas.domain.text import fold
from habeas.errors import UsageError
from habeas.ingest.prepared import PreparedRecord
from habeas.ingest.problems import Problem
from habeas.store.schema import Facility, FacilityUnit, Record, Source

#: How many keys one ``IN (...)`` query carries (SQLite's default limit is 999).
IN_CHUNK = 900


def facility_index(session: Any) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """Facilities by folded name, and units by (facility, folded name)."""
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


class RowChecks:
    """Record ids unique within the file, and places the register does not know."""

    def __init__(
        self, file: str, facilities: dict[str, int], units: dict[tuple[int, str], int]
    ) -> None:
        self.file = file
        self.facilities, self.units = facilities, units
        self._seen: dict[str, int] = {}
        self._duplicates: list[Problem] = []
        self._places: dict[tuple[str, str], tuple[int, str | None, int]] = {}

    def feed(
        self, records: Sequence[PreparedRecord], written: dict[str, int] | None = None
    ) -> None:
        """Check a batch. ``written`` maps record ids of this file already written (in
        this transaction) to their rows: those are looked up in the store, not held here
        (see :meth:`forget`), so memory stays flat however long the list."""
        for rec in records:
            first = self._seen.get(rec.record_key)
            if first is None and written:
                first = written.get(rec.record_key)
            if first is not None:
                self._duplicates.append(
                    Problem(
                        self.file,
                        rec.row_number,
                        None,
                        rec.record_key,
                        f"the record id is also used on row {first}; "
                        "record ids must be unique within a source",
                        sheet=rec.sheet,
                    )
                )
            else:
                self._seen[rec.record_key] = rec.row_number
            self._feed_places(rec)

    def _feed_places(self, rec: PreparedRecord) -> None:
        for ev in rec.events:
            fid = self.facilities.get(fold(ev.facility)) if ev.facility else None
            if ev.facility and fid is None:
                key = ("facility", ev.facility)
            elif ev.unit and fid is not None and (fid, fold(ev.unit)) not in self.units:
                key = ("unit", ev.unit)
            else:
                continue
            seen = self._places.get(key)
            self._places[key] = (
                (seen[0], seen[1], seen[2] + 1) if seen else (rec.row_number, rec.sheet, 1)
            )

    def forget(self) -> None:
        """The batches fed so far are written: their record ids are now found by
        :func:`existing_keys`, so they need not be held in memory."""
        self._seen.clear()

    @property
    def failed(self) -> bool:
        """Whether an error (a repeated record id) has been found so far."""
        return bool(self._duplicates)

    def finish(self) -> list[Problem]:
        """The duplicate ids, then one warning per distinct unknown facility or unit."""
        return self._duplicates + [
            Problem(
                self.file,
                row,
                None,
                name,
                f"{kind} not in the register ({count} row(s)): kept as written on the event; "
                "add the facility to link events to it",
                "warning",
                sheet,
            )
            for (kind, name), (row, sheet, count) in self._places.items()
        ]


class Citations:
    """A correction list's rows must each name (by record id) a record of the corrected
    source; :meth:`cite` returns, per batch, record key → the record it corrects."""

    def __init__(self, session: Any, file: str, title: str) -> None:
        corrected = session.execute(
            select(Source).where(Source.title == title)
        ).scalar_one_or_none()
        if corrected is None:
            raise UsageError(f"--corrects names no source titled {title!r}.")
        self.source_id: int = corrected.id
        self.file, self.title = file, title
        self.problems: list[Problem] = []

    def cite(self, session: Any, records: Sequence[PreparedRecord]) -> dict[str, int]:
        keys = [r.record_key for r in records]
        found: dict[str, int] = {}
        for start in range(0, len(keys), IN_CHUNK):
            found.update(
                session.execute(
                    select(Record.record_key, Record.id).where(
                        Record.source_id == self.source_id,
                        Record.record_key.in_(keys[start : start + IN_CHUNK]),
                    )
                ).all()
            )
        self.problems.extend(
            Problem(
                self.file,
                r.row_number,
                None,
                r.record_key,
                f"a correction must cite a record of {self.title!r}, and it has no record "
                "with this id",
                sheet=r.sheet,
            )
            for r in records
            if r.record_key not in found
        )
        return found


def existing_keys(session: Any, source_id: int, keys: list[str]) -> dict[str, tuple[int, int]]:
    """Which of ``keys`` the source already holds: record id → (import, row), so that
    the caller tells another file's records from its own rows written earlier."""
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(keys), IN_CHUNK):
        found.update(
            (key, (import_id, row))
            for key, import_id, row in session.execute(
                select(Record.record_key, Record.import_id, Record.row_number).where(
                    Record.source_id == source_id,
                    Record.record_key.in_(keys[start : start + IN_CHUNK]),
                )
            )
        )
    return found

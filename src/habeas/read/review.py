"""The two records of a review pair, as their cards show them.

The pair itself is shown only when the reader may see both records
(:func:`habeas.linkage.show`, which writes the read audit); this read leaves out
any record the reader may not see all the same (:func:`habeas.access.levels.visible_records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from habeas.access.levels import visible_records
from habeas.access.reader import Reader, Withheld
from habeas.store.db import Store
from habeas.store.schema import Record, RecordIdentifier


@dataclass(frozen=True)
class IdentifierValue:
    kind: str
    value: str | None  # normalised; None when invalid
    written: str  # as the source wrote it
    valid: bool


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    given_names: list[str]
    surnames: list[str]
    dob_earliest: date | None
    dob_latest: date | None
    sex: str | None
    nationality: str | None
    residence: dict[str, Any]
    raw: dict[str, Any]
    identifiers: list[IdentifierValue] = field(default_factory=list)


def review_records(
    store: Store, ids: list[int], *, reader: Reader
) -> tuple[dict[int, ReviewRecord], Withheld]:
    """The records ``ids`` that ``reader`` may see, with their identifiers; the others
    are counted in the :class:`Withheld`."""
    withheld = Withheld()
    with store.read() as s:
        keep = list(visible_records(s, ids, reader, withheld))
        idents: dict[int, list[IdentifierValue]] = {}
        for rid, kind, value, written, valid in s.execute(
            select(
                RecordIdentifier.record_id,
                RecordIdentifier.id_type,
                RecordIdentifier.value,
                RecordIdentifier.raw,
                RecordIdentifier.valid,
            ).where(RecordIdentifier.record_id.in_(keep))
        ):
            idents.setdefault(rid, []).append(IdentifierValue(kind, value, written, bool(valid)))
        out = {
            r.id: ReviewRecord(
                r.id,
                list(r.given_names),
                list(r.surnames),
                r.dob_earliest,
                r.dob_latest,
                r.sex,
                r.nationality,
                dict(r.residence or {}),
                dict(r.raw),
                idents.get(r.id, []),
            )
            for r in s.execute(select(Record).where(Record.id.in_(keep))).scalars()
        }
    return out, withheld

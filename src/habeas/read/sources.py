"""Sources as a reader may see them: the list with record counts and files, titles, lookups."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.audit.reads import log_read
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import Source, StoredFile


@dataclass(frozen=True)
class SourceRow:
    """One source, its record count and its files (``name (sha256 prefix)``)."""

    id: int
    title: str
    kind: str
    reliability: str | None
    publisher: str | None
    published_on: date | None
    language: str | None
    one_row_per_person: bool
    sensitivity: str
    records: int
    files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VisibleSources:
    rows: list[SourceRow]
    withheld: Withheld


def visible_sources(store: Store, *, reader: Reader) -> VisibleSources:
    """The sources (and their files) ``reader`` may see, and what was withheld; showing a
    restricted source is written to the read audit."""
    levels = reader.levels("view")
    withheld = Withheld()
    with store.read() as s:
        for model, kind in ((Source, "sources"), (StoredFile, "files")):
            for level, n in s.execute(
                select(model.sensitivity, func.count()).group_by(model.sensitivity)
            ):
                if level not in levels:
                    withheld.add(kind, level, reader.why_not(level) or "level", n)
    rows = [SourceRow(**r) for r in queries.list_sources(store, levels, levels)]
    log_read(
        store,
        reader,
        "source",
        None,
        action="view",
        shown=Counter(r.sensitivity for r in rows),
        withheld=withheld,
        detail={
            "sources": [
                r.id for r in rows if policy.rank(r.sensitivity) >= policy.rank("restricted")
            ]
        },
    )
    return VisibleSources(rows, withheld)


def source_titles(store: Store, *, reader: Reader) -> list[str]:
    """The titles of the sources ``reader`` may view, in alphabetical order."""
    with store.read() as s:
        return list(
            s.execute(
                select(Source.title)
                .where(Source.sensitivity.in_(reader.levels("view")))
                .order_by(Source.title)
            ).scalars()
        )


@dataclass(frozen=True)
class SourceChoice:
    """A source to cite, as a form offers it: id, title and kind (a vocabulary code)."""

    id: int
    title: str
    kind: str


def source_choices(store: Store, *, reader: Reader) -> list[SourceChoice]:
    """The sources ``reader`` may view, to cite in a form, by title."""
    with store.read() as s:
        return [
            SourceChoice(i, t, k)
            for i, t, k in s.execute(
                select(Source.id, Source.title, Source.kind)
                .where(Source.sensitivity.in_(reader.levels("view")))
                .order_by(Source.title)
            )
        ]


def find_source_id(store: Store, text: str, *, reader: Reader) -> int | None:
    """The id of the source named ``text`` (its title, or ``#id``) among those ``reader``
    may view; ``None`` when there is none (a source the reader may not see is not found)."""
    query = select(Source.id).where(Source.sensitivity.in_(reader.levels("view")))
    if text.startswith("#") and text[1:].isdigit():
        query = query.where(Source.id == int(text[1:]))
    else:
        query = query.where(Source.title == text)
    with store.read() as s:
        found = s.execute(query).scalar()
    return None if found is None else int(found)

"""Create a source without importing a file (an official statement, a news report, ...)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from habeas.errors import UsageError
from habeas.ingest.sensitivity import source_level
from habeas.store.db import Store
from habeas.store.schema import Source
from habeas.store.vocabulary import VocabularyIndex


def add_source(
    store: Store,
    title: str,
    kind: str,
    *,
    reliability: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
    published_on: str | None = None,
    url: str | None = None,
    language: str | None = None,
    notes: str | None = None,
    one_row_per_person: bool = False,
    sensitivity: str | None = None,
    actor: str | None = None,
) -> int:
    """Add a source; its kind and reliability must be vocabulary terms.

    ``sensitivity``: one of :data:`habeas.access.policy.SENSITIVITY_LEVELS`; by default
    the level for its kind (:mod:`habeas.ingest.sensitivity`)."""
    vocab = VocabularyIndex.load(store)
    kind = vocab.require("source_kind", kind, "source kind")
    if reliability:
        reliability = vocab.require("reliability", reliability, "reliability")
    try:
        when = date.fromisoformat(published_on) if published_on else None
    except ValueError:
        raise UsageError(f"Source date must be YYYY-MM-DD, not {published_on!r}.") from None
    level = source_level(kind, sensitivity)
    with store.write(actor) as op:
        if op.session.execute(select(Source.id).where(Source.title == title)).first():
            raise UsageError(f"A source titled {title!r} already exists.")
        source = Source(
            title=title,
            kind=kind,
            reliability=reliability,
            publisher=publisher,
            author=author,
            published_on=when,
            url=url,
            language=language,
            notes=notes,
            one_row_per_person=one_row_per_person,
            sensitivity=level,
            created_by=op.actor,
            created_at=datetime.now(UTC),
        )
        op.session.add(source)
        op.session.flush()
        op.log(
            "add",
            "source",
            source.id,
            {"title": title, "kind": kind, "reliability": reliability, "sensitivity": level},
        )
        return source.id

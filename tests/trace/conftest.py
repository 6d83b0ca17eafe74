"""Hand-built cases for trace: small lists imported through the real importer, then linked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.queries import CURRENT
from habeas.store.schema import Link, Record, Source

Importer = Callable[..., list[int]]


@pytest.fixture
def add_list(store: Store, tmp_path: Path) -> Importer:
    """Import CSV text as a new source; returns the person ids of its rows, in row order."""
    counter = {"n": 0}

    def add(
        title: str,
        text: str,
        *,
        kind: str = "list",
        reliability: str = "B",
        defaults: dict[str, str] | None = None,
        date_order: str | None = "DMY",
    ) -> list[int]:
        counter["n"] += 1
        path = tmp_path / f"list{counter['n']}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(
            store,
            path,
            ImportOptions(
                source_title=title,
                source_kind=kind,
                reliability=reliability,
                defaults=defaults or {},
                date_order=date_order,
            ),
            actor="test",
        )
        return persons_of_list(store, title)

    return add


def persons_of_list(store: Store, title: str) -> list[int]:
    """The person each record of the list titled ``title`` is linked to, in row order."""
    with store.read() as s:
        return list(
            s.execute(
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .join(Source, Source.id == Record.source_id)
                .where(CURRENT, Source.title == title)
                .order_by(Record.row_number)
            ).scalars()
        )


def merge(store: Store, person_ids: list[int]) -> int:
    """Link every record of these persons to the first (as a human reviewer would)."""
    keep = person_ids[0]
    now = datetime.now(UTC)
    with store.write("test") as op:
        links = (
            op.session.execute(select(Link).where(CURRENT, Link.person_id.in_(person_ids[1:])))
            .scalars()
            .all()
        )
        for link in links:
            link.superseded_at = now
            op.session.add(
                Link(
                    record_id=link.record_id,
                    person_id=keep,
                    method="human",
                    score=None,
                    decided_by="test",
                    decided_at=now,
                    superseded_at=None,
                )
            )
        op.log("merge", "person", keep, {"persons": person_ids})
    return keep

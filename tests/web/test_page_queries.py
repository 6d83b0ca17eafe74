"""The person page's and the search's reads go through indexes: none of their queries reads
the whole record table (SQLite's plan says ``SCAN record``). A full scan per page is what
made a person page cost 28 ms of CPU at 110,000 records; benchmarks/web.py measures the
times, this test keeps the plans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from habeas.access.reader import Reader
from habeas.ingest.intake import Intake, enter_record
from habeas.read.entries import corrections_among
from habeas.search import search
from habeas.store.db import Store
from tests.web.conftest_browser import a_person, build_demo_store

DOC = Reader("documenter", "ana", "documentation")
CALL = Intake(channel="llamada telefónica", taken_on="2026-11-30", kind="testimonio")
#: A plan step reading a whole table rather than searching an index.
FULL_SCAN = re.compile(r"^SCAN (record|link|search_record)\b(?! USING)")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(tmp_path_factory.mktemp("queries"), persons=40, roles=())
    yield store
    store.close()
    mp.undo()


class Statements:
    """The SELECTs run on ``store`` while the block runs, with their parameters."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.seen: list[tuple[str, Any]] = []

    def _record(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.seen.append((statement, params))

    def __enter__(self) -> Statements:
        event.listen(self.store.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.store.engine, "before_cursor_execute", self._record)

    def full_scans(self) -> list[str]:
        """The plan steps of the recorded statements that read a whole table."""
        found = []
        with self.store.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            for statement, params in self.seen:
                for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall():
                    if FULL_SCAN.match(str(row[-1])):
                        found.append(f"{row[-1]}  ←  {' '.join(statement.split())[:160]}")
        return found


def test_corrections_of_a_person_both_ways_without_reading_every_record(store: Store) -> None:
    first = enter_record(
        store, DOC, CALL, {"full_name": "Rigoberto Ficticio Lanza", "date_of_birth": "02/03/1991"}
    )
    fixed = enter_record(
        store,
        DOC,
        Intake(channel="document", taken_on="2026-12-01", kind="document"),
        {"full_name": "Rigoberto Ficticio Lanza", "date_of_birth": "02/03/1981"},
        corrects_record=first.record_id,
    )
    with Statements(store) as sql:
        by_old = corrections_among(store, DOC, [first.record_id])
        by_new = corrections_among(store, DOC, [fixed.record_id])
        by_both = corrections_among(store, DOC, [first.record_id, fixed.record_id])
    for found in (by_old, by_new, by_both):
        assert [(c.record_id, c.corrects_record_id) for c in found] == [
            (fixed.record_id, first.record_id)
        ]
    # an analyst may not see these records' level: nothing is said of the correction
    assert corrections_among(store, Reader("analyst", "al"), [first.record_id]) == []
    assert sql.seen and sql.full_scans() == []


def test_a_search_reads_no_table_whole(store: Store) -> None:
    person = a_person(store)
    reader = Reader("admin", "root", "documentation")
    with Statements(store) as sql:
        result = search(store, name=f"{person.given} {person.surname}", reader=reader)
    assert person.person_id in [c.person_id for c in result.candidates]
    assert sql.seen and sql.full_scans() == []


@pytest.mark.parametrize("role", ["admin", "documenter", "analyst", None])
@pytest.mark.parametrize("purpose", [None, "documentation"])
def test_levels_read_with_the_records_get_the_one_policys_answer(
    role: str | None, purpose: str | None
) -> None:
    """keep_visible (levels the search read itself) withholds exactly what the policy
    says, record by record, as visible_records does."""
    from habeas.access import policy
    from habeas.access.levels import keep_visible
    from habeas.access.reader import Withheld

    reader = Reader(role, "someone", purpose)
    levels = {i: level for i, level in enumerate(policy.SENSITIVITY_LEVELS * 3)}
    held = Withheld()
    kept = keep_visible(levels, reader, held)
    assert kept == {i: lv for i, lv in levels.items() if reader.why_not(lv) is None}
    expected = Withheld()
    for lv in levels.values():
        if (why := reader.why_not(lv)) is not None:
            expected.add("records", lv, why)
    assert held.to_dict() == expected.to_dict()


def test_a_search_withholds_only_records_it_would_have_shown(store: Store) -> None:
    """The search reads the level of every record it scores; what it says it withheld
    counts only the records that matched well enough to be shown (those a purpose would
    reveal), never the namesakes it looked at and dropped."""
    from sqlalchemy import select

    from habeas.access import policy
    from habeas.store.schema import Record

    with store.read() as s:
        restricted_names = [
            f"{given[0]} {' '.join(surnames)}"
            for given, surnames in s.execute(
                select(Record.given_names, Record.surnames)
                .where(Record.sensitivity == policy.RESTRICTED)
                .order_by(Record.id)
                .limit(12)
            )
            if given and surnames
        ]
        levels = dict(s.execute(select(Record.id, Record.sensitivity)).all())
    assert restricted_names, "the demo register has restricted records"
    no_purpose = Reader("admin", "root")
    for name in restricted_names:
        everything = search(store, name=name, limit=1000)  # no reader: nothing withheld
        shown = [r.record_id for c in everything.candidates for r in c.records]
        expected = sum(
            1 for rid in shown if levels[rid] in (policy.RESTRICTED, "witness_protected")
        )
        held = search(store, name=name, limit=1000, reader=no_purpose).withheld
        assert held.for_purpose == expected, name
        # nothing good enough to show (a threshold above any score): nothing withheld,
        # though the restricted record was read and scored
        assert search(store, name=name, min_score=1.01, reader=no_purpose).withheld.total == 0


def test_a_person_page_skips_reads_it_could_not_show(store: Store) -> None:
    """With one record shown no pair of records can be explained, and with no incident
    naming the person none is listed: the page does not ask for them. With two or more
    records it explains the pairs as :func:`habeas.linkage.explain` gives them."""
    from collections import Counter

    from sqlalchemy import select

    from habeas.linkage import explain
    from habeas.store.schema import IncidentVictim, Link
    from habeas.web.pages.person import build_person

    with store.read() as s:
        held = Counter(
            s.execute(select(Link.person_id).where(Link.superseded_at.is_(None))).scalars()
        )
        named = set(s.execute(select(IncidentVictim.record_id)).scalars())
        record_of = {
            person: record
            for person, record in s.execute(
                select(Link.person_id, Link.record_id).where(Link.superseded_at.is_(None))
            )
        }
    alone = min(p for p, n in held.items() if n == 1 and record_of[p] not in named)
    several = min(p for p, n in held.items() if n > 1)
    reader = Reader("admin", "root", "documentation")

    def page(person_id: int) -> dict[str, Any]:
        return build_person(
            store, person_id, lang="en", _=str, vocab={}, can_dossier=False, reader=reader
        )

    with Statements(store) as sql:
        data = page(alone)
    read = " ".join(statement for statement, _ in sql.seen)
    assert len(data["records"]) == 1 and data["links"] == [] and data["incidents"] == []
    assert "scored_pair" not in read and "FROM incident " not in read

    with Statements(store) as sql:
        data = page(several)
    shown = {r["id"] for r in data["records"]}
    assert len(shown) > 1 and "scored_pair" in " ".join(st for st, _ in sql.seen)
    assert [link["pair_id"] for link in data["links"]] == [
        pair.get("pair_id")
        for pair in explain(store, several)
        if {pair["record_a"], pair["record_b"]} <= shown
    ]

"""A search weighs its candidates as the driver reads them (:meth:`QueryScorer.weigh_row`,
memoised on the values as read): the same score and weight as scoring the record itself,
for every kind of query, whatever was weighed before, with dates as text (SQLite) or as
dates (PostgreSQL)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from habeas.domain.names import parse_full_name
from habeas.search import parse_query
from habeas.search.keys import SEARCH_RECORD_FIELDS, IndexedRecord, make_indexed
from habeas.search.score import QueryScorer
from habeas.synth.names import VEN_MALE_FIRST, VEN_MALE_SECOND, VEN_SURNAMES

FIRST = [x for x, _ in VEN_MALE_FIRST][:5]
SECOND = [x for x, _ in VEN_MALE_SECOND][:3]
SURNAMES = [x for x, _ in VEN_SURNAMES][:5] + ["de la Cruz", "Gonzales"]


def _records(n: int) -> list[IndexedRecord]:
    """Namesakes: few names, many records (most weigh from the memo)."""
    rng = random.Random(11)
    out = []
    for i in range(n):
        given = rng.choice(FIRST) + (f" {rng.choice(SECOND)}" if rng.random() < 0.5 else "")
        family = " ".join(rng.choice(SURNAMES) for _ in range(rng.choice((0, 1, 2, 2))))
        name = parse_full_name(f"{family}, {given}" if family else given)
        born = date(rng.choice((1980, 1985, 1990)), rng.randint(1, 3), rng.randint(1, 3))
        shape = rng.random()
        earliest, latest, precision = (
            (born, born, "exact")
            if shape < 0.6
            else (date(born.year, 1, 1), date(born.year, 12, 31), "year")
            if shape < 0.8
            else (None, None, None)
        )
        ids = [("cedula_ve", f"V{rng.choice((12345678, 20111222, 9876543))}")] if i % 3 else []
        if i % 7 == 0:
            ids += [("passport", f"P{rng.randint(100000, 100003)}X")]
        nationality = rng.choice(("VEN", "SLV", None))
        out.append(
            make_indexed(
                i, name.given_names, name.surnames, earliest, latest, precision, nationality, ids
            )
        )
    return out


def _row(rec: IndexedRecord, *, dates_as_text: bool) -> tuple[Any, ...]:
    values = rec.to_row()
    row = [values[f] for f in SEARCH_RECORD_FIELDS]
    if dates_as_text:
        row = [v.isoformat() if isinstance(v, date) else v for v in row]
    return (*row, "internal")  # the level follows, as the search reads it


QUERIES = [
    {"name": "José González Pérez"},
    {"name": "Jose Gonzales"},
    {"name": "Luis de la Cruz"},
    {"name": "Gonzalez"},
    {"name": "Carlos Alberto Rodríguez", "dob": "1985-02-01"},
    {"name": "Juan Pérez", "dob": "1990"},
    {"name": "María", "dob": "03/02/1980"},
    {"dob": "1980-01-02"},
    {"name": "José Hernández", "nationality": "Venezuela"},
    {"identifier": "V-12.345.678"},
    {"name": "Luis Martínez", "identifier": "20111222", "nationality": "SLV"},
    {"identifier": "P100002X", "dob": "1990-03-03"},
]


def test_weighing_a_row_gives_the_records_score_and_weight() -> None:
    records = _records(600)
    for kwargs in QUERIES:
        q = parse_query(**kwargs)
        for dates_as_text in (True, False):
            scorer = QueryScorer(q)  # one per query, as a search has: its memos fill up
            for rec in records:
                row = _row(rec, dates_as_text=dates_as_text)
                assert IndexedRecord.from_row(row[: len(SEARCH_RECORD_FIELDS)]) == rec
                expected = QueryScorer(q).score(rec)  # a fresh scorer: nothing memoised
                assert scorer.weigh_row(row) == (expected.score, expected.weight), (kwargs, rec)
            assert len(scorer._row_names) < len(records)  # namesakes: weighed from the memo

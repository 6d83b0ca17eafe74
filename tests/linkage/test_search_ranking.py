"""A search looks up persons only for the records that can rank: the ten (or ``limit``)
persons it shows must be exactly those a full grouping of every match would show."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select, update

from habeas.ingest.importer import ImportOptions, import_file
from habeas.search import build_search_index, search
from habeas.store.db import Store
from habeas.store.schema import Link

GIVEN = ("JOSÉ", "JOSE LUIS", "JOSÉ ANTONIO", "LUIS")
SURNAMES = ("GONZÁLEZ RODRÍGUEZ", "GONZÁLEZ", "GONZALES RODRIGUEZ", "RODRÍGUEZ GONZÁLEZ")


@pytest.fixture
def namesakes(store: Store, tmp_path: Path) -> Store:
    """60 namesakes with many equal scores; persons of 1–4 records, some holding a
    record that scores lower but weighs more than their best-scoring one."""
    rng = random.Random(16)
    rows = ["Folio,Nombre,Fecha de nacimiento,Nacionalidad"]
    for i in range(60):
        dob = f"19{rng.randint(70, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        nat = rng.choice(("VEN", "VEN", "COL", ""))
        rows.append(f'N-{i:02d},"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}",{dob},{nat}')
    path = tmp_path / "namesakes.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(source_title="Namesakes", source_kind="list", date_order="YMD"),
        actor="test",
    )
    build_search_index(store, actor="test")
    with store.read() as s:
        links = [(a, b) for a, b in s.execute(select(Link.id, Link.person_id).order_by(Link.id))]
    with store.write("test") as op:  # group the records into persons, as linkage would
        i = 0
        while i < len(links):
            size = rng.choice((1, 1, 2, 3, 4))
            group = links[i : i + size]
            for link_id, _ in group[1:]:
                op.session.execute(
                    update(Link).where(Link.id == link_id).values(person_id=group[0][1])
                )
            i += size
        op.log("link", "person", None, {"test": "grouped namesakes"})
    return store


def _shown(store: Store, limit: int, **query: str) -> list[tuple[int, float, list[int]]]:
    result = search(store, limit=limit, **query)
    return [(c.person_id, c.score, [r.record_id for r in c.records]) for c in result.candidates]


@pytest.mark.parametrize(
    "query",
    [
        {"name": "José González Rodríguez"},
        {"name": "Jose Gonzalez"},
        {"name": "José Rodríguez González", "dob": "1985"},
        {"name": "José González", "nationality": "VEN"},
    ],
)
def test_the_top_persons_are_those_of_a_full_grouping(
    namesakes: Store, query: dict[str, str]
) -> None:
    everyone = _shown(namesakes, 1000, **query)  # more than there are persons: all looked up
    assert len(everyone) > 10
    assert len({pid for pid, _, _ in everyone}) == len(everyone)
    assert sum(len(records) for _, _, records in everyone) > len(everyone)  # grouped persons
    for limit in (1, 2, 3, 5, 10):
        assert _shown(namesakes, limit, **query) == everyone[:limit]


def test_a_tie_at_the_cut_is_looked_through(store: Store, tmp_path: Path) -> None:
    """40 records score the same; the person with the lowest id holds the 35th of them
    (and a record that does not match). Ranked by id among equals, that person comes
    first, though its matching record is read after a batch of other persons (records
    are looked up 30 at a time, or three times the limit)."""
    rows = ["Folio,Nombre,Fecha de nacimiento", 'T-0,"PÉREZ, ANA",1970-01-01']
    rows += [f'T-{i},"GONZÁLEZ, JOSÉ",1990-05-04' for i in range(1, 41)]
    path = tmp_path / "ties.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(source_title="Ties", source_kind="list", date_order="YMD"),
        actor="test",
    )
    build_search_index(store, actor="test")
    with store.read() as s:
        links = [(a, b) for a, b in s.execute(select(Link.id, Link.person_id).order_by(Link.id))]
    (_, ana), late = links[0], links[35]
    assert ana < min(pid for _, pid in links[1:])
    with store.write("test") as op:
        op.session.execute(update(Link).where(Link.id == late[0]).values(person_id=ana))
        op.log("link", "person", ana, {"test": "a tie at the cut"})
    everyone = _shown(store, 1000, name="José González")
    assert len(everyone) == 40 and len({score for _, score, _ in everyone}) == 1
    assert everyone[0][0] == ana
    for limit in (1, 2, 3):
        assert _shown(store, limit, name="José González") == everyone[:limit]

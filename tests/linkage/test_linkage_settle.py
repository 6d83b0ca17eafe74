"""A review decision takes out of the queue every pair it settles (``review_recut.settle``).

Four made-up records, one person each after import. The queue is written as a
linkage run would leave it (queued pairs), so what is settled does not depend
on what a trained model happens to score.
"""

from __future__ import annotations

from pathlib import Path

from linkage_support import import_press_list, pair_key, queue_pairs
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.linkage import decide
from habeas.store.db import Store
from habeas.store.schema_linkage import ScoredPair

LIST = (
    "ID,Nombre,Fecha de nacimiento\n"
    "1,Ramiro Quintero Albornoz,1990-05-04\n"
    "2,Ramiro Quintero A.,1990-05-04\n"
    "3,Ramiro Quinteros Albornos,\n"
    "4,Ramira Quintana Albornoz,1991-02-03\n"
)

ADMIN = Reader("admin", "ana", "documentation")


def _records(store: Store, tmp_path: Path) -> dict[str, int]:
    return import_press_list(store, tmp_path, LIST)


def _queue(store: Store, pairs: list[tuple[int, int]]) -> None:
    """Queued band pairs, strongest first in the order given."""
    queue_pairs(
        store,
        [(a, b, 1.0 - i, 0.4, "band", float(len(pairs) - i)) for i, (a, b) in enumerate(pairs)],
    )


def _status(store: Store) -> dict[tuple[int, int], tuple[str, str | None]]:
    with store.read() as s:
        rows = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b, ScoredPair.status, ScoredPair.reason)
        ).all()
    return {(a, b): (st, why) for a, b, st, why in rows}


def test_same_settles_every_queued_pair_inside_the_merged_person(
    store: Store, tmp_path: Path
) -> None:
    r = _records(store, tmp_path)
    # 2 and 3: one person already
    decide(store, (r["2"], r["3"]), "same", reviewer="ana", reader=ADMIN)
    _queue(store, [(r["1"], r["2"]), (r["1"], r["3"]), (r["3"], r["4"])])
    result = decide(store, (r["1"], r["2"]), "same", reviewer="ana", reader=ADMIN)
    assert result["settled"] == 1
    status = _status(store)
    assert status[pair_key(r["1"], r["2"])][0] == "decided"
    # 1 and 3 are now one person: nothing left to ask about that pair
    assert status[pair_key(r["1"], r["3"])] == ("linked", "settled by a decision")
    # 4 is another person: still a question
    assert status[pair_key(r["3"], r["4"])] == ("queued", "band")


def test_different_settles_every_queued_pair_between_the_two_persons(
    store: Store, tmp_path: Path
) -> None:
    r = _records(store, tmp_path)
    decide(store, (r["2"], r["3"]), "same", reviewer="ana", reader=ADMIN)
    _queue(store, [(r["1"], r["2"]), (r["1"], r["3"]), (r["3"], r["4"]), (r["1"], r["4"])])
    result = decide(store, (r["1"], r["2"]), "different", reviewer="ana", reader=ADMIN)
    assert result["settled"] == 1
    status = _status(store)
    assert status[pair_key(r["1"], r["2"])][0] == "decided"
    # joining 1 with 3 would join 1 with 2, decided different
    assert status[pair_key(r["1"], r["3"])] == ("rejected", "settled by a decision")
    # pairs with a third person are not settled by this decision
    assert status[pair_key(r["3"], r["4"])] == ("queued", "band")
    assert status[pair_key(r["1"], r["4"])] == ("queued", "band")

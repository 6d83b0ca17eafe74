"""A "same" decision joins the two records it answers, not whatever else their persons hold.

Found on historical_50k (issue #12): 500 correct simulated decisions *lowered* F1, because
a "same" on a record wrongly attached to one person merged that whole person into the
other (five such decisions, 1,106 wrong pairs). The two persons' records are now
re-clustered with the stored pairs and the decisions, as a full run would do.
"""

from __future__ import annotations

from pathlib import Path

from linkage_support import StoredPair, add_run_with_pairs, current_persons, import_press_list

from habeas.access.reader import Reader
from habeas.linkage import decide
from habeas.linkage.apply import reassign
from habeas.store.db import Store

ADMIN = Reader("admin", "ana", "documentation")
LIST = (
    "ID,Nombre,Fecha de nacimiento\n"
    "1,Ramiro Quintero Albornoz,1990-05-04\n"
    "2,Ramiro Quintero Albornoz,1990-05-04\n"
    "3,Beatriz Lozano Pérez,1975-01-01\n"
    "4,Beatriz Lozano Pérez,1975-01-01\n"
    "5,Ramiro Quintero,1990-05-04\n"
)


def _state(store: Store, r: dict[str, int], persons: list[list[str]]) -> None:
    """A run's result: ``persons`` (record ids of the list); 1 and 2 one person, the pairs
    of 5 with 1 and 2 queued, the pair 3-5 linked."""
    pairs: list[StoredPair] = [
        (r["1"], r["2"], 20.0, 0.999, "linked", None, 1.0),
        (r["3"], r["4"], 20.0, 0.999, "linked", None, 1.0),
        (r["3"], r["5"], 1.0, 0.6, "linked", None, 1.0),
        (r["1"], r["5"], -0.5, 0.45, "queued", "band", 1.0),
        (r["2"], r["5"], -0.5, 0.45, "queued", "band", 1.0),
    ]
    with store.write("tester") as op:
        run = add_run_with_pairs(op, pairs)
        now_persons = current_persons(store)
        current = {rec: (now_persons.get(rec), "import") for rec in r.values()}
        reassign(
            op.session,
            [[r[x] for x in group] for group in persons],
            current,
            actor="tester",
            method="auto",
        )
        op.log("link", "linkage_run", run.id, {"test": "a wrong attachment"})


def test_same_moves_the_record_not_its_whole_person(store: Store, tmp_path: Path) -> None:
    r = import_press_list(store, tmp_path, LIST)
    # record 5 (Ramiro) wrongly attached to Beatriz
    _state(store, r, [["1", "2"], ["3", "4", "5"]])
    before = current_persons(store)
    assert before[r["5"]] == before[r["3"]] != before[r["1"]]
    result = decide(store, (r["1"], r["5"]), "same", reader=ADMIN)
    after = current_persons(store)
    assert after[r["5"]] == after[r["1"]] == after[r["2"]]
    # Beatriz's two records stay one person, apart from Ramiro's
    assert after[r["3"]] == after[r["4"]] != after[r["1"]]
    assert result["merges"] or result["splits"]


def test_same_merges_two_whole_persons_that_fit(store: Store, tmp_path: Path) -> None:
    r = import_press_list(store, tmp_path, LIST)
    _state(store, r, [["1", "2"], ["3", "4"], ["5"]])
    result = decide(store, (r["2"], r["5"]), "same", reader=ADMIN)
    after = current_persons(store)
    assert after[r["1"]] == after[r["2"]] == after[r["5"]]
    assert after[r["3"]] == after[r["4"]] != after[r["1"]]
    assert result["merges"] and not result["splits"]

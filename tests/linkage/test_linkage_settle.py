"""A review decision takes out of the queue every pair it settles (``review._settle``).

Four made-up records, one person each after import. The queue is written as a
linkage run would leave it (queued pairs), so what is settled does not depend
on what a trained model happens to score.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import decide
from habeas.linkage.apply import now
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema_linkage import LinkageRun, ScoredPair

LIST = (
    "ID,Nombre,Fecha de nacimiento\n"
    "1,Ramiro Quintero Albornoz,1990-05-04\n"
    "2,Ramiro Quintero A.,1990-05-04\n"
    "3,Ramiro Quinteros Albornos,\n"
    "4,Ramira Quintana Albornoz,1991-02-03\n"
)

ADMIN = Reader("admin", "ana", "documentation")


def _records(store: Store, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "press.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(store, path, ImportOptions("Press", "news_report"))
    return {r["record_id"]: int(r["record"]) for r in queries.iter_records(store)}


def _queue(store: Store, pairs: list[tuple[int, int]]) -> None:
    """Queued pairs as a linkage run leaves them."""
    with store.write("tester") as op:
        run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
        op.session.add(run)
        op.session.flush()
        for i, (a, b) in enumerate(pairs):
            a, b = sorted((a, b))
            op.session.add(
                ScoredPair(
                    run_id=run.id,
                    record_a=a,
                    record_b=b,
                    match_weight=1.0 - i,
                    match_probability=0.4,
                    evidence={},
                    status="queued",
                    reason="band",
                    priority=float(len(pairs) - i),
                )
            )
        op.log("link", "linkage_run", run.id, {"test": "queued pairs"})


def _status(store: Store) -> dict[tuple[int, int], tuple[str, str | None]]:
    with store.read() as s:
        rows = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b, ScoredPair.status, ScoredPair.reason)
        ).all()
    return {(a, b): (st, why) for a, b, st, why in rows}


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


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
    assert status[_key(r["1"], r["2"])][0] == "decided"
    # 1 and 3 are now one person: nothing left to ask about that pair
    assert status[_key(r["1"], r["3"])] == ("linked", "settled by a decision")
    # 4 is another person: still a question
    assert status[_key(r["3"], r["4"])] == ("queued", "band")


def test_different_settles_every_queued_pair_between_the_two_persons(
    store: Store, tmp_path: Path
) -> None:
    r = _records(store, tmp_path)
    decide(store, (r["2"], r["3"]), "same", reviewer="ana", reader=ADMIN)
    _queue(store, [(r["1"], r["2"]), (r["1"], r["3"]), (r["3"], r["4"]), (r["1"], r["4"])])
    result = decide(store, (r["1"], r["2"]), "different", reviewer="ana", reader=ADMIN)
    assert result["settled"] == 1
    status = _status(store)
    assert status[_key(r["1"], r["2"])][0] == "decided"
    # joining 1 with 3 would join 1 with 2, decided different
    assert status[_key(r["1"], r["3"])] == ("rejected", "settled by a decision")
    # pairs with a third person are not settled by this decision
    assert status[_key(r["3"], r["4"])] == ("queued", "band")
    assert status[_key(r["1"], r["4"])] == ("queued", "band")

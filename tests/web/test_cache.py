"""The page cache: one computation per register state and key, fresh copies, read entries
ignored, concurrent requests computing once, ETags (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from habeas.access.reader import Reader
from habeas.audit.reads import log_read
from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.web import cache


def _write(store: Store, title: str) -> None:
    add_source(store, title, "testimony", reliability="B", actor="test")


def test_computed_once_per_state_and_copied(store: Store) -> None:
    cache.clear()
    _write(store, "Source A (test)")
    calls: list[int] = []

    def compute() -> dict[str, list[int]]:
        calls.append(1)
        return {"items": [1, 2, 3]}

    first = cache.cached(store, ("k",), compute)
    first["items"].append(4)  # a view changing what it got does not change the cache
    assert cache.cached(store, ("k",), compute) == {"items": [1, 2, 3]}
    assert len(calls) == 1
    assert cache.cached(store, ("other",), compute) and len(calls) == 2
    _write(store, "Source B (test)")  # a change to the register: computed again
    assert cache.cached(store, ("k",), compute) == {"items": [1, 2, 3]} and len(calls) == 3


def test_reads_and_sign_ins_are_not_a_new_state(store: Store) -> None:
    _write(store, "Source A (test)")
    before = cache.register_state(store)
    reader = Reader("legal", "legal", "court_filing", "web")
    assert log_read(store, reader, "person", 1, action="view", shown={"restricted": 1})
    with store.read() as s:
        newest = s.execute(select(func.max(ChangeLogEntry.seq))).scalar()
    assert newest is not None and newest > before  # the read was logged ...
    assert cache.register_state(store) == before  # ... but the register did not change
    _write(store, "Source B (test)")
    after = cache.register_state(store)
    assert after > newest
    assert log_read(store, reader, "person", 1, action="view", shown={"restricted": 1})
    with store.write("legal") as op:  # as a sign-in is logged (habeas.access.users)
        op.log("login", "user", "legal", {"address": "127.0.0.1"})
    assert cache.register_state(store) == after


def test_concurrent_requests_compute_once(store: Store) -> None:
    cache.clear()
    _write(store, "Source A (test)")
    calls: list[int] = []
    results: list[object] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)  # long enough for the other threads to arrive meanwhile
        return "drawn"

    threads = [
        threading.Thread(target=lambda: results.append(cache.cached(store, ("slow",), slow)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["drawn"] * 4 and len(calls) == 1


def test_etag_matching() -> None:
    tag = cache.etag(7, ("facility_chart", 1, "space", "es", None, None))
    assert tag.startswith('"7-') and tag != cache.etag(
        8, ("facility_chart", 1, "space", "es", None, None)
    )
    assert tag != cache.etag(7, ("facility_chart", 1, "space", "en", None, None))
    assert cache.etag_matches(tag, tag) and cache.etag_matches(f'"x", W/{tag}', tag)
    assert cache.etag_matches("*", tag)
    assert not cache.etag_matches(None, tag) and not cache.etag_matches('"x"', tag)


def test_vocabulary_labels_read_once_per_state_and_new_terms_seen(store: Store) -> None:
    from sqlalchemy import event

    from habeas.store.vocabulary import add_term
    from habeas.web.pages._common import vocabulary_labels

    cache.clear()
    first = vocabulary_labels(store, "es")
    assert "sex" in first
    term_reads: list[str] = []

    def count(_c: object, _cur: object, statement: str, *_: object) -> None:
        if "FROM vocabulary_term" in statement:
            term_reads.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        first["sex"]["x"] = "changed by a view"  # a copy: the cache is not touched
        again = vocabulary_labels(store, "es")
        assert again == {k: v for k, v in first.items() if k != "sex"} | {
            "sex": {k: v for k, v in first["sex"].items() if k != "x"}
        }
        assert term_reads == []  # served from memory: no read of the terms
        add_term(store, "sex", "nb", "non-binary", "no binario", [], actor="test")
        assert vocabulary_labels(store, "es")["sex"]["nb"] == "no binario"  # a new state
        assert vocabulary_labels(store, "en")["sex"]["nb"] == "non-binary"
        assert term_reads  # read again after the change
    finally:
        event.remove(store.engine, "before_cursor_execute", count)

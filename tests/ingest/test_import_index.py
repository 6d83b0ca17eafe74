"""An import indexes its new records for search in its own transaction (issue #16): the
postings, search rows and vocabulary it writes are exactly those a rebuild from the
stored records gives, and a refused import leaves none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.ingest import reading
from habeas.ingest.importer import ImportOptions, import_file
from habeas.ingest.problems import ImportFailed
from habeas.search import index
from habeas.search.import_postings import PARTS, SortedPostings
from habeas.search.index import build_search_index, index_pending, search_status
from habeas.store.db import Store
from habeas.store.schema_search import SearchKey, SearchRecord, SearchTerm
from habeas.synth.flat_list import write_flat_list


def _index(store: Store) -> dict[str, set[tuple[object, ...]]]:
    with store.read() as s:
        return {
            "keys": set(s.execute(select(SearchKey.key, SearchKey.record_id))),
            "records": set(s.execute(select(SearchRecord.__table__))),
            "terms": set(s.execute(select(SearchTerm.kind, SearchTerm.term))),
        }


def _options(title: str) -> ImportOptions:
    return ImportOptions(
        source_title=title,
        source_kind="list",
        date_order="DMY",
        defaults={"event_type": "removal_flight"},
    )


@pytest.mark.parametrize("held", [index.IMPORT_POSTINGS, 500])
def test_import_writes_the_index_a_rebuild_gives(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    """Postings held in memory, or (500 at a time) spilled by key range into files and
    sorted in at the end: the same index either way, and no file left behind."""
    monkeypatch.setattr(reading, "BATCH_ROWS", 40)  # several batches, terms seen again
    monkeypatch.setattr(index, "IMPORT_POSTINGS", held)
    spilled: list[int] = []
    spill = SortedPostings._spill
    monkeypatch.setattr(
        SortedPostings, "_spill", lambda self, k, r: (spilled.append(len(k)), spill(self, k, r))
    )
    first = import_file(store, write_flat_list(tmp_path / "a.csv", 150, seed=3), _options("A"))
    second = import_file(store, write_flat_list(tmp_path / "b.csv", 90, seed=4), _options("B"))
    assert (first.indexed, second.indexed) == (150, 90)
    assert search_status(store).complete
    assert index_pending(store) == 0
    written = _index(store)
    on_sqlite = store.engine.dialect.name == "sqlite"  # PostgreSQL takes them by COPY
    assert (sum(spilled) > 240 * 10) == (held == 500 and on_sqlite)
    database = Path(store.engine.url.database or "").parent
    assert not list(database.glob(".habeas-postings-*"))
    assert len(written["records"]) == 240
    assert len(written["keys"]) > 240 * 10 and written["terms"]
    build_search_index(store)
    assert _index(store) == written


def test_a_refused_import_leaves_no_postings(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "ID,Nombres,Apellidos,Fecha de nacimiento\n"
        "1,Ana María,Pérez Gómez,01/02/1990\n"
        "2,Luis,Rodríguez,31/02/1994\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed):
        import_file(store, path, _options("Bad"))
    with store.read() as s:
        for table in (SearchKey, SearchRecord, SearchTerm):
            assert s.execute(select(func.count()).select_from(table)).scalar() == 0


def test_spilled_postings_come_back_in_key_order_and_go(store: Store) -> None:
    """Key ranges in key order, negative keys first; close() removes the files."""
    import numpy as np

    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL takes an import's postings by COPY")
    rng = np.random.default_rng(5)
    batches = [
        (rng.integers(-(2**63), 2**63 - 1, 3000, dtype=np.int64), np.arange(n, n + 3000))
        for n in (1, 3001, 6001)
    ]
    with store.engine.connect() as conn:
        transaction = conn.begin()
        sorted_postings = SortedPostings(conn)
        for keys, ids in batches:
            sorted_postings.add(keys, ids)
        assert sorted_postings.folder is not None
        folder = Path(sorted_postings.folder.name)
        assert 0 < len(list(folder.iterdir())) <= PARTS
        assert sorted_postings.write() == 9000
        assert not folder.exists()
        rows = conn.exec_driver_sql("SELECT key, record_id FROM search_key").fetchall()
        assert rows == sorted(
            (int(k), int(r)) for keys, ids in batches for k, r in zip(keys, ids, strict=True)
        )
        failing = SortedPostings(conn)  # a failed import: its files go too
        for keys, ids in batches:
            failing.add(keys, ids)
        assert failing.folder is not None
        folder = Path(failing.folder.name)
        failing.close()
        assert not folder.exists()
        transaction.rollback()

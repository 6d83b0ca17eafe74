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


def test_import_writes_the_index_a_rebuild_gives(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "BATCH_ROWS", 40)  # several batches, terms seen again
    first = import_file(store, write_flat_list(tmp_path / "a.csv", 150, seed=3), _options("A"))
    second = import_file(store, write_flat_list(tmp_path / "b.csv", 90, seed=4), _options("B"))
    assert (first.indexed, second.indexed) == (150, 90)
    assert search_status(store).complete
    assert index_pending(store) == 0
    written = _index(store)
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

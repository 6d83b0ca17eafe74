"""Scoring at scale: DuckDB bounded in memory, pairs scored in chunks, records read in batches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from habeas.demo import load_case
from habeas.linkage import backend as backends
from habeas.linkage import features
from habeas.linkage import model as mdl
from habeas.linkage.cluster import evidence_needed
from habeas.linkage.features import cap_block_keys, featurise_rows, load_features
from habeas.linkage.training import default_model
from habeas.store.db import Store

GIVEN = ["jose", "maria", "luis", "ana", "carlos", "rosa"]
SURNAMES = [("gonzalez", "perez"), ("rodriguez", "diaz"), ("martinez", "lopez")]


def _frame() -> pd.DataFrame:
    """Records of a few people, each written two or three times; some bare names."""
    rows, ids = [], {}
    rid = 0
    for p, (given, surnames) in enumerate((g, s) for g in GIVEN for s in SURNAMES):  # 18 people
        for copy in range(2 + p % 2):
            rid += 1
            dob = None if (p + copy) % 4 == 0 else date(1970 + p, 1 + copy % 2, 10 + p % 9)
            typo = given[:-1] + "e" if copy == 2 else given
            rows.append(
                (rid, 1 + copy, False, None, "import", [typo], list(surnames), dob, dob)
                + ("exact" if dob else None, "M" if p % 2 else "F", "VEN")
            )
            if p % 3 == 0:
                ids[rid] = [("cedula_ve", f"V{10000000 + p}")]
    return featurise_rows(rows, ids)


def _pairs(frame: pd.DataFrame) -> set[tuple[int, int, float]]:
    return {
        (int(a), int(b), round(float(w), 9))
        for a, b, w in zip(frame["record_a"], frame["record_b"], frame["match_weight"], strict=True)
    }


def test_duckdb_runs_with_a_memory_limit_and_a_spill_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HABEAS_DUCKDB_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("HABEAS_DUCKDB_TEMP_DIR", str(tmp_path))
    connection = backends.db_api("duckdb")._con
    expected = duckdb.connect(config={"memory_limit": "300MB"})
    setting = "SELECT current_setting('memory_limit')"
    assert connection.execute(setting).fetchone() == expected.execute(setting).fetchone()
    spill = connection.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert Path(spill).parent == tmp_path


def test_pairs_scored_in_chunks_are_the_pairs_scored_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = _frame()
    model = default_model(len(frame))
    whole = mdl.predict(frame, model, threshold=1e-6)
    monkeypatch.setattr(backends, "PREDICT_CHUNK_RECORDS", 7)  # ceil(44 / 7) = 7 chunks
    chunked = mdl.predict(frame, model, threshold=1e-6)
    assert len(whole) > 50
    assert _pairs(chunked) == _pairs(whole)
    # the same order too (strongest first, ties by record ids): the queue reads it
    columns = ["record_a", "record_b", "match_weight"]
    pd.testing.assert_frame_equal(chunked[columns], whole[columns])
    assert set(chunked.columns) == set(whole.columns)
    assert "mw_given" in chunked and "mw_tf_given" in chunked


def test_the_floor_keeps_in_the_engine_what_clustering_reads() -> None:
    frame = _frame()
    assert frame["name_only"].any() and not frame["name_only"].all()
    model = default_model(len(frame))
    everything = mdl.predict(frame, model, threshold=1e-6)
    kept = mdl.predict(frame, model, threshold=1e-6, floor=0.2)
    expected = evidence_needed(frame, everything, 0.2)
    assert len(kept) < len(everything)  # pairs were dropped in the engine
    assert _pairs(kept) == _pairs(expected)

    def cautions(pairs: pd.DataFrame) -> set[tuple[int, int, str | None]]:
        return set(zip(pairs["record_a"], pairs["record_b"], pairs["caution"], strict=True))

    assert cautions(kept) == cautions(expected)


def test_a_window_key_is_one_string_shared_by_its_records() -> None:
    coarse = pd.Series([("s:common|g",)] * 120)
    keys = cap_block_keys(coarse, pd.Series([()] * 120), cap=50, window=10)
    holders = [k for k in keys if "s:common|g#3" in k]
    assert len(holders) == 10
    first = next(x for x in holders[0] if x == "s:common|g#3")
    assert all(any(x is first for x in k) for k in holders)


def test_records_read_in_batches_give_the_same_features(
    store: Store, demo_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_case(store, demo_case)
    at_once = load_features(store)
    monkeypatch.setattr(features, "READ_BATCH", 7)
    batched = load_features(store)
    assert len(batched) > 7
    pd.testing.assert_frame_equal(batched, at_once)


def test_scored_pairs_read_in_batches_are_the_rows_read_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from habeas.linkage import stream

    api = backends.db_api("duckdb", records=10)
    sql = "SELECT range AS unique_id_l, range * 0.5 AS match_weight, 'x' AS other FROM range(5000)"
    wanted = backends.PREDICTION_COLUMNS
    at_once = stream.fetch_scored(api, sql, wanted, where="unique_id_l % 3 <> 0")
    monkeypatch.setattr(stream, "FETCH_BATCH_ROWS", 1)  # one vector (2,048 rows) a batch
    sizes: list[int] = []

    def each(part: pd.DataFrame) -> pd.DataFrame:
        sizes.append(len(part))
        return part

    batched = stream.fetch_scored(api, sql, wanted, where="unique_id_l % 3 <> 0", each=each)
    assert len(sizes) > 1 and sum(sizes) == len(at_once) == 3333
    assert list(at_once.columns) == ["unique_id_l", "match_weight"]  # only the wanted ones
    pd.testing.assert_frame_equal(
        batched.sort_values("unique_id_l", ignore_index=True),
        at_once.sort_values("unique_id_l", ignore_index=True),
    )
    empty = stream.fetch_scored(api, sql, wanted, where="false", each=each)
    assert list(empty.columns) == ["unique_id_l", "match_weight"] and not len(empty)

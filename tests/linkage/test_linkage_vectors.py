"""One pass of comparisons shared by training and scoring (:mod:`habeas.linkage.vectors`)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from habeas.linkage import backend as backends
from habeas.linkage import model as mdl
from habeas.linkage import training, vectors
from habeas.linkage.features import featurise_rows

GIVEN = ["jose", "maria", "luis", "ana", "carlos", "rosa", "pedro"]
SURNAMES = [("gonzalez", "perez"), ("rodriguez", "diaz"), ("martinez", "lopez")]


def _frame() -> pd.DataFrame:
    """People written two or three times (a typo, a missing date), some sharing a cédula,
    one household (two given names, one address)."""
    rows, ids, homes = [], {}, {}
    rid = 0
    for p, (given, surnames) in enumerate((g, s) for g in GIVEN for s in SURNAMES):
        for copy in range(2 + p % 2):
            rid += 1
            dob = None if (p + copy) % 4 == 0 else date(1960 + p, 1 + copy % 2, 10 + p % 9)
            name = given[:-1] + "e" if copy == 2 else given
            rows.append(
                (rid, 1 + copy, False, None, "import", [name], list(surnames), dob, dob)
                + ("exact" if dob else None, "M" if p % 2 else "F", "VEN")
            )
            if p % 3 == 0:
                ids[rid] = [("cedula_ve", f"V{10000000 + p}")]
            if p % 5 == 0:
                homes[rid] = {"address": "calle sucre", "street_number": "12", "locality": "Aragua"}
    return featurise_rows(rows, ids, residences=homes)


def _scores(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.sort_values(["record_a", "record_b"], ignore_index=True)


def test_shared_pass_trains_and_scores_as_the_separate_passes() -> None:
    frame = _frame()
    separate = training.train(frame)
    shared = vectors.start(frame, mdl.splink_frame(frame), "duckdb")
    assert shared is not None
    try:
        model = training.train(frame, shared=shared)
        assert shared.vectors is not None  # EM counted the kept comparison vectors
        lam = "probability_two_random_records_match"
        for name in ("habeas_em_pairs", "habeas_em_matches", lam):
            assert model[name] == pytest.approx(separate[name], rel=1e-9)
        for ours, theirs in zip(model["comparisons"], separate["comparisons"], strict=True):
            for a, b in zip(ours["comparison_levels"], theirs["comparison_levels"], strict=True):
                for p in ("m_probability", "u_probability"):
                    if b.get(p) is None:  # a null level
                        assert a.get(p) is None
                    else:
                        assert a.get(p) == pytest.approx(b[p], rel=1e-9)
        got = _scores(mdl.predict(frame, model, threshold=1e-6, floor=0.2, shared=shared))
        wanted = _scores(mdl.predict(frame, model, threshold=1e-6, floor=0.2))
        assert len(got) == len(wanted) > 0
        pd.testing.assert_frame_equal(got, wanted, check_exact=False, rtol=1e-9)
        # pairs sharing a cédula, scored from the same vectors, whatever their score
        documents = mdl.document_pairs(frame)
        assert documents
        got = _scores(mdl.predict_documents(frame, documents, model, shared=shared))
        wanted = _scores(mdl.predict_documents(frame, documents, model))
        assert set(zip(got["record_a"], got["record_b"], strict=True)) == documents
        pd.testing.assert_frame_equal(got, wanted, check_exact=False, rtol=1e-9)
    finally:
        shared.close()


def test_the_vectors_linker_takes_the_trained_model_as_a_new_linker_would() -> None:
    frame = _frame()
    shared = vectors.start(frame, mdl.splink_frame(frame), "duckdb")
    assert shared is not None
    try:
        model = training.train(frame, shared=shared)
        assert vectors._takes(shared.linker, model)
        assert shared.scorer(model) is shared.linker  # no second linker built
        fresh = backends.linker(shared.api, shared.records, model)
        got = vectors.predictions(shared, shared.scorer(model), threshold=None)
        wanted = vectors.predictions(shared, fresh, threshold=None)
        key = ["unique_id_l", "unique_id_r"]
        pd.testing.assert_frame_equal(
            got.sort_values(key, ignore_index=True), wanted.sort_values(key, ignore_index=True)
        )
        # a model of other comparisons is not forced on it
        other = {**model, "comparisons": model["comparisons"][:-1]}
        assert not vectors._takes(shared.linker, other)
    finally:
        shared.close()


def test_small_registers_run_duckdb_on_one_thread() -> None:
    setting = "SELECT current_setting('threads')"
    small = backends.db_api("duckdb", records=10)._con.execute(setting).fetchone()[0]
    assert small == 1
    large = backends.db_api("duckdb", records=backends.SMALL_REGISTER)._con.execute(setting)
    assert large.fetchone()[0] >= 1  # DuckDB's default (one per core)


def test_no_shared_pass_on_spark_or_for_a_single_record() -> None:
    frame = _frame()
    assert vectors.start(frame, mdl.splink_frame(frame), "spark") is None
    one = frame.iloc[:1]
    assert vectors.start(one, mdl.splink_frame(one), "duckdb") is None


def test_the_records_columns_are_read_from_the_catalog_once_a_run() -> None:
    """Splink asks the records for their columns at every step; the table is written once,
    so DuckDB's catalog is asked once, and the answer is the one Splink's own handle gives."""
    from splink.internals.duckdb.dataframe import DuckDBDataFrame

    frame = _frame()
    shared = vectors.start(frame, mdl.splink_frame(frame), "duckdb")
    assert shared is not None
    asked: list[str] = []
    run_sql = shared.api._execute_sql_against_backend

    def counted(sql: str, *args: object, **kwargs: object) -> object:
        asked.append(sql)
        return run_sql(sql, *args, **kwargs)

    shared.api._execute_sql_against_backend = counted
    try:
        plain = DuckDBDataFrame("records", shared.records.physical_name, shared.api)
        wanted = [c.name for c in plain.columns]
        asked.clear()
        training.train(frame, shared=shared)  # u sampling, blocking, comparisons
        got = [c.name for c in shared.records.columns]
        got.append("not a column")  # a caller's list is its own
        assert [c.name for c in shared.records.columns] == wanted == got[:-1]
        assert {'"given_keys"', '"gsex"'} <= set(wanted)
        assert sum("information_schema.columns" in sql for sql in asked) == 1
    finally:
        shared.close()

"""The Spark backend runs the same model as DuckDB and gives the same links.

A small synthetic case is linked on DuckDB (training the model), then a second
copy of the store is given that model and linked on a local Spark session
(``local[2]``): the persons, the stored pairs (status, reason) and their scores
must agree. EM's input — the comparison pattern of every blocked pair — must
agree too, so training on Spark learns the same m. Spark's u sampling is not run
here (it takes minutes on two cores); on a register of fewer than 1,000 records
it uses every pair on both engines.

Skipped where pyspark or Java is missing, except in CI (``CI`` set), where the
set-up installs both and a skip would hide a broken backend.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from linkage_support import current_persons, pairs_of
from sqlalchemy import select

from habeas.demo import load_case
from habeas.linkage import backend as backends
from habeas.linkage import link, training
from habeas.linkage import spark as spark_engine
from habeas.linkage.features import load_features
from habeas.linkage.run import latest_model, store_model
from habeas.store.db import Store
from habeas.store.schema_linkage import ScoredPair
from habeas.workspace import init_workspace

pytestmark = [pytest.mark.xdist_group("spark")]
#: Set by the environment (read before any session starts: a local session sets it).
GIVEN_PYSPARK_PYTHON = os.environ.get("PYSPARK_PYTHON")


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if spark_engine._java() is None:
        return "no Java runtime"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    missing = _spark_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the Spark linkage test must run in CI: {missing}")
        pytest.skip(missing)
    os.environ.setdefault("HABEAS_SPARK_MASTER", "local[2]")
    os.environ.setdefault("HABEAS_SPARK_SHUFFLE_PARTITIONS", "2")
    os.environ.setdefault("HABEAS_SPARK_DRIVER_MEMORY", "1g")
    spark_engine.spark_session()
    yield
    spark_engine.stop_spark()


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    from habeas.synth import generate_case

    root = tmp_path_factory.mktemp("spark")
    case = generate_case(root / "case", persons=60, seed=7)
    made = []
    for name in ("duckdb", "spark"):  # the same import twice: the same record ids
        store = Store.open(init_workspace(root / name), create=True)
        load_case(store, case)
        made.append(store)
    yield made[0], made[1]
    for store in made:
        store.close()


def _pairs(store: Store) -> pd.DataFrame:
    with store.read() as s:
        rows = s.execute(
            select(
                ScoredPair.record_a,
                ScoredPair.record_b,
                ScoredPair.status,
                ScoredPair.reason,
                ScoredPair.match_weight,
            )
        ).all()
    frame = pd.DataFrame(rows, columns=["a", "b", "status", "reason", "weight"])
    return frame.sort_values(["a", "b"]).reset_index(drop=True)


def test_spark_links_as_duckdb_does(spark: None, stores: tuple[Store, Store]) -> None:
    on_duckdb, on_spark = stores
    trained = link(on_duckdb, backend="duckdb")
    saved = latest_model(on_duckdb)
    assert saved is not None and trained.trained
    store_model(on_spark, saved[0])
    report = link(on_spark, backend="spark")
    assert not report.trained and report.kind == "full"
    assert report.pairs_scored == trained.pairs_scored > 0
    assert (report.persons, report.auto_links, report.queued) == (
        trained.persons,
        trained.auto_links,
        trained.queued,
    )
    # Record ids are the same in both copies: the same persons, pair for pair.
    assert pairs_of(dict(current_persons(on_spark))) == pairs_of(dict(current_persons(on_duckdb)))
    ours, theirs = _pairs(on_spark), _pairs(on_duckdb)
    assert ours[["a", "b", "status", "reason"]].equals(theirs[["a", "b", "status", "reason"]])
    assert (ours["weight"] - theirs["weight"]).abs().max() < 1e-9
    assert on_spark.verify_log().ok


def test_spark_gives_em_the_same_comparison_patterns(
    spark: None, stores: tuple[Store, Store]
) -> None:
    frame = load_features(stores[0])
    model = training.default_model(len(frame))

    def patterns(backend: str) -> pd.DataFrame:
        out = training.comparison_patterns(frame, model, None, backend=backend)
        gammas = [c for c in out.columns if c.startswith("gamma_")]
        out = out.astype("int64")
        return out.sort_values(gammas).reset_index(drop=True)

    duckdb, spark_patterns = patterns("duckdb"), patterns("spark")
    assert len(duckdb) > 10
    pd.testing.assert_frame_equal(spark_patterns, duckdb)


def test_scoring_computes_each_comparison_once(spark: None, stores: tuple[Store, Store]) -> None:
    """Scoring above a threshold compares each pair once: the threshold on the match weight
    stays above the projection of the comparison levels (the fence, see
    ``habeas.linkage.spark.spark_settings``), not rewritten into the levels' expressions
    and pushed into the join (each comparison copied once per level of its weight,
    hundreds of Jaro-Winkler calls per pair), and the predictions are not cached (habeas
    reads them once)."""
    from splink.internals.misc import prob_to_match_weight

    import habeas.linkage.model as mdl

    frame = load_features(stores[0])
    model = training.default_model(len(frame))
    api = mdl.make_db_api("spark", records=len(frame))
    made = backends.linker(
        api, backends.register_records(api, mdl.splink_frame(frame), "records"), model
    )
    conditions = " ".join(
        level["sql_condition"]
        for comparison in spark_engine.spark_settings(model)["comparisons"]
        for level in comparison["comparison_levels"]
    ).lower()
    in_model = conditions.count("jaro_winkler(")
    scored = made.inference.predict_chunk(
        left_chunk=(1, 1), right_chunk=(1, 1), threshold_match_probability=0.01
    )
    query = api._execute_sql_against_backend(f"SELECT * FROM {scored.physical_name}")
    plan = query._jdf.queryExecution().executedPlan().toString()
    assert in_model > 5
    assert plan.lower().count("jaro_winkler(") == in_model
    assert "InMemoryRelation" not in plan.splitlines()[1]
    # The threshold is applied: the same pairs as filtering the unthresholded scores.
    kept = query.count()
    everything = made.inference.predict_chunk(left_chunk=(1, 1), right_chunk=(1, 1))
    weight = repr(prob_to_match_weight(0.01))  # Splink's threshold, as a match weight
    above = api._execute_sql_against_backend(
        f"SELECT * FROM {everything.physical_name} WHERE match_weight >= {weight}"
    )
    total = api._execute_sql_against_backend(f"SELECT * FROM {everything.physical_name}")
    assert 0 < kept == above.count() < total.count()


def test_incremental_scoring_on_spark_as_duckdb(spark: None, stores: tuple[Store, Store]) -> None:
    """New records scored against the others (Splink's predict_between and predict_within,
    with a threshold) give DuckDB's pairs and weights on Spark too: the translated model's
    non-deterministic fence is accepted wherever Splink puts the comparisons."""
    import habeas.linkage.model as mdl

    frame = load_features(stores[0])
    model = training.default_model(len(frame))
    new = set(frame["unique_id"].iloc[-len(frame) // 3 :].tolist())
    on = {
        backend: mdl.predict_new(frame, new, model, backend=backend, threshold=0.01)
        .sort_values(["record_a", "record_b"])
        .reset_index(drop=True)
        for backend in ("duckdb", "spark")
    }
    assert len(on["duckdb"]) > 10
    assert on["spark"][["record_a", "record_b"]].equals(on["duckdb"][["record_a", "record_b"]])
    assert (on["spark"]["match_weight"] - on["duckdb"]["match_weight"]).abs().max() < 1e-9


def test_local_python_workers_run_habeas_interpreter(spark: None) -> None:
    """Spark's Python workers on a local session run the interpreter habeas runs in (with
    its packages), not whichever ``python3`` comes first on PATH."""
    if GIVEN_PYSPARK_PYTHON:
        pytest.skip("PYSPARK_PYTHON chooses the workers' Python here")
    session = spark_engine.spark_session()
    seen = session.sparkContext.parallelize([0], 1).map(lambda _: sys.executable).collect()
    assert seen == [sys.executable]


def test_translated_model_uses_spark_functions() -> None:
    settings = spark_engine.spark_settings(training.default_model())
    conditions = " ".join(
        level["sql_condition"]
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
    ).lower()
    assert "jaro_winkler(" in conditions and "jaro_winkler_similarity" not in conditions
    assert "hamming(" not in conditions and "list_intersect" not in conditions
    # DuckDB's list_has_any (sqlglot writes it ``&&``, which Spark does not read)
    assert "arrays_overlap(given_keys_l, given_keys_r)" in conditions and "&&" not in conditions
    assert "size(filter(sequence(1, length(given1_l)), pos ->" in conditions
    assert '"' not in conditions  # DuckDB's quoted identifiers are strings in Spark
    first = settings["comparisons"][0]["comparison_levels"][0]["sql_condition"]
    assert first.endswith(f") AND {spark_engine.SPARK_FENCE}")
    assert conditions.count(spark_engine.SPARK_FENCE) == 1
    assert settings["sql_dialect"] == "spark"


@pytest.mark.parametrize(
    ("lang", "pyspark_text", "java_text"),
    [
        ("en", "needs the pyspark package", "could not start Java"),
        ("es", "necesita el paquete pyspark", "no pudo iniciar Java"),
    ],
)
def test_cli_says_what_spark_lacks(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    lang: str,
    pyspark_text: str,
    java_text: str,
) -> None:
    """No pyspark, or no Java: a translated error that says how to fix it, nothing written."""
    from habeas.cli.main import main

    ws = tmp_path / "ws"
    workspace = init_workspace(ws)
    Store.open(workspace, create=True).close()
    monkeypatch.setattr(spark_engine, "_SESSION", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import pyspark.sql fails
    assert main(["--lang", lang, "link", "--backend", "spark", "--workspace", str(ws)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert pyspark_text in err and "habeas[spark]" in err and "--backend duckdb" in err
    monkeypatch.delitem(sys.modules, "pyspark.sql")
    if _spark_missing() == "pyspark is not installed":
        return
    monkeypatch.setattr(spark_engine, "_java", lambda: None)
    monkeypatch.setattr("pyspark.sql.SparkSession.getActiveSession", staticmethod(lambda: None))
    assert main(["--lang", lang, "link", "--backend", "spark", "--workspace", str(ws)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert java_text in err and "JAVA_HOME" in err
    store = Store.open(workspace)
    try:
        assert latest_model(store) is None  # nothing was linked or written
    finally:
        store.close()

"""Splink on Spark: the model translated to Spark SQL, the session, typed frames.

:mod:`habeas.linkage.backend` is the seam both engines share; this module is what
Spark alone needs:

* :func:`spark_settings` translates a model written in DuckDB SQL to Spark SQL
  (function names as Splink's similarity jar gives them, and a fence that keeps
  Spark's optimizer from copying every comparison into the join, see its doc);
* :func:`spark_session` is the running session (``spark-submit``) or a new one built
  from the ``HABEAS_SPARK_*`` environment variables (``docs/deploy.md``), with
  Splink's similarity jar on its class path; :func:`stop_spark` stops the one habeas
  started;
* :func:`spark_api` is Splink's Spark API for that session, registering pandas frames
  with explicit column types (:func:`arrow_table`) and term frequencies as lookups.

Needs ``pyspark`` (``pip install 'habeas[spark]'``) and Java 17 or newer; without them
:class:`habeas.linkage.backend.BackendUnavailable` says which is missing.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from habeas.linkage.backend import BackendUnavailable

# --- translating the model ----------------------------------------------------------------------

#: DuckDB functions the model uses → their Spark name (Splink's UDF jar supplies them).
_RENAMED = {
    "jaro_winkler_similarity": "jaro_winkler",
    "damerau_levenshtein": "damerau_levenshtein",
    "list_intersect": "array_intersect",
}


def _hamming(a: exp.Expression, b: exp.Expression) -> Any:
    """DuckDB's ``hamming(a, b)`` (differing positions of two equal-length strings) in Spark SQL."""
    x, y = a.sql("spark"), b.sql("spark")
    tree: Any = sqlglot.parse_one(
        f"CASE WHEN {x} IS NULL OR {y} IS NULL THEN NULL ELSE size(filter(sequence(1, "
        f"length({x})), pos -> substr({x}, pos, 1) <> substr({y}, pos, 1))) END",
        read="spark",
    )
    return tree


def _to_spark(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(this="jaro_winkler", expressions=[node.this, node.expression])
    if isinstance(node, exp.ArrayOverlaps):  # DuckDB's list_has_any
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this, node.expression])
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        if name == "hamming":
            return _hamming(*node.expressions)
        if name in _RENAMED:
            return exp.Anonymous(this=_RENAMED[name], expressions=node.expressions)
    return node


def spark_sql(condition: str) -> str:
    """One condition of the model, DuckDB SQL → Spark SQL (functions as Splink's jar names them)."""
    tree = sqlglot.parse_one(condition, read="duckdb")
    return tree.transform(_to_spark).sql("spark")


#: An always-true, non-deterministic condition (see :func:`spark_settings`).
SPARK_FENCE = "spark_partition_id() >= 0"


def spark_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of the Splink settings dict with every SQL condition in Spark SQL.

    The first level of the first comparison also gets ``AND`` :data:`SPARK_FENCE`:
    a condition that is always true but not deterministic, so the projection that
    computes the comparison levels (``gamma_*``) is not deterministic either, and
    Spark's optimizer neither pushes a filter through it nor merges it into the
    projections above. Without it, a threshold on the match weight (scoring keeps
    the pairs above the review floor) is rewritten in terms of the levels' own
    expressions and pushed into the join of the blocked pairs with the records:
    every comparison's CASE copied once per level of its weight's CASE (366
    ``jaro_winkler`` calls in the plan instead of 7 on the default model), and
    evaluated that many times for every blocked pair. Levels keep their values
    (the fence is true on every row).
    """
    out = {**settings, "sql_dialect": "spark"}
    if settings.get("sql_dialect", "duckdb") != "duckdb":
        return out
    out["comparisons"] = [
        {
            **comparison,
            "comparison_levels": [
                {**level, "sql_condition": spark_sql(level["sql_condition"])}
                if level.get("sql_condition", "ELSE") != "ELSE"
                else dict(level)
                for level in comparison["comparison_levels"]
            ],
        }
        for comparison in settings.get("comparisons", [])
    ]
    for level in (out["comparisons"] or [{"comparison_levels": []}])[0]["comparison_levels"][:1]:
        if level.get("sql_condition", "ELSE") != "ELSE":
            level["sql_condition"] = f"({level['sql_condition']}) AND {SPARK_FENCE}"
    out["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": spark_sql(rule["blocking_rule"]), "sql_dialect": "spark"}
        if isinstance(rule, dict)
        else spark_sql(rule)
        for rule in settings.get("blocking_rules_to_generate_predictions", [])
    ]
    return out


# --- the Spark session --------------------------------------------------------------------------

_SESSION: Any = None
_NAMES = itertools.count(1)


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def spark_session() -> Any:
    """The running Spark session, or a new one configured from ``HABEAS_SPARK_*``.

    ``HABEAS_SPARK_MASTER`` (default ``local[*]``), ``HABEAS_SPARK_DRIVER_MEMORY``
    (default ``4g``), ``HABEAS_SPARK_SHUFFLE_PARTITIONS`` (default 8 locally, Spark's
    own on a cluster); ``HABEAS_SPARK_CONF``: any other settings, ``key=value;…``.
    Splink's similarity jar is added to ``spark.jars``. Under
    ``spark-submit`` its own ``--master``, ``--driver-memory`` and ``--jars`` apply.
    """
    global _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise BackendUnavailable("spark", "pyspark", str(exc)) from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        _SESSION = active
        return active
    if _SESSION is not None:
        return _SESSION
    if _java() is None:
        raise BackendUnavailable("spark", "java", "no java on PATH and no JAVA_HOME")
    from splink.backends.spark import similarity_jar_location

    # Under spark-submit (it hands Python a running JVM) the master, memory and jars
    # are spark-submit's own (--master, --driver-memory, --jars).
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = os.environ.get("HABEAS_SPARK_MASTER") or (None if submitted else "local[*]")
    builder = SparkSession.builder.appName("habeas-linkage")
    if master:
        builder = builder.master(master)
    if not submitted:
        builder = builder.config("spark.jars", similarity_jar_location()).config(
            "spark.driver.memory", os.environ.get("HABEAS_SPARK_DRIVER_MEMORY", "4g")
        )
    builder = (
        builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if (master or "").startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
        # Python workers (started for some of Spark's own conversions) run this
        # interpreter: pyspark otherwise starts ``python3`` from PATH, another Python
        # than habeas' own when habeas runs in a virtualenv. pyspark reads only the
        # variable (``spark.pyspark.python`` is spark-submit's).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    partitions = os.environ.get("HABEAS_SPARK_SHUFFLE_PARTITIONS") or (
        "8" if (master or "").startswith("local") else None
    )
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", partitions)
    for setting in os.environ.get("HABEAS_SPARK_CONF", "").split(";"):
        key, _, value = setting.partition("=")
        if key.strip():
            builder = builder.config(key.strip(), value.strip())
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - Spark's own error says why the JVM did not start
        raise BackendUnavailable("spark", "java", f"{type(exc).__name__}: {exc}") from exc
    session.sparkContext.setLogLevel("ERROR")
    _SESSION = session
    return session


def stop_spark() -> None:
    """Stop the Spark session habeas started (a no-op when it started none)."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None


def spark_api() -> Any:
    """Splink's Spark API on :func:`spark_session` (refused when Splink's jar is missing)."""
    session = spark_session()
    checkpoints = os.environ.get("HABEAS_SPARK_CHECKPOINT_DIR")
    if checkpoints:
        session.sparkContext.setCheckpointDir(checkpoints)
        method = "parquet"
    else:
        # Locally, intermediate tables stay in Spark's memory (spilling to disk).
        method = "persist"
    api = _HabeasSparkAPI(
        spark_session=session,
        break_lineage_method=method,
        num_partitions_on_repartition=int(session.conf.get("spark.sql.shuffle.partitions")),
    )
    try:  # Splink registered its UDFs only if the jar is on the session's class path
        session.sql("SELECT jaro_winkler('ab', 'ab')").collect()
    except Exception as exc:  # noqa: BLE001 - Spark's error names the missing function
        raise BackendUnavailable("spark", "jar", f"{type(exc).__name__}: {exc}") from exc
    return api


#: The feature columns that hold lists (:mod:`habeas.linkage.features`): typed as such even
#: when every value is null (a register with no residence has no ``res_keys``).
ARRAY_COLUMNS = frozenset(
    {"given_keys", "given_all", "name_keys", "dob_keys", "typo_keys", "res_keys"}
)


def _arrow_type(name: str, values: pd.Series) -> Any:
    import pyarrow as pa

    if name in ARRAY_COLUMNS:
        return pa.list_(pa.string())
    if pd.api.types.is_bool_dtype(values):
        return pa.bool_()
    if pd.api.types.is_integer_dtype(values):
        return pa.int64()
    if pd.api.types.is_float_dtype(values):
        return pa.float64()
    return pa.string()


def arrow_table(frame: pd.DataFrame) -> Any:
    """``frame`` as an Arrow table with a type for every column (all-null ones as strings).

    Spark cannot infer a type from a column of nulls (a list with no DUI, say);
    DuckDB reads the same frame with the same types.
    """
    import pyarrow as pa

    columns = {}
    for name in frame.columns:
        kind = _arrow_type(name, frame[name])
        values = frame[name]
        if pa.types.is_list(kind):
            values = values.map(lambda v: None if v is None else [str(x) for x in v])
        elif kind == pa.string():
            values = values.astype("object").where(values.notna(), None)
        columns[name] = pa.array(values.tolist(), type=kind, from_pandas=True)
    return pa.table(columns)


def _make_api_class() -> Any:
    from splink.backends.spark import SparkAPI

    class HabeasSparkAPI(SparkAPI):
        """Splink's Spark API, registering pandas frames with explicit column types.

        Temporary views live as long as the session, which outlives one API (each
        step of a run makes its own, as with DuckDB): every registered name gets a
        unique suffix.
        """

        tf_lookups: dict[str, dict[str, pd.DataFrame]]

        def register(self, table: Any, **kwargs: Any) -> Any:
            name = kwargs.get("dataset_display_name")
            if name is not None and not isinstance(table, str):
                kwargs["dataset_display_name"] = f"{name}_{next(_NAMES)}"
            lookups = {}
            if isinstance(table, pd.DataFrame) and "unique_id" in table:  # records
                tf = [c for c in table.columns if c.startswith("tf_") and c[3:] in table]
                lookups = {
                    c[3:]: table[[c[3:], c]].dropna().drop_duplicates(c[3:]).reset_index(drop=True)
                    for c in tf
                }
                table = table.drop(columns=tf)
            sdf = super().register(table, **kwargs)
            if lookups:
                if not hasattr(self, "tf_lookups"):
                    self.tf_lookups = {}
                self.tf_lookups[sdf.physical_name] = lookups
            return sdf

        def _break_lineage_and_repartition(
            self, spark_df: Any, templated_name: str, physical_name: str
        ) -> Any:
            """Splink's caching and repartitioning of its tables, except the predictions:
            habeas reads a prediction table once (scores kept above a threshold,
            pattern counts), so caching it would store every blocked pair with all its
            columns, and the round-robin repartition before the cache shuffles them all."""
            if templated_name == "__splink__df_predict":
                return spark_df
            return super()._break_lineage_and_repartition(spark_df, templated_name, physical_name)

        def _table_registration(self, input: Any, table_name: str) -> None:
            if isinstance(input, pd.DataFrame):
                input = self.spark.createDataFrame(arrow_table(input))
            super()._table_registration(input, table_name)

    return HabeasSparkAPI


class _Lazy:
    """Defers importing pyspark until a Spark API is asked for."""

    cls: Any = None

    def __call__(self, **kwargs: Any) -> Any:
        if self.cls is None:
            self.cls = _make_api_class()
        return self.cls(**kwargs)


_HabeasSparkAPI = _Lazy()

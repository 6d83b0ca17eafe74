"""Where Splink runs: DuckDB in this process (the default) or Spark (a local or remote cluster).

Everything else in :mod:`habeas.linkage` is the same for both: the features are
computed here in Python, the model (comparisons, blocking rules, m and u) is one
Splink JSON dict written in DuckDB SQL, EM runs here over the comparison patterns,
and records are read from and links written to the store by habeas. Only the
SQL engine differs, and this module is the seam:

* :func:`db_api` returns Splink's database API for a backend name;
* :func:`linker` builds a Splink linker for a model; on Spark it first
  translates the model's SQL from DuckDB to Spark (:func:`spark_settings`), so
  both engines run the same model;
* :func:`predictions` scores the blocked pairs in chunks of records and brings
  back only the columns and rows habeas reads.

DuckDB runs with a memory limit (:data:`DUCKDB_MEMORY_LIMIT`, or
``HABEAS_DUCKDB_MEMORY_LIMIT``) and spills past it to a temporary directory
(``HABEAS_DUCKDB_TEMP_DIR``, else the system's): a million records block into
tens of millions of candidate pairs, and without a limit DuckDB takes up to 80 %
of the machine's memory for them.

Spark needs ``pyspark`` (``pip install 'habeas[spark]'``) and Java 17 or newer.
The session is the running one (``spark-submit``) or a new one built from the
``HABEAS_SPARK_*`` environment variables (see ``docs/deploy.md``), with
Splink's similarity UDF jar (Jaro-Winkler, Damerau-Levenshtein) on its class path.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from habeas.errors import HabeasError

BACKENDS = ("duckdb", "spark")
#: DuckDB's memory for one linkage step; past it DuckDB spills to disk.
DUCKDB_MEMORY_LIMIT = "1GB"
#: Registers below this many records run DuckDB on one thread: a second costs more CPU
#: (its start-up, the work split and merged) than it saves on their small tables.
SMALL_REGISTER = 200_000
#: Records whose pairs are scored at once (the left side of a chunk, see :func:`predictions`).
#: Up to this many, DuckDB scores every pair in one pass (:mod:`habeas.linkage.stream`).
PREDICT_CHUNK_RECORDS = 250_000
#: The columns of Splink's predictions habeas reads (scores and per-comparison weights).
PREDICTION_COLUMNS = re.compile(r"unique_id_[lr]|match_weight|match_probability|mw_\w+")


class BackendUnavailable(HabeasError):
    """The linkage backend cannot run here: ``missing`` says what is missing.

    ``missing`` is ``"pyspark"`` (the Python package), ``"java"`` (a Java runtime
    to start Spark with) or ``"jar"`` (Splink's similarity UDF jar is not on the
    session's class path: a session started without it); faces say how to fix it.
    """

    def __init__(self, backend: str, missing: str, detail: str = "") -> None:
        self.backend = backend
        self.missing = missing
        super().__init__(
            f"The {backend} linkage backend needs {missing}, which is not available"
            + (f": {detail}" if detail else ".")
        )


def db_api(backend: str = "duckdb", *, records: int | None = None) -> Any:
    """Splink's database API for ``backend`` (``duckdb`` or ``spark``); ``records``, the
    register's size where known (DuckDB runs one thread under :data:`SMALL_REGISTER`)."""
    if backend == "duckdb":
        return _duckdb_api(threads=1 if records is not None and records < SMALL_REGISTER else None)
    if backend == "spark":
        return _spark_api()
    raise ValueError(f"unknown linkage backend {backend!r} (use one of {', '.join(BACKENDS)})")


_TEMP_DIRS = itertools.count(1)


def _duckdb_api(threads: int | None = None) -> Any:
    """Splink's DuckDB API on an in-memory database with a memory limit and a spill directory
    (and ``threads`` threads, else DuckDB's default: one per core).

    The directory is one DuckDB creates for this connection and removes when it closes.
    """
    import duckdb
    from splink import DuckDBAPI

    base = os.environ.get("HABEAS_DUCKDB_TEMP_DIR") or tempfile.gettempdir()
    spill = os.path.join(base, f"habeas-duckdb-{os.getpid()}-{next(_TEMP_DIRS)}")
    config: dict[str, Any] = {
        "memory_limit": os.environ.get("HABEAS_DUCKDB_MEMORY_LIMIT") or DUCKDB_MEMORY_LIMIT,
        "temp_directory": spill,
    }
    if threads is not None:
        config["threads"] = threads
    connection = duckdb.connect(":memory:", config=config)
    return DuckDBAPI(connection=connection)


def register_records(api: Any, frame: pd.DataFrame, name: str) -> Any:
    """``frame`` as a Splink input table named ``name``.

    On DuckDB the frame is copied into a table of the database once: registered as
    a view, DuckDB would convert the pandas columns (lists of keys among them) again
    on every scan, and scoring in chunks (:func:`predictions`) scans it several times
    per chunk. The copy lives under DuckDB's memory limit.
    """
    if _is_spark(api):
        return api.register(frame, dataset_display_name=name)
    view, table = f"habeas_{name}_frame", f"habeas_{name}"
    api._con.register(view, frame)
    try:
        api._con.execute(f"CREATE TABLE {table} AS SELECT * FROM {view}")
    finally:
        api._con.unregister(view)
    return api.register(table, dataset_display_name=name)


def predictions(
    api: Any,
    made: Any,
    records: int,
    *,
    threshold: float,
    where: str | None = None,
    chunk_records: int | None = None,
    each: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The linker's scored pairs at or above ``threshold`` (and ``where``, SQL on them), as pandas.

    Only the ids, scores and per-comparison weights (:data:`PREDICTION_COLUMNS`) leave
    the engine. On DuckDB the pairs are scored for ``chunk_records`` records at a time
    (:data:`PREDICT_CHUNK_RECORDS`; every pair once: the lower id's chunk), each chunk's
    table dropped once read, ``each`` applied to every chunk as it arrives (before the
    chunks are put together); a register of one chunk is scored in one pass and read in
    batches (:mod:`habeas.linkage.stream`), each batch passed through ``each``. Spark is
    given the whole job at once.
    """
    size = max(1, chunk_records or PREDICT_CHUNK_RECORDS)
    chunks = 1 if _is_spark(api) else max(1, math.ceil(records / size))
    if chunks == 1 and not _is_spark(api):
        from habeas.linkage import stream

        return stream.predictions(
            api, made, PREDICTION_COLUMNS, threshold=threshold, where=where, each=each
        )
    parts = []
    for i in range(1, chunks + 1):
        scored = made.inference.predict_chunk(
            left_chunk=(i, chunks),
            right_chunk=(1, 1),
            threshold_match_probability=threshold,
            warning_mode="never",
        )
        names = [c.unquote().name for c in scored.columns]
        wanted = ", ".join(n for n in names if PREDICTION_COLUMNS.fullmatch(n))
        sql = f"SELECT {wanted} FROM {scored.physical_name}" + (f" WHERE {where}" if where else "")
        result = api._execute_sql_against_backend(sql)
        part = result.toPandas() if _is_spark(api) else result.df()
        scored.drop_table_from_database_and_remove_from_cache()
        parts.append(each(part) if each is not None else part)
        del part, result
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def linker(api: Any, sdfs: Any, settings: Any) -> Any:
    """A Splink linker for ``settings`` (a model dict or a ``SettingsCreator``) on ``api``.

    Settings validation is skipped (see :func:`habeas.linkage.model._linker`); on
    Spark the model's DuckDB SQL is translated first.
    """
    from splink import Linker

    if isinstance(settings, dict):
        settings = {k: v for k, v in settings.items() if not k.startswith("habeas_")}
    if not _is_spark(api):
        return Linker(sdfs, settings, log_level=None, validate_settings=False)
    if not isinstance(settings, dict):
        settings = settings.get_settings("duckdb").as_dict()
    made = Linker(sdfs, spark_settings(settings), log_level=None, validate_settings=False)
    # The frame's term frequencies (tf_* columns, over the whole register) become lookup
    # tables: DuckDB reads the columns themselves, Spark would join its own on top.
    for sdf in sdfs if isinstance(sdfs, list | tuple) else [sdfs]:
        for column, lookup in getattr(api, "tf_lookups", {}).get(sdf.physical_name, {}).items():
            made.table_management.register_term_frequency_lookup(
                api.register(lookup, dataset_display_name=f"tf_{column}"), column
            )
    return made


def is_spark(api: Any) -> bool:
    """``api`` is Splink's Spark API (else DuckDB's)."""
    return _is_spark(api)


def _is_spark(api: Any) -> bool:
    return getattr(getattr(api, "sql_dialect", None), "sql_dialect_str", "") == "spark"


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


def _spark_api() -> Any:
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

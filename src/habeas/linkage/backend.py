"""Where Splink runs: DuckDB in this process (the default) or Spark (a local or remote cluster).

Everything else in :mod:`habeas.linkage` is the same for both: the features are
computed here in Python, the model (comparisons, blocking rules, m and u) is one
Splink JSON dict written in DuckDB SQL, EM runs here over the comparison patterns,
and records are read from and links written to the store by habeas. Only the
SQL engine differs, and this module is the seam:

* :func:`db_api` returns Splink's database API for a backend name;
* :func:`linker` builds a Splink linker for a model; on Spark it first
  translates the model's SQL from DuckDB to Spark
  (:func:`habeas.linkage.spark.spark_settings`), so
  both engines run the same model;
* :func:`predictions` scores the blocked pairs in chunks of records and brings
  back only the columns and rows habeas reads.

DuckDB runs with a memory limit (:data:`DUCKDB_MEMORY_LIMIT`, or
``HABEAS_DUCKDB_MEMORY_LIMIT``) and spills past it to a temporary directory
(``HABEAS_DUCKDB_TEMP_DIR``, else the system's): a million records block into
tens of millions of candidate pairs, and without a limit DuckDB takes up to 80 %
of the machine's memory for them.

What Spark alone needs (the model in Spark SQL, the session, typed frames) is
:mod:`habeas.linkage.spark`, imported only when Spark is asked for.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import tempfile
from collections.abc import Callable
from typing import Any

import pandas as pd

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
        from habeas.linkage.spark import spark_api

        return spark_api()
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
    from habeas.linkage.spark import spark_settings

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

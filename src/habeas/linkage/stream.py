"""Scoring on DuckDB in one pass, the scored pairs streamed into pandas in batches.

Splink scores pairs with one SQL pipeline: blocking (the candidate pairs of every
blocking rule, once each), the comparison levels of every candidate pair, their match
weights, and the pairs at or above a threshold. Run through Splink's API, the last
step is a table in the engine holding every column of every pair kept (each comparison's
level, Bayes factors and term frequencies: some sixty columns) before habeas reads the
dozen it needs (:data:`habeas.linkage.backend.PREDICTION_COLUMNS`).

Here the pipeline's final query is not materialised: habeas selects its columns from it
and reads the result as DuckDB produces it, :data:`FETCH_BATCH_ROWS` pairs at a time,
each batch handed to ``each`` (tidied and given its cautions) as it arrives, so the
pandas side holds the batches it has finished and one raw batch, never the whole raw
result twice.

The blocking is done once for all the records given: the caller
(:func:`habeas.linkage.backend.predictions`) takes this path for a register of one chunk
(:data:`habeas.linkage.backend.PREDICT_CHUNK_RECORDS`). Scoring in chunks repeats, for
every chunk, the explosion of every record's blocking keys and the join against all of
them (201,026 records, run side by side: 38.5 CPU s in 4 chunks, 29.6 in one pass, the
same pairs), but one pass over a million records does not fit DuckDB's memory limit
(1 GB): the grouping of some 35 million candidate pairs ran out of memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

#: Scored pairs read into pandas at a time (rounded up to DuckDB's vectors of 2,048 rows).
FETCH_BATCH_ROWS = 500_000
_VECTOR = 2048


def fetch_scored(
    api: Any,
    sql: str,
    wanted: re.Pattern[str],
    *,
    where: str | None = None,
    each: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The columns of ``sql``'s result matching ``wanted`` (the rows meeting ``where``), read
    in batches of :data:`FETCH_BATCH_ROWS` and each passed through ``each``, put together."""
    connection = api._con
    names = [n for n in connection.sql(sql).columns if wanted.fullmatch(n)]
    columns = ", ".join(f'"{n}"' for n in names)
    query = f"SELECT {columns} FROM ({sql}) AS scored" + (f" WHERE {where}" if where else "")
    result = connection.execute(query)
    vectors = max(1, -(-FETCH_BATCH_ROWS // _VECTOR))
    parts: list[pd.DataFrame] = []
    while True:
        part = result.fetch_df_chunk(vectors)
        if len(part) or not parts:  # an empty result still gives its columns
            parts.append(each(part) if each is not None else part)
        if not len(part):
            break
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def predictions(
    api: Any,
    made: Any,
    wanted: re.Pattern[str],
    *,
    threshold: float | None,
    where: str | None = None,
    each: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every blocked pair of ``made`` (a Splink linker on DuckDB) scored at or above
    ``threshold``, in one pass (module doc): the pairs and the SQL of
    ``made.inference.predict()``, read through :func:`fetch_scored`."""
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    from habeas.linkage.vectors import comparison_vector_sqls

    blocked, cached = made.inference._get_or_compute_blocked_pairs_for_predict_chunk(
        left_chunk=(1, 1), right_chunk=(1, 1)
    )
    try:
        pipeline = CTEPipeline([blocked])
        enqueue_df_concat_with_tf(made, pipeline)
        pipeline.enqueue_list_of_sqls(comparison_vector_sqls(made))
        pipeline.enqueue_list_of_sqls(
            predict_from_comparison_vectors_sqls_using_settings(made._settings_obj, threshold)
        )
        return fetch_scored(
            api, pipeline.generate_cte_pipeline_sql(), wanted, where=where, each=each
        )
    finally:
        if not cached:
            blocked.drop_table_from_database_and_remove_from_cache()

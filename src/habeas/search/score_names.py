"""How the names of a find-a-person query agree with a record's names.

The string metrics (optimal-string-alignment distance, typos), the agreement level of
one surname or given name against another (:func:`surname_level`, :func:`given_level`),
and the weight of all the query's surnames (:func:`score_surnames`) and given names
(:func:`score_given`) against a record's, each query name matched to at most one record
name. The weights and the levels they stand for are :data:`habeas.search.reasons.WEIGHTS`
(see :mod:`habeas.search.score` for the table); :class:`habeas.search.score.QueryScorer`
adds the date of birth, nationality and identifiers.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from habeas.domain.names import PARTICLES
from habeas.domain.nicknames import given_name_keys, nickname_table
from habeas.search.keys import surname_keys
from habeas.search.reasons import WEIGHTS, Reason

if TYPE_CHECKING:
    from habeas.search.score import SearchQuery


# --------------------------------------------------------------------------- string metrics


@lru_cache(maxsize=262144)
def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein, adjacent transpositions)."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if abs(la - lb) > 2:
        return abs(la - lb)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        for j in range(1, lb + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return prev[lb]


def is_typo(a: str, b: str) -> bool:
    """One edit apart (names of 4+ letters) or two (8+ letters)."""
    n = min(len(a), len(b))
    if n < 4:
        return False
    return osa_distance(a, b) <= (2 if n >= 8 else 1)


def _compact(s: str) -> str:
    return s.replace(" ", "")


def _head(s: str) -> str:
    words = [w for w in s.split() if w not in PARTICLES] or s.split()
    return " ".join(words)


def title(s: str) -> str:
    return " ".join(w if w in PARTICLES else w.capitalize() for w in s.split())


# --------------------------------------------------------------------------- levels


@lru_cache(maxsize=262144)
def surname_level(q: str, r: str) -> str | None:
    """exact | phonetic | typo | None for two folded surnames."""
    if q == r or _compact(q) == _compact(r) or _head(q) == _head(r):
        return "exact"
    if surname_keys(q) & surname_keys(r):
        return "phonetic"
    if is_typo(_compact(q), _compact(r)) or is_typo(_head(q), _head(r)):
        return "typo"
    return None


@lru_cache(maxsize=262144)
def given_level(q: str, r: str) -> str | None:
    """exact | nickname | variant | phonetic | typo | initial | None for two given names."""
    if q == r:
        return "exact"
    if len(q) == 1 or len(r) == 1:
        return "initial" if q[0] == r[0] else None
    kq, kr = given_name_keys(q), given_name_keys(r)
    common = kq & kr
    if common:
        if any(k[0] not in "#~" for k in common):
            return "nickname"
        if any(k[0] == "~" for k in common):
            return "variant"
        return "phonetic"
    if is_typo(q, r):
        return "typo"
    return None


# --------------------------------------------------------------------------- the scorer


def _best_assignment(
    qs: Sequence[str], rs: Sequence[str], level_of: Any, weight_of: dict[str, float]
) -> list[tuple[int, int, str]]:
    """The matching of query tokens to record tokens with the largest total weight."""
    pairs = [
        (i, j, lv)
        for i, q in enumerate(qs)
        for j, r in enumerate(rs)
        if (lv := level_of(q, r)) is not None
    ]
    if len(pairs) < 2:
        return pairs
    n = min(len(qs), len(rs))
    if n == 1:  # one pair at most: the heaviest (the first of equals)
        return [max(pairs, key=lambda p: weight_of[p[2]] - 0.01 * abs(p[0] - p[1]))]
    best: list[tuple[int, int, str]] = []
    best_w = -1.0
    for k in range(n, 0, -1):
        for combo in itertools.combinations(pairs, k):
            if len({p[0] for p in combo}) < k or len({p[1] for p in combo}) < k:
                continue
            w = sum(weight_of[p[2]] for p in combo) - 0.01 * sum(abs(p[0] - p[1]) for p in combo)
            if w > best_w:
                best, best_w = list(combo), w
        if best:
            break
    return sorted(best)


_SURNAME_W = {
    "exact": WEIGHTS["surname_exact"],
    "phonetic": WEIGHTS["surname_phonetic"],
    "typo": WEIGHTS["surname_typo"],
}
_GIVEN_W = {
    "exact": WEIGHTS["given_exact"],
    "nickname": WEIGHTS["given_nickname"],
    "variant": WEIGHTS["given_variant"],
    "phonetic": WEIGHTS["given_phonetic"],
    "typo": WEIGHTS["given_typo"],
    "initial": WEIGHTS["given_initial"],
}


def _q(written: Sequence[str], folded: Sequence[str], i: int) -> str:
    return written[i] if i < len(written) and written[i] else title(folded[i])


#: a matching of query tokens to record tokens: (query index, record index, level)
Matches = tuple[tuple[int, int, str], ...]


def score_surnames(
    query: SearchQuery,
    given: tuple[str, ...],
    surnames: tuple[str, ...],
    reasons: list[Reason] | None,
    assigned: dict[tuple[str, ...], Matches],
) -> tuple[float, set[int]]:
    """The weight of a record's ``surnames`` (its ``given`` names may hold one), and the
    indexes of the given names used by a surname; appends the reasons to ``reasons``
    unless it is None (weighing only). ``assigned``: the query's matchings so far, by
    record surnames (namesakes share them)."""
    qs, rs = query.surnames, surnames
    if not qs:
        return 0.0, set()
    matches = assigned.get(rs)
    if matches is None:
        matches = assigned[rs] = tuple(_best_assignment(qs, rs, surname_level, _SURNAME_W))
    weight = 0.0
    matched_q = {m[0] for m in matches}
    matched_r = {m[1] for m in matches}
    for n, (_, _, lv) in enumerate(matches):
        weight += _SURNAME_W[lv] * (1.0 if n == 0 else WEIGHTS["second_surname_factor"])
    if matches and reasons is not None:
        q_text = " ".join(_q(query.surnames_written, qs, i) for i in range(len(qs)))
        r_text = " ".join(title(s) for s in rs)
        swapped = len(matches) > 1 and any(i != j for i, j, _ in matches)
        code = "surnames_swapped" if swapped else "surnames_match"
        verb = "match in swapped order" if swapped else "match"
        reasons.append(
            Reason(
                code,
                {"query": q_text, "record": r_text, "matched": len(matches)},
                f"surnames {verb} ({q_text} ~ {r_text})",
                round(weight, 2),
            )
        )
    if len(qs) == 1 and matches and matches[0][1] > 0:
        # "Morales" ranks "Morales Rodríguez" above "López Morales"
        w = WEIGHTS["surname_second_position"]
        weight += w
        if reasons is not None:
            rt = title(rs[matches[0][1]])
            reasons.append(
                Reason(
                    "surname_second", {"record": rt}, f"'{rt}' is the record's second surname", w
                )
            )
    if reasons is not None:
        for i, j, lv in matches:
            if lv == "exact":
                continue
            qt, rt = _q(query.surnames_written, qs, i), title(rs[j])
            if lv == "phonetic":
                reasons.append(
                    Reason(
                        "surname_phonetic",
                        {"query": qt, "record": rt},
                        f"surname '{qt}' sounds like '{rt}'",
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "surname_typo",
                        {"query": qt, "record": rt},
                        f"surname '{qt}' is one typo from '{rt}'",
                    )
                )
    used_given: set[int] = set()
    unmatched_r = [j for j in range(len(rs)) if j not in matched_r]
    for i in range(len(qs)):
        if i in matched_q:
            continue
        qt = _q(query.surnames_written, qs, i) if reasons is not None else ""
        # a list may hold the maternal surname in a middle-name field
        found = next(
            (
                j
                for j, g in enumerate(given)
                if j not in used_given and surname_level(qs[i], g) in ("exact", "phonetic")
            ),
            None,
        )
        if found is not None and found > 0:
            used_given.add(found)
            w = WEIGHTS["surname_in_given"]
            weight += w
            if reasons is not None:
                reasons.append(
                    Reason(
                        "surname_in_given",
                        {"query": qt, "record": title(given[found])},
                        f"surname '{qt}' is among the record's given names",
                        w,
                    )
                )
        elif unmatched_r:
            j = unmatched_r.pop(0)
            w = WEIGHTS["surname_differs"]
            weight += w
            if reasons is not None:
                rt = title(rs[j])
                reasons.append(
                    Reason(
                        "surname_differs",
                        {"query": qt, "record": rt},
                        f"surname '{qt}' differs from '{rt}'",
                        w,
                    )
                )
        elif reasons is not None:
            reasons.append(
                Reason("surname_missing", {"query": qt}, f"surname '{qt}' is not on the record")
            )
    return weight, used_given


def _given_text(
    qg: Sequence[str], rg: Sequence[str], i: int, j: int, lv: str, qt: str, rt: str
) -> str:
    if lv == "exact":
        return f"given name '{qt}' matches"
    if lv == "nickname":
        nick = nickname_table()
        if qg[i] in nick and rg[j] in nick[qg[i]]:
            return f"given name '{qt}' is a nickname of '{rt}'"
        if rg[j] in nick and qg[i] in nick[rg[j]]:
            return f"given name '{rt}' on the record is a nickname of '{qt}'"
        return f"given names '{qt}' and '{rt}' are the same name (nickname)"
    if lv == "variant":
        return f"given name '{qt}' is a spelling variant of '{rt}'"
    if lv == "phonetic":
        return f"given name '{qt}' sounds like '{rt}'"
    if lv == "typo":
        return f"given name '{qt}' is one typo from '{rt}'"
    return f"given name '{qt}' matches the initial of '{rt}'"


def score_given(
    query: SearchQuery,
    given: tuple[str, ...],
    surnames: tuple[str, ...],
    used: set[int],
    reasons: list[Reason] | None,
    assigned: dict[tuple[str, ...], Matches],
) -> float:
    """The weight of a record's ``given`` names, less those a surname ``used``; appends the
    reasons to ``reasons`` unless it is None. ``assigned``: the query's matchings so far,
    by record given names."""
    qg = query.given
    if not qg:
        return 0.0
    rg = tuple(g for j, g in enumerate(given) if j not in used) if used else given
    if not rg and not given:
        if reasons is not None:
            reasons.append(Reason("given_missing", {}, "no given name on the record"))
        return 0.0
    matches = assigned.get(rg)
    if matches is None:
        matches = assigned[rg] = tuple(_best_assignment(qg, rg, given_level, _GIVEN_W))
    # a compound name against a nickname of the whole ("Chema" ~ "José María")
    if not matches and len(rg) > 1 and len(qg) == 1:
        if given_level(qg[0], " ".join(rg)) is not None:
            matches = ((0, 0, "nickname"),)
            rg = (" ".join(rg),)
    elif (
        not matches
        and len(qg) > 1
        and len(rg) == 1
        and given_level(" ".join(qg), rg[0]) is not None
    ):
        w = WEIGHTS["given_nickname"]
        if reasons is not None:
            qt = " ".join(_q(query.given_written, qg, i) for i in range(len(qg)))
            reasons.append(
                Reason(
                    "given_nickname",
                    {"query": qt, "record": title(rg[0])},
                    f"given name '{qt}' and '{title(rg[0])}' are the same name (nickname)",
                    w,
                )
            )
        return w
    weight = 0.0
    for n, (i, j, lv) in enumerate(matches):
        w = _GIVEN_W[lv] * (1.0 if n == 0 else WEIGHTS["other_given_factor"])
        weight += w
        if reasons is not None:
            qt, rt = _q(query.given_written, qg, i), title(rg[j])
            reasons.append(
                Reason(
                    f"given_{lv}",
                    {"query": qt, "record": rt},
                    _given_text(qg, rg, i, j, lv, qt, rt),
                    round(w, 2),
                )
            )
    matched_q = {m[0] for m in matches}
    matched_r = {m[1] for m in matches}
    for i in range(len(qg)):
        if i in matched_q:
            continue
        qt = _q(query.given_written, qg, i) if reasons is not None else ""
        if any(surname_level(qg[i], s) == "exact" for s in surnames):
            w = WEIGHTS["given_in_surnames"]
            weight += w
            if reasons is not None:
                reasons.append(
                    Reason(
                        "given_in_surnames",
                        {"query": qt},
                        f"'{qt}' is among the record's surnames",
                        w,
                    )
                )
            continue
        free = [j for j in range(len(rg)) if j not in matched_r]
        if free:
            j = free[0]
            matched_r.add(j)
            w = WEIGHTS["given_differs_first" if i == 0 and not matches else "given_differs_other"]
            weight += w
            if reasons is not None:
                rt = title(rg[j])
                reasons.append(
                    Reason(
                        "given_differs",
                        {"query": qt, "record": rt},
                        f"given name '{qt}' differs from '{rt}'",
                        w,
                    )
                )
        elif reasons is not None:
            reasons.append(
                Reason("given_missing", {"query": qt}, f"given name '{qt}' is not on the record")
            )
    return weight

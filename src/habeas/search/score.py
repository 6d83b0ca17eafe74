"""Score one candidate record against a find-a-person query, and say why.

The scorer is a hand-weighted agreement model in the Fellegi–Sunter spirit:
every field the query gives is compared with the record and lands on an
*agreement level*, each level has a weight (evidence for or against), and the
weights add up. Weights (``WEIGHTS``) are points, not trained m/u ratios; they
are ordered so that stronger agreement always ranks higher:

========================  ===================================================
field                     levels (weight)
========================  ===================================================
surname (each)            exact 4 · sounds alike 3.5 · one or two typos 2.5 ·
                          found among the record's given names 2 · not on the
                          record 0 · differs −2. Order does not matter (swapped
                          surnames are reported, not penalised); a surname the
                          query leaves out costs nothing. The second matched
                          surname counts 0.75; a lone query surname found only
                          as the record's second surname costs 0.5.
given name (each)         exact 3 · nickname or spelling variant 2.5 · sounds
                          alike 2.5 · typo 1.8 · initial 1 · found among the
                          record's surnames 1.5 · differs −2.5 (first) / −1
                          (others). Matches after the first count 0.6.
date of birth             exact 6 · day and month swapped 3.5 · within the
                          record's uncertain date (or same year when one side
                          is year-only) 2 · not on the record 0 · same month
                          −1 · one year off −2.5 · otherwise −4
nationality               same 0.5 · different −1.5
identifier                exact (any format) 12 · a different number of the
                          same kind −6
========================  ===================================================

Token comparison is on folded tokens (:func:`habeas.domain.text.fold`): accents
and case never matter. "Sounds alike" is the Spanish phonetic key
(:func:`habeas.domain.phonetic.spanish_key`); nicknames and variants come from
the editable data files behind :mod:`habeas.domain.nicknames`; typos are the
optimal-string-alignment (Damerau–Levenshtein) distance: 1 edit for names of 4+
letters, 2 for 8+ letters.

The **score** (0–1) is the sum of weights divided by the most the query could
earn (every field it gives agreeing exactly), clipped to [0, 1]: 1.0 means
"everything you typed matches exactly". When the query has an identifier, a
record with that identifier scores 0.9 + 0.1 × the rest, and every other record
at most 0.85 × its fraction, so an exact identifier match always ranks first.

Every comparison is returned as a :class:`Reason` — a code, its parameters
(data, so the web UI can translate) and an English text.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from habeas.domain.dates import UncertainDate
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.domain.names import PARTICLES
from habeas.domain.nicknames import given_name_keys, nickname_table
from habeas.search.index import (
    SEARCH_RECORD_FIELDS,
    IndexedRecord,
    identifier_tokens,
    split_field,
    surname_keys,
)

WEIGHTS: dict[str, float] = {
    "surname_exact": 4.0,
    "surname_phonetic": 3.5,
    "surname_typo": 2.5,
    "surname_in_given": 2.0,
    "surname_differs": -2.0,
    "second_surname_factor": 0.75,
    "surname_second_position": -0.5,
    "given_exact": 3.0,
    "given_nickname": 2.5,
    "given_variant": 2.5,
    "given_phonetic": 2.5,
    "given_typo": 1.8,
    "given_initial": 1.0,
    "given_in_surnames": 1.5,
    "given_differs_first": -2.5,
    "given_differs_other": -1.0,
    "other_given_factor": 0.6,
    "dob_exact": 6.0,
    "dob_swapped": 3.5,
    "dob_within": 2.0,
    "dob_same_month": -1.0,
    "dob_one_year": -2.5,
    "dob_differs": -4.0,
    "nationality_same": 0.5,
    "nationality_differs": -1.5,
    "identifier_exact": 12.0,
    "identifier_differs": -6.0,
}

ID_LABELS = ID_TYPE_LABELS
STRONG_ID_TYPES = frozenset({"a_number", "cedula_ve", "dui_sv", "cedula_co"})
_ROW_FIELDS = len(SEARCH_RECORD_FIELDS)


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence: ``code`` + ``params`` (data) + ``text`` (English)."""

    code: str
    params: dict[str, Any]
    text: str
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params, "text": self.text, "weight": self.weight}


@dataclass(frozen=True, slots=True)
class QueryIdentifier:
    raw: str
    readings: tuple[tuple[str, str], ...]  # (id_type, normalised) the text can be
    tokens: frozenset[str]

    @property
    def strong_types(self) -> frozenset[str]:
        return frozenset(t for t, _ in self.readings if t in STRONG_ID_TYPES)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: folded name parts (with the text as typed), date, country, id."""

    given: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    given_written: tuple[str, ...] = ()
    surnames_written: tuple[str, ...] = ()
    dob: UncertainDate | None = None
    nationality: str | None = None
    identifier: QueryIdentifier | None = None
    name: str | None = None

    def max_weight(self) -> float:
        w = 0.0
        if self.given:
            w += WEIGHTS["given_exact"] * (
                1 + WEIGHTS["other_given_factor"] * (len(self.given) - 1)
            )
        if self.surnames:
            w += WEIGHTS["surname_exact"] * (
                1 + WEIGHTS["second_surname_factor"] * (len(self.surnames) - 1)
            )
        if self.dob is not None:
            w += WEIGHTS["dob_exact"] if self.dob.is_exact else WEIGHTS["dob_within"]
        if self.nationality:
            w += WEIGHTS["nationality_same"]
        return w


@dataclass(slots=True)
class Scored:
    record: IndexedRecord
    score: float
    weight: float
    identifier_match: bool
    reasons: list[Reason] = field(default_factory=list)


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


def _score_surnames(
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


def _score_given(
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


def _score_dob(qd: UncertainDate, rec: IndexedRecord, reasons: list[Reason]) -> float:
    e, lt = rec.dob_earliest, rec.dob_latest
    q_text = qd.display()
    if e is None or lt is None:
        reasons.append(Reason("dob_unknown", {"query": q_text}, "no date of birth on the record"))
        return 0.0
    r_date = UncertainDate(e, lt, rec.dob_precision or ("exact" if e == lt else "range"))
    r_text = r_date.display()
    params = {"query": q_text, "record": r_text}
    if qd.is_exact and r_date.is_exact:
        a, b = qd.earliest, r_date.earliest
        if a == b:
            code, text = "dob_exact", f"born {r_text} (exact)"
        elif (sw := qd.swapped()) is not None and sw.earliest == b:
            code, text = "dob_swapped", f"born {r_text} (day and month swapped from {q_text})"
        elif a.year == b.year and a.month == b.month:
            code, text = "dob_same_month", f"born {r_text}, not {q_text} (same month)"
        elif abs(a.year - b.year) <= 1 and abs((a - b).days) <= 400:
            code, text = "dob_one_year", f"born {r_text}, not {q_text}"
        else:
            code, text = "dob_differs", f"born {r_text}, not {q_text}"
    elif qd.overlaps(r_date):
        code, text = "dob_within", f"born {r_text}, compatible with {q_text}"
    elif _years_apart(qd, r_date) <= 1:
        code, text = "dob_one_year", f"born {r_text}, not {q_text}"
    else:
        code, text = "dob_differs", f"born {r_text}, not {q_text}"
    w = WEIGHTS[code]
    reasons.append(Reason(code, params, text, w))
    return w


def _years_apart(a: UncertainDate, b: UncertainDate) -> int:
    if a.overlaps(b):
        return 0
    gap: date
    if a.latest < b.earliest:
        return b.earliest.year - a.latest.year
    gap = a.earliest
    return gap.year - b.latest.year


def _score_identifier(
    qi: QueryIdentifier, rec: IndexedRecord, reasons: list[Reason]
) -> tuple[float, bool]:
    for id_type, value in rec.identifiers:
        if identifier_tokens(value) & qi.tokens:
            label = ID_LABELS.get(id_type, id_type)
            w = WEIGHTS["identifier_exact"]
            reasons.append(
                Reason(
                    "identifier_exact",
                    {"query": qi.raw, "type": id_type, "record": value},
                    f"{label} {value} matches '{qi.raw}' (exact)",
                    w,
                )
            )
            return w, True
    strong = qi.strong_types
    for id_type, value in rec.identifiers:
        if id_type in strong:
            label = ID_LABELS.get(id_type, id_type)
            w = WEIGHTS["identifier_differs"]
            reasons.append(
                Reason(
                    "identifier_differs",
                    {"query": qi.raw, "type": id_type, "record": value},
                    f"{label} on the record is {value}, not '{qi.raw}'",
                    w,
                )
            )
            return w, False
    return 0.0, False


class QueryScorer:
    """Scores records against one query, memoising each field's comparison: candidates
    of one query share surnames, given names and dates (namesakes), so most records
    cost a few dictionary look-ups. ``score(rec, explain=False)`` weighs without
    writing the reasons (a search weighs hundreds of records and shows a few)."""

    def __init__(self, query: SearchQuery) -> None:
        self.query = query
        self.max_weight = query.max_weight()
        self._names: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[float, list[Reason]]] = {}
        self._name_weights: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = {}
        self._dob: dict[tuple[Any, Any, Any], tuple[float, list[Reason]]] = {}
        # weigh_row's memos, keyed on the values as the driver gives them
        self._row_names: dict[tuple[Any, Any], float] = {}
        self._row_dob: dict[tuple[Any, Any, Any], float] = {}
        # the matchings of the query's surnames and given names, by the record's
        self._surnames: dict[tuple[str, ...], Matches] = {}
        self._given: dict[tuple[str, ...], Matches] = {}

    def _weigh_names(
        self, given: tuple[str, ...], surnames: tuple[str, ...], reasons: list[Reason] | None
    ) -> float:
        weight = 0.0
        used: set[int] = set()
        if self.query.surnames:
            w, used = _score_surnames(self.query, given, surnames, reasons, self._surnames)
            weight += w
        if self.query.given:
            weight += _score_given(self.query, given, surnames, used, reasons, self._given)
        return weight

    def _name_part(self, rec: IndexedRecord) -> tuple[float, list[Reason]]:
        key = (rec.given, rec.surnames)
        hit = self._names.get(key)
        if hit is None:
            reasons: list[Reason] = []
            weight = self._weigh_names(rec.given, rec.surnames, reasons)
            hit = self._names[key] = (weight, reasons)
        return hit

    def _name_weight(self, given: tuple[str, ...], surnames: tuple[str, ...]) -> float:
        key = (given, surnames)
        weight = self._name_weights.get(key)
        if weight is None:
            weight = self._name_weights[key] = self._weigh_names(given, surnames, None)
        return weight

    def _dob_part(self, rec: IndexedRecord) -> tuple[float, list[Reason]]:
        key = (rec.dob_earliest, rec.dob_latest, rec.dob_precision)
        hit = self._dob.get(key)
        if hit is None:
            reasons: list[Reason] = []
            assert self.query.dob is not None
            w = _score_dob(self.query.dob, rec, reasons)
            hit = self._dob[key] = (w, reasons)
        return hit

    def score(self, rec: IndexedRecord, *, explain: bool = True) -> Scored:
        """Compare one record with the query (levels and weights in the module doc);
        with ``explain=False`` the same score and weight, and no reasons."""
        query = self.query
        reasons: list[Reason] = []
        if explain:
            weight, name_reasons = self._name_part(rec)
            reasons += name_reasons
        else:
            weight = self._name_weight(rec.given, rec.surnames)
        if query.dob is not None:
            w, dob_reasons = self._dob_part(rec)
            weight += w
            if explain:
                reasons += dob_reasons
        if query.nationality and rec.nationality:
            same = query.nationality == rec.nationality
            code = "nationality_same" if same else "nationality_differs"
            if explain:
                text = (
                    f"nationality {rec.nationality}"
                    if same
                    else f"nationality {rec.nationality}, not {query.nationality}"
                )
                reasons.append(
                    Reason(
                        code,
                        {"query": query.nationality, "record": rec.nationality},
                        text,
                        WEIGHTS[code],
                    )
                )
            weight += WEIGHTS[code]
        id_match = False
        if query.identifier is not None and rec.identifiers:
            w, id_match = _score_identifier(query.identifier, rec, reasons if explain else [])
            weight += w if not id_match else 0.0
        score, total = self._finish(weight, id_match)
        return Scored(rec, score, total, id_match, reasons)

    def _finish(self, weight: float, id_match: bool) -> tuple[float, float]:
        """(score, weight) as :meth:`score` gives them, from the summed field weights."""
        max_w = self.max_weight
        fraction = min(1.0, max(0.0, weight / max_w)) if max_w > 0 else 0.0
        if self.query.identifier is not None:
            # an exact identifier match always ranks first
            score = (0.9 + 0.1 * fraction if max_w > 0 else 1.0) if id_match else 0.85 * fraction
        else:
            score = fraction
        total = weight + (WEIGHTS["identifier_exact"] if id_match else 0.0)
        return round(score, 4), round(total, 2)

    def weigh_row(self, row: Sequence[Any]) -> tuple[float, float]:
        """``score(IndexedRecord.from_row(row), explain=False)``'s score and weight, for a
        ``search_record`` row as the driver gives it (``SEARCH_RECORD_FIELDS`` first; more
        columns may follow). Each field's weight is memoised on its values as read, so a
        record whose name and date of birth were seen already in this query (namesakes)
        is weighed without being parsed; the record is read only on a miss."""
        query = self.query
        rec: IndexedRecord | None = None
        name_key = (row[1], row[2])
        weight = self._row_names.get(name_key)
        if weight is None:
            weight = self._row_names[name_key] = self._name_weight(
                split_field(row[1]), split_field(row[2])
            )
        if query.dob is not None:
            dob_key = (row[3], row[4], row[5])
            w = self._row_dob.get(dob_key)
            if w is None:
                rec = rec or IndexedRecord.from_row(row[:_ROW_FIELDS])
                w = self._row_dob[dob_key] = self._dob_part(rec)[0]
            weight += w
        nationality = row[6]
        if query.nationality and nationality:
            weight += (
                WEIGHTS["nationality_same"]
                if query.nationality == nationality
                else WEIGHTS["nationality_differs"]
            )
        id_match = False
        if query.identifier is not None and row[7]:
            rec = rec or IndexedRecord.from_row(row[:_ROW_FIELDS])
            w, id_match = _score_identifier(query.identifier, rec, [])
            weight += w if not id_match else 0.0
        return self._finish(weight, id_match)


def score_record(query: SearchQuery, rec: IndexedRecord) -> Scored:
    """Compare one record with the query (levels and weights in the module doc)."""
    return QueryScorer(query).score(rec)

"""Score one candidate record against a find-a-person query, and say why.

The scorer is a hand-weighted agreement model in the Fellegi–Sunter spirit:
every field the query gives is compared with the record and lands on an
*agreement level*, each level has a weight (evidence for or against), and the
weights add up. Weights (:data:`habeas.search.reasons.WEIGHTS`) are points, not
trained m/u ratios; they are ordered so that stronger agreement always ranks higher:

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

Every comparison is returned as a :class:`habeas.search.reasons.Reason` — a code, its
parameters (data, so the web UI can translate) and an English text. The names are
compared in :mod:`habeas.search.score_names`; this module holds the query, the date of
birth, nationality and identifiers, and :class:`QueryScorer`, which adds them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from habeas.domain.dates import UncertainDate
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.search.keys import SEARCH_RECORD_FIELDS, IndexedRecord, identifier_tokens, split_field
from habeas.search.reasons import WEIGHTS, Reason
from habeas.search.score_names import Matches, score_given, score_surnames

ID_LABELS = ID_TYPE_LABELS
STRONG_ID_TYPES = frozenset({"a_number", "cedula_ve", "dui_sv", "cedula_co"})
_ROW_FIELDS = len(SEARCH_RECORD_FIELDS)


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
            w, used = score_surnames(self.query, given, surnames, reasons, self._surnames)
            weight += w
        if self.query.given:
            weight += score_given(self.query, given, surnames, used, reasons, self._given)
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

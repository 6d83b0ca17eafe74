"""Crowding standards and the day rule: when point observations breach a standard, and
for how many consecutive days (pure functions, no database).

The standards are data (:data:`THRESHOLDS`, with citations; sources:
``shared/reference/conditions.md``). How observations become days and runs is
explained in :mod:`habeas.document.conditions`, which applies these rules to a
facility's figures from the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from habeas.errors import NotFound

#: Between two observations more than this many days apart, nothing is assumed.
MAX_GAP_DAYS = 7


@dataclass(frozen=True)
class Threshold:
    """A crowding standard: fewer than ``m2_per_person`` m² per person breaches it."""

    code: str
    body: str
    m2_per_person: float
    applies_to: str  # "shared" (2+ people in the space) or "single" (one person)
    label_en: str
    label_es: str
    citation: str
    #: a run at least this long is flagged (None: any breach is flagged)
    min_consecutive_days: int | None = None
    note: str = ""


#: The standards, as data. Sources: ``shared/reference/conditions.md``.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        code="ecthr_mursic_3",
        body="ECtHR",
        m2_per_person=3.0,
        applies_to="shared",
        label_en="ECtHR: under 3 m² per person (strong presumption of a violation of Art. 3)",
        label_es="TEDH: menos de 3 m² por persona (fuerte presunción de violación del art. 3)",
        citation="European Court of Human Rights, Muršić v. Croatia [GC], no. 7334/13, "
        "20 October 2016, §§ 136-138",
        min_consecutive_days=27,
        note="The presumption is rebuttable only if the reduction is short, occasional and "
        "minor (§ 138). The Court found a violation for a period of 27 consecutive days "
        "below 3 m²: a run at least that long is flagged; shorter runs are shown.",
    ),
    Threshold(
        code="icrc_shared_3_4",
        body="ICRC",
        m2_per_person=3.4,
        applies_to="shared",
        label_en="ICRC: under 3.4 m² per person in shared accommodation",
        label_es="CICR: menos de 3,4 m² por persona en alojamiento compartido",
        citation="ICRC, Water, sanitation, hygiene and habitat in prisons: supplementary "
        "guidance (2012)",
    ),
    Threshold(
        code="cpt_multi_4",
        body="CPT",
        m2_per_person=4.0,
        applies_to="shared",
        label_en="CPT: under 4 m² per prisoner in a multiple-occupancy cell",
        label_es="CPT: menos de 4 m² por persona en celda de ocupación múltiple",
        citation="CPT, Living space per prisoner in prison establishments: CPT standards, "
        "CPT/Inf (2015) 44",
        note="Sanitary annex excluded from the area.",
    ),
    Threshold(
        code="icrc_single_5_4",
        body="ICRC",
        m2_per_person=5.4,
        applies_to="single",
        label_en="ICRC: under 5.4 m² for single occupancy",
        label_es="CICR: menos de 5,4 m² en ocupación individual",
        citation="ICRC, Water, sanitation, hygiene and habitat in prisons: supplementary "
        "guidance (2012)",
    ),
    Threshold(
        code="cpt_single_6",
        body="CPT",
        m2_per_person=6.0,
        applies_to="single",
        label_en="CPT: under 6 m² for a single-occupancy cell",
        label_es="CPT: menos de 6 m² en celda individual",
        citation="CPT, Living space per prisoner in prison establishments: CPT standards, "
        "CPT/Inf (2015) 44",
    ),
)


def threshold(code: str) -> Threshold:
    for t in THRESHOLDS:
        if t.code == code:
            return t
    raise NotFound(f"No threshold {code!r} (known: {', '.join(t.code for t in THRESHOLDS)}).")


def applies(t: Threshold, population: int) -> bool:
    return population >= 2 if t.applies_to == "shared" else population == 1


# -- the day rule and runs (pure functions, no database) ---------------------------------------


@dataclass(frozen=True)
class Point:
    """What is known about one space on one observed day."""

    day: date
    population: int
    m2_per_person: float | None


@dataclass(frozen=True)
class Span:
    """The days ``start``..``end`` (inclusive) over which ``point``'s value holds."""

    start: date
    end: date
    point: Point


@dataclass
class Run:
    """Consecutive days on which a threshold is breached."""

    start: date
    end: date
    days: int
    observations: int
    min_m2_per_person: float
    max_population: int


def spans(points: list[Point], max_gap_days: int = MAX_GAP_DAYS) -> list[Span]:
    """The days each observation covers (see the module docstring for the rule).

    ``points`` must be sorted by day with one point per day.
    """
    out: list[Span] = []
    for i, p in enumerate(points):
        nxt = points[i + 1].day if i + 1 < len(points) else None
        if nxt is not None and nxt <= p.day:
            raise ValueError("points must be sorted by day, one per day")
        end = nxt - timedelta(days=1) if nxt and (nxt - p.day).days <= max_gap_days else p.day
        out.append(Span(p.day, end, p))
    return out


def breached(t: Threshold, p: Point) -> bool:
    return (
        p.m2_per_person is not None
        and applies(t, p.population)
        and p.m2_per_person < t.m2_per_person
    )


def breach_runs(points: list[Point], t: Threshold, max_gap_days: int = MAX_GAP_DAYS) -> list[Run]:
    """The runs of consecutive days on which ``t`` is breached, in order."""
    runs: list[Run] = []
    current: Run | None = None
    for span in spans(points, max_gap_days):
        p = span.point
        if not breached(t, p):
            current = None
            continue
        assert p.m2_per_person is not None
        if current is not None and span.start == current.end + timedelta(days=1):
            current.end = span.end
            current.days = (current.end - current.start).days + 1
            current.observations += 1
            current.min_m2_per_person = min(current.min_m2_per_person, p.m2_per_person)
            current.max_population = max(current.max_population, p.population)
        else:
            current = Run(
                span.start,
                span.end,
                (span.end - span.start).days + 1,
                1,
                p.m2_per_person,
                p.population,
            )
            runs.append(current)
    return runs


@dataclass
class Breach:
    """How one threshold fares in one space over the observed period."""

    code: str
    label_en: str
    label_es: str
    m2_per_person: float
    citation: str
    days_breached: int
    longest_run_days: int
    longest_run: Run | None
    runs: list[Run]
    flagged: bool
    min_consecutive_days: int | None
    note: str


def assess(
    points: list[Point],
    max_gap_days: int = MAX_GAP_DAYS,
    thresholds: tuple[Threshold, ...] = THRESHOLDS,
) -> list[Breach]:
    """Every threshold against a series of points (one :class:`Breach` each, breached or not)."""
    out = []
    for t in thresholds:
        runs = breach_runs(points, t, max_gap_days)
        longest = max(runs, key=lambda r: r.days, default=None)
        longest_days = longest.days if longest else 0
        flagged = bool(runs) and (
            t.min_consecutive_days is None or longest_days >= t.min_consecutive_days
        )
        out.append(
            Breach(
                t.code,
                t.label_en,
                t.label_es,
                t.m2_per_person,
                t.citation,
                sum(r.days for r in runs),
                longest_days,
                longest,
                runs,
                flagged,
                t.min_consecutive_days,
                t.note,
            )
        )
    return out

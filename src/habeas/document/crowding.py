"""The crowding headline: space per person against a standard, not occupancy of a claimed capacity.

"Official capacity 40,000 · occupancy 39 %" says nothing about conditions when
the capacity is a government claim; "7 of 12 observed units under 3 m² per
person (ECtHR, Muršić); smallest 0.6 m²" does. :func:`space_headline` computes
that line from :func:`habeas.document.conditions.facility_conditions`:

* each **observed unit** is a unit whose latest observed day gives an m² per
  person figure (a stated area and a population above 0);
* on that day the figures **most favourable to the authorities** are used, as
  everywhere in :mod:`habeas.document.conditions`: the largest stated area and,
  when sources disagree on the population, the smallest;
* a unit is **under** the standard when that point breaches it
  (:func:`habeas.document.conditions.breached`: the ECtHR 3 m² presumption applies
  to shared space, two people or more).

When no unit is observed, the facility as a whole stands in (its own area, or
the sum of its units' areas, over its reported population).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from habeas import i18n
from habeas.document.conditions import FacilityConditions, SpaceConditions
from habeas.document.thresholds import Point, Threshold, breached, threshold

#: The standard the headline is measured against (the ECtHR's Muršić presumption).
HEADLINE_THRESHOLD = "ecthr_mursic_3"


@dataclass(frozen=True)
class SpacePoint:
    """One observed space on its latest observed day (favourable figures)."""

    unit: str | None  # None: the facility as a whole
    day: date
    population: int
    m2_per_person: float
    under: bool


@dataclass(frozen=True)
class SpaceHeadline:
    """How much space people have, against ``threshold``, at the latest observations."""

    threshold: Threshold
    units_observed: int
    units_under: int
    smallest: SpacePoint | None  # the unit (or the whole) with the least space per person
    whole: SpacePoint | None  # the facility as a whole, when its m² per person is known

    @property
    def known(self) -> bool:
        return self.smallest is not None or self.whole is not None


def latest_point(space: SpaceConditions, t: Threshold) -> SpacePoint | None:
    """``space`` on its latest observed day, with the figures most favourable to the
    authorities (the smallest population stated that day, over the largest area)."""
    if not space.observations:
        return None
    day = space.observations[-1].day
    same_day = [o for o in space.observations if o.day == day]
    population = min(o.population for o in same_day)
    m2 = max(
        (
            o.m2_per_person
            for o in same_day
            if o.population == population and o.m2_per_person is not None
        ),
        default=None,
    )
    if m2 is None:
        return None
    return SpacePoint(space.unit, day, population, m2, breached(t, Point(day, population, m2)))


def space_headline(fc: FacilityConditions, code: str = HEADLINE_THRESHOLD) -> SpaceHeadline:
    """The headline for one facility (see the module docstring)."""
    t = threshold(code)
    points = [p for sp in fc.units if (p := latest_point(sp, t)) is not None]
    whole = latest_point(fc.whole, t)
    smallest = min(points, key=lambda p: p.m2_per_person, default=None)
    if smallest is None:
        smallest = whole
    return SpaceHeadline(t, len(points), sum(1 for p in points if p.under), smallest, whole)


def _n(text: str) -> str:
    """Mark ``text`` for translation (translated where it is shown)."""
    return text


#: How a headline names its standard (translated where shown).
STANDARD_NAMES = {"ecthr_mursic_3": _n("ECtHR Muršić threshold")}


def headline_text(h: SpaceHeadline, lang: str, *, show_smallest: bool = True) -> str:
    """The headline as one sentence in ``lang`` (``show_smallest=False``: without the
    smallest figure, e.g. where it would give a small population away)."""
    t = i18n.translator(lang)
    standard = t.gettext(STANDARD_NAMES.get(h.threshold.code, h.threshold.code))
    limit = i18n.format_decimal(
        h.threshold.m2_per_person, lang, 0 if h.threshold.m2_per_person % 1 == 0 else 1
    )
    if h.units_observed:
        text = t.ngettext(
            "%(under)s of %(num)s observed unit under %(limit)s m² per person (%(standard)s)",
            "%(under)s of %(num)s observed units under %(limit)s m² per person (%(standard)s)",
            h.units_observed,
        ) % {"under": h.units_under, "num": h.units_observed, "limit": limit, "standard": standard}
    elif h.whole is not None:
        text = t.gettext(
            "The facility as a whole: %(m2)s m² per person (%(standard)s: %(limit)s m²)"
        ) % {
            "m2": i18n.format_decimal(h.whole.m2_per_person, lang, 1),
            "standard": standard,
            "limit": limit,
        }
        return text
    else:
        return t.gettext(
            "Space per person unknown: no unit has both a stated area and an observed population."
        )
    if show_smallest and h.smallest is not None:
        text += t.gettext("; smallest %(m2)s m²") % {
            "m2": i18n.format_decimal(h.smallest.m2_per_person, lang, 1)
        }
    return text

"""The synthetic population: who was detained, removed, held and returned.

Everything here is vectorised with numpy so that a million persons take a few
seconds. The population is shaped by the case facts: mostly Venezuelan men,
about 10% Salvadorans (alleged MS-13), a few women; most removed on three
flights on 15 March 2025 to CECOT, some on later flights, some held in the US
because a court barred their removal; every Venezuelan in CECOT repatriated on
18 July 2025. Siblings (same two surnames) and namesakes (same full name,
different person) are planted at realistic rates on top of the Zipf-shaped name
pools, so name-only evidence is weak, as in real lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from habeas.synth.names import POOLS

CASE_DAY = np.datetime64("2025-03-15")
REPATRIATION_DAY = dt.date(2025, 7, 18)
# Status codes.
REMOVED_0315, REMOVED_LATER, HELD_US = 0, 1, 2
STATUS_NAMES = ("removed_2025-03-15", "removed_later", "held_us")
FLIGHTS_0315 = ("RWG1501", "RWG1502", "RWG1503")
LATER_FLIGHTS = (("RWG3101", dt.date(2025, 3, 31)), ("RWG4121", dt.date(2025, 4, 12)))
LEGAL_BASES = ("alien_enemies_act", "removal_order", "expedited_removal")
CRIMINAL = ("convicted", "charged", "none_found", "unknown")
HEARING = ("held", "not_held", "unknown")
# CECOT layout: 8 buildings x 32 cells; the Venezuelans were kept in buildings 3-4.
BUILDINGS, CELLS_PER_BUILDING = 8, 32
VEN_BUILDINGS = (3, 4)
US_DETENTION = ("South Texas Processing Center", "Valley Immigration Detention Center")
US_STAGING = "El Paso Staging Facility"
# Departure times (US Eastern, EDT on 15 March 2025): two flights left before the court's
# order to turn the planes around (18:45), the third after it.
DEPARTURES = {
    "RWG1501": "17:25",
    "RWG1502": "17:45",
    "RWG1503": "19:37",
    "RWG3101": "09:10",
    "RWG4121": "06:55",
}
TRO_DATE, TRO_TIME, TRO_COURT = dt.date(2025, 3, 15), "18:45", "D.D.C."


@dataclass
class Population:
    """Column-oriented synthetic persons (index i is one person)."""

    n: int
    key: list[str]
    nationality: np.ndarray  # "VEN" / "SLV"
    female: np.ndarray  # bool
    given1: list[str]
    given2: list[str]  # "" when none
    surname1: list[str]
    surname2: list[str]
    dob: list[dt.date]
    a_number: np.ndarray  # int, 0 = none
    cedula: np.ndarray  # int, 0 = none
    cedula_prefix: list[str]  # "V" / "E" / ""
    dui: list[str]  # "01234567-8" or ""
    passport: list[str]
    status: np.ndarray  # REMOVED_0315 / REMOVED_LATER / HELD_US
    flight: list[str]
    removal_date: list[dt.date | None]
    arrest_date: list[dt.date]
    legal_basis: list[str]
    criminal_record: list[str]
    hearing: list[str]
    asylum_pending: np.ndarray
    order_barring_removal: np.ndarray
    repatriated: np.ndarray
    cell: list[str]  # CECOT unit at admission, "" if never there
    moved_cell: list[str]  # unit after a move, "" if not moved
    move_date: list[dt.date | None]
    sibling_of: list[str]
    namesake_of: list[str]
    visibility: np.ndarray  # latent propensity to appear on lists (dependence)
    us_facility: list[str]  # US detention centre before removal (or still held)
    notice: list[str]  # "given" / "not_given" / "unknown": notice of removal or designation
    contact_on: list[dt.date | None]  # a family phone call from US detention, if any
    died_on: list[dt.date | None]  # death in US immigration custody (a few), else None

    @property
    def in_cecot(self) -> np.ndarray:
        return self.status != HELD_US


def _unique_ints(rng: np.random.Generator, lo: int, hi: int, size: int) -> np.ndarray:
    """``size`` distinct integers in [lo, hi), in random order."""
    if size == 0:
        return np.zeros(0, dtype=np.int64)
    out = np.zeros(0, dtype=np.int64)
    while out.size < size:
        cand = np.concatenate([out, rng.integers(lo, hi, size=int(size * 1.2) + 16)])
        _, first = np.unique(cand, return_index=True)
        out = cand[np.sort(first)]
    return out[:size]


def dui_check_digit(base: np.ndarray) -> np.ndarray:
    """Salvadoran DUI check digit of 8-digit bases: weights 9..2, (10 - s mod 10) mod 10."""
    total = np.zeros(base.shape, dtype=np.int64)
    rest = base.astype(np.int64).copy()
    for weight in range(2, 10):  # last digit has weight 2, first weight 9
        total += (rest % 10) * weight
        rest //= 10
    return (10 - total % 10) % 10


def _names(rng: np.random.Generator, slv: np.ndarray, female: np.ndarray) -> tuple[list[str], ...]:
    n = slv.size
    g1 = np.empty(n, dtype=object)
    g2 = np.empty(n, dtype=object)
    s1 = np.empty(n, dtype=object)
    s2 = np.empty(n, dtype=object)
    groups = (
        (~slv & ~female, "ven_male", "ven_surnames", 0.72),
        (slv, "slv_male", "slv_surnames", 0.65),
        (~slv & female, "ven_female", "ven_surnames", 0.8),
    )
    for mask, given, sur, p_second in groups:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            continue
        first_pool, second_pool = POOLS[f"{given}_first"], POOLS[f"{given}_second"]
        surnames = POOLS[sur]
        g1[idx] = np.array(first_pool.names, dtype=object)[first_pool.draw(rng, idx.size)]
        second = np.array(second_pool.names, dtype=object)[second_pool.draw(rng, idx.size)]
        second[rng.random(idx.size) >= p_second] = ""
        second[second == g1[idx]] = ""  # never "José José"
        g2[idx] = second
        s1[idx] = np.array(surnames.names, dtype=object)[surnames.draw(rng, idx.size)]
        s2[idx] = np.array(surnames.names, dtype=object)[surnames.draw(rng, idx.size)]
    return list(g1), list(g2), list(s1), list(s2)


def _dates(days: np.ndarray) -> list[dt.date]:
    return list(days.astype("datetime64[D]").astype(object))


def _pick(
    rng: np.random.Generator, options: tuple[str, ...], p: list[float], size: int
) -> list[str]:
    return list(np.array(options, dtype=object)[rng.choice(len(options), size=size, p=p)])


def build_population(n: int, seed: int) -> Population:
    """Generate ``n`` synthetic persons deterministically from ``seed``."""
    rng = np.random.default_rng([seed, 1])
    slv = rng.random(n) < 0.10
    female = ~slv & (rng.random(n) < 0.03)
    g1, g2, s1, s2 = _names(rng, slv, female)

    age_years = np.clip(18.0 + rng.gamma(2.4, 4.6, n), 18.0, 55.9)
    dob_days = CASE_DAY - (age_years * 365.25).astype(np.int64)
    # Siblings share both surnames (and nationality); namesakes share the full name.
    sibling_of = [""] * n
    namesake_of = [""] * n
    keys = [f"P{i + 1:07d}" for i in range(n)]
    if n > 10:
        # Each relation copies from an earlier person, in index order, so the
        # source's names are already final when copied (relations stay consistent).
        u = rng.random(n)
        src = (rng.random(n) * np.arange(n)).astype(np.int64)
        kind = np.where(u < 0.07, 1, np.where(u < 0.09, 2, 0))  # 1 sibling, 2 namesake
        kind[0] = 0
        kind[(kind == 1) & (slv[src] != slv)] = 0
        kind[(kind == 2) & ((slv[src] != slv) | (female[src] != female))] = 0
        gap = rng.choice([-1, 1], n) * rng.integers(300, 4000, n)
        for i in np.flatnonzero(kind).tolist():
            j = int(src[i])
            s1[i], s2[i] = s1[j], s2[j]
            if kind[i] == 1:
                sibling_of[i] = keys[j]
                dob_days[i] = dob_days[j] + gap[i]
            else:
                g1[i], g2[i] = g1[j], g2[j]
                namesake_of[i] = keys[j]
    lo = CASE_DAY - np.timedelta64(int(55.9 * 365.25), "D")
    hi = CASE_DAY - np.timedelta64(6575, "D")  # 18 years
    dob_days = np.clip(dob_days, lo, hi)
    dob = _dates(dob_days)

    a_number = np.zeros(n, dtype=np.int64)
    has_a = rng.random(n) < 0.96
    short = rng.random(n) < 0.12
    long9, short8 = has_a & ~short, has_a & short
    a_number[long9] = _unique_ints(rng, 200_000_000, 250_000_000, int(long9.sum()))
    a_number[short8] = _unique_ints(rng, 10_000_000, 100_000_000, int(short8.sum()))

    ven = ~slv
    years = np.array([d.year for d in dob], dtype=float)
    cedula = np.zeros(n, dtype=np.int64)
    prefix = [""] * n
    approx = 9.0e6 + (years - 1970.0) * 0.58e6 + rng.normal(0, 0.7e6, n)
    cedula[ven] = np.clip(approx[ven], 1.2e6, 33.5e6).astype(np.int64)
    foreign = ven & (rng.random(n) < 0.02)
    cedula[foreign] = rng.integers(80_000_000, 84_500_000, int(foreign.sum()))
    for _ in range(5):  # resolve collisions deterministically
        vals = cedula[ven]
        _, first = np.unique(vals, return_index=True)
        dup = np.ones(vals.size, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        idx = np.flatnonzero(ven)[dup]
        cedula[idx] = cedula[idx] + rng.integers(1, 9999, idx.size)
    for i in np.flatnonzero(ven).tolist():
        prefix[i] = "E" if cedula[i] >= 80_000_000 else "V"

    dui = [""] * n
    slv_idx = np.flatnonzero(slv)
    base = _unique_ints(rng, 0, 70_000_000, slv_idx.size)
    check = dui_check_digit(base)
    for i, b, c in zip(slv_idx.tolist(), base.tolist(), check.tolist(), strict=True):
        dui[i] = f"{b:08d}-{c}"
    passport = [""] * n
    has_pp = np.flatnonzero(rng.random(n) < 0.3)
    pp_num = _unique_ints(rng, 10_000_000, 99_999_999, has_pp.size)
    for i, num in zip(has_pp.tolist(), pp_num.tolist(), strict=True):
        passport[i] = f"B{num:08d}" if slv[i] else f"1{num:08d}"

    u = rng.random(n)
    status = np.where(u < 0.80, REMOVED_0315, np.where(u < 0.88, REMOVED_LATER, HELD_US))
    status[slv] = REMOVED_0315
    status[female] = HELD_US
    flight = [""] * n
    removal_date: list[dt.date | None] = [None] * n
    f0 = rng.integers(0, 3, n)
    f1 = rng.integers(0, 2, n)
    for i in range(n):
        if status[i] == REMOVED_0315:
            flight[i], removal_date[i] = FLIGHTS_0315[f0[i]], dt.date(2025, 3, 15)
        elif status[i] == REMOVED_LATER:
            flight[i], removal_date[i] = LATER_FLIGHTS[f1[i]]
    arrest_days = np.datetime64("2025-03-14") - np.minimum(rng.exponential(70.0, n), 280).astype(
        np.int64
    )
    arrest_date = _dates(arrest_days)

    lb_removed = _pick(rng, LEGAL_BASES, [0.575, 0.40, 0.025], n)
    lb_held = _pick(rng, LEGAL_BASES, [0.70, 0.20, 0.10], n)
    legal_basis = [lb_held[i] if status[i] == HELD_US else lb_removed[i] for i in range(n)]
    for i in slv_idx.tolist():
        legal_basis[i] = "removal_order"
    crim_ven = _pick(rng, CRIMINAL, [0.16, 0.20, 0.50, 0.14], n)
    crim_slv = _pick(rng, CRIMINAL, [0.35, 0.25, 0.25, 0.15], n)
    criminal_record = [crim_slv[i] if slv[i] else crim_ven[i] for i in range(n)]
    h = rng.random(n)
    hearing = [
        "not_held" if lb != "removal_order" else ("held" if h[i] < 0.8 else "unknown")
        for i, lb in enumerate(legal_basis)
    ]
    asylum = rng.random(n) < 0.26
    order = np.where(status == HELD_US, rng.random(n) < 0.6, rng.random(n) < 0.02)
    repatriated = ven & (status != HELD_US)

    cell, moved_cell, move_date = _assign_cells(rng, slv, status)
    notice, contact_on, died_on = _trace_facts(n, seed, status, legal_basis, female, slv)
    repatriated = repatriated & np.array([d is None for d in died_on], dtype=bool)
    return Population(
        n=n,
        key=keys,
        nationality=np.where(slv, "SLV", "VEN"),
        female=female,
        given1=g1,
        given2=g2,
        surname1=s1,
        surname2=s2,
        dob=dob,
        a_number=a_number,
        cedula=cedula,
        cedula_prefix=prefix,
        dui=dui,
        passport=passport,
        status=status,
        flight=flight,
        removal_date=removal_date,
        arrest_date=arrest_date,
        legal_basis=legal_basis,
        criminal_record=criminal_record,
        hearing=hearing,
        asylum_pending=asylum,
        order_barring_removal=order,
        repatriated=repatriated,
        cell=cell,
        moved_cell=moved_cell,
        move_date=move_date,
        sibling_of=sibling_of,
        namesake_of=namesake_of,
        visibility=rng.normal(0.0, 1.0, n),
        us_facility=list(np.array(US_DETENTION, dtype=object)[rng.integers(0, 2, n)]),
        notice=notice,
        contact_on=contact_on,
        died_on=died_on,
    )


def _trace_facts(
    n: int,
    seed: int,
    status: np.ndarray,
    legal_basis: list[str],
    female: np.ndarray,
    slv: np.ndarray,
) -> tuple[list[str], list[dt.date | None], list[dt.date | None]]:
    """Notice, family contact and deaths, from a stream of their own (so adding them left
    every other attribute of the population unchanged)."""
    rng = np.random.default_rng([seed, 77])
    u = rng.random(n)
    notice = [
        "not_given" if lb == "alien_enemies_act" else ("given" if u[i] < 0.85 else "unknown")
        for i, lb in enumerate(legal_basis)
    ]
    held = status == HELD_US
    calls = held & (rng.random(n) < 0.5)
    call_day = rng.integers(0, 90, n)
    dies = held & ~slv & ~female & (rng.random(n) < 0.03)
    death_day = rng.integers(10, 120, n)
    contact_on: list[dt.date | None] = [None] * n
    died_on: list[dt.date | None] = [None] * n
    for i in np.flatnonzero(calls).tolist():
        contact_on[i] = dt.date(2025, 3, 20) + dt.timedelta(days=int(call_day[i]))
    for i in np.flatnonzero(dies).tolist():
        died_on[i] = dt.date(2025, 3, 15) + dt.timedelta(days=int(death_day[i]))
        if contact_on[i] is not None and contact_on[i] >= died_on[i]:  # type: ignore[operator]
            contact_on[i] = None
    return notice, contact_on, died_on


def unit_name(building: int, cell: int) -> str:
    """Canonical CECOT unit name, e.g. ``Módulo 3 / Celda 12`` (building 3, cell 12)."""
    return f"Módulo {building} / Celda {cell:02d}"


def _assign_cells(
    rng: np.random.Generator, slv: np.ndarray, status: np.ndarray
) -> tuple[list[str], list[str], list[dt.date | None]]:
    """CECOT cell at admission (uneven crowding), and a mid-detention move for some."""
    n = slv.size
    cell = [""] * n
    moved = [""] * n
    move_date: list[dt.date | None] = [None] * n
    for group, buildings, per_cell in ((~slv, VEN_BUILDINGS, 40), (slv, (1, 2, 5, 6, 7, 8), 8)):
        idx = np.flatnonzero(group & (status != HELD_US))
        if idx.size == 0:
            continue
        slots = [(b, c) for b in buildings for c in range(1, CELLS_PER_BUILDING + 1)]
        used = int(np.clip(np.ceil(idx.size / per_cell), 1, len(slots)))
        chosen = sorted(rng.choice(len(slots), size=used, replace=False).tolist())
        weights = rng.dirichlet(np.full(used, 4.0))
        which = rng.choice(used, size=idx.size, p=weights)
        names = [unit_name(*slots[k]) for k in chosen]
        for i, w in zip(idx.tolist(), which.tolist(), strict=True):
            cell[i] = names[w]
        if group is slv or used < 2:
            continue
        movers = idx[rng.random(idx.size) < 0.10]
        shift = rng.integers(1, used, movers.size)
        days = rng.integers(30, 105, movers.size)
        for i, s, d in zip(movers.tolist(), shift.tolist(), days.tolist(), strict=True):
            moved[i] = names[(names.index(cell[i]) + s) % used]
            move_date[i] = dt.date(2025, 4, 1) + dt.timedelta(days=d)
    return cell, moved, move_date

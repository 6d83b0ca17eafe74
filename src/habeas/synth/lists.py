"""Official and leaked lists: flight manifest, press list, Salvadorans, repatriation.

Each builder picks who appears (a partial, dependent sample: every person has a
latent *visibility* that raises or lowers their chance of being on every list)
and writes each row through that list's own error profile.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np

from habeas.domain.text import strip_accents
from habeas.synth.errors import (
    a_number_as_written,
    cedula_as_written,
    date_as_written,
    digit_typo,
    given_as_written,
    maybe,
    ocr_error,
    surnames_as_written,
    typo,
)
from habeas.synth.population import DEPARTURES, HELD_US, REMOVED_0315, Population
from habeas.synth.writers import Cell, ListFile

MANIFEST = "Flight manifest (leaked), 15 March 2025"
PRESS = "List of names published by the press, March 2025"
SALVADORANS = "List of Salvadorans sent to CECOT, March 2025"
REPATRIATION = "Repatriation list, 18 July 2025"
_AUTHORITY = {
    "alien_enemies_act": "AEA",
    "removal_order": "TITLE 8",
    "expedited_removal": "EXPEDITED",
}


def select(
    rng: np.random.Generator,
    pop: Population,
    eligible: np.ndarray,
    p: float,
    beta: float,
    extra_logit: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of eligible persons on a list: logit(p) + beta * visibility (+ extra)."""
    logit = np.log(p / (1.0 - p)) + beta * pop.visibility
    if extra_logit is not None:
        logit = logit + extra_logit
    chosen = eligible & (rng.random(pop.n) < 1.0 / (1.0 + np.exp(-logit)))
    return np.flatnonzero(chosen)


def streams(seed: int, name: str, k: int) -> tuple[np.random.Generator, random.Random]:
    """Independent numpy and stdlib random streams for one list."""
    return np.random.default_rng([seed, k]), random.Random(f"{seed}:{name}")


def flight_manifest(pop: Population, seed: int) -> ListFile:
    """US flight manifest: UPPER CASE, "SURNAMES, GIVEN", MM/DD/YYYY, A-numbers."""
    nrng, r = streams(seed, "manifest", 11)
    idx = select(nrng, pop, pop.status == REMOVED_0315, 0.88, 0.5)
    order = sorted(idx.tolist(), key=lambda i: (pop.flight[i], r.random()))
    rows: list[list[Cell]] = []
    for n, i in enumerate(order, start=1):
        given = given_as_written(
            pop.given1[i], pop.given2[i], r, p_second=0.9, p_initial=0.2, p_variant=0.35
        )
        surnames = surnames_as_written(
            pop.surname1[i],
            pop.surname2[i],
            r,
            p_drop=0.10,
            p_swap=0.03,
            p_hyphen=0.06,
            p_particle=0.15,
        )
        name = maybe(f"{surnames}, {given}", r, 0.04, typo)
        styles: tuple[str, ...] = ("dashed", "compact", "compact", "plain", "spaced")
        if pop.a_number[i] < 100_000_000:
            styles = (*styles, "short")
        a_num = ""
        if pop.a_number[i]:
            a_num = a_number_as_written(int(pop.a_number[i]), r, styles)
            a_num = maybe(a_num, r, 0.015, _a_typo)
        dob = "" if r.random() < 0.01 else date_as_written(pop.dob[i], "MDY", r, p_swap=0.03)
        rows.append(
            [
                n,
                strip_accents(name).upper(),
                dob,
                a_num,
                "VENEZUELA" if pop.nationality[i] == "VEN" else "EL SALVADOR",
                pop.flight[i],
                "F" if pop.female[i] else "M",
                _AUTHORITY[pop.legal_basis[i]],
                f"{DEPARTURES[pop.flight[i]]} EDT",
                "ICE Air Operations",
            ]
        )
    return ListFile(
        stem="flight_manifest",
        fmt="csv",
        headers=[
            "No.",
            "NAME",
            "DOB",
            "A#",
            "NATIONALITY",
            "FLIGHT",
            "SEX",
            "AUTHORITY",
            "DEPARTURE",
            "AGENCY",
        ],
        rows=rows,
        person_keys=[pop.key[i] for i in order],
        source={
            "title": MANIFEST,
            "kind": "list",
            "publisher": "US immigration authorities (internal; leaked)",
            "date": "2025-03-15",
            "url": None,
            "language": "en",
            "reliability": "B",
            "notes": "Synthetic. Passenger list of the three removal flights of 15 March 2025; "
            "one row per person; A-numbers written several ways; departure times "
            "in US Eastern time.",
            "one_row_per_person": True,
            "date_order": "MDY",
            "map": {},
            "defaults": {
                "event_type": "removal_flight",
                "event_date": "2025-03-15",
                "facility": "CECOT",
            },
        },
    )


def _a_typo(text: str, r: random.Random) -> str:
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    i = r.choice(digits)
    return text[:i] + str((int(text[i]) + r.randint(1, 9)) % 10) + text[i + 1 :]


def _press_case(given: str, surnames: str, r: random.Random) -> str:
    """Mixed case as retyped lists have it: Title, UPPER, or "Given SURNAMES"."""
    u = r.random()
    if u < 0.65:
        return f"{given} {surnames}"
    if u < 0.85:
        return f"{given} {surnames}".upper()
    return f"{given} {surnames.upper()}"


def press_list(pop: Population, seed: int) -> ListFile:
    """Leaked list published by the press: full names only, mixed case, OCR errors."""
    nrng, r = streams(seed, "press", 12)
    eligible = (pop.status == REMOVED_0315) & (pop.nationality == "VEN")
    idx = select(nrng, pop, eligible, 0.70, 0.7)
    names: list[tuple[str, str, str]] = []
    for i in idx.tolist():
        given = given_as_written(pop.given1[i], pop.given2[i], r, p_second=0.85, p_variant=0.1)
        surnames = surnames_as_written(
            pop.surname1[i], pop.surname2[i], r, p_drop=0.20, p_swap=0.02, p_particle=0.1
        )
        if r.random() < 0.4:
            given, surnames = strip_accents(given), strip_accents(surnames)
        full = _press_case(given, surnames, r)
        full = maybe(full, r, 0.06, typo)
        full = maybe(full, r, 0.05, ocr_error)
        names.append((full, pop.surname1[i], pop.key[i]))
    names.sort(key=lambda t: (strip_accents(t[1]), t[2]))
    return ListFile(
        stem="press_list",
        fmt="xlsx",
        sheet="Lista",
        headers=["N°", "Nombre"],
        record_id_header="N°",
        rows=[[n, name] for n, (name, _, _) in enumerate(names, start=1)],
        person_keys=[k for _, _, k in names],
        source={
            "title": PRESS,
            "kind": "news_report",
            "publisher": "A news network (synthetic)",
            "date": "2025-03-20",
            "url": None,
            "language": "es",
            "reliability": "C",
            "notes": "Synthetic. Names of Venezuelans said to be sent to CECOT, from an internal "
            "government list obtained by the press; retyped from a scan (OCR errors).",
            "one_row_per_person": True,
            "date_order": None,
            "map": {},
            "defaults": {
                "event_type": "admission",
                "event_date": "2025-03-16",
                "facility": "CECOT",
                "nationality": "Venezuela",
            },
        },
    )


def salvadorans_list(pop: Population, seed: int) -> ListFile:
    """Salvadorans received at CECOT: Spanish upper case, DUI numbers, age."""
    nrng, r = streams(seed, "salvadorans", 13)
    idx = select(nrng, pop, pop.nationality == "SLV", 0.75, 0.4)
    rows: list[list[Cell]] = []
    for n, i in enumerate(idx.tolist(), start=1):
        surnames = surnames_as_written(pop.surname1[i], pop.surname2[i], r, p_drop=0.05)
        given = given_as_written(pop.given1[i], pop.given2[i], r, p_second=0.95)
        dui = pop.dui[i]
        u = r.random()
        if u < 0.10:
            dui = dui.replace("-", "")
        elif u < 0.13:
            dui = digit_typo(dui[:8], r) + dui[8:]
        age = _age(pop.dob[i], dt.date(2025, 3, 16))
        rows.append(
            [
                n,
                maybe(surnames, r, 0.03, typo).upper(),
                given.upper(),
                dui,
                age,
                "CECOT",
                "1 año renovable",
            ]
        )
    return ListFile(
        stem="salvadorans_sent",
        fmt="csv",
        headers=["No.", "Apellidos", "Nombres", "DUI", "Edad", "Centro penal", "Plazo"],
        rows=rows,
        person_keys=[pop.key[i] for i in idx.tolist()],
        source={
            "title": SALVADORANS,
            "kind": "list",
            "publisher": "Salvadoran prison authority (leaked; synthetic)",
            "date": "2025-03-16",
            "url": None,
            "language": "es",
            "reliability": "C",
            "notes": "Synthetic. Salvadorans removed from the US and admitted to CECOT, alleged "
            "gang members; DUI numbers with check digit; the stated term of "
            "detention (one year, renewable).",
            "one_row_per_person": True,
            "date_order": None,
            "map": {},
            "defaults": {
                "event_type": "admission",
                "event_date": "2025-03-16",
                "nationality": "El Salvador",
            },
        },
    )


def _age(dob: dt.date, on: dt.date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def repatriation_list(pop: Population, seed: int) -> ListFile:
    """Destination government's list of returned nationals: cédulas, ISO dates."""
    nrng, r = streams(seed, "repatriation", 14)
    idx = select(nrng, pop, pop.repatriated & (pop.status != HELD_US), 0.82, 0.3)
    rows: list[list[Cell]] = []
    styles = ("prefix", "prefix", "dotted_prefix", "plain")
    keys = sorted(idx.tolist(), key=lambda i: (pop.surname1[i], pop.given1[i], pop.key[i]))
    for n, i in enumerate(keys, start=1):
        ced = cedula_as_written(int(pop.cedula[i]), pop.cedula_prefix[i], r, styles)
        ced = maybe(ced, r, 0.01, _a_typo)
        given = given_as_written(pop.given1[i], pop.given2[i], r, p_second=0.97)
        surnames = surnames_as_written(pop.surname1[i], pop.surname2[i], r, p_drop=0.05)
        dob = date_as_written(pop.dob[i], "ISO", r, p_swap=0.01)
        rows.append(
            [
                n,
                ced,
                maybe(given, r, 0.015, typo),
                maybe(surnames, r, 0.015, typo),
                dob,
                "2025-07-18",
                "Repatriado",
                "Aeropuerto de Maiquetía",
            ]
        )
    return ListFile(
        stem="repatriation",
        fmt="jsonl",
        record_id_header="Nro",
        headers=[
            "Nro",
            "Cédula",
            "Nombres",
            "Apellidos",
            "Fecha de nacimiento",
            "Fecha de retorno",
            "Estado",
            "Lugar",
        ],
        rows=rows,
        person_keys=[pop.key[i] for i in keys],
        source={
            "title": REPATRIATION,
            "kind": "official_statement",
            "publisher": "Venezuelan government (synthetic)",
            "date": "2025-07-18",
            "url": None,
            "language": "es",
            "reliability": "B",
            "notes": "Synthetic. Nationals returned from CECOT to Caracas on 18 July 2025.",
            "one_row_per_person": True,
            "date_order": None,
            "map": {},
            "defaults": {"event_type": "repatriation", "nationality": "Venezuela"},
        },
    )

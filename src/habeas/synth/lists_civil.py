"""Lists from civil society and courts: relatives' reports and habeas filings.

Relatives' reports are written in Spanish by families (cp1252, semicolons,
DD/MM/YYYY, nicknames, cédulas with dots) and contain duplicates when two
relatives report the same person. Court filings are habeas petitions in English
(JSON export of a docket tracker) with A-numbers, case numbers and legal facts.
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
    surnames_as_written,
    typo,
)
from habeas.synth.lists import select, streams
from habeas.synth.names import VEN_FEMALE_FIRST, VEN_MALE_FIRST, VEN_SURNAMES
from habeas.synth.population import HELD_US, TRO_COURT, TRO_DATE, TRO_TIME, Population
from habeas.synth.writers import Cell, ListFile

RELATIVES = "Relatives' reports of missing persons (NGO hotline)"
COURT = "Habeas corpus filings (docket tracker export)"
_RELATIONS = (
    "madre",
    "padre",
    "esposa",
    "hermana",
    "hermano",
    "tía",
    "prima",
    "pareja",
    "hija",
    "abuela",
)
_COURTS = (
    ("S.D. Tex.", "1"),
    ("W.D. Tex.", "3"),
    ("N.D. Tex.", "1"),
    ("D.D.C.", "1"),
    ("S.D.N.Y.", "1"),
    ("D. Colo.", "1"),
)
_CRIMINAL_EN = {
    "convicted": "Convicted",
    "charged": "Charged",
    "none_found": "None",
    "unknown": "Unknown",
}
_HEARING_EN = {"held": "Yes", "not_held": "No", "unknown": "Unknown"}
_BASIS_EN = {
    "alien_enemies_act": "Alien Enemies Act",
    "removal_order": "Final removal order",
    "expedited_removal": "Expedited removal",
}


def _last_known(pop: Population, i: int, r: random.Random) -> str:
    u = r.random()
    if pop.status[i] == HELD_US or u < 0.55:
        return f"{pop.us_facility[i]} (Texas)" if r.random() < 0.7 else "Texas, EE.UU."
    if u < 0.85:
        return "CECOT, El Salvador"
    return "Desconocido"


def _observation(
    pop: Population, i: int, nick: str, relation: str, r: random.Random, last_call: dt.date
) -> str:
    parts = [f"Reporta su {relation}."]
    if nick:
        parts.append(f'Le dicen "{nick}".')
    u = r.random()
    if u < 0.4:
        parts.append(f"Última llamada el {last_call.day:02d}/{last_call.month:02d}.")
    elif u < 0.6:
        parts.append("La familia lo reconoció en un video del traslado.")
    elif u < 0.75:
        parts.append("Tiene tatuajes; la familia niega vínculo con pandillas.")
    if pop.asylum_pending[i] and r.random() < 0.5:
        parts.append("Tenía solicitud de asilo pendiente.")
    return " ".join(parts)


def _relatives_row(pop: Population, i: int, r: random.Random) -> tuple[list[Cell], str]:
    """One relative's report of person i (fresh noise on every call)."""
    given = given_as_written(pop.given1[i], pop.given2[i], r, p_second=0.85, p_nick=0.12)
    nick = "" if given.startswith(pop.given1[i]) else given
    if not nick and r.random() < 0.15:
        alias = given_as_written(pop.given1[i], pop.given2[i], r, p_nick=1.0)
        nick = "" if alias.startswith(pop.given1[i]) else alias
    surnames = surnames_as_written(
        pop.surname1[i], pop.surname2[i], r, p_drop=0.08, p_swap=0.02, p_particle=0.05
    )
    if r.random() < 0.15:
        given, surnames = strip_accents(given), strip_accents(surnames)
    given, surnames = maybe(given, r, 0.03, typo), maybe(surnames, r, 0.03, typo)
    dob = "" if r.random() < 0.12 else date_as_written(pop.dob[i], "DMY", r, p_swap=0.03)
    ced = ""
    if pop.cedula[i] and r.random() > 0.15:
        styles = ("dotted_prefix", "dotted_prefix", "dotted", "prefix", "plain")
        ced = cedula_as_written(int(pop.cedula[i]), pop.cedula_prefix[i], r, styles)
        if r.random() < 0.02:
            ced = _digit_typo_in(ced, r)
    arrest = pop.arrest_date[i]
    if r.random() < 0.3:
        arrest = arrest + dt.timedelta(days=r.randint(-5, 5))
    arrest_txt = "" if r.random() < 0.1 else date_as_written(arrest, "DMY", r)
    relation = r.choice(_RELATIONS)
    removal = pop.removal_date[i] or dt.date(2025, 3, 14)
    last_call = removal - dt.timedelta(days=r.randint(1, 10))
    obs = _observation(pop, i, nick, relation, r, last_call)
    report_date = dt.date(2025, 3, 16) + dt.timedelta(days=int(r.expovariate(1 / 20)) % 120)
    return [
        given,
        surnames,
        dob,
        ced,
        arrest_txt,
        _last_known(pop, i, r),
        relation,
        obs,
        date_as_written(report_date, "DMY", r),
    ], report_date.isoformat()


def _digit_typo_in(text: str, r: random.Random) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    changed = digit_typo(digits, r)
    out, k = [], 0
    for ch in text:
        if ch.isdigit():
            out.append(changed[k])
            k += 1
        else:
            out.append(ch)
    return "".join(out)


_FEMALE_RELATIONS = frozenset({"madre", "esposa", "hermana", "tía", "prima", "hija", "abuela"})
_MOBILE_PREFIXES = ("412", "414", "416", "424", "426")


def _weighted(pool: tuple[tuple[str, float], ...], r: random.Random) -> str:
    return r.choices([n for n, _ in pool], weights=[w for _, w in pool])[0]


def _reporter(relation: str, r: random.Random) -> tuple[str, str]:
    """A made-up reporting relative (name as written, mobile number): the identities
    habeas keeps witness-protected. Drawn from their own stream, so every other column
    stays what it was."""
    pool = VEN_FEMALE_FIRST if relation in _FEMALE_RELATIONS else VEN_MALE_FIRST
    name = f"{_weighted(pool, r)} {_weighted(VEN_SURNAMES, r)} {_weighted(VEN_SURNAMES, r)}"
    number = f"{r.choice(_MOBILE_PREFIXES)}-{r.randint(0, 9_999_999):07d}"
    phone = f"+58 {number}" if r.random() < 0.5 else f"0{number}"
    return name, ("" if r.random() < 0.1 else phone)


def relatives_reports(pop: Population, seed: int) -> ListFile:
    """Families' reports (cp1252, semicolons), duplicates when two relatives report.

    Each report names the relative who made it and a contact phone (synthetic, from a
    stream of their own): columns habeas maps to witness-protected fields."""
    nrng, r = streams(seed, "relatives", 21)
    idx = select(nrng, pop, pop.nationality == "VEN", 0.40, 0.8)
    dup = nrng.random(idx.size) < 0.15
    entries: list[tuple[str, str, list[Cell]]] = []
    for i, twice in zip(idx.tolist(), dup.tolist(), strict=True):
        for _ in range(2 if twice else 1):
            row, when = _relatives_row(pop, i, r)
            entries.append((when, pop.key[i], row))
    order = sorted(range(len(entries)), key=lambda k: (entries[k][0], r.random()))
    rows = [[f"RF-{n:05d}", *entries[k][2], "Desaparecido"] for n, k in enumerate(order, start=1)]
    keys = [entries[k][1] for k in order]
    for key, row in _follow_ups(pop, idx, seed):
        rows.append([f"RF-{len(rows) + 1:05d}", *row])
        keys.append(key)
    reporters = random.Random(f"{seed}:relatives-reporters")
    for row in rows:
        row.extend(_reporter(str(row[7]), reporters))
    return ListFile(
        stem="relatives_reports",
        fmt="csv",
        delimiter=";",
        encoding="cp1252",
        record_id_header="Folio",
        headers=[
            "Folio",
            "Nombres",
            "Apellidos",
            "Fecha de nacimiento",
            "Cédula",
            "Fecha del hecho",
            "Último paradero conocido",
            "Parentesco",
            "Observaciones",
            "Fecha de denuncia",
            "Estado",
            "Reportado por",
            "Teléfono de contacto",
        ],
        rows=rows,
        person_keys=keys,
        source={
            "title": RELATIVES,
            "kind": "testimony",
            "publisher": "Families' committee and NGO hotline (synthetic)",
            "date": "2025-07-01",
            "url": None,
            "language": "es",
            "reliability": "C",
            "notes": "Synthetic. Reports by relatives of people detained in the US and feared "
            "sent to CECOT; the same person may be reported by two relatives. Event "
            "date is the date of detention as the family knows it; follow-up reports "
            "(Estado: Contacto / Fallecido) give the date of a call from detention "
            "or of a death in custody.",
            "one_row_per_person": False,
            "date_order": "DMY",
            "map": {},
            "defaults": {"event_type": "disappearance_report", "nationality": "Venezuela"},
        },
    )


def _follow_ups(pop: Population, reported: np.ndarray, seed: int) -> list[tuple[str, list[Cell]]]:
    """Relatives' follow-up reports: a call from US detention (for people already reported),
    and every death in custody. A stream of their own, so earlier rows are unchanged."""
    t = random.Random(f"{seed}:relatives-follow-up")
    out: list[tuple[dt.date, str, list[Cell]]] = []
    for i in sorted(set(reported.tolist()) | {k for k, d in enumerate(pop.died_on) if d}):
        for when, state, obs in (
            (
                pop.contact_on[i] if i in reported else None,
                "Contacto",
                "Llamó a la familia desde el centro de detención.",
            ),
            (
                pop.died_on[i],
                "Fallecido",
                "La familia fue informada de su muerte bajo custodia migratoria.",
            ),
        ):
            if when is None:
                continue
            row, _ = _relatives_row(pop, i, t)
            row[4] = date_as_written(when, "DMY", t)
            row[5] = f"{pop.us_facility[i]} (Texas)"
            row[7] = f"Reporta su {row[6]}. {obs}"
            report = when + dt.timedelta(days=t.randint(0, 6))
            row[8] = date_as_written(report, "DMY", t)
            out.append((report, pop.key[i], [*row, state]))
    out.sort(key=lambda e: (e[0], e[1]))
    return [(key, row) for _, key, row in out]


def _petitioner(pop: Population, i: int, r: random.Random) -> str:
    if r.random() < 0.08:  # petitions filed under initials
        letters = [pop.given1[i], pop.given2[i], pop.surname1[i], pop.surname2[i]]
        return ".".join(strip_accents(w)[0].upper() for w in letters if w) + "."
    given = given_as_written(
        pop.given1[i], pop.given2[i], r, p_second=0.8, p_initial=0.2, p_variant=0.15
    )
    surnames = surnames_as_written(
        pop.surname1[i], pop.surname2[i], r, p_drop=0.25, p_hyphen=0.10, p_swap=0.02
    )
    full = f"{given} {surnames}"
    if r.random() < 0.3:
        full = strip_accents(full)
    return maybe(full, r, 0.02, typo)


_NOTICE_EN = {"given": "Yes", "not_given": "No", "unknown": "Unknown"}
_IMMIGRATION_COURTS = (
    "Immigration Court, Harlingen",
    "Immigration Court, Houston",
    "Immigration Court, San Antonio",
)


def _order_columns(
    pop: Population, i: int, order_date: str, court: str, t: random.Random
) -> list[Cell]:
    """Court order, date, time, issuing court: the order the petition relies on."""
    if order_date:
        held = pop.status[i] == HELD_US
        issuer = court if held else t.choice(_IMMIGRATION_COURTS)
        return ["Order barring removal", order_date, "", issuer]
    if pop.legal_basis[i] == "alien_enemies_act" and pop.status[i] != HELD_US:
        return ["TRO - turn planes around", TRO_DATE.strftime("%m/%d/%Y"), TRO_TIME, TRO_COURT]
    return ["", "", "", ""]


def _counsel(pop: Population, i: int, t: random.Random) -> str:
    """Who represents the petitioner; counsel of people in CECOT could not reach them."""
    if pop.status[i] != HELD_US:
        return "Denied access"
    return t.choice(("Pro bono", "Pro bono", "Counsel of own choice"))


def court_filings(pop: Population, seed: int) -> ListFile:
    """Habeas petitions: names, A-numbers, case numbers, legal basis, orders."""
    nrng, r = streams(seed, "court", 22)
    aea = np.array([b == "alien_enemies_act" for b in pop.legal_basis])
    extra = np.where(pop.status == HELD_US, 2.0, 0.0) + np.where(aea, 0.4, 0.0)
    idx = select(nrng, pop, np.ones(pop.n, dtype=bool), 0.16, 0.6, extra)
    twice = nrng.random(idx.size) < 0.05
    t = random.Random(f"{seed}:court-trace")  # own stream: earlier columns stay as they were
    entries: list[tuple[dt.date, str, list[Cell]]] = []
    docket = 100
    for i, two in zip(idx.tolist(), twice.tolist(), strict=True):
        for _ in range(2 if two else 1):
            docket += r.randint(1, 40)
            court, div = r.choice(_COURTS)
            held = pop.status[i] == HELD_US
            if held:
                filed = dt.date(2025, 3, 14) + dt.timedelta(days=r.randint(0, 45))
                custody = pop.us_facility[i]
            else:
                filed = dt.date(2025, 3, 17) + dt.timedelta(days=r.randint(0, 100))
                custody = "CECOT" if r.random() < 0.85 else ""  # not known to counsel
            a_num = ""
            if pop.a_number[i]:
                a_num = a_number_as_written(int(pop.a_number[i]), r, ("dashed", "compact"))
            order = ""
            if pop.order_barring_removal[i]:
                on = filed if held else dt.date(2019, r.randint(1, 12), r.randint(1, 28))
                order = date_as_written(on, "MDY", r)
            dob = date_as_written(pop.dob[i], "MDY", r) if r.random() < 0.5 else ""
            row: list[Cell] = [
                _petitioner(pop, i, r),
                a_num,
                dob,
                f"{div}:25-cv-{docket:05d} ({court})",
                date_as_written(filed, "MDY", r),
                custody,
                _BASIS_EN[pop.legal_basis[i]],
                _HEARING_EN[pop.hearing[i]],
                _CRIMINAL_EN[pop.criminal_record[i]],
                *_order_columns(pop, i, order, court, t),
                "Yes" if pop.asylum_pending[i] else "No",
                _NOTICE_EN[pop.notice[i]],
                _counsel(pop, i, t),
            ]
            entries.append((filed, pop.key[i], row))
    order_idx = sorted(range(len(entries)), key=lambda k: (entries[k][0], r.random()))
    rows = [[f"HC-{n:05d}", *entries[k][2]] for n, k in enumerate(order_idx, start=1)]
    return ListFile(
        stem="court_filings",
        fmt="json",
        record_id_header="ID",
        headers=[
            "ID",
            "Petitioner",
            "A-Number",
            "Date of birth",
            "Case number",
            "Filed",
            "Custody",
            "Legal basis",
            "Hearing",
            "Criminal record",
            "Court order",
            "Order date",
            "Order time",
            "Order issued by",
            "Asylum claim pending",
            "Notice",
            "Counsel",
        ],
        rows=rows,
        person_keys=[entries[k][1] for k in order_idx],
        source={
            "title": COURT,
            "kind": "court_filing",
            "publisher": "Legal aid coalition docket tracker (synthetic)",
            "date": "2025-07-01",
            "url": None,
            "language": "en",
            "reliability": "A",
            "notes": "Synthetic. Habeas petitions for people designated under the Alien Enemies "
            "Act or removed; custody as alleged on the filing date; some petitioners "
            "filed under initials. The court order is the one the filing relies "
            "on: an individual order barring removal (an immigration-court order "
            "from 2019 for some who were removed anyway), or the 15 March 2025 TRO "
            "to turn the planes around (time in US Eastern time).",
            "one_row_per_person": False,
            "date_order": "MDY",
            "map": {"Petitioner": "full_name", "Filed": "event_date", "Custody": "facility"},
            "defaults": {"event_type": "detention", "time_zone": "America/New_York"},
        },
    )

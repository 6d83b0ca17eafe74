"""NGO interviews of released people, and the incidents their testimony grounds.

Interviewees are repatriated people; each interview carries the admission date,
the cell ("Módulo 3 / Celda 12") and a testimony that
describes the incidents the person suffered. Incidents are generated per cell
from the interviewees held there, so several victims of one incident are
cellmates, and every incident cites its victims by (source title, record id).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from habeas.synth.errors import cedula_as_written, date_as_written, given_as_written, maybe, typo
from habeas.synth.errors import surnames_as_written as surnames_written
from habeas.synth.facilities import ISOLATION_CELLS, isolation_unit
from habeas.synth.lists import select, streams
from habeas.synth.population import REPATRIATION_DAY, Population
from habeas.synth.writers import Cell, ListFile

NGO = "NGO interviews with released detainees, 2025"
# type, weight, English description, Spanish testimony
_KINDS: tuple[tuple[str, float, str, str], ...] = (
    (
        "beating",
        0.45,
        "Guards beat detainees with batons during a cell search.",
        "Nos golpearon con toletes durante una requisa.",
    ),
    (
        "punishment_cell",
        0.20,
        "Detainees were held for days in an isolation cell without light.",
        "Me llevaron varios días a la isla, sin luz.",
    ),
    (
        "denial_of_medical_care",
        0.15,
        "Medical care was refused to an injured or ill detainee.",
        "Pedí atención médica y me la negaron.",
    ),
    (
        "torture",
        0.12,
        "Detainees were forced into stress positions for hours and beaten.",
        "Nos tuvieron de rodillas por horas y nos pegaban.",
    ),
    (
        "sexual_violence",
        0.08,
        "Detainees were subjected to sexual abuse during searches.",
        "Durante las requisas hubo abusos sexuales.",
    ),
)
_ARRIVAL = (
    "Detainees were beaten on arrival while shaved and processed.",
    "Al llegar nos raparon y nos golpearon.",
)
_INCOMMUNICADO = (
    "Detainees were held without any contact with family or lawyers.",
    "Nunca pudimos llamar a la familia ni ver a un abogado.",
)


def _status(n_victims: int, r: random.Random) -> str:
    if n_victims >= 3:
        return "confirmed"
    if n_victims == 2:
        return "likely"
    return "likely" if r.random() < 0.6 else "possible"


def _incident_date(arrival: dt.date, r: random.Random) -> str:
    span = (REPATRIATION_DAY - arrival).days - 2
    d = arrival + dt.timedelta(days=r.randint(1, max(1, span)))
    return d.isoformat()[:7] if r.random() < 0.5 else d.isoformat()


def interviews(pop: Population, seed: int) -> tuple[ListFile, list[dict[str, Any]]]:
    """The NGO interview list and the incidents grounded in it."""
    nrng, r = streams(seed, "ngo", 31)
    idx = select(nrng, pop, pop.repatriated, 0.22, 0.5)
    ids = {i: f"ENT-{n:04d}" for n, i in enumerate(idx.tolist(), start=1)}
    crowd = Counter(pop.cell[i] for i in np.flatnonzero(pop.repatriated).tolist())
    by_cell: dict[str, list[int]] = defaultdict(list)
    for i in idx.tolist():
        by_cell[pop.cell[i]].append(i)
    incidents: list[dict[str, Any]] = []
    said: dict[int, list[str]] = defaultdict(list)

    def add(
        kind: str,
        date: str,
        unit: str | None,
        victims: list[int],
        desc: str,
        es: str,
        role: str,
        involvement: str,
        perp_unit: str,
    ) -> None:
        for v in victims:
            said[v].append(es)
        incidents.append(
            {
                "type": kind,
                "date": date,
                "facility": "CECOT",
                "unit": unit,
                "victims": [{"source_title": NGO, "record_id": ids[v]} for v in victims],
                "perpetrators": [{"unit": perp_unit, "role": role, "involvement": involvement}],
                "description": desc,
                "verification_status": _status(len(victims), r),
                "source_title": NGO,
            }
        )

    weights = [k[1] for k in _KINDS]
    for unit in sorted(by_cell):
        group = by_cell[unit]
        building = unit.split(" / ")[0]
        arrival = max(pop.removal_date[i] or dt.date(2025, 3, 15) for i in group)
        arrival += dt.timedelta(days=1)
        if len(group) >= 2 and r.random() < 0.5:
            victims = r.sample(group, min(len(group), 2 + r.randint(0, 3)))
            add(
                "beating",
                arrival.isoformat(),
                None,
                victims,
                _ARRIVAL[0],
                _ARRIVAL[1],
                "prison_officials",
                "directly_carried_out",
                "Admission and search team",
            )
        if len(group) >= 3:
            add(
                "incommunicado_detention",
                arrival.isoformat()[:7],
                unit,
                list(group),
                _INCOMMUNICADO[0],
                _INCOMMUNICADO[1],
                "prison_officials",
                "gave_orders",
                "Prison administration",
            )
        for _ in range(int(nrng.poisson(0.25 * len(group)))):
            kind, _w, desc, es = r.choices(_KINDS, weights)[0]
            victims = r.sample(group, min(len(group), 1 + int(nrng.poisson(0.5))))
            where = unit
            if kind == "punishment_cell":
                where = isolation_unit(r.randint(1, ISOLATION_CELLS))
            add(
                kind,
                _incident_date(arrival, r),
                where,
                victims,
                desc,
                es,
                "prison_officials",
                "directly_carried_out",
                f"Custodians, {building}",
            )
    rows: list[list[Cell]] = []
    styles = ("dotted_prefix", "dotted", "prefix")
    for i, rid in ids.items():
        given = given_as_written(pop.given1[i], pop.given2[i], r, p_second=0.9, p_nick=0.03)
        surnames = surnames_written(pop.surname1[i], pop.surname2[i], r, p_drop=0.08, p_swap=0.01)
        name = maybe(f"{given} {surnames}", r, 0.03, typo)
        ced = (
            ""
            if r.random() < 0.2
            else cedula_as_written(int(pop.cedula[i]), pop.cedula_prefix[i], r, styles)
        )
        admitted = (pop.removal_date[i] or dt.date(2025, 3, 15)) + dt.timedelta(days=1)
        interviewed = REPATRIATION_DAY + dt.timedelta(days=r.randint(20, 110))
        cellmates = int(round(crowd[pop.cell[i]], -1)) or crowd[pop.cell[i]]
        text = [f"Estuvo en la celda con unos {cellmates} compañeros."]
        if pop.moved_cell[i]:
            text.append(f"Luego lo cambiaron a {pop.moved_cell[i]}.")
        quotes = said.get(i)
        text.append(
            f'Relata: "{" ".join(quotes)}"' if quotes else "No quiso dar detalles de maltratos."
        )
        rows.append(
            [
                rid,
                name,
                date_as_written(pop.dob[i], "DMY", r, p_swap=0.02),
                ced,
                date_as_written(admitted, "DMY", r),
                pop.cell[i],
                date_as_written(interviewed, "DMY", r),
                " ".join(text),
            ]
        )
    lst = ListFile(
        stem="ngo_interviews",
        fmt="xlsx",
        sheet="Entrevistas",
        record_id_header="ID",
        headers=[
            "ID",
            "Nombre completo",
            "Fecha de nacimiento",
            "Cédula",
            "Fecha de ingreso",
            "Celda",
            "Fecha de entrevista",
            "Testimonio",
        ],
        rows=rows,
        person_keys=[pop.key[i] for i in ids],
        source={
            "title": NGO,
            "kind": "testimony",
            "publisher": "Human-rights NGO (synthetic)",
            "date": "2025-11-01",
            "url": None,
            "language": "es",
            "reliability": "B",
            "notes": "Synthetic. Interviews with people released from CECOT and returned to "
            "Venezuela; event date is the date of admission to CECOT.",
            "one_row_per_person": True,
            "date_order": "DMY",
            "map": {"Fecha de ingreso": "event_date"},
            "defaults": {
                "event_type": "admission",
                "facility": "CECOT",
                "nationality": "Venezuela",
            },
        },
    )
    return lst, incidents

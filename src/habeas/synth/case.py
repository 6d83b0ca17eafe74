"""Assemble a synthetic case: population, lists, facilities, incidents, ground truth.

``generate_case`` writes everything into ``out_dir``:

- ``lists/`` — the list files (CSV, XLSX, JSON, JSON Lines);
- ``case.json`` — import instructions read by ``habeas demo``;
- ``ground_truth.csv`` — ``source_title,record_id,person_key`` for every row;
- ``persons_truth.csv`` — the synthetic persons themselves.

Output depends only on ``persons``, ``seed`` and ``lists_format_mix``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from habeas.synth.facilities import documents, facilities, occupancy
from habeas.synth.lists import flight_manifest, press_list, repatriation_list, salvadorans_list
from habeas.synth.lists_civil import court_filings, relatives_reports
from habeas.synth.ngo import interviews
from habeas.synth.population import STATUS_NAMES, Population, build_population
from habeas.synth.writers import ListFile, write_csv_table, write_list

PERSON_COLUMNS = [
    "person_key",
    "given_names",
    "surnames",
    "first_surname",
    "second_surname",
    "dob",
    "sex",
    "nationality",
    "a_number",
    "cedula",
    "dui",
    "passport",
    "status",
    "removed",
    "flight",
    "removal_date",
    "arrest_date",
    "us_facility",
    "legal_basis",
    "criminal_record",
    "hearing",
    "asylum_pending",
    "order_barring_removal",
    "cecot_unit",
    "moved_to_unit",
    "move_date",
    "repatriated",
    "repatriation_date",
    "sibling_of",
    "namesake_of",
    "notice",
    "contact_on",
    "died_on",
]


def build_lists(pop: Population, seed: int) -> tuple[list[ListFile], list[dict[str, Any]]]:
    """Every list of the case (in import order) and the incidents."""
    ngo, incidents = interviews(pop, seed)
    lists = [
        flight_manifest(pop, seed),
        press_list(pop, seed),
        relatives_reports(pop, seed),
        court_filings(pop, seed),
        salvadorans_list(pop, seed),
        repatriation_list(pop, seed),
        ngo,
    ]
    return lists, incidents


def _person_rows(pop: Population) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for i in range(pop.n):
        removal = pop.removal_date[i]
        move = pop.move_date[i]
        ced = f"{pop.cedula_prefix[i]}{pop.cedula[i]}" if pop.cedula[i] else ""
        rows.append(
            [
                pop.key[i],
                f"{pop.given1[i]} {pop.given2[i]}".strip(),
                f"{pop.surname1[i]} {pop.surname2[i]}",
                pop.surname1[i],
                pop.surname2[i],
                pop.dob[i].isoformat(),
                "female" if pop.female[i] else "male",
                str(pop.nationality[i]),
                f"{pop.a_number[i]:09d}" if pop.a_number[i] else "",
                ced,
                pop.dui[i],
                pop.passport[i],
                STATUS_NAMES[pop.status[i]],
                int(removal is not None),
                pop.flight[i],
                removal.isoformat() if removal else "",
                pop.arrest_date[i].isoformat(),
                pop.us_facility[i],
                pop.legal_basis[i],
                pop.criminal_record[i],
                pop.hearing[i],
                int(pop.asylum_pending[i]),
                int(pop.order_barring_removal[i]),
                pop.cell[i],
                pop.moved_cell[i],
                move.isoformat() if move else "",
                int(pop.repatriated[i]),
                "2025-07-18" if pop.repatriated[i] else "",
                pop.sibling_of[i],
                pop.namesake_of[i],
                pop.notice[i],
                _iso(pop.contact_on[i]),
                _iso(pop.died_on[i]),
            ]
        )
    return rows


def _iso(d: Any) -> str:
    return d.isoformat() if d else ""


def generate_case(
    out_dir: Path, *, persons: int = 600, seed: int = 7, lists_format_mix: bool = True
) -> Path:
    """Generate a synthetic case into ``out_dir`` and return the path of ``case.json``.

    Deterministic: the same arguments give byte-identical files. With
    ``lists_format_mix=False`` every list is written as CSV (for scale benchmarks).
    """
    if persons < 1:
        raise ValueError("persons must be at least 1")
    out_dir = Path(out_dir)
    lists_dir = out_dir / "lists"
    lists_dir.mkdir(parents=True, exist_ok=True)
    pop = build_population(persons, seed)
    lists, incidents = build_lists(pop, seed)
    sources = [write_list(lst, lists_dir, lists_format_mix) for lst in lists]
    truth: list[list[Any]] = []
    for lst in lists:
        for rid, key in zip(lst.record_ids(), lst.person_keys, strict=True):
            truth.append([lst.title, rid, key])
    write_csv_table(
        out_dir / "ground_truth.csv", ["source_title", "record_id", "person_key"], truth
    )
    write_csv_table(out_dir / "persons_truth.csv", PERSON_COLUMNS, _person_rows(pop))
    facility_rng = np.random.default_rng([seed, 41])
    ngo_title = lists[-1].title
    case = {
        "seed": seed,
        "persons": persons,
        "sources": sources,
        "documents": documents(),
        "facilities": facilities(facility_rng),
        "occupancy": occupancy(pop, facility_rng, ngo_title),
        "legal_facts": [],
        "incidents": incidents,
    }
    path = out_dir / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path

"""Build the synthetic case into a workspace: generate the lists, then load them as a user would.

The generator (:mod:`habeas.synth`) writes the lists as files plus ``case.json``
(how to import each list, the facilities, occupancy figures and incidents).
This module loads that case through the same library calls the CLI uses, so
the demo exercises the real import path. Every step is idempotent: running the
demo again on the same workspace changes nothing.
"""

from __future__ import annotations

import csv
import json
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from habeas.document.incident_entry import IncidentSpec, PerpetratorSpec, add_incidents
from habeas.domain.dates import parse_date
from habeas.estimate import run_all
from habeas.estimate.register import histories_from_register
from habeas.estimate.result import Estimate
from habeas.ingest.importer import ImportOptions, ImportResult, import_file
from habeas.ingest.sources import add_source
from habeas.linkage import LinkReport, link
from habeas.search.index import index_pending
from habeas.store.db import Store
from habeas.store.facilities import (
    FacilitySpec,
    FigureSpec,
    OccupancySpec,
    UnitSpec,
    add_facility,
    add_occupancy,
)
from habeas.store.schema import Facility, Incident, Link, OccupancyObservation, Source
from habeas.synth import generate_case

DEMO_ACTOR = "demo"


@dataclass
class DemoResult:
    case_dir: Path
    imports: list[ImportResult] = field(default_factory=list)
    facilities_added: int = 0
    occupancy_added: int = 0
    incidents_added: int = 0
    linkage: LinkReport | None = None


def build_demo(
    store: Store, case_dir: Path, *, persons: int = 600, seed: int = 7, progress: Any = None
) -> DemoResult:
    """Generate the case (once), load it, then link its records into persons."""
    case_path = case_dir / "case.json"
    if not case_path.exists():
        generate_case(case_dir, persons=persons, seed=seed)
    result = load_case(store, case_path, progress=progress)
    index_pending(store, actor=DEMO_ACTOR)
    result.linkage = link(store, actor=DEMO_ACTOR, progress=progress)
    return result


def _existing(store: Store, column: Any) -> set[str]:
    with store.read() as s:
        return set(s.execute(select(column)).scalars())


def load_case(store: Store, case_path: Path, progress: Any = None) -> DemoResult:
    case = json.loads(case_path.read_text(encoding="utf-8"))
    root = case_path.parent
    result = DemoResult(case_dir=root)

    # 1. Sources first: facility figures and incidents cite them.
    titles = _existing(store, Source.title)
    for spec in [*case.get("documents", []), *case["sources"]]:
        if spec["title"] not in titles:
            add_source(
                store,
                spec["title"],
                spec["kind"],
                reliability=spec.get("reliability"),
                publisher=spec.get("publisher"),
                published_on=spec.get("date"),
                url=spec.get("url"),
                language=spec.get("language"),
                notes=spec.get("notes"),
                one_row_per_person=bool(spec.get("one_row_per_person")),
                actor=DEMO_ACTOR,
            )
            titles.add(spec["title"])
    for title in sorted(_cited_titles(case) - titles):
        add_source(
            store,
            title,
            "document",
            notes="Cited by the synthetic case's facility, occupancy or incident data.",
            actor=DEMO_ACTOR,
        )

    # 2. Facilities, so that imported events link to them.
    facilities = _existing(store, Facility.name)
    for f in case.get("facilities", []):
        if f["name"] in facilities:
            continue
        add_facility(
            store,
            FacilitySpec(
                name=f["name"],
                kind=f["kind"],
                country=f.get("country"),
                latitude=f.get("latitude"),
                longitude=f.get("longitude"),
                official_capacity=f.get("official_capacity"),
                authority=f.get("authority"),
                notes=f.get("notes"),
                units=[
                    UnitSpec(
                        u["name"], u.get("building"), u.get("area_m2"), u.get("design_capacity")
                    )
                    for u in f.get("units", [])
                ],
                figures=[
                    FigureSpec(
                        fig.get("kind", "official_capacity"),
                        fig["value"],
                        fig.get("note"),
                        fig.get("source_title"),
                    )
                    for fig in f.get("capacity_figures", [])
                ],
            ),
            actor=DEMO_ACTOR,
        )
        result.facilities_added += 1

    # 3. Occupancy (one batch; skipped if the demo loaded it before).
    with store.read() as s:
        has_occupancy = bool(
            s.execute(select(func.count()).select_from(OccupancyObservation)).scalar()
        )
    if case.get("occupancy") and not has_occupancy:
        result.occupancy_added = add_occupancy(
            store,
            [
                OccupancySpec(
                    o["facility"],
                    date.fromisoformat(o["date"]),
                    int(o["population"]),
                    o.get("unit"),
                    o.get("source_title"),
                )
                for o in case["occupancy"]
            ],
            actor=DEMO_ACTOR,
        )

    # 4. The lists, through the real importer.
    for spec in case["sources"]:
        if not spec.get("file"):
            continue
        options = ImportOptions(
            source_title=spec["title"],
            mapping=dict(spec.get("map") or {}),
            defaults={k: str(v) for k, v in (spec.get("defaults") or {}).items()},
            date_order=spec.get("date_order"),
            sheet=spec.get("sheet"),
            published_on=spec.get("date"),
        )
        result.imports.append(
            import_file(store, root / spec["file"], options, actor=DEMO_ACTOR, progress=progress)
        )

    # 5. Incidents, naming victims by (source, record id).
    with store.read() as s:
        has_incidents = bool(s.execute(select(func.count()).select_from(Incident)).scalar())
    if case.get("incidents") and not has_incidents:
        specs = []
        for inc in case["incidents"]:
            when = parse_date(inc["date"], "YMD") if inc.get("date") else None
            specs.append(
                IncidentSpec(
                    act_type=inc["type"],
                    verification_status=inc["verification_status"],
                    source_titles=[inc["source_title"]],
                    when=when,
                    date_text=inc.get("date"),
                    facility=inc.get("facility"),
                    unit=inc.get("unit"),
                    description=inc.get("description"),
                    victims=[
                        (v["source_title"], str(v["record_id"])) for v in inc.get("victims", [])
                    ],
                    perpetrators=[
                        PerpetratorSpec(p["role"], p.get("unit"), p.get("involvement"))
                        for p in inc.get("perpetrators", [])
                    ],
                )
            )
        result.incidents_added = len(add_incidents(store, specs, actor=DEMO_ACTOR))
    return result


def _cited_titles(case: dict[str, Any]) -> set[str]:
    cited: set[str] = set()
    for f in case.get("facilities", []):
        cited.update(
            fig["source_title"] for fig in f.get("capacity_figures", []) if fig.get("source_title")
        )
    cited.update(o["source_title"] for o in case.get("occupancy", []) if o.get("source_title"))
    for inc in case.get("incidents", []):
        cited.add(inc["source_title"])
        cited.update(v["source_title"] for v in inc.get("victims", []))
    return cited


# The lists of the synthetic case that concern the people removed on the March flights
# (the Salvadorans' list and the NGO interviews cover other populations).
ESTIMATION_FILES = ("flight_manifest", "press_list", "relatives_reports", "repatriation")
ESTIMATION_METHODS = ("independence", "loglinear", "dga", "lcmcr")


@dataclass
class DemoEstimate:
    lists: list[str]
    estimates: list[Estimate]
    true_total: int | None  # known only because the case is synthetic


def demo_estimate(store: Store, case_path: Path, seed: int = 7) -> DemoEstimate:
    """Estimate how many Venezuelans no list names, and give the synthetic truth beside it."""
    case = json.loads(case_path.read_text(encoding="utf-8"))
    titles = [
        s["title"]
        for s in case["sources"]
        if s.get("file") and Path(s["file"]).stem in ESTIMATION_FILES
    ]
    histories = histories_from_register(store, titles, {"nationality": "VEN"})["all"]
    estimates = run_all(histories, ESTIMATION_METHODS, seed=seed, chains=2)
    truth_path = case_path.parent / "persons_truth.csv"
    true_total = None
    if truth_path.exists():
        with truth_path.open(encoding="utf-8") as handle:
            # Every list of the case is drawn from the synthetic population: its
            # Venezuelans (removed or still held) are the total being estimated.
            true_total = sum(1 for row in csv.DictReader(handle) if row["nationality"] == "VEN")
    return DemoEstimate(titles, estimates, true_total)


@dataclass
class DemoReports:
    situation: Path
    dossier: Path
    person_id: int


def demo_reports(store: Store, out_dir: Path, lang: str = "es") -> DemoReports:
    """A situation report for CECOT and the dossier of the person with the most records."""
    from habeas.report.dossier import dossier_report
    from habeas.report.situation_render import situation_report

    with store.read() as s:
        person_id = s.execute(
            select(Link.person_id)
            .where(Link.superseded_at.is_(None))
            .group_by(Link.person_id)
            .order_by(func.count().desc(), Link.person_id)
            .limit(1)
        ).scalar_one()
    situation = situation_report(
        store,
        out_dir / f"situation-CECOT-{lang}.pdf",
        facility="CECOT",
        lang=lang,
        register="habeas demo",
    )
    dossier = dossier_report(
        store,
        int(person_id),
        out_dir / f"dossier-{person_id}-{lang}.pdf",
        lang=lang,
        register="habeas demo",
    )
    return DemoReports(situation, dossier, int(person_id))


DEMO_USER = "demo"
DEMO_LOGIN_FILE = "demo-login.txt"


def demo_login(store: Store, root: Path) -> tuple[str, str]:
    """An admin account for the demo workspace, its password kept in ``demo-login.txt``.

    The password is random per workspace (never a fixed, guessable one) and the
    file is readable only by its owner; it exists only in demo workspaces.
    """
    from habeas.access.users import add_user

    path = root / DEMO_LOGIN_FILE
    if path.exists():
        name, password = path.read_text(encoding="utf-8").split()[:2]
        return name, password
    password = secrets.token_urlsafe(12)
    add_user(
        store, DEMO_USER, "admin", password, display_name="Demo administrator", actor=DEMO_ACTOR
    )
    path.write_text(f"{DEMO_USER} {password}\n", encoding="utf-8")
    path.chmod(0o600)
    return DEMO_USER, password

"""A small register with one person stated by four sources, one at each sensitivity level.

Made-up names only. The restricted testimony carries a reporting relative's name and
phone (witness-protected values) that must never reach an uncleared reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from habeas.access.policy import SENSITIVITY_LEVELS
from habeas.document.incident_entry import IncidentSpec
from habeas.document.incidents import record_incident
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.schema import Link, Record

REPORTER = "Marisol Ficticia Quintanilla"
PHONE = "+58 414-5550199"
#: level -> (source title, kind, --sensitivity or None for the kind's default)
SOURCES = {
    "public": ("Levels: press list", "news_report", "public"),
    "internal": ("Levels: flight manifest", "list", None),
    "restricted": ("Levels: relatives' reports", "testimony", None),
    "witness_protected": ("Levels: sealed testimony", "testimony", "witness_protected"),
}
#: level -> the name as that source writes it (so each level's record is recognisable)
NAMES = {
    "public": "Zebulon Arquimedes Testino",
    "internal": "Zebulon A. Testino",
    "restricted": "Zebulón Arquímedes Testino Uno",
    "witness_protected": "Zebulon Testino Dos",
}


@dataclass
class LevelCase:
    person_id: int
    record_ids: dict[str, int]  # level -> record id
    incident_ids: dict[str, int]  # level -> incident id


def build_levels(store: Store, folder: Path) -> LevelCase:
    record_ids: dict[str, int] = {}
    for level, (title, kind, chosen) in SOURCES.items():
        path = folder / f"{kind}-{level}.csv"
        header = "Folio;Nombre completo;Fecha de nacimiento"
        row = f"L-{level};{NAMES[level]};04/05/1990"
        if level == "restricted":
            header += ";Parentesco;Reportado por;Teléfono de contacto"
            row += f";madre;{REPORTER};{PHONE}"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        result = import_file(
            store,
            path,
            ImportOptions(
                source_title=title,
                source_kind=kind,
                sensitivity=chosen,
                date_order="DMY",
                defaults={"event_type": "detention", "event_date": "2025-03-15"},
            ),
            actor="ana",
        )
        with store.read() as s:
            record_ids[level] = s.execute(
                select(Record.id).where(Record.source_id == result.source_id)
            ).scalar_one()
    person_id = _link_all(store, list(record_ids.values()))
    incidents: dict[str, int] = {}
    for level in SENSITIVITY_LEVELS:
        incidents[level] = record_incident(
            store,
            IncidentSpec(
                act_type="beating",
                verification_status="possible",
                source_titles=[SOURCES["internal"][0]],
                description=f"incident at {level}",
                victims=[(SOURCES["internal"][0], "L-internal")],
                sensitivity=level,
            ),
            actor="ana",
        )
    return LevelCase(person_id, record_ids, incidents)


def build_legal_levels(store: Store, case: LevelCase) -> dict[str, int]:
    """One legal action for the case's person at each level: level -> action id."""
    from habeas.access.reader import Reader
    from habeas.document.legal_action_entry import ActionSpec, add_action

    admin = Reader("admin", "ana", "documentation", "cli")
    return {
        level: add_action(
            store,
            admin,
            ActionSpec(
                "habeas_petition",
                case.person_id,
                f"Levels court {level}",
                case_number=f"LV-{level}",
                filed_on=date(2025, 3, 20),
                status="pending",
                sensitivity=level,
            ),
        )
        for level in SENSITIVITY_LEVELS
    }


def _link_all(store: Store, record_ids: list[int]) -> int:
    """One person for all records (as a reviewer's decisions would make it)."""
    now = datetime.now(UTC)
    with store.write("ana") as op:
        links = (
            op.session.execute(
                select(Link).where(Link.record_id.in_(record_ids), Link.superseded_at.is_(None))
            )
            .scalars()
            .all()
        )
        target = min(link.person_id for link in links)
        for link in links:
            if link.person_id != target:
                link.superseded_at = now
                op.session.add(
                    Link(
                        record_id=link.record_id,
                        person_id=target,
                        method="human",
                        score=None,
                        decided_by="ana",
                        decided_at=now,
                    )
                )
        op.log("link", "person", target, {"records": record_ids})
    return target

"""A synthetic person with known facts and known gaps, and an inquiry about them.

Made-up names only. The prison list (internal, published 2025-04-02) admits
"Teodoro Ficticio Larrazábal" to CECOT on 16 March 2025 and states the authority
that ordered it and his state of health; nothing records a supervising authority,
a transfer, a release or a death.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.ingest.importer import ImportOptions, import_file
from habeas.inquiry import Asker, InquirySpec, Sought, create_inquiry
from habeas.store.db import Store
from habeas.store.queries import CURRENT
from habeas.store.schema import Link, Record

SOUGHT = "Teodoro Ficticio Larrazábal"
ASKER = "Rosalinda Inventada Peñaranda"
CONTACT = "+58 412-5550123, Calle Imaginaria 4, Maracay"
RELATIONSHIP = "madre"
LIST_TITLE = "Lista ficticia de ingresos, CECOT"
ORDERED_BY = "Departamento de Seguridad Nacional (ficticio)"
HEALTH = "herida en la pierna izquierda"

DOCUMENTER = Reader("documenter", "doc", "relative_request: test", "cli")
ADMIN = Reader("admin", "adm", "relative_request: test", "cli")
LEGAL = Reader("legal", "law", "relative_request: test", "cli")


def add_person(store: Store, folder: Path) -> int:
    path = folder / "ingresos.csv"
    path.write_text(
        "Folio;Nombre completo;Fecha de nacimiento;Fecha;Ordenado por;Estado de salud\n"
        f"F-1;{SOUGHT};12/08/1994;16/03/2025;{ORDERED_BY};{HEALTH}\n"
        "F-2;Otra Persona Distinta;01/01/1980;16/03/2025;;\n",
        encoding="utf-8",
    )
    import_file(
        store,
        path,
        ImportOptions(
            source_title=LIST_TITLE,
            source_kind="list",
            published_on="2025-04-02",
            date_order="DMY",
            defaults={"event_type": "admission", "facility": "CECOT"},
        ),
        actor="test",
    )
    with store.read() as s:
        return int(
            s.execute(
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .where(CURRENT, Record.record_key == "F-1")
            ).scalar_one()
        )


def new_inquiry(store: Store, reader: Reader = DOCUMENTER, **sought: str) -> int:
    return create_inquiry(
        store,
        InquirySpec(
            Asker(ASKER, RELATIONSHIP, CONTACT),
            Sought(
                name=sought.get("name", "Teodoro Larrazabal"),
                dob=sought.get("dob", "12/08/1994"),
                known=sought.get("known", "Detenido en Maracay en marzo de 2025."),
            ),
            language=sought.get("language", "es"),
        ),
        reader,
    )

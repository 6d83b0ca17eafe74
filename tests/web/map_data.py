"""A small register for the map's tests: three facilities with coordinates (one without),
and people held at one, then flown to another (made-up names only).

:func:`build_map_case` imports the lists through the real importer and links each
person's rows, as a reviewer would (:func:`tests.trace.conftest.merge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.facilities import FacilitySpec, add_facility
from tests.trace.conftest import merge, persons_of_list

#: name -> (kind, country, latitude, longitude)
FACILITIES = {
    "Centro de Procesamiento Norte": ("immigration_detention", "USA", 26.1, -97.6),
    "Penal de Máxima Seguridad Sur": ("prison", "SLV", 13.7, -88.9),
    "Hangar de Tránsito": ("staging_facility", "USA", 31.8, -106.4),
    "Cárcel sin coordenadas": ("prison", "SLV", None, None),
}
ORIGIN, DESTINATION, STAGING, UNPLACED = FACILITIES
FLIGHT = "ZZ1503"
PEOPLE = 7  # flown: at least k (5), so counts show to every role that sees aggregates


@dataclass
class MapCase:
    facility_ids: dict[str, int]
    person_ids: list[int]  # the people flown, in list order


def _import(store: Store, folder: Path, title: str, text: str) -> list[int]:
    path = folder / f"{title.replace(' ', '_')}.csv"
    path.write_text(text, encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(source_title=title, source_kind="list", reliability="B", date_order="DMY"),
        actor="test",
    )
    return persons_of_list(store, title)


def build_map_case(store: Store, folder: Path) -> MapCase:
    ids = {
        name: add_facility(
            store,
            FacilitySpec(name, kind, country=country, latitude=lat, longitude=lon),
            actor="test",
        )
        for name, (kind, country, lat, lon) in FACILITIES.items()
    }
    rows = []
    for i in range(PEOPLE):
        name = f"Persona Ficticia {chr(65 + i)}"
        rows.append(f"{name};detention;2025-03-01;{ORIGIN};\n")
        rows.append(f"{name};transfer;2025-03-12;{STAGING};\n")
        rows.append(f"{name};removal;2025-03-15;{DESTINATION};{FLIGHT}\n")
    pids = _import(
        store,
        folder,
        "Traslados (prueba)",
        "Nombre;Tipo de evento;Fecha;Centro;Vuelo\n" + "".join(rows),
    )
    people = [merge(store, pids[3 * i : 3 * i + 3]) for i in range(PEOPLE)]
    return MapCase(ids, people)

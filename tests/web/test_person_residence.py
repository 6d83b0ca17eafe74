"""A person's place of residence, as the record wrote it, on every face.

The library's ``Identity.residences`` (one variant per way a record wrote the
home, with the records that state it) is what the web page (Spanish), its JSON,
the CLI and the dossier show. Names and addresses are invented (synthetic).
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.store.schema import Link
from habeas.trace.person import person_summary, residence_line
from tests.web.conftest import csrf, login

LIST = (
    "ID;Nombres;Apellidos;Número A;Dirección;Urbanización;Municipio;Estado de residencia\n"
    "R1;Yorgelis Carolina;Marcano Rengifo;A-208-304-911;Calle 7 casa 21;Urb. Santa Rosa;"
    "Ciudad Ojeda;Zulia\n"
)


def test_residence_line_joins_the_parts_as_written() -> None:
    assert (
        residence_line(
            {
                "address": "Calle 7 casa 21",
                "address_line2": "Urb. Santa Rosa",
                "locality": "Ciudad Ojeda",
                "region": "Zulia",
            }
        )
        == "Calle 7 casa 21, Urb. Santa Rosa, Ciudad Ojeda, Zulia"
    )
    assert (
        residence_line({"street_number": "21", "address": "Calle 7", "postcode": "4019"})
        == "21 Calle 7, 4019"
    )
    assert residence_line({"locality": "  "}) == ""


def _one_person(store: Store, tmp_path: Path) -> int:
    path = tmp_path / "reportes.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(store, path, ImportOptions("Reportes de familiares", "list"))
    with store.read() as s:
        return int(
            s.execute(select(Link.person_id).where(Link.superseded_at.is_(None))).scalar_one()
        )


def test_person_identity_lists_the_place_of_residence(store: Store, tmp_path: Path) -> None:
    pid = _one_person(store, tmp_path)
    summary = person_summary(store, pid, reader=Reader("admin", "tester", purpose="documentation"))
    homes = {
        v.value: [(p.source, p.record, p.row) for p in v.stated_by]
        for v in summary.identity.residences
    }
    assert homes == {
        "Calle 7 casa 21, Urb. Santa Rosa, Ciudad Ojeda, Zulia": [
            ("Reportes de familiares", "R1", 2)
        ]
    }


def test_person_page_shows_the_place_of_residence(
    store: Store, tmp_path: Path, client: TestClient
) -> None:
    pid = _one_person(store, tmp_path)
    login(client, "documenter")
    client.post(
        "/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(client)}
    )
    client.get("/language/es")
    html = client.get(f"/persons/{pid}").text
    assert "Lugar de residencia" in html and "Urb. Santa Rosa" in html
    data = client.get(f"/persons/{pid}.json").json()
    field = next(f for f in data["identity"] if f["field"] == "residences")
    assert [v["value"] for v in field["variants"]] == [
        "Calle 7 casa 21, Urb. Santa Rosa, Ciudad Ojeda, Zulia"
    ]
    assert field["variants"][0]["stated_by"]

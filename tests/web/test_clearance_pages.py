"""Pages that must not show what the reader's clearance withholds (issues #14.9, #14.10, #14.12).

The register of :mod:`tests.trust.sensitivity_data`: one person stated by four sources, one
at each sensitivity level, and one incident at each level.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import ImportBatch, Source
from tests.trust.sensitivity_data import SOURCES, build_levels

SEALED = SOURCES["witness_protected"][0]


def _import_ids(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {
            level: s.execute(
                select(ImportBatch.id)
                .join(Source, Source.id == ImportBatch.source_id)
                .where(Source.title == title)
            ).scalar_one()
            for level, (title, _, _) in SOURCES.items()
        }


def test_import_history_follows_the_readers_clearance(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    build_levels(store, tmp_path)
    ids = _import_ids(store)
    documenter = client_as("documenter")
    page = documenter.get("/sources.json").json()
    assert SEALED not in str(page)
    assert "testimony-witness_protected.csv" not in str(page)
    assert {i["id"] for i in page["imports"]} == {ids["public"], ids["internal"]}
    # the restricted testimony's file names a reporter, so it (and its import) is sealed
    assert page["withheld"]["counts"]["imports"] == 2
    assert SEALED not in documenter.get("/sources").text
    # the sealed import's report is not there for them; the restricted one needs a purpose
    answer = documenter.get(f"/sources/imports/{ids['witness_protected']}.json")
    assert answer.status_code == 404 and SEALED not in answer.text
    assert documenter.get(f"/sources/imports/{ids['restricted']}").status_code == 404
    shown = documenter.get(f"/sources/imports/{ids['internal']}.json").json()
    assert shown["import"]["source"] == SOURCES["internal"][0]
    admin = client_as("admin")  # cleared, but no purpose stated in this session yet
    unstated = admin.get(f"/sources/imports/{ids['witness_protected']}.json").json()
    assert unstated["all_withheld"] and unstated["withheld"]["for_purpose"] == 1
    assert SEALED not in str(unstated)
    assert "purpose" in admin.get(f"/sources/imports/{ids['witness_protected']}").text
    assert SEALED not in admin.get("/sources.json").text


def test_estimates_use_only_lists_within_clearance_and_hide_small_counts(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    build_levels(store, tmp_path)
    analyst = client_as("analyst")
    form = analyst.get("/estimates.json").json()
    titles = [c["title"] for c in form["choices"]["lists"]]
    assert titles == [SOURCES["public"][0], SOURCES["internal"][0]]
    assert all(c["records"] == "<5" for c in form["choices"]["lists"])
    assert SEALED not in analyst.get("/estimates").text
    data = analyst.get("/estimates.json", params={"lists": titles, "method": "chapman"}).json()
    assert data["histories"]["observed"] == "<5"
    assert [p["count"] for p in data["histories"]["patterns"]] == ["<5"]
    assert all(r["observed"] == "<5" for r in data["results"])
    # a list above the clearance is answered like a list that does not exist
    sealed = analyst.get(
        "/estimates.json", params={"lists": [titles[0], SEALED], "method": "chapman"}
    ).json()
    assert not sealed["ran"] and sealed["error"] and SOURCES["restricted"][0] not in str(sealed)
    missing = analyst.get(
        "/estimates.json", params={"lists": [titles[0], "No such list"], "method": "chapman"}
    ).json()
    assert missing["error"].replace("No such list", SEALED) == sealed["error"]


def test_incident_counts_follow_the_readers_clearance(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    from habeas.report.sharing import set_sharing

    build_levels(store, tmp_path)
    analyst = client_as("analyst")
    for params in ({}, {"start": "2025-01-01", "end": "2025-12-31"}):
        data = analyst.get("/incidents.json", params=params).json()
        assert data["count"] in ("<5", 0)
        assert all(isinstance(row["n"], str) for row in data["by_type"])
    assert SEALED not in str(analyst.get("/incidents.json").json())
    html = analyst.get("/incidents").text
    assert "&lt;5" in html
    set_sharing(store, k=1, actor="admin")  # no suppression: the counts are the visible ones
    data = analyst.get("/incidents.json").json()
    assert data["count"] == 2 and data["by_type"][0]["n"] == 2  # public and internal only
    documenter = client_as("documenter")  # restricted incidents need a purpose
    assert documenter.get("/incidents.json").json()["count"] == 2


def test_estimate_with_a_list_emptied_by_the_filters(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    """Three lists, one with nobody left after the filter: the page answers (it crashed
    with a 500 when the histories dropped the empty list)."""
    from habeas.ingest.importer import ImportOptions, import_file

    people = {
        "A": [("Ana Uno", "VEN"), ("Berta Dos", "VEN"), ("Carla Tres", "VEN")],
        "B": [("Ana Uno", "VEN"), ("Dora Cuatro", "VEN"), ("Eva Cinco", "VEN")],
        "C": [("Fina Seis", "COL"), ("Gala Siete", "COL")],
    }
    for name, rows in people.items():
        path = tmp_path / f"list-{name}.csv"
        path.write_text(
            "Folio;Nombre completo;Nacionalidad\n"
            + "".join(f"{name}-{i};{who};{nat}\n" for i, (who, nat) in enumerate(rows)),
            encoding="utf-8",
        )
        import_file(
            store,
            path,
            ImportOptions(source_title=f"List {name}", source_kind="list", sensitivity="internal"),
            actor="ana",
        )
    from habeas.linkage import link

    link(store)  # Ana Uno is on A and B: something to estimate from
    documenter = client_as("documenter")
    answer = documenter.get(
        "/estimates.json",
        params={
            "lists": ["List A", "List B", "List C"],
            "method": "independence",
            "nationality": "VEN",
        },
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["ran"], data["error"]
    assert all(set(p["lists"]) <= {"List A", "List B"} for p in data["histories"]["patterns"])
    assert any("List C" in w for w in data["warnings"])


def _reads(store: Store, entity: str) -> list[dict[str, object]]:
    import json

    from habeas.audit.reads import READ_ACTION
    from habeas.store.schema import ChangeLogEntry

    with store.read() as s:
        return [
            json.loads(d)
            for d in s.execute(
                select(ChangeLogEntry.detail).where(
                    ChangeLogEntry.action == READ_ACTION, ChangeLogEntry.entity == entity
                )
            ).scalars()
        ]


def test_search_says_nothing_of_levels_above_the_clearance(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    build_levels(store, tmp_path)
    # the witness-protected record's own spelling: only that source names him so
    documenter = client_as("documenter")
    sealed_only = documenter.get("/search.json", params={"q": "Zebulon Testino Dos"}).json()
    assert "witness_protected" not in str(sealed_only["withheld"])
    assert sealed_only["withheld"].get("levels", {}) == {"restricted": 1}  # needs a purpose
    assert sealed_only["withheld"]["for_purpose"] == sealed_only["withheld"]["total"]
    # telling them restricted data exists is a read of it: logged although nothing was shown
    logged = _reads(store, "search")
    assert logged and logged[-1]["purpose"] is None
    assert set(logged[-1]["shown"]) <= {"public", "internal"}
    assert logged[-1]["withheld"] == {"records": 1}


def test_incident_victims_above_the_clearance_are_not_found(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    from tests.web.conftest import csrf

    build_levels(store, tmp_path)
    documenter = client_as("documenter")
    form = {
        "act_type": "beating",
        "verification_status": "possible",
        "source": SOURCES["internal"][0],
        "victim_source": SEALED,
        "victim_record": "L-witness_protected",
        "csrf_token": csrf(documenter),
    }
    sealed = documenter.post("/incidents/new", data=form, headers={"Accept": "application/json"})
    missing = documenter.post(
        "/incidents/new",
        data={**form, "victim_record": "L-nobody"},
        headers={"Accept": "application/json"},
    )
    assert sealed.status_code == missing.status_code == 404
    assert (
        sealed.json()["error"]["message"].replace("L-witness_protected", "L-nobody")
        == missing.json()["error"]["message"]
    )


def test_a_visible_incident_does_not_name_sources_above_the_clearance(
    store: Store, tmp_path: Path
) -> None:
    """An internal incident that also cites a witness-protected list: a documenter sees the
    incident and the public source, never the sealed list's title (#14, left over)."""
    from habeas.access.reader import Reader, Withheld
    from habeas.document.incident_entry import IncidentSpec, add_incidents
    from habeas.document.incidents import list_incidents

    build_levels(store, tmp_path)
    public = SOURCES["public"][0]
    add_incidents(
        store,
        [IncidentSpec("torture", "possible", [public, SEALED], sensitivity="internal")],
        actor="test",
    )
    withheld = Withheld()
    rows = list_incidents(store, reader=Reader("documenter", "ana"), withheld=withheld)
    [row] = [r for r in rows if public in r.sources]
    assert SEALED not in row.sources and row.source_levels == ["public"]
    assert withheld.counts["sources"] == 1
    admin = list_incidents(store, reader=Reader("admin", "root", "audit"))
    assert any(SEALED in r.sources for r in admin)

"""A retired person id on the web and API: a redirect to the survivor, which says so (#13.3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.access.reader import Reader
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage.review import decide
from habeas.store import queries
from habeas.store.db import Store

ADMIN = Reader("admin", "ana", "documentation")

LISTS = {
    "Manifest": 'No.,NAME,DOB,A#\n1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911\n',
    "Press": 'No.,NAME,DOB\n1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990\n',
    "Relatives": 'No.,NAME,DOB,A#\n1,"RODRIGUES, JOSE",05/04/1990,A208304911\n',
}


def _merge_two(store: Store, tmp_path: Path) -> tuple[int, int, int]:
    """Three persons; Manifest's and Press's merged: (survivor, retired, the third)."""
    for title, text in LISTS.items():
        path = tmp_path / f"{title}.csv"
        path.write_text(text, encoding="utf-8")
        import_file(store, path, ImportOptions(title, "list", date_order="MDY"))
    start = {r["source"]: (r["record"], r["person_id"]) for r in queries.iter_records(store)}
    decide(store, (start["Manifest"][0], start["Press"][0]), "same", reviewer="ana", reader=ADMIN)
    pids = sorted((start["Manifest"][1], start["Press"][1]))
    return pids[0], pids[1], start["Relatives"][1]


def test_a_merged_id_redirects_to_the_survivor_with_a_notice(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    survivor, retired, third = _merge_two(store, tmp_path)
    client = client_as("documenter")
    client.get("/language/en")
    page = client.get(f"/persons/{retired}", follow_redirects=False)
    assert page.status_code == 307
    assert page.headers["location"] == f"/persons/{survivor}?merged={retired}"
    html = client.get(f"/persons/{retired}").text
    assert f"Person {retired} was merged into person {survivor} on " in html
    api = client.get(f"/persons/{retired}.json", follow_redirects=False)
    assert api.status_code == 307
    assert api.headers["location"] == f"/persons/{survivor}.json?merged={retired}"
    data = client.get(f"/persons/{retired}.json").json()
    assert data["person_id"] == survivor
    assert [m["person_id"] for m in data["merged_from"]] == [retired]
    assert data["merged_from"][0]["into_id"] == survivor
    # a ?merged= that is not true says nothing
    assert client.get(f"/persons/{survivor}.json?merged={third}").json()["merged_from"] == []
    dossier = client.get(f"/persons/{retired}/dossier.pdf", follow_redirects=False)
    assert dossier.status_code == 307
    assert dossier.headers["location"].startswith(f"/persons/{survivor}/dossier.pdf")
    client.get("/language/es")
    assert (
        f"La persona {retired} se fusionó con la persona {survivor} el "
        in client.get(f"/persons/{retired}").text
    )
    # a refused role learns nothing, not even the redirect
    assert (
        client_as("analyst").get(f"/persons/{retired}", follow_redirects=False).status_code == 403
    )


def test_a_split_person_names_the_new_id(
    store: Store, tmp_path: Path, client_as: Callable[[str], TestClient]
) -> None:
    survivor, _retired, third = _merge_two(store, tmp_path)
    records = {r["source"]: r["record"] for r in queries.iter_records(store)}
    pair = (records["Manifest"], records["Relatives"])
    decide(store, pair, "same", reviewer="ana", reader=ADMIN)
    decide(store, pair, "different", reviewer="ana", reader=ADMIN)
    now = {r["source"]: r["person_id"] for r in queries.iter_records(store)}
    assert now["Manifest"] == now["Press"] == survivor
    new = now["Relatives"]
    client = client_as("documenter")
    client.get("/language/en")
    data = client.get(f"/persons/{survivor}.json").json()
    assert [m["into_id"] for m in data["split_off"]] == [new]
    assert f"now belong to person {new}" in data["split_off"][0]["text"]
    # the third's id was retired by the merge; its record now lies with the new person
    moved = client.get(f"/persons/{third}.json").json()
    assert moved["person_id"] == new
    assert [m["text"] for m in moved["merged_from"]][
        -1
    ] == f"The records of person {third} now belong to person {new}."

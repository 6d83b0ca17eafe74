"""The person page names every kind of legal fact in the reader's language, from the one
table of labels (``habeas.trace.items.FACT_TYPE_TEXT``) the dossier and the CLI use too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from tests.trace.conftest import persons_of_list

Client = Callable[[str], TestClient]


def test_person_page_labels_each_legal_fact_in_the_readers_language(
    client_as: Client, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "Nombre;Autoridad que ordeno;Autoridad supervisora\n"
        "Persona Ficticia Dos;Ministerio de Prueba;Oficina Ficticia\n",
        encoding="utf-8",
    )
    import_file(store, path, ImportOptions("Lista de autoridades", "list"), actor="test")
    [pid] = persons_of_list(store, "Lista de autoridades")
    c = client_as("documenter")
    c.get("/language/es")
    page = c.get(f"/persons/{pid}").text
    assert "autoridad que ordenó la privación de libertad" in page
    assert "autoridad supervisora" in page.lower()
    assert "ordering authority" not in page and "supervising authority" not in page
    c.get("/language/en")
    page = c.get(f"/persons/{pid}").text
    assert "ordering authority" in page and "supervising authority" in page

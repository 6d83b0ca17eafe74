"""Codes shown as words in the page's language (#13.5): permissions, the change log's
actions and details, source kinds, dates known to the month or year."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from habeas.ingest.sources import add_source
from habeas.store.db import Store
from habeas.web.pages._common import fmt_date
from tests.web.conftest import csrf


def test_admin_pages_show_labels_not_codes(
    client_as: Callable[[str], TestClient], store: Store
) -> None:
    add_source(store, "Comunicado del gobierno", "official_statement", actor="test")
    c = client_as("admin")
    c.get("/language/es")
    admin = c.get("/admin").text
    roles = admin.split('id="roles"')[1]
    assert "ver nombres y registros" in roles and "<code>read_identities</code>" not in roles
    log = c.get("/admin/log").text
    row = next(r for r in log.split("<tr>") if "Comunicado del gobierno" in r)
    assert "añadió" in row and "fuente" in row
    assert "<strong>título</strong>: Comunicado del gobierno" in row
    assert not re.search(r'\{"', row)  # no raw JSON
    assert c.get("/admin/log.json").json()["entries"][0]["detail"]  # the JSON keeps codes
    c.post("/purpose", data={"purpose": "documentation", "next": "/", "csrf_token": csrf(c)})
    sources = c.get("/sources").text
    assert "Declaración oficial" in sources and ">official_statement<" not in sources


def test_partial_dates_in_the_readers_language() -> None:
    assert fmt_date("2025-03 (day unknown)", "es") == "marzo de 2025 (día desconocido)"
    assert fmt_date("1990 (month and day unknown)", "es") == "1990 (mes y día desconocidos)"
    assert (
        fmt_date("between 2025-03-01 and 2025-03-15", "es")
        == "entre el 1 mar 2025 y el 15 mar 2025"
    )
    assert fmt_date("2025-03 (day unknown)", "en") == "March 2025 (day unknown)"
    assert fmt_date("as written", "es") == "as written"

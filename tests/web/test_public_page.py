"""The public situation page, the suppressed dashboard and the safe-sharing commands.

One real SQLite workspace (the synthetic demo case, imported) for the module.
The leak test takes every name, identifier, date of birth and free-text value
the register holds about people and searches the public page's HTML and JSON
(web and static, both languages) for each of them.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from habeas.access.policy import ROLES
from habeas.access.users import add_user
from habeas.cli.main import app as cli_app
from habeas.demo import load_case
from habeas.report.aggregates import overview
from habeas.report.public_figures import public_situation
from habeas.report.public_page import publish_situation
from habeas.report.sharing import set_sharing, sharing_settings
from habeas.store.db import Store
from habeas.store.schema import (
    CustodyEvent,
    Facility,
    Incident,
    LegalFact,
    Record,
    RecordIdentifier,
)
from habeas.web import create_app
from habeas.workspace import Workspace, init_workspace
from tests.web.conftest import PASSWORD, csrf, login

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, demo_case: Path
) -> Iterator[tuple[Workspace, Store]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    ws = init_workspace(tmp_path_factory.mktemp("public") / "ws")
    store = Store.open(ws, create=True)
    load_case(store, demo_case)  # (not linked: every record is its own person)
    for role in ROLES:
        add_user(store, role, role, PASSWORD, actor="test")
    yield ws, store
    store.close()
    mp.undo()


@pytest.fixture(scope="module")
def store(demo: tuple[Workspace, Store]) -> Store:
    return demo[1]


@pytest.fixture(scope="module")
def web(store: Store) -> Iterator[Any]:
    app = create_app(store, secret_key="test-secret-key")
    clients: dict[str | None, TestClient] = {}

    def as_role(role: str | None) -> TestClient:
        if role not in clients:
            c = TestClient(app)
            c.__enter__()
            if role is not None:
                login(c, role)
            clients[role] = c
        return clients[role]

    yield as_role
    for c in clients.values():
        c.__exit__(None, None, None)


def _personal_strings(store: Store) -> set[str]:
    """Every name, identifier, date of birth and free text about people in the register."""
    found: set[str] = set()
    with store.read() as s:
        for full, given, surnames, dob, raw in s.execute(
            select(
                Record.full_name,
                Record.given_names,
                Record.surnames,
                Record.dob_earliest,
                Record.raw,
            )
        ):
            found.update(x for x in [full, *given, *surnames] if x)
            if dob is not None:
                found.add(dob.isoformat())
            found.update(
                v for v in (raw or {}).values() if isinstance(v, str) and len(v) >= 25
            )  # free-text columns
        for raw, value in s.execute(select(RecordIdentifier.raw, RecordIdentifier.value)):
            found.update(x for x in (raw, value) if x)
        for row in s.execute(
            select(CustodyEvent.notes, CustodyEvent.place, CustodyEvent.date_text)
        ):
            found.update(x for x in row if x)
        for row in s.execute(select(LegalFact.case_number, LegalFact.detail)):
            found.update(x for x in row if x)
        found.update(x for x in s.execute(select(Incident.description)).scalars() if x)
        facilities = set(s.execute(select(Facility.name)).scalars())
    # Facility names are the register's vocabulary (they are shown on purpose); the
    # synthetic lists write a missing value as a placeholder word, which names nobody.
    placeholders = {"none", "null", "unknown", "desconocido", "desconocida", "n/a", "s/d"}
    return {
        x.strip()
        for x in found
        if len(x.strip()) >= 3
        and x.strip() not in facilities
        and x.strip().lower() not in placeholders
    }


def _leaks(text: str, strings: set[str]) -> list[str]:
    lowered = text.lower()
    out = []
    for value in strings:
        v = value.lower()
        if v in lowered and re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", lowered):
            out.append(value)
    return sorted(out)


def test_public_page_is_off_until_an_admin_publishes_it(web: Any, store: Store) -> None:
    if sharing_settings(store).public_page:  # another test of this module published it
        set_sharing(store, public_page=False, actor="test")
    anonymous = web(None)
    r = anonymous.get("/public.json")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert web("analyst").get("/public", headers=JSON).status_code == 404
    # the admin sees a preview with the publishing form
    admin = web("admin")
    page = admin.get("/public")
    assert page.status_code == 200
    assert "Publish the page" in page.text or "Publicar la página" in page.text
    # only an admin may publish, and only with the CSRF token
    r = web("documenter").post(
        "/public/publish",
        data={"published": "true", "csrf_token": csrf(web("documenter"))},
        headers=JSON,
    )
    assert r.status_code == 403
    r = admin.post("/public/publish", data={"published": "true"}, headers=JSON)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert sharing_settings(store).public_page is False
    r = admin.post(
        "/public/publish",
        data={"published": "true", "k": "2", "csrf_token": csrf(admin)},
        headers=JSON,
    )
    assert r.status_code == 400  # k = 2 is refused
    r = admin.post(
        "/public/publish",
        data={"published": "true", "k": "5", "csrf_token": csrf(admin)},
        headers=JSON,
    )
    assert r.status_code == 200, r.text
    assert r.json()["sharing"] == {**r.json()["sharing"], "public_page": True, "k": 5}
    assert sharing_settings(store).changed_by == "admin"
    # now anyone can read it, in both languages
    r = anonymous.get("/public.json")
    assert r.status_code == 200 and r.json()["k"] == 5
    es = anonymous.get("/public", headers={"Accept-Language": "es"})
    en = TestClient(anonymous.app).get("/public", headers={"Accept-Language": "en"})
    assert "Situación del registro" in es.text and "Situation of the register" in en.text
    assert "Publicar" not in es.text and "Publish the page" not in en.text  # no admin box
    assert "style-src 'unsafe-inline'" in es.headers["content-security-policy"]


def test_public_page_shows_no_personal_data(web: Any, store: Store, tmp_path: Path) -> None:
    web("admin").post(
        "/public/publish",
        data={"published": "true", "k": "5", "csrf_token": csrf(web("admin"))},
        headers=JSON,
    )
    strings = _personal_strings(store)
    assert len(strings) > 500, "the demo case should hold many names and identifiers"
    anonymous = web(None)
    outputs = {}
    for lang in ("es", "en"):
        headers = {"Accept-Language": lang}
        fresh = TestClient(anonymous.app)
        outputs[f"html-{lang}"] = fresh.get("/public", headers=headers).text
        outputs[f"json-{lang}"] = fresh.get("/public.json", headers=headers).text
    for path in publish_situation(store, tmp_path / "site"):
        outputs[path.name] = path.read_text(encoding="utf-8")
    assert {"index.html", "situation-es.json", "situation-en.html"} <= set(outputs)
    for name, text in outputs.items():
        assert "CECOT" in text, name  # the page does show the aggregates
        assert _leaks(text, strings) == [], name
    # every count below k is hidden, everywhere in the JSON
    data = json.loads(outputs["situation-es.json"])

    def numbers(value: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, v in value.items():
                # (counts of facilities, sources and units name nobody)
                if key in (
                    "k",
                    "facilities",
                    "sources",
                    "units_observed",
                    "units_under",
                ) and isinstance(v, int):
                    continue
                yield from ((f"{key}.{p}", n) for p, n in numbers(v))
        elif isinstance(value, list):
            for v in value:
                yield from numbers(v)
        elif isinstance(value, int) and not isinstance(value, bool):
            yield "", value

    small = [(p, n) for p, n in numbers(data) if 0 < n < 5]
    assert small == []
    assert "<5" in outputs["situation-es.json"]


def test_public_figures_match_the_register(store: Store) -> None:
    with store.read() as session:
        exact = overview(store, session, "en")
    data = public_situation(store, k=1, lang="en")  # k = 1: nothing hidden
    assert data["counts"]["persons"] == exact["counts"]["persons"]
    assert data["counts"]["custody_events"] == exact["counts"]["events"]
    assert sum(w["persons"] for w in data["whereabouts"]) == exact["counts"]["persons"]
    for month, row in zip(
        data["events_over_time"]["months"], exact["events_over_time"]["months"], strict=True
    ):
        assert month["total"] == row["total"]
    suppressed = public_situation(store, k=10, lang="en")
    for month in suppressed["events_over_time"]["months"]:
        hidden = [v for v in month["by_type"].values() if isinstance(v, str)]
        # a month whose total is shown never has exactly one hidden cell
        assert not (isinstance(month["total"], int) and len(hidden) == 1), month


def test_dashboard_suppresses_for_roles_without_identities(web: Any) -> None:
    legal = web("legal").get("/index.json").json()
    analyst = web("analyst").get("/index.json").json()
    viewer = web("viewer").get("/index.json").json()
    # the audit trail is for admins only (see tests/web/test_admin.py)
    assert "recent_activity" not in legal and "recent_activity" not in analyst
    assert analyst["k"] == 5 and viewer["counts"]["persons"] == analyst["counts"]["persons"]
    assert legal["counts"]["persons"] == analyst["counts"]["persons"]  # large: shown
    exact_small = [
        (m["month"], t, n)
        for m in legal["events_over_time"]["months"]
        for t, n in m["by_type"].items()
        if 0 < n < 5
    ]
    assert exact_small, "the demo case has small monthly counts"
    months = {m["month"]: m for m in analyst["events_over_time"]["months"]}
    for month, kind, _n in exact_small:
        assert months[month]["by_type"][kind] == "<5"
    html = web("analyst").get("/").text
    assert "&lt;5" in html


def test_publish_commands(demo: tuple[Workspace, Store], tmp_path: Path) -> None:
    ws, _store = demo
    runner = CliRunner()
    out = tmp_path / "agg.csv"
    result = runner.invoke(
        cli_app, ["publish", "aggregates", str(out), "--k", "10", "-w", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"counts", "people_by_whereabouts", "events_by_month_and_type", "people_by_flag"} <= {
        r["table"] for r in rows
    }
    people = [r for r in rows if r["category"] not in ("facilities", "sources")]
    assert all(
        r["count"] in ("<10", "x") or int(r["count"]) == 0 or int(r["count"]) >= 10 for r in people
    ), [r for r in people if r["count"] not in ("<10", "x") and 0 < int(r["count"]) < 10]
    assert any(r["count"] == "<10" for r in people)
    result = runner.invoke(
        cli_app, ["publish", "situation", str(tmp_path / "site"), "-w", str(ws.root)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").exists()
    result = runner.invoke(cli_app, ["publish", "settings", "--k", "2", "-w", str(ws.root)])
    assert result.exit_code != 0 and "k = 2" in str(result.exception)
    result = runner.invoke(cli_app, ["publish", "settings", "--json", "-w", str(ws.root)])
    assert result.exit_code == 0 and json.loads(result.output)["k"] >= 3

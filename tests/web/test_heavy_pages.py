"""Long computations: estimates are cached per register state and bounded; dry runs are
parsed once (issue #14.17)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store
from habeas.web import create_app
from tests.web.conftest import csrf, login

LISTS = {
    "A": ["Ana Uno", "Berta Dos", "Carla Tres", "Dora Cuatro"],
    "B": ["Ana Uno", "Berta Dos", "Eva Cinco", "Fina Seis"],
}


def _lists(store: Store, folder: Path) -> list[str]:
    for name, people in LISTS.items():
        path = folder / f"list-{name}.csv"
        path.write_text(
            "Folio;Nombre completo\n"
            + "".join(f"{name}-{i};{who}\n" for i, who in enumerate(people)),
            encoding="utf-8",
        )
        import_file(
            store, path, ImportOptions(source_title=f"List {name}", source_kind="list"), actor="ana"
        )
    return [f"List {name}" for name in LISTS]


def test_an_estimate_is_computed_once_per_register_state(
    store: Store,
    tmp_path: Path,
    client_as: Callable[[str], TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from habeas.linkage import link
    from habeas.web.pages import estimates

    titles = _lists(store, tmp_path)
    link(store)  # Ana Uno and Berta Dos on both lists: something to estimate from
    calls: list[Any] = []
    real = estimates.run_all

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(estimates, "run_all", counted)
    analyst = client_as("analyst")
    params = {"lists": titles, "method": "independence"}
    first = analyst.get("/estimates.json", params=params).json()
    again = analyst.get("/estimates.json", params=params).json()
    assert first == again and first["ran"] and len(calls) == 1
    analyst.get("/estimates.json", params={**params, "seed": 8})
    assert len(calls) == 2  # other parameters: another computation
    (tmp_path / "more").mkdir()
    path = tmp_path / "more" / "list-C.csv"
    path.write_text("Folio;Nombre completo\nC-1;Gala Siete\n", encoding="utf-8")
    import_file(store, path, ImportOptions(source_title="List C", source_kind="list"), actor="ana")
    analyst.get("/estimates.json", params=params)
    assert len(calls) == 3  # the register changed


def test_estimates_beyond_the_slots_are_refused_with_retry_after(
    store: Store, tmp_path: Path, users: dict[str, str]
) -> None:
    from habeas.linkage import link
    from habeas.web.cache import slots

    titles = _lists(store, tmp_path)
    link(store)  # the lists overlap: the estimate can run once a slot is free
    app = create_app(store, secret_key="test-secret-key", max_concurrent_estimates=1)
    running = slots("estimates", 1)
    with TestClient(app) as client:
        login(client, "analyst")
        assert running.try_enter()  # another estimate is being computed
        try:
            busy = client.get(
                "/estimates.json", params={"lists": titles, "seed": 99, "method": "independence"}
            )
            page = client.get(
                "/estimates", params={"lists": titles, "seed": 99, "method": "independence"}
            )
        finally:
            running.leave()
        assert busy.status_code == 503 and busy.headers["retry-after"] == "30"
        assert busy.json()["error"]["code"] == "busy"
        assert page.status_code == 503 and "<html" in page.text
        done = client.get(
            "/estimates.json", params={"lists": titles, "seed": 99, "method": "independence"}
        )
        assert done.status_code == 200 and done.json()["ran"]


def test_the_dry_run_is_parsed_once_per_file_and_options(
    store: Store,
    tmp_path: Path,
    client_as: Callable[[str], TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tempfile

    from habeas.web import sources

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parsed: list[Any] = []
    real = sources.plan_import

    def counted(*args: Any, **kwargs: Any) -> Any:
        parsed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(sources, "plan_import", counted)
    documenter = client_as("documenter")
    body = "Nro;Nombre completo;Apodo\n1;Ana Uno;la flaca\n2;Berta Dos;\n"
    sent = documenter.post(
        "/sources/import",
        data={
            "source_title": "Lista de prueba",
            "source_kind": "list",
            "csrf_token": csrf(documenter),
        },
        files={"file": ("prueba.csv", body.encode())},
        follow_redirects=False,
    )
    plan_url = sent.headers["location"]
    first = documenter.get(plan_url + ".json").json()
    assert documenter.get(plan_url + ".json").json() == first
    documenter.get(plan_url)
    documenter.get(plan_url)
    assert len(parsed) == 2  # once for JSON (every problem), once for the page (1000)
    documenter.post(
        plan_url + "/check",
        data={
            "map:Apodo": "notes",  # then shows the page
            "csrf_token": csrf(documenter),
        },
    )
    changed = documenter.get(plan_url + ".json").json()
    assert len(parsed) == 4 and changed["plan"]["tables"][0]["mapping"]["Apodo"] == "notes"

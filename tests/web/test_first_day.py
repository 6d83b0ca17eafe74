"""A documenter's first day, in the browser, in Spanish (issue 13).

Playwright drives Debian's Chromium against the real server on loopback, on a
workspace of its own (the synthetic case, 120 persons): log in; upload a list
with an impossible date and see the problem; keep that column as written on the
check page (the file is never edited) and import it; find a just-imported name;
review three pairs with the keyboard
(a note ending with Enter does not decide); undo the last decision from its
confirmation; open a merged person's old address (it leads to the survivor,
with a notice); look at a facility's m² per person.

Every page visited is also photographed at 1280 px and 390 px into
``HABEAS_SCREENSHOTS`` (a folder) when that is set, to look at them by eye.

Last, she enters a facility of her own in the web form (a cell with its area and
a count) and reads its m² per person.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.person_ids import resolve
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import ReviewDecision, ScoredPair
from habeas.web import create_app
from tests.web.conftest_browser import (
    Chromium,
    LiveServer,
    build_demo_store,
    log_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000
TITLE = "Reportes de familiares, primer día"
HEADER = "Nombre,Apellidos,Fecha de nacimiento,Sexo,Cédula\n"
ROWS = (
    "Ana Beatriz,Quintero Salas,{dob},F,V-19.442.871\n"
    "José Gregorio,Mendoza Rivas,03/11/1985,M,V-17.220.334\n"
)
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def day(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, Chromium]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(
        tmp_path_factory.mktemp("first-day"), persons=120, roles=("documenter",)
    )
    live = LiveServer(
        create_app(
            store, secret_key="first-day-secret", upload_dir=tmp_path_factory.mktemp("uploads")
        )
    ).start()
    yield store, live.url, chromium
    live.stop()
    store.close()
    mp.undo()


def _path(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def _pair_id(page: Any) -> int:
    action = page.locator("#review-pair form.decide").get_attribute("action") or ""
    found = re.search(r"/review/(\d+)/decide", action)
    assert found, f"no decision form in the review pair (action {action!r})"
    return int(found.group(1))


def _record_count(store: Store, person_id: int) -> int:
    with store.read() as s:
        return len(
            s.execute(
                select(Link.record_id).where(
                    Link.person_id == person_id, Link.superseded_at.is_(None)
                )
            ).all()
        )


def _persons(store: Store, pair_id: int) -> tuple[int, int]:
    """The persons the pair's two records belong to now."""
    with store.read() as s:
        a, b = s.execute(
            select(ScoredPair.record_a, ScoredPair.record_b).where(ScoredPair.id == pair_id)
        ).one()
        current = dict(
            s.execute(
                select(Link.record_id, Link.person_id).where(
                    Link.record_id.in_((a, b)), Link.superseded_at.is_(None)
                )
            ).all()
        )
    return current[a], current[b]


def _decision(store: Store, pair_id: int) -> str | None:
    with store.read() as s:
        return s.execute(
            select(ReviewDecision.decision).where(
                ReviewDecision.pair_id == pair_id, ReviewDecision.superseded_at.is_(None)
            )
        ).scalar()


def _wait_for_next_pair(page: Any, old: int) -> None:
    page.wait_for_function(
        "old => { const f = document.querySelector('#review-pair form.decide');"
        " return !f || !f.getAttribute('action').includes('/review/' + old + '/'); }",
        arg=old,
        timeout=TIMEOUT_MS,
    )


def test_a_documenters_first_day(day: tuple[Store, str, Chromium], tmp_path: Path) -> None:
    store, url, chromium = day
    context = chromium.context(lang="es")
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    visited: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda m: (
            errors.append(f"console: {m.text}")
            if m.type == "error" and not (m.location or {}).get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on(
        "framenavigated",
        lambda frame: visited.append(_path(frame)) if frame == page.main_frame else None,
    )
    try:
        log_in(page, url, "documenter")
        assert _path(page) == "/"
        assert page.locator("html").get_attribute("lang") == "es"

        # 1. A list with an impossible date: the check names it; nothing is written.
        bad = tmp_path / "familiares.csv"
        bad.write_text(HEADER + ROWS.format(dob="31/02/1990"), encoding="utf-8")
        _upload(page, url, bad)
        main = page.locator("main").inner_text()
        assert "Hay que corregir 1 error(es) antes de importar" in main, main[:600]
        problem = page.locator("table.problems tbody tr.error").first
        assert "31/02/1990" in problem.inner_text()
        assert page.get_by_role("button", name=re.compile(r"^Importar")).count() == 0
        with store.read() as s:
            assert s.execute(select(Source.id).where(Source.title == TITLE)).first() is None

        # 2. Fix it on the check page, never in the evidence: keep the unreadable date as
        #    written (flagged), map "Nombre" to given names (as detected), check again,
        #    then import.
        plan_url = page.url
        page.get_by_label(
            "Conservar la columna «Fecha de nacimiento» tal como está escrita"
        ).check()
        page.get_by_label("Nombre", exact=True).select_option("given_names")
        page.get_by_role("button", name="Revisar de nuevo").click()
        page.wait_for_url(plan_url)
        assert "Hay que corregir" not in page.locator("main").inner_text()
        page.get_by_role("button", name=re.compile(r"^Importar 2 registros")).click()
        page.wait_for_url(re.compile(r"/sources/imports/\d+$"))
        with store.read() as s:
            rows = s.execute(
                select(Record.raw, Record.dob_earliest)
                .join(Source, Source.id == Record.source_id)
                .where(Source.title == TITLE)
            ).all()
        assert len(rows) == 2
        kept = [dob for raw, dob in rows if raw.get("Fecha de nacimiento") == "31/02/1990"]
        assert kept == [None], "the impossible date is kept as written and not read"

        # 3. Find the name just imported, as typed by someone in a hurry.
        page.goto(url + "/search")
        page.get_by_label("Nombre, número A o cédula").press_sequentially(
            "ana quintero salas", delay=15
        )
        page.locator("#search-results li.candidate").first.wait_for()
        assert "quintero" in page.locator("#search-results").inner_text().lower()

        # 4. Three pairs by keyboard. A note ending with Enter writes the note only.
        page.goto(url + "/review")
        assert page.locator("main h1").inner_text() == "Cola de revisión"
        first = _pair_id(page)
        note = page.get_by_label("Nota (opcional)")
        note.press_sequentially("mismo padre, distinta fecha")
        note.press("Enter")
        page.wait_for_timeout(500)  # give a wrongly wired Enter the time to submit
        assert _pair_id(page) == first, "Enter in the note decided the pair"
        assert _decision(store, first) is None
        assert note.input_value().startswith("mismo padre, distinta fecha")
        note.blur()

        merged: tuple[int, int] | None = None
        decided: list[tuple[int, str]] = []
        for _ in range(3):
            pair = _pair_id(page)
            a, b = _persons(store, pair)
            # "same" re-clusters the two persons' records (the decision binds, the rest go
            # where their pairs take them): it retires a person for sure when one of the
            # two holds nothing but this pair's record
            if (
                merged is None
                and a != b
                and 1 in (_record_count(store, a), _record_count(store, b))
            ):
                key, expected = "s", "same"
            else:
                key, expected = ("d", "different") if len(decided) < 2 else ("u", "unsure")
            page.keyboard.press(key)
            _wait_for_next_pair(page, pair)
            status = page.locator("#review-pair .flash.ok").first.inner_text()
            assert status.startswith("Decisión guardada"), status
            assert _decision(store, pair) == expected
            decided.append((pair, expected))
            if expected == "same":
                merged = (a, b)
        assert decided[0][0] == first and decided[0][1] != "unsure"
        assert "mismo padre, distinta fecha" in _notes(store, first), (
            "the note typed before deciding was not kept with the decision"
        )

        # 5. Undo the last decision from its confirmation: the pair is back in the queue.
        last_pair, last = decided[-1]
        assert last != "same", "the undo below would also undo the merge checked after it"
        page.get_by_role("button", name="Deshacer esta decisión").click()
        page.locator("#review-pair .flash.ok", has_text="Decisión deshecha").wait_for()
        assert _decision(store, last_pair) == "undone"  # the undo is itself a decision
        with store.read() as s:
            assert (
                s.execute(select(ScoredPair.status).where(ScoredPair.id == last_pair)).scalar()
                == "queued"
            )

        # 6. A merged person's old address leads to the survivor, with a notice.
        assert merged is not None, "none of the three pairs joined two persons"
        same_pair = next(pair for pair, expected in decided if expected == "same")
        joined = _persons(store, same_pair)
        assert joined[0] == joined[1], "the 'same' decision did not put its records in one person"
        old = next(p for p in merged if not resolve(store, p).current)
        survivor = resolve(store, old).survivor
        page.goto(f"{url}/persons/{old}")
        assert _path(page) == f"/persons/{survivor}?merged={old}"
        notice = page.locator("main .person-merged").first.inner_text()
        assert f"La persona {old} se fusionó con la persona {survivor}" in notice, notice

        # 7. A facility's m² per person.
        page.goto(url + "/facilities")
        page.get_by_role("link", name="CECOT").first.click()
        page.wait_for_url(re.compile(r"/facilities/\d+"))
        units = page.locator("#h-units").locator("xpath=..")
        assert re.search(r"\d[\d,.]* m²/persona", units.inner_text()), units.inner_text()[:500]

        # 8. A facility of her own: a cell with its area and a count, then m² per person.
        page.goto(url + "/facility-entry")
        page.locator("#n-name").fill("Centro de Prueba Norte")
        page.locator("#n-kind").select_option(index=1)
        page.locator("#n-nst").fill("Informe de monitoreo, marzo 2025")
        page.locator("#n-nsk").select_option(index=1)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/facilities/\d+/enter$"))
        enter_url = page.url
        with store.read() as s:
            monitor = s.execute(
                select(Source.id).where(Source.title == "Informe de monitoreo, marzo 2025")
            ).scalar_one()
        page.locator("#u-unit").fill("Celda 7")
        page.locator("#u-area").fill("12")
        page.locator("#u-source").select_option(value=str(monitor))
        page.locator("#enter-unit button[type=submit]").click()
        page.wait_for_url(re.compile(r"/facilities/\d+(#.*)?$"))
        page.goto(enter_url)
        page.locator("#p-date").fill("17/03/2025")
        page.locator("#p-pop").fill("8")
        page.locator("#p-unit").select_option("Celda 7")
        page.locator("#p-source").select_option(value=str(monitor))
        page.locator("#enter-population button[type=submit]").click()
        page.wait_for_url(re.compile(r"/facilities/\d+(#.*)?$"))
        assert "1,50 m²/persona" in page.locator("main").inner_text()  # 12 m² for 8 people

        assert not errors, "errors in the browser:\n" + "\n".join(errors)
    finally:
        context.close()
    _photograph(chromium, url, visited)


def _notes(store: Store, pair_id: int) -> str:
    with store.read() as s:
        return " ".join(
            n or ""
            for n in s.execute(
                select(ReviewDecision.note).where(ReviewDecision.pair_id == pair_id)
            ).scalars()
        )


def _upload(page: Any, url: str, path: Path) -> None:
    page.goto(url + "/sources/import")
    page.get_by_label(re.compile(r"^Archivo")).set_input_files(str(path))
    page.get_by_label(re.compile(r"^Título de la fuente")).fill(TITLE)
    page.locator("#source_kind").select_option("list")
    page.locator("#reliability").select_option("C")
    page.get_by_role("button", name="Revisar el archivo").click()
    page.wait_for_url(re.compile(r"/sources/import/[^/]+$"))


def _photograph(chromium: Chromium, url: str, visited: list[str]) -> None:
    """Every page of the day at each width, when HABEAS_SCREENSHOTS names a folder."""
    folder = os.environ.get("HABEAS_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    paths = list(
        dict.fromkeys(p for p in visited if not p.startswith(("/login", "/sources/imports/")))
    )
    for width in WIDTHS:
        context = chromium.context(lang="es", viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, url, "documenter")
        for n, path in enumerate(paths):
            page.goto(url + path)
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            page.screenshot(path=f"{folder}/{width}-{n:02d}-{name}.png", full_page=True)
        context.close()

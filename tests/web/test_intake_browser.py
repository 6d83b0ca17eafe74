"""Intake in the browser, in Spanish (issue 15): a relative's phone call becomes a record
that links to the person already in the register; the sister calls back and the sighting
date is corrected (a new record citing the old one); a photo of the cédula is attached to
the person. Playwright drives Debian's Chromium against the real server on loopback, on
the synthetic case (60 persons, made-up names), and reads what the documenter sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.web import create_app
from tests.web.conftest_browser import (
    Chromium,
    DemoPerson,
    LiveServer,
    a_person,
    build_demo_store,
    log_in,
    snapshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 30_000
PHOTO = b"\xff\xd8\xff\xe0 made-up photo of a made-up cedula"


@pytest.fixture(scope="module")
def register(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, Chromium, DemoPerson]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(tmp_path_factory.mktemp("intake"), persons=60, roles=("documenter",))
    live = LiveServer(create_app(store, secret_key="intake-secret")).start()
    yield store, live.url, chromium, a_person(store)
    live.stop()
    store.close()
    mp.undo()


def _dob(store: Store, person_id: int) -> date:
    with store.read() as s:
        found = (
            s.execute(
                select(Record.dob_earliest)
                .join(Link, Link.record_id == Record.id)
                .where(Link.person_id == person_id, Link.superseded_at.is_(None))
                .where(Record.dob_precision == "exact")
            )
            .scalars()
            .first()
        )
    assert found is not None
    return found


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def test_a_phone_call_in_spanish(
    register: tuple[Store, str, Chromium, DemoPerson], tmp_path: Path
) -> None:
    store, url, chromium, person = register
    name = f"{person.given.title()} {person.surname.title()}"
    dob = _dob(store, person.person_id)
    context = chromium.context(lang="es")
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        log_in(page, url, "documenter")

        # 1. The call: a sister phones; the documenter types what she says.
        page.goto(url + "/intake")
        assert page.locator("main h1").inner_text() == "Ingresar un registro"
        page.get_by_label("Tipo de fuente").select_option(label="Testimonio")
        page.get_by_label("Cómo llegó").select_option(label="Llamada telefónica")
        page.get_by_label("Fecha en que se tomó").fill("30/11/2026")
        page.get_by_label("Nombre completo").fill(name)
        page.get_by_label(re.compile(r"^Fecha de nacimiento")).fill(dob.strftime("%d/%m/%Y"))
        page.get_by_label("Reportado por").fill("Hermana (nombre inventado)")
        page.get_by_label("Parentesco").fill("hermana")
        page.get_by_label("Evento").select_option(label="Avistamiento o contacto")
        page.get_by_label(re.compile(r"^Fecha del hecho")).fill("28/11/2026")
        page.get_by_role("button", name="Ingresar el registro").click()

        # A testimony is restricted: the purpose is asked once, then the result shows.
        page.wait_for_url(re.compile(r"/purpose\?next="))
        page.locator("input[name=purpose][value=documentation]").check()
        page.get_by_role("button", name="Continuar").click()
        page.wait_for_url(re.compile(r"/intake/records/\d+$"))
        record_id = int(page.url.rsplit("/", 1)[1])
        main = _main(page)
        assert f"Registro {record_id}" in main
        assert "Llamada telefónica" in main and "30 de noviembre de 2026" in main, main[:800]
        assert "tomada por documenter" in main and "restringida" in main
        # No code reaches the page: the source's default title and a value chosen from a
        # list are in Spanish.
        assert "2026-11-30 llamada telefónica (documenter)" in main and " phone " not in main
        assert "Avistamiento o contacto" in main and "sighting" not in main
        snapshot(page, "intake-1-result")

        # 2. It is linked at once, by the normal linkage, to the person already registered.
        link = page.locator("#record-link").inner_text()
        assert f"Persona {person.person_id}, con los registros de:" in link, link
        with store.read() as s:
            linked = s.execute(
                select(Link.person_id).where(
                    Link.record_id == record_id, Link.superseded_at.is_(None)
                )
            ).scalar_one()
            source = s.execute(
                select(Source)
                .join(Record, Record.source_id == Source.id)
                .where(Record.id == record_id)
            ).scalar_one()
        assert linked == person.person_id
        assert (source.channel, source.kind, str(source.taken_on)) == (
            "phone",
            "testimony",
            "2026-11-30",
        )

        # 3. She calls back: the sighting was on the 27th. A correction, never an edit.
        page.get_by_role("link", name="Corregir este registro").click()
        page.wait_for_url(re.compile(rf"/records/{record_id}/correct$"))
        assert page.get_by_label("Nombre completo").input_value() == name
        page.get_by_label("Cómo llegó").select_option(label="Llamada telefónica")
        page.get_by_label("Tipo de fuente").select_option(label="Testimonio")
        page.get_by_label("Evento").select_option(label="Avistamiento o contacto")
        page.get_by_label(re.compile(r"^Fecha del hecho")).fill("27/11/2026")
        page.get_by_role("button", name="Registrar la corrección").click()
        page.wait_for_url(re.compile(r"/intake/records/\d+$"))
        correction = int(page.url.rsplit("/", 1)[1])
        assert correction != record_id
        assert f"Este registro corrige el registro {record_id}." in _main(page)
        snapshot(page, "intake-2-correction")
        with store.read() as s:
            old = s.get(Record, record_id)
            new = s.get(Record, correction)
        assert old is not None and new is not None
        assert new.corrects_record_id == record_id and old.raw["event_date"] == "28/11/2026"

        # 4. A photo of the cédula, attached to the person from the person's page.
        page.goto(f"{url}/persons/{person.person_id}")
        entries = page.locator("#entries").inner_text()
        assert f"El registro {record_id} está corregido por el registro {correction}" in entries
        page.get_by_role(
            "link", name="Agregar un hecho de custodia, un hecho jurídico o un archivo"
        ).click()
        photo = tmp_path / "cedula.jpg"
        photo.write_bytes(PHOTO)
        form = page.locator("#pf-attach")
        form.get_by_label(re.compile(r"^Archivo")).set_input_files(str(photo))
        form.get_by_label("Qué es").fill("Cédula (foto enviada por la hermana)")
        form.get_by_role("button", name="Adjuntar el archivo").click()
        page.wait_for_url(re.compile(rf"/persons/{person.person_id}$"))
        assert "Archivo cedula.jpg adjuntado." in _main(page)
        table = page.locator("#attachments").inner_text()
        assert "Cédula (foto enviada por la hermana)" in table and "restringida" in table
        snapshot(page, "intake-3-person-with-attachment")
        href = page.locator("#attachments a").first.get_attribute("href")
        assert href is not None
        got = page.request.get(url + href)
        assert got.status == 200 and got.body() == PHOTO
        assert not errors, errors
    finally:
        context.close()

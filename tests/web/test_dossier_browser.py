"""A lawyer files a dossier from the browser, in Spanish (issue #15 parts 4 and 5).

Playwright drives Debian's Chromium against the real server on the synthetic case, in
which a documenter has decided one queued pair. The lawyer opens the person, fills in the
dossier form (preparer, organisation, place, purpose, case number, language) and
downloads the PDF. Its text must hold the filing details, the methods appendix with the
human decision, the chain of custody and the signature block; every page is rasterised
to PNG with poppler's ``pdftoppm`` (Debian: poppler-utils) so the pages can be looked at
(kept in ``HABEAS_SCREENSHOTS`` when that is set). Then she downloads the records export
and the situation report from the exports page.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.linkage import decide
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import ScoredPair
from habeas.web import create_app
from tests.web.conftest_browser import Chromium, LiveServer, build_demo_store, log_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 60_000
PREPARER = "Abogada Ficticia Prueba"
CASE = "25-cv-0042"


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, chromium: Chromium
) -> Iterator[tuple[Store, str, Chromium, int]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(
        tmp_path_factory.mktemp("dossier-web"), persons=80, roles=("documenter", "legal")
    )
    with store.read() as s:
        manifest = set(
            s.execute(
                select(Record.id).join(Source).where(Source.title.like("Flight manifest%"))
            ).scalars()
        )
        pair = next(
            p
            for p in s.execute(
                select(ScoredPair).where(ScoredPair.status == "queued").order_by(ScoredPair.id)
            ).scalars()
            if {p.record_a, p.record_b} & manifest
        )
        pair_id, record = pair.id, pair.record_a
    decide(
        store,
        pair_id,
        "same",
        reader=Reader("documenter", "documenter", "documentation", "cli"),
        note="Misma fecha de nacimiento (prueba)",
    )
    with store.read() as s:
        person = s.execute(
            select(Link.person_id).where(Link.record_id == record, Link.superseded_at.is_(None))
        ).scalar_one()
    live = LiveServer(create_app(store, secret_key="dossier-browser-secret")).start()
    yield store, live.url, chromium, person
    live.stop()
    store.close()
    mp.undo()


def _rasterise(pdf: Path, folder: Path) -> list[Path]:
    """Every page of ``pdf`` as a PNG (poppler's pdftoppm, 70 dpi)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing: apt-get install poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool, "-r", "70", "-png", str(pdf), str(folder / pdf.stem)], check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def _not_blank(png: Path) -> bool:
    from PIL import Image

    with Image.open(png) as image:
        extrema = image.convert("L").getextrema()
    return extrema[0] < 128  # some dark ink on the page


def _text(pdf: Path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return "".join("".join((p.extract_text() or "").split()) for p in reader.pages), len(
        reader.pages
    )


def _flat(text: str) -> str:
    return "".join(text.split())


def test_a_lawyer_files_a_dossier_from_the_browser(
    site: tuple[Store, str, Chromium, int], tmp_path: Path
) -> None:
    store, url, chromium, person = site
    shots = Path(os.environ.get("HABEAS_SCREENSHOTS") or tmp_path / "shots")
    context = chromium.context(lang="es", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        log_in(page, url, "legal")
        page.goto(f"{url}/persons/{person}")
        with page.expect_navigation():
            page.get_by_role("link", name="Expediente para presentar").click()
        assert page.url.endswith(f"/persons/{person}/dossier")
        page.get_by_label("Preparado por (nombre)").fill(PREPARER)
        page.get_by_label("Organización").fill("Clínica Jurídica de Prueba")
        page.get_by_label("Lugar", exact=True).fill("Caracas")
        page.get_by_label("Número de expediente").fill(CASE)
        page.get_by_label("Propósito").select_option("court_filing")
        page.get_by_label("Idioma del expediente").select_option("es")
        page.screenshot(path=str(shots / "dossier-form.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Generar el expediente (PDF)").click()
        pdf = tmp_path / f"dossier-{person}.pdf"
        download.value.save_as(pdf)
        assert download.value.suggested_filename == f"dossier-{person}-es.pdf"

        text, pages = _text(pdf)
        for phrase in (
            PREPARER,
            "Clínica Jurídica de Prueba",
            CASE,
            "preparación de un escrito judicial o de un hábeas corpus",
            "Anexo A. Cómo se vincularon los registros de esta persona",
            "la misma persona",
            "decidido por documenter (rol de documentación)",
            "Misma fecha de nacimiento (prueba)",
            "Anexo B. Cadena de custodia de los archivos citados",
            "incorporado al almacén de archivos del registro",
            "Declaración",
            "Quien suscribe declara",
            "Firma",
        ):
            assert _flat(phrase) in text, phrase
        assert "a_number" not in text and "removal_order" not in text
        head = store.verify_log().head_hash
        assert head[:16] in text

        pngs = _rasterise(pdf, shots)
        assert len(pngs) == pages >= 4
        assert all(_not_blank(p) for p in pngs)

        # the exports page: the records table as CSV, and the situation report
        page.goto(f"{url}/exports")
        page.screenshot(path=str(shots / "exports.png"), full_page=True)
        with page.expect_download() as csv_download:
            page.locator('a[data-table="records"][data-format="csv"]').click()
        saved = tmp_path / "records.csv"
        csv_download.value.save_as(saved)
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
        assert rows and "person_id" in rows[0]
        page.get_by_label("Centro").select_option("CECOT")
        with page.expect_download() as report:
            page.get_by_role("button", name="Descargar el informe").click()
        situation = tmp_path / "situation.pdf"
        report.value.save_as(situation)
        situation_text, _ = _text(situation)
        assert _flat("Informe de situación") in situation_text
        _rasterise(situation, shots)
    finally:
        context.close()

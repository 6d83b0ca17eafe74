"""Reports render: the PDF's text holds the person, flag titles, a source hash, both languages."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from habeas import i18n
from habeas.demo import load_case
from habeas.errors import NotFound, UsageError
from habeas.report.dossier import build_dossier, dossier_report
from habeas.report.situation import build_situation
from habeas.report.situation_render import render_situation, situation_report
from habeas.store.db import Store
from habeas.store.queries import iter_records
from habeas.workspace import init_workspace
from tests.document.conftest import LIST, ROSTER


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, len(reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _has(text: str, phrase: str) -> bool:
    """``phrase`` is in the PDF text, whatever line breaks table cells put inside it."""
    return _flat(phrase) in _flat(text)


def _person(store: Store, key: str) -> int:
    return next(int(r["person_id"]) for r in iter_records(store, LIST) if r["record_id"] == key)


def test_dossier_pdf_in_english(sqlite_case: Store, tmp_path: Path) -> None:
    pid = _person(sqlite_case, "P-1")
    out = dossier_report(
        sqlite_case, pid, tmp_path / "dossier.pdf", lang="en", register="Test register"
    )
    text, pages = _pdf_text(out)
    assert pages >= 2
    for heading in (
        "Person dossier",
        "Identity",
        "Custody timeline",
        "Due-process flags",
        "Register gaps",
        "Incidents",
        "Sources",
        "Change-log head hash",
    ):
        assert heading in text, heading
    assert _has(text, "PÉREZ GÓMEZ, JOSÉ LUIS")  # the name as the list wrote it
    assert _has(text, "Removed under the Alien Enemies Act")  # a flag title
    assert _has(text, "Authority that ordered the deprivation of liberty")  # a register gap
    assert _has(text, "Beaten during interrogation.")  # the incident of which P-1 is a victim
    roster_sha = hashlib.sha256(ROSTER.encode("utf-8")).hexdigest()
    assert roster_sha in _flat(text)  # the list's file hash
    head = sqlite_case.verify_log().head_hash
    assert head in _flat(text)
    assert re.search(r"Page 1 / \d", text)


def test_situation_pdf_in_spanish(sqlite_case: Store, tmp_path: Path) -> None:
    out = situation_report(
        sqlite_case,
        tmp_path / "situacion.pdf",
        facility="Test Prison",
        lang="es",
        register="Registro de prueba",
    )
    text, _ = _pdf_text(out)
    for heading in (
        "Informe de situación",
        "Resumen",
        "Alertas de debido proceso",
        "Lagunas del registro",
        "Condiciones de detención",
        "Incidentes",
        "Fuentes",
        "Página 1",
    ):
        assert heading in text, heading
    assert "Tortura" in text  # vocabulary label from the database, in Spanish
    assert _has(text, "Technician on the design (test)")
    assert _has(text, "Government capacity claim (test)")
    assert "Person dossier" not in text and "Situation report" not in text


def test_dossier_html_in_spanish_and_errors(sqlite_case: Store, tmp_path: Path) -> None:
    pid = _person(sqlite_case, "P-2")
    out = dossier_report(sqlite_case, pid, tmp_path / "d.html", lang="es")
    html = out.read_text(encoding="utf-8")
    assert "Expediente personal" in html and "Cronología de la custodia" in html
    assert "RAMÍREZ, YEFERSON" in html
    assert "Expulsado bajo la Ley de Enemigos Extranjeros" in html  # flag title, Spanish
    assert "Removed under the Alien Enemies Act" not in html
    # The flag explanations, whereabouts and gap notes are in Spanish too.
    assert "No consta ningún vuelo de expulsión de esta persona." in html
    assert "No removal flight is recorded" not in html
    assert "Last recorded event" not in html
    with pytest.raises(NotFound):
        build_dossier(sqlite_case, 999999)
    with pytest.raises(UsageError):
        dossier_report(sqlite_case, pid, tmp_path / "d.docx")
    with pytest.raises(UsageError):
        dossier_report(sqlite_case, pid, tmp_path / "d.html", lang="fr")


def test_situation_counts_on_the_hand_built_case(sqlite_case: Store) -> None:
    report = build_situation(sqlite_case, facility="Test Prison")
    assert report.incident_count.count == 7 - 1  # the undated one has no facility
    assert report.conditions is not None and len(report.conditions.units) == 4
    assert {s["title"] for s in report.sources} >= {"NGO report (test)", "Press report (test)"}
    html = render_situation(report, "en", sqlite_case, k=1)
    assert html.count("data:image/png;base64,") >= 3  # population, space, incidents charts
    # With counts under 5 hidden, each month's few incidents leave no bar: no chart.
    html = render_situation(report, "en", sqlite_case, k=5)
    assert html.count("data:image/png;base64,") == 2


def test_demo_case_cecot_situation_report_renders(
    demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HABEAS_DATABASE_URL", raising=False)
    store = Store.open(init_workspace(tmp_path / "ws"), create=True)
    load_case(store, demo_case)
    out = situation_report(store, tmp_path / "cecot.pdf", facility="CECOT", lang="en")
    text, pages = _pdf_text(out)
    assert pages >= 3
    assert "Situation report: facility CECOT" in text
    assert "40,000" in text and "20,480" in text  # both capacity figures, side by side
    assert _has(text, "Removed under the Alien Enemies Act")
    assert "Muršić" in text
    # In Spanish, figures the register derives itself are described in Spanish, never
    # with the library's English or a code; a chart whose every bar is hidden as too
    # small (CECOT's incidents: fewer than 5 per month and type) is left out.
    html = render_situation(build_situation(store, facility="CECOT"), "es", store)
    assert "suma de las superficies de las unidades" in html
    for english in ("sum of the areas", "recorded on the", "official_capacity", "area_m2"):
        assert english not in html, english
    assert 'alt="Incidentes por mes, por tipo"' not in html
    assert html.count("data:image/png;base64,") == 3  # events, population, space
    store.close()


def test_a_chart_with_every_bar_hidden_is_left_out() -> None:
    from habeas.report import charts

    def _(text: str) -> str:
        return text

    hidden = {"2025-04": {}, "2025-05": {"torture": 0}}
    assert charts.stacked_months_chart(hidden, {}, _, "incidents") is None
    shown = {"2025-04": {}, "2025-05": {"torture": 6}}
    assert (charts.stacked_months_chart(shown, {}, _, "incidents") or "").startswith("data:")


def test_message_catalogs_are_compiled_and_complete(tmp_path: Path) -> None:
    """The committed .mo files are what their .po files compile to; Spanish is complete."""
    import shutil

    from babel.messages.pofile import read_po

    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    for mo in i18n.compile_catalogs(copy):
        committed = i18n.LOCALE_DIR / mo.relative_to(copy)
        assert mo.read_bytes() == committed.read_bytes(), (
            f"{committed} is stale: run habeas.i18n.compile_catalogs()"
        )
    i18n.translator.cache_clear()
    with (i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "habeas.po").open("rb") as handle:
        spanish = read_po(handle)
    untranslated = [
        m.id
        for m in spanish
        if m.id and not (all(m.string) if isinstance(m.string, list | tuple) else m.string)
    ]
    assert not untranslated, f"untranslated Spanish messages: {untranslated[:5]}"
    assert i18n.translator("es").gettext("Situation report") == "Informe de situación"
    assert i18n.format_decimal(3.4, "es", 1) == "3,4"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_situation_per_unit_table_fits_the_page(
    sqlite_case: Store, tmp_path: Path, lang: str
) -> None:
    """The conditions table has eight columns; the last ones ('Days under 3 m²', 'Longest
    run under 3 m²' and its dates) used to run off the right edge of the page."""
    from tests.document.pdf_layout import beyond_right_margin

    out = situation_report(
        sqlite_case, tmp_path / f"s-{lang}.pdf", facility="Test Prison", lang=lang
    )
    assert beyond_right_margin(out) == []
    text, _ = _pdf_text(out)
    header = "Days under 3 m²" if lang == "en" else "Días con menos de 3 m²"
    longest = "Longest run under 3 m²" if lang == "en" else "Racha más larga con menos de 3 m²"
    assert _has(text, header) and _has(text, longest)
    assert _has(text, "29") and _has(text, "Cell 2")

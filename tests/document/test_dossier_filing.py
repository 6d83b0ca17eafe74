"""A dossier a lawyer can file (issue #15 part 4), on the synthetic case with one human decision.

In Spanish and English: the filing details and the signature block; no codes and no
local paths; "as written" is the source's own cell (``M``, ``VENEZUELA``), never the
normalised value; dates in the reader's language; the due-process rules in the dossier's
language; the methods appendix says truthfully how each record was joined (the model's
probability, and the reviewer's decision with who and when); the chain of custody of every
cited file.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from habeas.access.reader import Reader
from habeas.linkage import decide
from habeas.report.dossier import build_dossier, dossier_report, render_dossier
from habeas.report.dossier_annex import Filing
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_linkage import ReviewDecision, ScoredPair
from habeas.trace.flags import load_rules
from tests.web.conftest_browser import build_demo_store

MANIFEST = "Flight manifest%"
FILING = Filing(
    preparer="Abogada Ficticia Prueba",
    organisation="Clínica Jurídica de Prueba",
    place="Caracas",
    purpose="court_filing",
    case_number="25-cv-0099",
)
CODES = (
    "a_number",
    "cedula_ve",
    "removal_order",
    "alien_enemies_act",
    "none_found",
    "legal_basis",
    "asylum_claim",
    "removal_flight",
    "not_held",
    "not_given",
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def decided(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Store, int, dict[str, Any]]]:
    """The demo case with one queued pair (a flight-manifest record and another) decided
    'same' by the documenter; yields the store, the person and the decision's facts."""
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    root = tmp_path_factory.mktemp("filing")
    store = build_demo_store(root, persons=80, roles=("documenter", "legal"))
    with store.read() as s:
        manifest = set(
            s.execute(select(Record.id).join(Source).where(Source.title.like(MANIFEST))).scalars()
        )
        pair = next(
            p
            for p in s.execute(
                select(ScoredPair).where(ScoredPair.status == "queued").order_by(ScoredPair.id)
            ).scalars()
            if {p.record_a, p.record_b} & manifest
        )
        pair_id, a, b, probability = pair.id, pair.record_a, pair.record_b, pair.match_probability
    decide(
        store,
        pair_id,
        "same",
        reader=Reader("documenter", "documenter", "documentation", "cli"),
        note="Same date of birth and cédula (test)",
    )
    with store.read() as s:
        person = s.execute(
            select(Link.person_id).where(Link.record_id == a, Link.superseded_at.is_(None))
        ).scalar_one()
        raw = (
            s.execute(select(Record.raw).where(Record.id.in_(manifest & {a, b}))).scalars().first()
        )
        decision = s.execute(
            select(ReviewDecision).where(ReviewDecision.record_a == min(a, b))
        ).scalar_one()
        decided_at = decision.decided_at
    yield store, person, {"raw": raw, "probability": probability, "decided_at": decided_at}
    store.close()
    mp.undo()


def _legal() -> Reader:
    return Reader("legal", "legal", FILING.reader_purpose, "web")


def _text(html: str) -> str:
    """The visible text of the dossier's HTML (tags and the style sheet removed)."""
    body = html.split("<body>", 1)[1]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def _render(store: Store, person: int, lang: str) -> str:
    dossier = build_dossier(store, person, lang, reader=_legal(), filing=FILING)
    return render_dossier(dossier, lang, store, "Registro de prueba")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_filing_details_declaration_and_signature_block(
    decided: tuple[Store, int, dict[str, Any]], lang: str
) -> None:
    store, person, _facts = decided
    text = _text(_render(store, person, lang))
    for value in (FILING.preparer, FILING.organisation, FILING.place, FILING.case_number):
        assert value in text
    if lang == "es":
        for words in ("Preparado por", "Organización", "Lugar y fecha", "Número de expediente"):
            assert words in text
        assert "preparación de un escrito judicial o de un hábeas corpus" in text
        assert "Declaración" in text and "Quien suscribe declara" in text
        for line in ("Firma", "Nombre", "Fecha", "Lugar"):
            assert re.search(rf"\b{line}\b", text.split("Declaración")[-1]), line
    else:
        assert "Declaration" in text and "I, the undersigned, declare" in text
        tail = text.split("Declaration")[-1]
        for line in ("Signature", "Name", "Date", "Place"):
            assert line in tail, line
        assert "preparing a court filing or habeas petition" in text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_no_codes_no_paths_dates_in_words_rules_translated(
    decided: tuple[Store, int, dict[str, Any]], lang: str
) -> None:
    store, person, _facts = decided
    html = _render(store, person, lang)
    text = _text(html)
    for code in CODES:
        assert code not in text, code
    root = str(store.head_path.parent) if store.head_path else "/nonexistent"
    assert root not in html and "/tmp/" not in html
    # dates in words: no ISO date outside what the sources wrote ("as written" cells)
    outside = re.sub(r'<td class="aswritten">.*?</td>', "", html, flags=re.S)
    assert ISO_DATE.findall(_text(outside)) == []
    if lang == "es":
        assert "(day unknown)" not in text and "undated" not in text
    rules = load_rules()
    for rule in rules:
        es = " ".join(rule["text_es"].split())
        en = " ".join(rule["text"].split())
        flat = " ".join(text.split())
        assert (es in flat) is (lang == "es"), rule["code"]
        assert (en in flat) is (lang == "en"), rule["code"]


def test_as_written_is_the_source_cell(decided: tuple[Store, int, dict[str, Any]]) -> None:
    store, person, facts = decided
    raw = facts["raw"]
    html = _render(store, person, "es")
    cells = [
        html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r'<td class="aswritten">(.*?)</td>', html, flags=re.S)
    ]
    written = "; ".join(cells)
    assert raw["SEX"] in cells or any(raw["SEX"] in c.split("; ") for c in cells)
    assert raw["NATIONALITY"] in written and raw["NAME"] in written
    assert raw["DOB"] in written  # the date of birth as the manifest wrote it (MM/DD/YYYY)
    for normalised in ("male", "VEN"):
        assert normalised not in [part for c in cells for part in c.split("; ")]
    text = _text(html)
    assert "Masculino" in text and "Venezuela" in text  # the values, in words


@pytest.mark.parametrize("lang", ["es", "en"])
def test_methods_appendix_is_truthful(
    decided: tuple[Store, int, dict[str, Any]], lang: str
) -> None:
    store, person, facts = decided
    dossier = build_dossier(store, person, lang, reader=_legal(), filing=FILING)
    methods = dossier.methods
    assert methods is not None
    shown = {r.id for r in dossier.summary.records}
    assert {r.record_id for r in methods.records} == shown
    with store.read() as s:
        links = {
            link.record_id: link
            for link in s.execute(
                select(Link).where(Link.person_id == person, Link.superseded_at.is_(None))
            ).scalars()
        }
        decisions = (
            s.execute(
                select(ReviewDecision).where(
                    ReviewDecision.record_a.in_(shown), ReviewDecision.record_b.in_(shown)
                )
            )
            .scalars()
            .all()
        )
    for r in methods.records:
        assert r.method == links[r.record_id].method
        assert r.probability == links[r.record_id].score
    human = [p for p in methods.pairs if p.decision is not None]
    assert len(human) == len(decisions) == methods.human_decisions == 1
    d = human[0].decision
    assert d is not None and d.reviewer == "documenter" and d.role == "documenter"
    assert d.decision == "same" and d.note == "Same date of birth and cédula (test)"
    assert human[0].probability == pytest.approx(facts["probability"])
    text = _text(render_dossier(dossier, lang, store, "Registro de prueba"))
    flat = " ".join(text.split())
    percent = f"{facts['probability'] * 100:.1f}".replace(".", "," if lang == "es" else ".")
    assert percent in flat  # the decided pair's probability, as a number
    if lang == "es":
        assert "Anexo A. Cómo se vincularon los registros de esta persona" in flat
        assert (
            "la misma persona" in flat and "decidido por documenter (rol de documentación)" in flat
        )
        assert "posible" in flat or "más probable que no" in flat  # the probability in words
        assert "1 de estos pares los decidió una persona" in flat
        assert "Anexo B. Cadena de custodia de los archivos citados" in flat
    else:
        assert "Annex A. How this person's records were linked" in flat
        assert "the same person" in flat and "decided by documenter (documenter role)" in flat
        assert "1 of these pairs were decided by a person" in flat
        assert "Annex B. Chain of custody of the cited files" in flat
    for src in dossier.sources:
        for f in src["files"]:
            assert f["sha256"] in flat
    assert len(dossier.custody) == sum(len(s["files"]) for s in dossier.sources) > 0
    assert all(step.event == "added" for fc in dossier.custody for step in fc.steps[:1])


def test_dossier_pdf_with_the_annexes(
    decided: tuple[Store, int, dict[str, Any]], tmp_path: Path
) -> None:
    from tests.document.test_reports import _has, _pdf_text

    store, person, _facts = decided
    out = dossier_report(
        store, person, tmp_path / "d.pdf", lang="es", reader=_legal(), filing=FILING
    )
    text, pages = _pdf_text(out)
    assert pages >= 4
    for phrase in ("Anexo A.", "Anexo B.", "Declaración", FILING.preparer, "Firma"):
        assert _has(text, phrase), phrase

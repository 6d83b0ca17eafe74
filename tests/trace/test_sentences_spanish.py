"""The trace library's plain-language sentences in English (default) and Spanish."""

from __future__ import annotations

from datetime import date

from habeas.store.db import Store
from habeas.trace import due_process_flags, last_known, person_gaps
from tests.trace.conftest import Importer


def test_flag_whereabouts_and_gap_sentences_in_spanish(store: Store, add_list: Importer) -> None:
    (ana,) = add_list(
        "Prison list",
        "Nombre;Fecha\nAna Pérez;2025-03-16\n",
        defaults={"event_type": "admission", "facility": "CECOT"},
    )
    as_of = date(2025, 5, 1)

    flags = {f.code: f for f in due_process_flags(store, ana, as_of=as_of)}
    es_flags = {f.code: f for f in due_process_flags(store, ana, as_of=as_of, lang="es")}
    code = "removed_under_aea"
    assert flags[code].explanation == "No removal flight is recorded for this person."
    assert es_flags[code].explanation == "No consta ningún vuelo de expulsión de esta persona."

    w = last_known(store, ana, as_of=as_of)
    w_es = last_known(store, ana, as_of=as_of, lang="es")
    assert w.explanation.startswith("Last recorded event is an admission")
    assert w_es.explanation.startswith("El último hecho registrado es de tipo «ingreso»")
    assert "46 días" in w_es.explanation and "paradero de la persona" in w_es.explanation
    assert w_es.confidence_reason.startswith("mejor fiabilidad de las fuentes")

    notes = {g.field: g.note for g in person_gaps(store, ana)}
    notes_es = {g.field: g.note for g in person_gaps(store, ana, lang="es")}
    assert notes["death"] == "no death is recorded"
    assert notes_es["death"] == "no consta ningún fallecimiento"
    assert notes_es["admission"] == "consta la fecha, pero no la hora"

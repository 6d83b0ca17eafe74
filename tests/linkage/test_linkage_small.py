"""Linkage on a register too small to train a model on, and corrections as must-links."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import link
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import Record, Source
from habeas.store.schema_linkage import ScoredPair

MANIFEST = (
    "No.,NAME,DOB,A#\n"
    '1,"RODRIGUEZ PEREZ, JOSE LUIS",05/04/1990,A-208-304-911\n'
    '2,"GONZALEZ, YEFERSON",12/25/1995,A208123456\n'
)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_tiny_register_links_and_a_correction_joins_its_original(
    store: Store, tmp_path: Path
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_text(MANIFEST, encoding="utf-8")
    fix = tmp_path / "fix.csv"
    fix.write_text('No.,NAME,DOB\n2,"GONSALES, JEFERSON",12/24/1995\n', encoding="utf-8")
    import_file(store, manifest, ImportOptions("Manifest", "list", date_order="MDY"))
    import_file(
        store,
        fix,
        ImportOptions("Manifest corrections", "document", date_order="MDY", corrects="Manifest"),
    )
    report = link(store)  # EM has no pair to learn from here: it must still run
    assert report.records == 3 and report.persons == 2
    persons = {(r["source"], r["record_id"]): r["person_id"] for r in queries.iter_records(store)}
    assert persons[("Manifest", "2")] == persons[("Manifest corrections", "2")]
    assert persons[("Manifest", "1")] != persons[("Manifest", "2")]
    assert store.verify_log().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_lists_without_any_document_number_link(store: Store, tmp_path: Path) -> None:
    """No A-number, cédula or DUI anywhere (name-only lists): the model still trains."""
    press = tmp_path / "press.csv"
    press.write_text(
        "ID,Nombre,Fecha de nacimiento\n1,José Luis Rodríguez Pérez,1990-05-04\n"
        "2,Yeferson González Díaz,1995-12-25\n3,Carlos Ruiz Mora,1988-01-30\n",
        encoding="utf-8",
    )
    relatives = tmp_path / "relatives.csv"
    relatives.write_text(
        "ID;Nombres;Apellidos;Fecha de nacimiento\n"
        "A;Jose Luis;Rodriguez Perez;04/05/1990\n"
        "B;Jeferson;Gonzalez Diaz;25/12/1995\n",
        encoding="utf-8",
    )
    import_file(store, press, ImportOptions("Press", "news_report"))
    import_file(store, relatives, ImportOptions("Relatives", "testimony", date_order="DMY"))
    report = link(store)
    assert report.records == 5
    persons = {(r["source"], r["record_id"]): r["person_id"] for r in queries.iter_records(store)}
    assert persons[("Press", "1")] == persons[("Relatives", "A")]
    assert persons[("Press", "3")] not in {persons[("Relatives", "A")], persons[("Relatives", "B")]}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_two_records_sharing_an_a_number_train_and_link(store: Store, tmp_path: Path) -> None:
    """Two records, one A-number: every pair shares a document, which Splink's prior
    estimate refuses ("recall must be at least 1.00"); training keeps its floor instead."""
    one = tmp_path / "one.csv"
    one.write_text('No.,NAME,A#\n1,"MARCANO RENGIFO, YORGELIS",A-208-304-911\n', encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text(
        "ID;Nombres;Apellidos;Número A\nR1;Yorgelis;Marcano Rengifo;208304911\n", encoding="utf-8"
    )
    import_file(store, one, ImportOptions("Manifest", "list"))
    import_file(store, two, ImportOptions("Reportes", "testimony"))
    report = link(store)
    assert report.trained and report.records == 2
    persons = {(r["source"], r["record_id"]): r["person_id"] for r in queries.iter_records(store)}
    assert persons[("Manifest", "1")] == persons[("Reportes", "R1")]


def test_a_pair_sharing_a_document_reaches_review_however_low_it_scores(
    store: Store, demo_case: Path, tmp_path: Path
) -> None:
    """Same A-number, nothing else alike (a name copied onto the wrong row, or badly
    transcribed): the score is far below the review floor, yet the pair is queued,
    with reason ``same document`` — in the incremental run and after re-training."""
    from sqlalchemy import select

    from habeas.demo import load_case
    from habeas.store.schema_linkage import ScoredPair

    load_case(store, demo_case)
    link(store)
    holder = next(r for r in queries.iter_records(store) if r.get("id_a_number"))
    number = str(holder["id_a_number"]).split(";")[0].strip()
    odd = tmp_path / "odd.csv"
    odd.write_text(
        f'No.,NAME,DOB,A#\n1,"ZZYZX QWERTY, BARTHOLOMEU",01/01/1950,{number}\n', encoding="utf-8"
    )
    import_file(store, odd, ImportOptions("Odd list", "list", date_order="MDY"))
    new = next(r["record"] for r in queries.iter_records(store) if r["source"] == "Odd list")
    pair = (min(holder["record"], new), max(holder["record"], new))
    for run in ({}, {"retrain": True}):
        report = link(store, **run)
        with store.read() as s:
            rows = s.execute(
                select(ScoredPair.status, ScoredPair.reason, ScoredPair.match_probability).where(
                    ScoredPair.run_id == report.run_id,
                    ScoredPair.record_a == pair[0],
                    ScoredPair.record_b == pair[1],
                )
            ).all()
        assert len(rows) == 1, run
        status, reason, probability = rows[0]
        assert (status, reason) == ("queued", "same document") and probability < 0.2, run
        persons = {r["record"]: r["person_id"] for r in queries.iter_records(store)}
        assert persons[new] != persons[holder["record"]]
    # The review page says why, in Spanish.
    from habeas.access.reader import Reader
    from habeas.i18n import gettext_for
    from habeas.web.pages._common import vocabulary_labels
    from habeas.web.pages.review import pair_data

    with store.read() as s:
        pair_id = s.execute(
            select(ScoredPair.id).where(
                ScoredPair.run_id == report.run_id,
                ScoredPair.record_a == pair[0],
                ScoredPair.record_b == pair[1],
            )
        ).scalar_one()
    shown = pair_data(
        store,
        pair_id,
        lang="es",
        _=gettext_for("es"),
        vocab=vocabulary_labels(store, "es"),
        reader=Reader("admin", "ana", "documentation"),
    )["pair"]
    assert shown["reason_text"] == "comparten un número de documento, aunque poco más coincide"


def _filler(n: int) -> str:
    """``n`` manifest rows of different invented people (syllables put together)."""
    heads, tails = ["Bal", "Cor", "Dul", "Fen", "Gar", "Lum", "Mir"], ["avo", "esca", "imba", "uro"]
    firsts = ["Almindo", "Bersela", "Cletavio", "Dorruna", "Erquino", "Falbeto", "Gumelia"]
    rows = []
    for i in range(n):
        surname = heads[i % 7] + tails[i // 7 % 4] + " " + heads[(i + 3) % 7] + tails[(i + 1) % 4]
        rows.append(
            f'{i + 2},"{surname.upper()}, {firsts[i * 3 % 7].upper()}",'
            f"{i % 12 + 1:02d}/{i % 27 + 1:02d}/{1960 + i},A-{300 + i}-100-{200 + i},EL SALVADOR\n"
        )
    return "".join(rows)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_model_made_on_a_tiny_first_list_scores_the_grown_register_with_its_own_prior(
    store: Store, tmp_path: Path
) -> None:
    """A first list of two different people: EM finds no match to count, so the model's
    λ is the default, one expected match per record — 1/2 on those two records. Reused as
    it was on the register grown to thirty, that prior linked two different people:
    one surname in common, given names one letter apart (Questan, Questen), ages seven
    years apart. With the default recomputed for thirty records the pair goes to review."""
    first = tmp_path / "enviados.csv"
    first.write_text(
        "No.,Apellidos,Nombres,DUI,Edad\n"
        "1,TALVORA,QUESTAN ANDREO,674361678,28\n"
        "2,OSPUCAR DRANEZ,BERMILDA,512093377,40\n",
        encoding="utf-8",
    )
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "No.,NAME,DOB,A#,NATIONALITY\n"
        '1,"MERUNDI TALVORA, QUESTEN",06/22/1989,A-243-332-045,EL SALVADOR\n' + _filler(28),
        encoding="utf-8",
    )
    import_file(
        store,
        first,
        ImportOptions(
            "Enviados",
            "list",
            published_on="2025-03-16",
            one_row_per_person=True,
            defaults={"nationality": "El Salvador"},
        ),
    )
    first_run = link(store)
    assert first_run.trained and first_run.persons == 2
    import_file(store, manifest, ImportOptions("Manifest", "list", date_order="MDY"))
    report = link(store)  # incremental: the model of the first list
    assert not report.trained and report.records == 31
    persons = {(r["source"], r["record_id"]): r["person_id"] for r in queries.iter_records(store)}
    assert persons[("Enviados", "1")] != persons[("Manifest", "1")]
    with store.read() as s:
        ids = {
            (title, key): rid
            for rid, title, key in s.execute(
                select(Record.id, Source.title, Record.record_key).join(Source)
            )
        }
        a, b = sorted((ids[("Enviados", "1")], ids[("Manifest", "1")]))
        status = s.execute(
            select(ScoredPair.status).where(
                ScoredPair.run_id == report.run_id,
                ScoredPair.record_a == a,
                ScoredPair.record_b == b,
            )
        ).scalar_one()
    assert status == "queued"

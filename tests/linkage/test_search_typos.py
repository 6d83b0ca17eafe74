"""Typo expansion and weighing without reasons, on SQLite and PostgreSQL (made-up names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from habeas.ingest.importer import ImportOptions, import_file
from habeas.search import build_search_index, parse_query, search
from habeas.search.candidates import (
    TypoAlternatives,
    edits1,
    query_keys,
    typo_alternatives,
    typo_keys,
)
from habeas.search.index import iter_indexed
from habeas.search.keys import all_given_keys, surname_keys
from habeas.search.score import QueryScorer
from habeas.store.db import Store

# "rodriges" (Rodríguez) is common; "rodirges" (a list's typo) is rare
REGISTER = (
    "Folio,Nombre,Fecha de nacimiento\n"
    'T-01,"RODRÍGUEZ PÉREZ, MARÍA FERNANDA",1985-11-20\n'
    'T-02,"RODRÍGUEZ LUGO, JOSÉ",1992-03-10\n'
    'T-03,"RODRÍGUEZ MATA, LUIS",1978-07-22\n'
    'T-04,"RODIRGUEZ SOTO, ANA",1999-02-14\n'
    'T-05,"CARRASQUERO MORALES, YEFERSON",1995-12-25\n'
    'T-06,"MENDOZA VARGAS, LUIS ALFREDO",1991-04-06\n'
)


@pytest.fixture
def indexed(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "typos.csv"
    path.write_text(REGISTER, encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(source_title="Typos", source_kind="list", date_order="YMD"),
        actor="test",
    )
    build_search_index(store, actor="test")
    return store


def _alternatives(store: Store, name: str) -> TypoAlternatives:
    q = parse_query(name)
    with store.read() as session:
        return typo_alternatives(
            session, all_given_keys(q.given), [set(surname_keys(s)) for s in q.surnames]
        )


def test_edits1_is_one_edit_away() -> None:
    near = edits1("rodriges")
    assert {"rodrige", "rordiges", "rodrigis", "rodrigess"} <= near
    assert "rodriges" not in near and "rdrigs" not in near


def test_a_rare_spelling_is_corrected_to_the_more_frequent_one(indexed: Store) -> None:
    alt = _alternatives(indexed, "Ana Rodirguez")
    assert alt.surnames == [{"rodriges"}]


def test_a_common_spelling_is_not_corrected_to_a_rarer_one(indexed: Store) -> None:
    # "rodirges" exists (T-04) and is one edit away, but rarer: not a correction,
    # only a variant (a list's typo) to look up with the given name
    alt = _alternatives(indexed, "Ana Rodriguez")
    assert alt.surnames == [set()] and not alt.given
    assert alt.surname_variants == [{"rodirges"}]


def test_a_mistyped_given_name_expands_with_the_query_surname(indexed: Store) -> None:
    alt = _alternatives(indexed, "Yefersom Carrasquero")
    assert alt.given == {"#yeferson"}
    assert alt.surnames == [set()]


def test_typo_keys_replace_one_name_position_at_a_time() -> None:
    q = parse_query("Luis Mendoza Vargas")
    given = all_given_keys(q.given)
    surnames = [set(surname_keys(s)) for s in q.surnames]
    alt = TypoAlternatives(
        given={"#luiz"}, surnames=[{"mendosas"}, {"bargaz"}], surname_variants=[{"mendoa"}, set()]
    )
    keys = typo_keys(q, given, surnames, alt)
    texts = {text for _, text in keys}
    assert "gs|#luis|mendosas" in texts and "gs|#luis|bargaz" in texts
    assert "gs|#luiz|mendosa" in texts
    # never two replaced positions together
    assert not any("mendosas" in t and "bargaz" in t for t in texts)
    assert not any("#luiz" in t and ("mendosas" in t or "bargaz" in t) for t in texts)
    # a variant only with the query's given names
    assert {(f, t) for f, t in keys if "mendoa" in t} == {("gs", "gs|#luis|mendoa")}
    assert not typo_keys(
        q, given, surnames, TypoAlternatives(set(), [set(), set()], [set(), set()])
    )
    assert {t for _, t in query_keys(q, given, surnames)} <= {
        t for _, t in query_keys(q, given | {"#luiz"}, surnames)
    }


def test_a_list_typo_is_found_from_the_right_spelling(indexed: Store) -> None:
    result = search(indexed, name="Ana Rodriguez")
    assert result.expanded
    assert {r.record_key for r in result.candidates[0].records} == {"T-04"}


def test_a_mistyped_surname_is_found_through_expansion(indexed: Store) -> None:
    result = search(indexed, name="Luis Mednoza")
    assert result.expanded
    top = result.candidates[0]
    assert {r.record_key for r in top.records} == {"T-06"}
    assert "surname_typo" in {r.code for r in top.reasons}


def test_weighing_without_reasons_scores_the_same(indexed: Store) -> None:
    with indexed.read() as session:
        records = list(iter_indexed(session))
    for name, dob in (
        ("Maria Rodriguez", "1985-11-20"),
        ("Luis Mendoza", None),
        ("Yeferson Carasquero Moralez", "25/12/1995"),
        ("Jose Rodirguez", None),
    ):
        scorer = QueryScorer(parse_query(name, dob))
        for rec in records:
            explained = scorer.score(rec)
            weighed = scorer.score(rec, explain=False)
            assert (weighed.score, weighed.weight) == (explained.score, explained.weight)
            assert weighed.reasons == [] and explained.reasons


def test_two_typos_try_the_best_corrections_together() -> None:
    q = parse_query("Lius Mendosas Vargas")
    given = all_given_keys(q.given)
    surnames = [set(surname_keys(s)) for s in q.surnames]
    alt = TypoAlternatives(
        given={"#luis", "#lois"},
        surnames=[{"mendosa", "mendesas"}, set()],
        surname_variants=[set(), set()],
        given_best={"#luis"},
        surnames_best=[{"mendosa"}, set()],
    )
    texts = {text for _, text in typo_keys(q, given, surnames, alt)}
    assert "gs|#luis|mendosa" in texts  # both corrections at once
    # only the best ones are combined: the others still replace one position at a time
    assert not any("#lois" in t and "mendosa|" in t + "|" for t in texts)
    assert not any("#luis" in t and "mendesas" in t for t in texts)


def test_a_given_name_and_a_surname_both_mistyped_are_found(indexed: Store) -> None:
    result = search(indexed, name="Alferdo Mednoza")
    assert result.expanded and result.candidates
    assert {r.record_key for r in result.candidates[0].records} == {"T-06"}

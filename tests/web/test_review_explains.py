"""Review explanations cite only what the reviewer can see (#13.11).

* the evidence table lists a comparison only when both record cards show that field
  ("DUI: different" and "Sex: exact match" were listed for two records without either);
* "linking would join records that must stay apart" says which records;
* an A-number and a cédula of one person are two documents, not "2 variants".
"""

from __future__ import annotations

from pathlib import Path

from habeas.access.reader import Reader
from habeas.i18n import gettext_for
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import decide
from habeas.linkage.apply import now
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema_linkage import LinkageRun, ScoredPair
from habeas.web.pages._common import vocabulary_labels
from habeas.web.pages.person import build_person
from habeas.web.pages.review import pair_data

ADMIN = Reader("admin", "ana", "documentation")
LIST = (
    "ID,Nombre,Fecha de nacimiento,Numero A,Cedula,Nacionalidad\n"
    "1,Ramiro Quintero Albornoz,1990-05-04,A230119595,,\n"
    "2,Ramiro Quintero A.,1990-05-04,,V-12345678,Venezuela\n"
    "3,Ramiro Quinteros Albornos,,A230119596,,\n"
)


def _records(store: Store, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / "press.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(store, path, ImportOptions("Press", "news_report"))
    return {x["record_id"]: int(x["record"]) for x in queries.iter_records(store)}


def _queue(store: Store, a: int, b: int, reason: str, evidence: dict[str, list[object]]) -> int:
    with store.write("tester") as op:
        run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
        op.session.add(run)
        op.session.flush()
        a, b = sorted((a, b))
        pair = ScoredPair(
            run_id=run.id,
            record_a=a,
            record_b=b,
            match_weight=-2.0,
            match_probability=0.2,
            evidence=evidence,
            status="queued",
            reason=reason,
            priority=1.0,
        )
        op.session.add(pair)
        op.session.flush()
        op.log("link", "linkage_run", run.id, {"test": "queued pair"})
    return pair.id


def _shown(store: Store, pair_id: int, lang: str = "en") -> dict[str, object]:
    data = pair_data(
        store,
        pair_id,
        reader=ADMIN,
        lang=lang,
        _=gettext_for(lang),
        vocab=vocabulary_labels(store, lang),
    )
    pair = data["pair"]
    assert isinstance(pair, dict)
    return pair


def test_evidence_lists_only_fields_both_cards_show(store: Store, tmp_path: Path) -> None:
    r = _records(store, tmp_path)
    pid = _queue(
        store,
        r["1"],
        r["2"],
        "band",
        {
            "given": ["Exact match", 4.0],
            "surnames": ["Exact match", 5.0],
            "dob": ["Exact match", 6.0],
            "dui_sv": ["All other comparisons", -7.0],  # neither record has a DUI
            "sex": ["Exact match", 0.2],  # neither states a sex
            "a_number": ["All other comparisons", -8.0],  # only record 1 has one
        },
    )
    pair = _shown(store, pid)
    evidence = pair["evidence"]
    assert isinstance(evidence, list)
    assert [e["field"] for e in evidence] == ["given", "surnames", "dob", "prior"]
    # the starting point is the model's, from every stored comparison
    assert evidence[-1]["weight"] == round(-2.0 - (4 + 5 + 6 - 7 + 0.2 - 8), 2)
    assert pair["a"]["sex"] == "" and pair["b"]["sex"] == ""  # type: ignore[index]


def test_a_conflict_names_the_records(store: Store, tmp_path: Path) -> None:
    r = _records(store, tmp_path)
    decide(store, (r["1"], r["2"]), "same", reader=ADMIN)  # one person: records 1 and 2
    decide(store, (r["2"], r["3"]), "different", reader=ADMIN)
    pid = _queue(store, r["1"], r["3"], "conflict: decided different", {})
    text = str(_shown(store, pid)["reason_text"])
    assert text.startswith("linking would join records that must stay apart: ")
    assert "Ramiro Quintero A. (record 2 of Press)" in text
    assert "Ramiro Quinteros Albornos (record 3 of Press)" in text
    assert "a reviewer decided they are different people" in text
    spanish = str(_shown(store, pid, "es")["reason_text"])
    assert spanish.startswith("vincularlos uniría registros que deben quedar separados: ")
    assert "(registro 3 de Press)" in spanish


def test_two_document_types_are_not_two_variants(store: Store, tmp_path: Path) -> None:
    r = _records(store, tmp_path)
    result = decide(store, (r["1"], r["2"]), "same", reader=ADMIN)
    person = result["merges"][0]["into"]

    def documents() -> dict[str, object]:
        data = build_person(
            store,
            person,
            lang="en",
            _=gettext_for("en"),
            vocab=vocabulary_labels(store, "en"),
            can_dossier=False,
            reader=ADMIN,
        )
        return next(f for f in data["identity"] if f["field"] == "identifiers")

    ids = documents()
    assert len(ids["variants"]) == 2  # type: ignore[arg-type]
    assert ids["conflict"] is False
    # two different A-numbers are two variants of one document
    decide(store, (r["1"], r["3"]), "same", reader=ADMIN)
    ids = documents()
    assert ids["conflict"] is True and ids["variant_count"] == 2

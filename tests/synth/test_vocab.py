"""Every vocabulary-backed value is a code, label or synonym in vocabularies.csv."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path
from typing import Any

from habeas.ingest.fields import guess_field

VOCAB_CSV = Path(__file__).parents[2] / "src/habeas/domain/data/vocabularies.csv"
FIELD_VOCAB = {
    "sex": "sex",
    "event_type": "event_type",
    "legal_basis": "legal_basis",
    "criminal_record": "criminal_record",
    "hearing": "hearing",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def _vocab() -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    with VOCAB_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            forms = [row["code"], row["label_en"], row["label_es"]]
            forms += [s for s in row["synonyms"].split("|") if s]
            terms.setdefault(row["vocabulary"], set()).update(_fold(f) for f in forms)
    return terms


VOCAB = _vocab()


def _ok(vocabulary: str, value: Any) -> bool:
    return _fold(str(value)) in VOCAB[vocabulary]


def test_list_values_and_defaults(case: dict[str, Any], tables: dict) -> None:
    checked = 0
    for source in case["sources"]:
        assert _ok("source_kind", source["kind"]), source["kind"]
        assert _ok("reliability", source["reliability"])
        for field, value in source["defaults"].items():
            if field in FIELD_VOCAB:
                assert _ok(FIELD_VOCAB[field], value), (field, value)
        headers, rows = tables[source["title"]]
        for h in headers:
            field = source["map"].get(h) or guess_field(h)
            if field not in FIELD_VOCAB:
                continue
            values = {row[h] for row in rows if row[h] not in (None, "")}
            bad = [v for v in values if not _ok(FIELD_VOCAB[field], v)]
            assert not bad, (source["title"], h, bad)
            checked += len(values)
    assert checked >= 10


def test_case_json_vocabularies(case: dict[str, Any]) -> None:
    for doc in case["documents"]:
        assert _ok("source_kind", doc["kind"]) and _ok("reliability", doc["reliability"])
    for fac in case["facilities"]:
        assert _ok("facility_kind", fac["kind"])
    for inc in case["incidents"]:
        assert _ok("act_type", inc["type"]), inc["type"]
        assert _ok("violation_status", inc["verification_status"])
        for perp in inc["perpetrators"]:
            assert _ok("perpetrator_type", perp["role"])
            assert _ok("involvement", perp["involvement"])

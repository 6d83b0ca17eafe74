from __future__ import annotations

import numpy as np
import pytest

from habeas.errors import UsageError
from habeas.estimate.histories import CaptureHistories, full_patterns

try:
    from ._mse import DATA, EXPECTED, load
except ImportError:  # tests/ is not a package
    from _mse import DATA, EXPECTED, load  # type: ignore[no-redef]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_dataset_reads_with_stated_total(name: str) -> None:
    h = load(name)
    assert h.n == EXPECTED[name]["n_observed"]
    if name == "sparsemse_artificial_3":  # list C overlaps no other list by design
        assert h.warnings == [
            "List C shares no case with any other list: estimates that "
            "use it rest on assumptions the data cannot check."
        ]
    else:
        assert h.warnings == []


def test_aggregated_and_individual_layouts_agree(tmp_path) -> None:
    agg = tmp_path / "agg.csv"
    agg.write_text("A,B,count\n1,0,2\n0,1,1\n1,1,3\n")
    ind = tmp_path / "ind.csv"
    ind.write_text("A,B\n1,0\n1,0\n0,1\n1,1\n1,1\n1,1\n")
    a, b = CaptureHistories.from_table(agg), CaptureHistories.from_table(ind)
    assert a.lists == b.lists == ["A", "B"]
    assert a.n == b.n == 6
    assert a.list_totals() == b.list_totals() == {"A": 5, "B": 4}
    assert a.overlap(0, 1) == 3


def test_full_table_has_all_cells_with_zeros() -> None:
    h = load("sparsemse_artificial_3")
    pat, counts = h.full_table()
    assert pat.shape == (7, 3)
    assert counts.sum() == 96
    assert (counts == 0).sum() == 3
    assert len({tuple(r) for r in full_patterns(5)}) == 31


def test_repairs_are_reported(tmp_path) -> None:
    f = tmp_path / "t.csv"
    f.write_text(
        "A,B,C,D,count\n0,0,0,0,5\n1,0,0,0,4\n1,0,0,0,1\n0,1,0,0,3\n1,1,0,0,2\n0,0,0,1,7\n"
    )
    h = CaptureHistories.from_table(f)
    text = " ".join(h.warnings)
    assert "5 case(s) are on none of the lists" in text
    assert "C have no cases" in text
    assert "repeated" in text
    assert "List D shares no case" in text
    assert h.lists == ["A", "B", "D"]
    assert h.n == 17
    assert h.counts[h.patterns.tolist().index([1, 0, 0])] == 5


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("A,B,count\n1,2,3\n", "row 2, column 'B': value '2' is not 0 or 1"),
        ("A,B,count\n1,0,3\n0,1,-1\n", "row 3, column 'count': count '-1' is negative"),
        ("A,B,count\n1,0,\n", "row 2, column 'count': the count is missing"),
        ("A,B,count\n1,0,x\n", "is not a number"),
        ("A,B,count\n1,0,1.5\n", "not a whole number"),
        ("A,B,count\n", "no rows"),
        ("count\n3\n", "no list columns"),
        ("A,B,count\n0,0,3\n", "nobody is on any list"),
    ],
)
def test_bad_tables_give_clear_usage_errors(tmp_path, content: str, fragment: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content)
    with pytest.raises(UsageError) as info:
        CaptureHistories.from_table(f)
    assert fragment in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(UsageError, match="no such file"):
        CaptureHistories.from_table(DATA / "nope.csv")


def test_from_rows_and_patterns() -> None:
    rows = [{"A": "1", "B": "0", "count": "2"}, {"A": "1", "B": "1", "count": "1"}]
    h = CaptureHistories.from_table(rows)
    assert h.n == 3
    h2 = CaptureHistories.from_patterns(["A", "B"], [[1, 0], [1, 1]], [2, 1])
    assert np.array_equal(h.patterns, h2.patterns)
    with pytest.raises(UsageError):
        CaptureHistories.from_patterns(["A", "B"], [[1, 3]], [1])

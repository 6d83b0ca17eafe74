"""The person page marks what later records correct: the record, each statement of a
value, and a value that only corrected records state (struck through, still shown)."""

from __future__ import annotations

from habeas.read.entries import Correction
from habeas.web.pages._person_entries import mark_corrected


def _statement(record_id: int) -> dict[str, object]:
    return {"source": "Lista", "record": str(record_id), "record_id": record_id, "row": 1}


def test_a_value_only_corrected_records_state_is_superseded() -> None:
    data = {
        "records": [{"id": 1}, {"id": 2}, {"id": 3}],
        "identity": [
            {
                "field": "dates_of_birth",
                "variants": [
                    {"value": "1990-05-04", "stated_by": [_statement(1)]},
                    {"value": "1991-05-04", "stated_by": [_statement(3)]},
                ],
            },
            {
                "field": "names",
                "variants": [{"value": "ANA", "stated_by": [_statement(1), _statement(2)]}],
            },
        ],
    }
    mark_corrected(data, [Correction(3, 1, "Corrección"), Correction(4, 1, "Otra")])

    assert [r["corrected_by"] for r in data["records"]] == [[3, 4], [], []]
    dobs, names = (f["variants"] for f in data["identity"])
    assert dobs[0]["superseded_by"] == [3, 4]  # only record 1 said 1990, and it is corrected
    assert dobs[1]["superseded_by"] == []
    # record 2 still states the name, so the name stands; record 1's statement is marked
    assert names[0]["superseded_by"] == []
    assert [st["corrected_by"] for st in names[0]["stated_by"]] == [[3, 4], []]


def test_nothing_corrected_marks_nothing() -> None:
    data = {
        "records": [{"id": 1}],
        "identity": [
            {"field": "names", "variants": [{"value": "A", "stated_by": [_statement(1)]}]}
        ],
    }
    mark_corrected(data, [])
    assert data["records"][0]["corrected_by"] == []
    assert data["identity"][0]["variants"][0]["superseded_by"] == []

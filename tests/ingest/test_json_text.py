"""The rows' JSON text is json.dumps's, to the character."""

from __future__ import annotations

import json

import pytest

from habeas.ingest.rowwrite import json_text

VALUES = [
    {"No.": "1", "Nombre completo": "PÉREZ GARCÍA, JOSÉ", "Cédula": "V-12.345.678", "": "x"},
    {"Apellidos": 'O"Neil \\ Núñez\t\n', "Fecha": "", "emoji": "\U0001f600 ñ \u2028"},
    ["carlos", "alberto"],
    [],
    {},
    {"postcode": "1010", "nested": {"a": [1, 2.5, None, True, False]}, "big": 10**20},
    "solo",
    None,
    1.0,
    float("nan"),
]


@pytest.mark.parametrize("value", VALUES)
def test_same_text_as_json_dumps(value: object) -> None:
    assert json_text()(value) == json.dumps(value)


def test_one_encoder_many_values() -> None:
    dumps = json_text()
    assert [dumps(v) for v in VALUES * 2] == [json.dumps(v) for v in VALUES * 2]

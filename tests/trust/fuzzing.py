"""Hypothesis strategies for malformed import files, and the property every import must keep.

Shared by ``tests/trust/test_fuzz_import.py`` (a fast run, ~200 cases per format) and
``benchmarks/fuzz_import.py`` (a long run that prints the counts). All content is
random or synthetic: no real person's data.

The property: importing any file either succeeds (the log still verifies) or raises
a :class:`~habeas.errors.HabeasError` (``ImportFailed`` naming the problems) with a
message — and then the database and the file store are exactly as before.
Anything else (another exception type, a partial write) is a failure.
"""

from __future__ import annotations

import io
import json
import os
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from habeas.errors import HabeasError
from habeas.ingest.importer import ImportOptions, import_file
from habeas.store.db import Store

HEADERS = [
    "No.",
    "NAME",
    "Nombres",
    "Apellidos",
    "DOB",
    "Fecha de nacimiento",
    "A#",
    "Cédula",
    "SEX",
    "Sexo",
    "NATIONALITY",
    "FLIGHT",
    "Vuelo",
    "Fecha",
    "Notas",
    "",
    " ",
    "x",
]
VALUES = [
    "RODRIGUEZ PEREZ, JOSE LUIS",
    "05/04/1990",
    "1990-04-05",
    "31/02/1990",
    "A-208-304-911",
    "V-12.345.678",
    "M",
    "F",
    "VEN",
    "Venezolana",
    "FL-1",
    "15/03/2025",
    "13/13/13",
    "",
    "NULL",
    "N/A",
    "0",
    "-1",
    "1e309",
    "José Núñez",
    "=1/0",
    "\u202e",
    "🙂",
]
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "latin-1",
    "cp1252",
    "cp437",
    "shift_jis",
    "koi8-r",
    "utf-32",
]
DELIMITERS = [",", ";", "\t", "|", " ", '"', "'", ":", "\x00", ",,"]

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_cell = st.one_of(
    st.sampled_from(VALUES),
    _text,
    st.builds(
        lambda c, n: c * n,
        st.sampled_from("x\"',\n\r\x00é"),
        st.sampled_from([1, 2, 100, 10_000, 140_000]),
    ),
)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """Random bytes, or a table with random delimiters, quotes, sizes and encodings."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=3000))
    width = draw(st.integers(0, 8))
    header = draw(
        st.lists(st.one_of(st.sampled_from(HEADERS), _text), min_size=width, max_size=width)
    )
    rows = draw(st.lists(st.lists(_cell, min_size=0, max_size=width + 2), max_size=12))
    delimiter = draw(st.sampled_from(DELIMITERS))
    quote = draw(st.sampled_from(['"', "'", "", '"""']))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
    lines = [
        delimiter.join(f"{quote}{c}{quote}" if draw(st.booleans()) else c for c in row)
        for row in [header, *rows]
    ]
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors=draw(st.sampled_from(["replace", "ignore"])))
    if draw(st.integers(0, 3)) == 0 and data:  # damage: flip, cut or insert bytes
        data = _damage(draw, data)
    return data


def _damage(draw: st.DrawFn, data: bytes) -> bytes:
    how = draw(st.sampled_from(["cut", "flip", "insert"]))
    # A position as a fraction of the length: draws must not depend on the data's size
    # (a saved workbook's size varies with the clock, and hypothesis replays draws).
    at = draw(st.integers(0, 9999)) * len(data) // 10_000
    if how == "cut":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


_json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(VALUES),
)
_json_value = st.recursive(
    _json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)),
    max_leaves=20,
)
_person = st.dictionaries(st.one_of(st.sampled_from(HEADERS), _text), _json_value, max_size=8)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@st.composite
def json_bytes(draw: st.DrawFn) -> bytes:
    """A JSON document: random structures, arrays of person-like objects, damaged text."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=2000))
    if kind == 1:
        text = _dumps(draw(_json_value))
    elif kind == 2:
        text = _dumps({draw(_text): draw(st.lists(_person, max_size=8))})
    elif kind == 3:
        text = "[" + "9" * draw(st.integers(4000, 6000)) + "]"  # huge integer literal
    else:
        text = _dumps(draw(st.lists(_person, max_size=10)))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.integers(0, 3)) == 0 and data:
        data = _damage(draw, data)
    return data


@st.composite
def jsonl_bytes(draw: st.DrawFn) -> bytes:
    """JSON Lines: objects, other values, blank and broken lines, long lines."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=2000))
    lines = []
    for _ in range(draw(st.integers(0, 10))):
        choice = draw(st.integers(0, 6))
        if choice <= 3:
            lines.append(_dumps(draw(_person)))
        elif choice == 4:
            lines.append(_dumps(draw(_json_value)))
        elif choice == 5:
            lines.append(draw(_text))
        else:
            lines.append("1" * draw(st.sampled_from([10, 4301, 5000])))
    data = (
        draw(st.sampled_from(["\n", "\r\n", "\u2028"]))
        .join(lines)
        .encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    )
    if draw(st.integers(0, 3)) == 0 and data:
        data = _damage(draw, data)
    return data


def _printable(text: str) -> str:
    """What a spreadsheet cell may hold (openpyxl refuses control characters)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


_xlsx_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    _text.map(_printable),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
    st.sampled_from(VALUES[:-3] + ["=1/0", "=SUM(A1:A2)", "=A1"]),
)


@st.composite
def xlsx_bytes(draw: st.DrawFn) -> bytes:
    """A workbook with random cell types in random sheets, sometimes damaged or not a zip."""
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return draw(st.binary(max_size=2000))
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for number in range(draw(st.integers(0, 3))):
        sheet = workbook.create_sheet(f"S{number}")
        for row in draw(st.lists(st.lists(_xlsx_value, max_size=8), max_size=10)):
            sheet.append(
                [v.replace(tzinfo=None) if isinstance(v, datetime | time) else v for v in row]
            )
    buffer = io.BytesIO()
    if not workbook.worksheets:
        workbook.create_sheet("empty")
    workbook.save(buffer)
    data = buffer.getvalue()
    if kind == 1:  # truncate
        return data[: draw(st.integers(0, 9999)) * len(data) // 10_000]
    if kind == 2:  # corrupt bytes inside
        return _damage(draw, data)
    if kind == 3:  # replace one member of the zip with junk
        return _replace_member(data, draw(st.binary(max_size=500)), draw(st.integers(0, 1000)))
    return data


def _replace_member(data: bytes, junk: bytes, pick: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = names[pick % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            target.writestr(name, junk if name == victim else source.read(name))
    return out.getvalue()


FORMATS = {"csv": csv_bytes(), "xlsx": xlsx_bytes(), "json": json_bytes(), "jsonl": jsonl_bytes()}


def _files_state(store: Store) -> set[str]:
    assert store.files is not None
    root = store.files.root
    return {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns}


def snapshot(store: Store) -> tuple[Any, set[str]]:
    from tests.conftest import db_snapshot

    return db_snapshot(store), _files_state(store)


@dataclass
class FuzzTally:
    cases: int = 0
    refused: int = 0
    imported: int = 0
    failures: list[str] = field(default_factory=list)


def check_import(
    store: Store,
    folder: Path,
    suffix: str,
    data: bytes,
    tally: FuzzTally,
    before: tuple[Any, set[str]],
) -> tuple[Any, set[str]]:
    """Import ``data`` as a file; record a failure unless the property holds.

    Returns the state the next case should be compared with.
    """
    tally.cases += 1
    path = folder / f"fuzz-{uuid.uuid4().hex[:8]}.{suffix}"
    path.write_bytes(data)
    options = ImportOptions(source_title=f"Fuzz {uuid.uuid4().hex[:12]}", source_kind="list")
    try:
        import_file(store, path, options, actor="fuzzer")
    except HabeasError as exc:
        tally.refused += 1
        message = str(exc)
        after = snapshot(store)
        if not message.strip():
            tally.failures.append(f"{suffix}: {type(exc).__name__} with an empty message")
        if after != before:
            tally.failures.append(f"{suffix}: refused ({message[:80]!r}) but the store changed")
        return after
    except Exception as exc:  # noqa: BLE001 - this is what the fuzzer hunts
        tally.failures.append(
            f"{suffix}: crash {type(exc).__name__}: {str(exc)[:200]} "
            f"(input {data[:120]!r}…, {len(data)} bytes)"
        )
        return snapshot(store)
    finally:
        path.unlink(missing_ok=True)
    tally.imported += 1
    check = store.verify_log()
    if not check.ok:
        tally.failures.append(f"{suffix}: imported but the log does not verify: {check.problems}")
    return snapshot(store)

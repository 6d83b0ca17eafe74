"""A flat synthetic list for load and robustness work (benchmarks, kill -9 trials).

One row per fictional person, built from the generator's own name pools, in
the shape of a relatives' spreadsheet (Spanish headers, DD/MM/YYYY dates). It
has no ground truth and no planted errors: use :func:`habeas.synth.generate_case`
for anything that needs them.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from habeas.synth.names import SLV_SURNAMES, VEN_MALE_FIRST, VEN_MALE_SECOND, VEN_SURNAMES


def flat_list_headers(cedula: bool = True) -> list[str]:
    return [
        "ID",
        "Nombres",
        "Apellidos",
        "Sexo",
        "Fecha de nacimiento",
        "Nacionalidad",
        "A#",
        *(["Cédula"] if cedula else []),
        "Vuelo",
        "Fecha de vuelo",
    ]


def write_flat_list(path: Path, rows: int, *, seed: int = 1, cedula: bool = True) -> Path:
    """Write ``rows`` rows to ``path`` (kept if it already exists; written atomically)."""
    if path.exists():
        return path
    rng = random.Random(seed)
    given1 = [n for n, _ in VEN_MALE_FIRST]
    given2 = [n for n, _ in VEN_MALE_SECOND]
    surnames = [n for n, _ in VEN_SURNAMES + SLV_SURNAMES]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(flat_list_headers(cedula))
        for i in range(1, rows + 1):
            given = rng.choice(given1) + (f" {rng.choice(given2)}" if rng.random() < 0.6 else "")
            row: list[object] = [
                i,
                given,
                f"{rng.choice(surnames)} {rng.choice(surnames)}",
                rng.choice("MMMMMMMMMF"),
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1965, 2006)}",
                "Venezolana",
                f"A{rng.randint(10_000_000, 299_999_999):09d}",
            ]
            if cedula:
                row.append(f"V-{rng.randint(5_000_000, 32_000_000):,}".replace(",", "."))
            row += [f"FL-{rng.randint(1, 3)}", "15/03/2025"]
            writer.writerow(row)
    tmp.replace(path)
    return path

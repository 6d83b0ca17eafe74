"""Place of residence as linkage evidence: the same home joins records whose names differ.

A relatives' report and a court filing name the same person with the given name
spelled otherwise and one surname missing, and neither gives a date of birth or
a document number: only the home address (street and house, urbanización,
municipality, state) says they are one person. Every name and address here is
invented (synthetic).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage import link, score_frame
from habeas.linkage import model as mdl
from habeas.linkage.features import featurise_rows, load_features
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema_linkage import ScoredPair

GIVEN = [
    "Ana",
    "Luis",
    "Carmen",
    "Pedro",
    "Rosa",
    "Jesús",
    "Elena",
    "Mario",
    "Isabel",
    "Tomás",
    "Lucía",
    "Andrés",
    "Sofía",
    "Ramón",
    "Teresa",
    "Hugo",
    "Marta",
    "Julio",
    "Inés",
    "Raúl",
]
SURNAMES = [
    "Acosta",
    "Bermúdez",
    "Castillo",
    "Duarte",
    "Escalona",
    "Fuenmayor",
    "Guerrero",
    "Herrera",
    "Infante",
    "Jiménez",
    "Lozada",
    "Montilla",
    "Navas",
    "Ortega",
    "Pineda",
    "Quintero",
    "Rondón",
    "Salazar",
    "Toro",
    "Urdaneta",
    "Villegas",
    "Zambrano",
]
TOWNS = [
    ("Cabimas", "Zulia"),
    ("Maracaibo", "Zulia"),
    ("Valencia", "Carabobo"),
    ("Barquisimeto", "Lara"),
    ("Maturín", "Monagas"),
    ("Cumaná", "Sucre"),
]
STREETS = ["Calle {n}", "Av. {n}", "Carrera {n}", "Calle Bolívar {n}", "Av. Sucre {n}"]
URBS = ["Urb. Los Olivos", "Urb. La Floresta", "Barrio El Carmen", "Sector Las Palmas"]

# The person only their home links: given name spelled otherwise, second surname dropped,
# and a namesake (a cousin) reported too, living elsewhere.
REPORTED = (
    "Yorgelis Carolina",
    "Marcano Rengifo",
    "Calle 7, casa 21",
    "Urb. Santa Rosa",
    "Ciudad Ojeda",
    "Zulia",
)
COUSIN = (
    "Yorgelis Andreina",
    "Marcano Pérez",
    "Av. 15, casa 3",
    "Barrio Delicias",
    "Maracaibo",
    "Zulia",
)
FILED = (
    "Jorgelys",
    "Marcano",
    "C/ 7 Casa 21",
    "Urbanización Santa Rosa",
    "Ciudad Ojeda",
    "Edo. Zulia",
)


def _people(n: int) -> list[tuple[str, str, str, str, str, str]]:
    """``n`` distinct invented people, each with a home of their own."""
    pairs = list(itertools.combinations(SURNAMES, 2))
    out = []
    for i in range(n):
        given, (first, second) = GIVEN[i % len(GIVEN)], pairs[(i * 7) % len(pairs)]
        town, state = TOWNS[i % len(TOWNS)]
        street = STREETS[i % len(STREETS)].format(n=3 + i)
        out.append(
            (
                given,
                f"{first} {second}",
                f"{street}, casa {10 + i % 17}",
                URBS[i % len(URBS)],
                town,
                state,
            )
        )
    return out


def _write(tmp_path: Path) -> tuple[Path, Path]:
    people = _people(60)
    both, only_reports, only_filings = people[:30], people[30:45], people[45:]
    reports = ["ID;Nombres;Apellidos;Dirección;Urbanización;Municipio;Estado de residencia"]
    reports += [
        f"R{i};" + ";".join(p) for i, p in enumerate([*both, *only_reports, REPORTED, COUSIN])
    ]
    filings = [
        "Case no,Petitioner given names,Petitioner surnames,Address,Address 2,"
        "City of residence,State of residence"
    ]
    filings += [
        f"F{i}," + ",".join(f'"{v}"' for v in p)
        for i, p in enumerate([*both, *only_filings, FILED])
    ]
    a, b = tmp_path / "reportes.csv", tmp_path / "filings.csv"
    a.write_text("\n".join(reports) + "\n", encoding="utf-8")
    b.write_text("\n".join(filings) + "\n", encoding="utf-8")
    return a, b


def _import(store: Store, tmp_path: Path, *, residence: bool) -> None:
    reports, filings = _write(tmp_path)
    hide_a = (
        {}
        if residence
        else {h: "-" for h in ("Dirección", "Urbanización", "Municipio", "Estado de residencia")}
    )
    hide_b = (
        {}
        if residence
        else {h: "-" for h in ("Address", "Address 2", "City of residence", "State of residence")}
    )
    import_file(
        store, reports, ImportOptions("Reportes de familiares", "testimony", mapping=hide_a)
    )
    import_file(
        store,
        filings,
        ImportOptions(
            "Habeas filings",
            "court_filing",
            mapping={
                "Petitioner given names": "given_names",
                "Petitioner surnames": "surnames",
                **hide_b,
            },
        ),
    )


def _persons(store: Store) -> tuple[int, int, int]:
    """Current person of (the reported person, their cousin, the filing)."""
    persons = {(r["source"], r["record_id"]): r["person_id"] for r in queries.iter_records(store)}
    return (
        persons[("Reportes de familiares", "R45")],
        persons[("Reportes de familiares", "R46")],
        persons[("Habeas filings", "F45")],
    )


def _pair_probability(store: Store, a: int, b: int) -> float | None:
    with store.read() as s:
        found = (
            s.execute(
                select(ScoredPair.match_probability).where(
                    ScoredPair.record_a == min(a, b), ScoredPair.record_b == max(a, b)
                )
            )
            .scalars()
            .all()
        )
    return float(found[-1]) if found else None


def _record_ids(store: Store) -> tuple[int, int, int]:
    frame = load_features(store)
    names = zip(frame["given1"], frame["given2"], strict=True)
    ids = dict(zip(names, frame["unique_id"], strict=True))
    return (
        int(ids[("yorgelis", "carolina")]),
        int(ids[("yorgelis", "andreina")]),
        int(ids[("jorgelys", None)]),
    )


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_same_home_joins_differently_spelled_names(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path, residence=True)
    target, cousin, filing = _record_ids(store)
    frame = load_features(store).set_index("unique_id")
    # Both write the same home, each in their own way.
    for column in ("street", "addr_no", "addr", "addr2", "locality", "region"):
        assert frame.at[target, column] == frame.at[filing, column], column
    assert frame.at[target, "addr"] == "calle7casa21#"
    assert frame.at[cousin, "addr"] != frame.at[filing, "addr"]
    report = link(store)
    assert report.records == 93
    person_target, person_cousin, person_filing = _persons(store)
    assert person_target == person_filing != person_cousin
    with store.read() as s:
        evidence = (
            s.execute(
                select(ScoredPair.evidence).where(
                    ScoredPair.record_a == min(target, filing),
                    ScoredPair.record_b == max(target, filing),
                )
            )
            .scalars()
            .all()
        )
    assert evidence and evidence[-1]["address"][0] in (
        "Same street and house number",
        "Same home, a surname in common",
    )
    assert evidence[-1]["locality"][1] > 0
    cousin_p = _pair_probability(store, cousin, filing)
    target_p = _pair_probability(store, target, filing)
    assert target_p is not None and (cousin_p is None or cousin_p < target_p)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_without_the_home_the_names_cannot_tell_the_cousin_apart(
    store: Store, tmp_path: Path
) -> None:
    _import(store, tmp_path, residence=False)
    target, cousin, filing = _record_ids(store)
    link(store)
    person_target, person_cousin, person_filing = _persons(store)
    assert not (person_target == person_filing != person_cousin)
    assert _pair_probability(store, target, filing) == _pair_probability(store, cousin, filing)


def test_residence_features_from_rows_and_their_blocking_keys() -> None:
    """``featurise_rows`` takes residences too; a home shared by more records than the
    blocking cap gives no blocking key (a shelter's address must not pair everyone)."""
    rows = [
        (i, 1, False, None, "import", ["ana"], ["toro"], None, None, None, None, None)
        for i in range(1, 5)
    ]
    home = {"address": "Av. Sucre 9", "locality": "Cumaná", "postcode": "6101"}
    frame = featurise_rows(
        rows, {}, residences={1: home, 2: dict(home), 3: dict(home)}, block_cap=2
    )
    assert frame["addr"].tolist()[:3] == ["avenidasucre9#"] * 3 and frame["addr"][3] is None
    assert (frame["locality"][0], frame["postcode"][0]) == ("cumana", "6101")
    assert frame["res_keys"].tolist() == [None] * 4  # three records share every key: over 2
    frame = featurise_rows(rows, {}, residences={1: home, 2: dict(home)}, block_cap=2)
    keys = frame["res_keys"].tolist()
    # street, locality × postcode: ps, ls, lp; surname × locality; the postcode alone (no
    # house number, no second line, no region)
    assert keys[0] == keys[1] and len(keys[0]) == 5 and keys[2] is None and keys[3] is None
    assert set(mdl.SPLINK_COLUMNS) <= set(frame.columns)
    without = featurise_rows(rows, {})
    assert without["res_keys"].tolist() == [None] * 4 and without["addr"].isna().all()


def test_a_postcode_or_a_surname_in_one_town_meets_names_written_every_way() -> None:
    """No street, no date: "Tom Chudleigh" / "Thomas Chydleigh" share only a postcode,
    "Gerald Burn" / "Jerald Burn" only a surname and a town; each pair shares a key."""
    rows = [
        (1, 1, False, None, "import", ["tom"], ["chudleigh"], None, None, None, None, None),
        (2, 1, False, None, "import", ["thomas"], ["chydleigh"], None, None, None, None, None),
        (3, 1, False, None, "import", ["gerald"], ["burn"], None, None, None, None, None),
        (4, 1, False, None, "import", ["jerald"], ["burn"], None, None, None, None, None),
    ]
    homes = {
        1: {"locality": "devon", "postcode": "TQ13 8DF"},
        2: {"locality": "west devon", "postcode": "tq13 8df"},
        3: {"locality": "london"},
        4: {"locality": "London"},
    }
    frame = featurise_rows(rows, {}, residences=homes)
    keys = [set(k or ()) for k in frame["res_keys"]]
    assert keys[0] & keys[1] and keys[2] & keys[3] and not keys[0] & keys[2]


def _frame_rows(
    people: list[tuple[str, str, str, str, str, str]], first_id: int, residence: bool
) -> pd.DataFrame:
    rows = []
    for i, (given, surnames, street, urb, town, state) in enumerate(people):
        row: dict[str, object] = {
            "unique_id": first_id + i,
            "given_names": given,
            "surnames": surnames,
        }
        if residence:
            row.update(address=street, address_line2=urb, locality=town, region=state)
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("residence", [True, False])
def test_score_frame_compares_residence_columns(residence: bool) -> None:
    """The store-less path (``score_frame``) reads the residence columns as ``link`` does:
    with them the filing joins the reported person, not the cousin; without, it cannot."""
    people = _people(60)
    reports = _frame_rows([*people[:45], REPORTED, COUSIN], 1, residence)
    filings = _frame_rows([*people[:30], *people[45:], FILED], 1000, residence)
    result = score_frame(reports, filings)
    target, cousin, filing = 46, 47, 1000 + 45
    pairs = result.pairs.set_index(["record_a", "record_b"])["match_probability"]
    target_p, cousin_p = pairs.get((target, filing)), pairs.get((cousin, filing))
    if residence:
        assert result.clusters[target] == result.clusters[filing]
        assert result.clusters[cousin] != result.clusters[filing]
        assert target_p is not None and (cousin_p is None or cousin_p < target_p)
        assert result.pairs["mw_address"].notna().any()
    else:
        # Only names: the filing fits the reported person and the cousin equally well.
        assert target_p is not None and target_p == cousin_p

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.names import (
    JOINERS,
    ParsedName,
    given_beside_surnames,
    is_known_given_name,
    name_tokens,
    parse_full_name,
    parse_name_parts,
)

CASES = [
    # manifest order
    ("RODRIGUEZ PEREZ, JOSE LUIS", ("jose", "luis"), ("rodriguez", "perez"), "comma"),
    ("Rodríguez Pérez, José Luis", ("jose", "luis"), ("rodriguez", "perez"), "comma"),
    ("DE LA CRUZ PEREZ, JUAN", ("juan",), ("de la cruz", "perez"), "comma"),
    ("PEREZ Y GARCIA, JOSE", ("jose",), ("perez", "garcia"), "comma"),
    ("RODRIGUEZ/JOSE LUIS", ("jose", "luis"), ("rodriguez",), "comma"),
    ("Rodriguez ,  Jose", ("jose",), ("rodriguez",), "comma"),
    # given names first
    ("José Luis Rodríguez Pérez", ("jose", "luis"), ("rodriguez", "perez"), "heuristic"),
    ("José Luis Rodríguez", ("jose", "luis"), ("rodriguez",), "heuristic"),
    ("José Rodríguez Pérez", ("jose",), ("rodriguez", "perez"), "heuristic"),
    ("Jose Rodriguez", ("jose",), ("rodriguez",), "heuristic"),
    ("  José   Rodríguez  ", ("jose",), ("rodriguez",), "heuristic"),
    ("Jose L. Perez", ("jose", "l"), ("perez",), "heuristic"),
    ("María del Carmen Pérez", ("maria", "del carmen"), ("perez",), "heuristic"),
    (
        "María de los Ángeles Da Silva Gómez",
        ("maria", "de los angeles"),
        ("da silva", "gomez"),
        "heuristic",
    ),
    ("Juan de la Cruz Pérez", ("juan",), ("de la cruz", "perez"), "heuristic"),
    (
        "José Gregorio Hernández De Freitas",
        ("jose", "gregorio"),
        ("hernandez", "de freitas"),
        "heuristic",
    ),
    ("Ana Dos Santos", ("ana",), ("dos santos",), "heuristic"),
    ("José Pérez y García", ("jose",), ("perez", "garcia"), "heuristic"),
    ("Jose Rodriguez-Perez", ("jose",), ("rodriguez", "perez"), "heuristic"),
    ("Pedro Santiago López", ("pedro",), ("santiago", "lopez"), "heuristic"),
    (
        "Luis Alberto Miguel Ángel Pérez Soto",
        ("luis", "alberto", "miguel", "angel"),
        ("perez", "soto"),
        "heuristic",
    ),
    ("Carlos D'Angelo Ruiz", ("carlos",), ("dangelo", "ruiz"), "heuristic"),
    ("FNU Rodriguez", (), ("rodriguez",), "heuristic"),
    ("Rodríguez", (), ("rodriguez",), "heuristic"),
    ("José", ("jose",), (), "heuristic"),
    ("José Luis", ("jose", "luis"), (), "heuristic"),
    ("Yorbelis Ramírez", ("yorbelis",), ("ramirez",), "heuristic"),
    # surnames first without a comma
    ("RODRIGUEZ PEREZ JOSE LUIS", ("jose", "luis"), ("rodriguez", "perez"), "surname_first"),
    ("RODRIGUEZ PEREZ JOSE", ("jose",), ("rodriguez", "perez"), "surname_first"),
    ("RODRIGUEZ JOSE LUIS", ("jose", "luis"), ("rodriguez",), "surname_first"),
    ("De La Cruz Juan", ("juan",), ("de la cruz",), "surname_first"),
    ("Ramos Carlos", ("carlos",), ("ramos",), "surname_first"),
]


@pytest.mark.parametrize(("text", "given", "surnames", "method"), CASES)
def test_parse_full_name(text, given, surnames, method):
    p = parse_full_name(text)
    assert (p.given_names, p.surnames, p.method) == (given, surnames, method)
    assert p.original == text


def test_declared_order():
    p = parse_full_name("Garcia Lopez Maria Elena", order="surname_first")
    assert p.surnames == ("garcia", "lopez") and p.given_names == ("maria", "elena")
    p = parse_full_name("Ramos Carlos", order="given_first")
    assert p.given_names == ("ramos",) and p.surnames == ("carlos",)
    with pytest.raises(ValueError):
        parse_full_name("Jose", order="backwards")


def test_properties_and_display():
    p = parse_full_name("DE LA CRUZ PEREZ, JOSÉ LUIS")
    assert p.first_surname == "de la cruz" and p.second_surname == "perez"
    assert p.first_given == "jose"
    assert p.given_display == "José Luis"
    assert p.surname_display == "de la Cruz Perez"
    assert p.display == "José Luis de la Cruz Perez"
    assert p.surnames_compact == ("delacruz", "perez")
    assert p.surname_words == ("cruz", "perez")
    assert p.tokens == ("jose", "luis", "de", "la", "cruz", "perez")
    mixed = parse_full_name("José Luis McDonald De Freitas")
    assert mixed.surname_display == "McDonald De Freitas"  # mixed case kept as written
    one = parse_full_name("Rodriguez")
    assert one.second_surname is None and one.first_given is None and one.given_display == ""


def test_parse_name_parts():
    p = parse_name_parts(given="José Luis", surnames="Rodríguez Pérez")
    assert p == ParsedName("José Luis Rodríguez Pérez", ("jose", "luis"), ("rodriguez", "perez"))
    assert p.method == "columns"
    p = parse_name_parts(given="JOSE", first_surname="DE LA CRUZ", second_surname="PEREZ")
    assert p.surnames == ("de la cruz", "perez") and p.surname_display == "de la Cruz Perez"
    p = parse_name_parts(given="Ana", surnames="Pérez y García")
    assert p.surnames == ("perez", "garcia")
    p = parse_name_parts(given="Ana", surnames="Rodriguez-Perez")
    assert p.surnames == ("rodriguez", "perez")
    p = parse_name_parts(surnames="Gómez", first_surname="Gómez", second_surname="Díaz")
    assert p.surnames == ("gomez", "diaz") and p.given_names == ()
    p = parse_name_parts(given="María José")
    assert p.given_names == ("maria", "jose") and p.surnames == ()
    with pytest.raises(ValueError):
        parse_name_parts()
    with pytest.raises(ValueError):
        parse_name_parts(given="  ", surnames="")


@pytest.mark.parametrize("text", ["", "   ", ",", "...", " / "])
def test_empty_raises(text):
    with pytest.raises(ValueError):
        parse_full_name(text)


def test_given_names_list():
    assert is_known_given_name("José") and is_known_given_name("YEFERSON")
    assert not is_known_given_name("Rodríguez")


name_text = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzáéíóúñÁÉÑ ,-'./ABCDEFGHYZ0")),
    min_size=1,
    max_size=40,
)


@given(name_text)
def test_never_raises_except_empty_and_never_loses_tokens(text):
    tokens = name_tokens(text)
    if not tokens:
        with pytest.raises(ValueError):
            parse_full_name(text)
        return
    p = parse_full_name(text)
    assert p.original == text
    kept = set(p.tokens)
    assert {t for t in tokens if t not in JOINERS} <= kept
    assert all(part == part.strip() and part for part in p.given_names + p.surnames)


words = st.sampled_from(
    [
        "jose",
        "luis",
        "maria",
        "rodriguez",
        "perez",
        "de",
        "la",
        "cruz",
        "garcia",
        "y",
        "santiago",
        "ana",
        "da",
        "silva",
        "yeferson",
    ]
)


@given(st.lists(words, min_size=1, max_size=7), st.sampled_from([" ", ", ", "-"]))
def test_word_order_is_preserved(ws, sep):
    text = " ".join(ws[:2]) + sep + " ".join(ws[2:]) if len(ws) > 2 else " ".join(ws)
    if not name_tokens(text):
        return
    p = parse_full_name(text)
    # within each side, words keep their written order
    for part in (p.given_names, p.surnames):
        flat = [w for unit in part for w in unit.split()]
        positions = [ws.index(w) for w in flat]
        assert positions == sorted(positions) or len(set(ws)) < len(ws)


@pytest.mark.parametrize(
    ("full", "surnames", "given"),
    [
        ("CARLOS ALBERTO GOMEZ RODRIGUEZ", "Gómez Rodríguez", "CARLOS ALBERTO"),
        ("GOMEZ RODRIGUEZ, CARLOS ALBERTO", "Gómez Rodríguez", "CARLOS ALBERTO"),
        ("María de los Ángeles Pérez", "PEREZ", "María de los Ángeles"),
        ("Rosa Rosa", "Rosa", "Rosa"),  # the last place the surname is written
        ("Mora", "Mora", ""),
        ("Pedro Salas", "Rivas", None),  # not the same name
        ("Pedro Mora Salas", "Salas Mora", None),  # not in their order
        ("Pedro", "", None),
    ],
)
def test_given_beside_surnames(full: str, surnames: str, given: str | None) -> None:
    assert given_beside_surnames(full, surnames) == given

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.nicknames import (
    given_name_keys,
    nickname_table,
    same_given_name,
    variant_groups,
)

SAME = [
    ("Pepe", "José"),
    ("Cheo", "Jose"),
    ("Paco", "Francisco"),
    ("Pancho", "FRANCISCO"),
    ("Chucho", "Jesús"),
    ("Chuy", "Jesus"),
    ("Lupe", "Guadalupe"),
    ("Rafa", "Rafael"),
    ("Manolo", "Manuel"),
    ("Nacho", "Ignacio"),
    ("Kike", "Enrique"),
    ("Beto", "Roberto"),
    ("Beto", "Alberto"),
    ("Lalo", "Eduardo"),
    ("Lucho", "Luis"),
    ("Toño", "Antonio"),
    ("Tono", "Antonio"),
    ("Moncho", "Ramón"),
    ("Memo", "Guillermo"),
    ("Goyo", "Gregorio"),
    ("Goyo", "José Gregorio"),
    ("Chema", "José María"),
    # variant groups (not phonetic)
    ("Maikel", "Michael"),
    ("Maicol", "Michael"),
    ("Brayan", "Bryan"),
    ("Deivis", "Davis"),
    ("Jeison", "Jayson"),
    ("Jimena", "Ximena"),
    ("Jhonny", "Yoni"),
    # phonetic
    ("Yeferson", "Jefferson"),
    ("Jhon", "John"),
    ("Yorman", "Jorman"),
    ("Yenifer", "Jennifer"),
    ("Yohan", "Johan"),
    ("Yefferson", "Jeferson"),
    # accents, case, particles
    ("JOSÉ", "jose"),
    ("del Carmen", "Carmen"),
    # English lists: a nickname stands for each of its full names
    ("Bill", "Robert"),
    ("Bill", "William"),
    ("Bob", "Robert"),
]

DIFFERENT = [
    ("Roberto", "Alberto"),  # both Beto, but not each other
    ("José", "José Luis"),
    ("José", "Goyo"),
    ("Mario", "María"),
    ("Pedro", "Pablo"),
    ("Luis", "Luisa"),
    ("Jesús", "José"),
    ("Maikel", "Brayan"),
    ("Francisco", "Fernando"),
    ("Robert", "William"),  # both Bill, but two brothers are not one name
    ("Martha", "Patricia"),  # both Patty
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_same_given_name(a, b):
    assert same_given_name(a, b) and same_given_name(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_given_names(a, b):
    assert not same_given_name(a, b)


def test_keys_shape():
    keys = given_name_keys("Pepe")
    assert {"pepe", "jose", "#pepe", "#yose"} <= keys
    assert "~maikel" in given_name_keys("Michael")
    beto = given_name_keys("Beto")
    assert {"roberto", "alberto"} <= beto
    assert given_name_keys("") == frozenset()
    assert given_name_keys("   ") == frozenset()


def test_data_files_load():
    nick = nickname_table()
    assert nick["beto"] >= {"roberto", "alberto"}
    assert nick["goyo"] >= {"gregorio", "jose gregorio"}
    assert len(nick) >= 60
    groups = variant_groups()
    assert groups["jefferson"] == groups["yeferson"] == "yeferson"
    assert len(set(groups.values())) >= 25


names = st.sampled_from(
    sorted({*nickname_table(), *variant_groups(), "jose", "maria", "pedro", "ana"})
)


@given(names, names)
def test_same_given_name_is_symmetric_and_reflexive(a, b):
    assert same_given_name(a, a)
    assert same_given_name(a, b) == same_given_name(b, a)
    assert same_given_name(a, b) == bool(given_name_keys(a) & given_name_keys(b))

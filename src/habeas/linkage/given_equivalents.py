"""One given name in several languages: Juan, John, Johann, Giovanni, João.

A person's name crosses languages on the way to a list: a US officer or a form writes
"John" for Juan, "Joseph" for José, "William" for Guillermo; a Brazilian or Portuguese
record writes João; an older European record Giovanni or Johann. The nickname lists
(:mod:`habeas.domain.nicknames`) know English nicknames and Spanish ones, and the
variant groups the spellings of one language, but not these equivalents. Each group
here is one name's forms in Spanish, English, Portuguese, Italian, French, German and
Polish (folded, without accents); :func:`equivalent_key` gives every form the same
key, which the linkage features add to a given name's keys.

Only a name's standard forms, no nicknames and nothing of the other sex (Juana is
not Juan; Jean, Jan and Andrea, men's names in some languages, women's in others, are
left out): a brother and a sister must never share a key through this table.
"""

from __future__ import annotations

from functools import cache

#: The groups: each line one name's forms, the first the group's key.
GROUPS: tuple[str, ...] = (
    "juan john johann giovanni joao johannes",
    "jose joseph giuseppe jozef josef",
    "pedro peter pietro pierre piotr petrus",
    "pablo paul paolo paulo pawel",
    "guillermo william guilherme guglielmo guillaume wilhelm",
    "jorge george giorgio georges georg jerzy",
    "enrique henry henrique enrico henri heinrich henryk",
    "carlos charles carlo karl carl karol",
    "miguel michael michele michel michal",
    "jaime james giacomo jacques jakub",
    "andres andrew andre andreas andrzej",
    "francisco francis francesco francois franz franciszek",
    "antonio anthony antoine anton antoni",
    "luis louis luigi ludwig ludwik",
    "alejandro alexander alessandro alexandre aleksander",
    "ricardo richard riccardo",
    "roberto robert",
    "eduardo edward edoardo edouard eduard",
    "fernando ferdinand ferdinando",
    "esteban stephen steven stefano etienne stefan",
    "mateo matthew matteo mathieu matthias mateusz",
    "felipe philip filippo philippe philipp filip",
    "tomas thomas tommaso tomasz",
    "bartolome bartholomew bartolomeo barthelemy",
    "gregorio gregory gregoire gregor grzegorz",
    "lorenzo lawrence laurence laurent lorenz wawrzyniec",
    "martin martino marcin",
    "nicolas nicholas nicola nicolau mikolaj",
    "cristobal christopher cristoforo christophe christoph krzysztof",
    "maria mary marie",
    "juana jane jeanne giovanna joana johanna joanna",
    "isabel elizabeth elisabetta elisabeth elzbieta",
    "catalina catherine caterina katharina katarzyna",
    "margarita margaret margherita marguerite margarete malgorzata",
    "teresa theresa therese",
    "elena helen helena helene",
    "ines agnes agnese agnieszka",
    "lucia lucy lucie",
    "susana susan susanna suzanne",
)


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in GROUPS:
        names = line.split()
        for name in names:
            table.setdefault(name, names[0])
    return table


def equivalent_key(name: str) -> str | None:
    """``"=" + group`` for a folded given name that has forms in other languages."""
    group = _table().get(name)
    return None if group is None else "=" + group

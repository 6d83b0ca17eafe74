"""When two written given names can be the same name: nicknames, variants, sound.

Three editable data files (``habeas/domain/data/``), read once:

* ``nicknames.csv`` — ``nickname,canonical``: "Pepe → José", "Chucho → Jesús".
  A nickname may stand for several names (one row each: Beto → Roberto, Beto →
  Alberto, …), and a canonical may be a compound name (Goyo → José Gregorio).
  ``|`` inside ``canonical`` also separates several names.
* ``name_variants.csv`` — ``group,name``: spellings of one name that do not
  sound alike to :func:`~habeas.domain.phonetic.spanish_key`
  (Maikel/Michael/Maicol, Brayan/Brian/Bryan, Deivis/Davis, …). A name belongs
  to at most one group (checked when loading).
* ``given_names.csv`` — used by :mod:`habeas.domain.names`, not here.

:func:`given_name_keys` returns every key a written given name could stand for:

* the folded name itself (``"jose"``), with leading particles removed
  (``"del carmen"`` → ``"carmen"``);
* the canonical names of a nickname (``"pepe"`` → ``"jose"``), never a full name's
  own nicknames (:func:`stands_for`: Robert and William do not meet through Bill);
* ``"~group"`` for the variant group of the name and of each canonical name;
* ``"#key"``: the Spanish phonetic key of the name and of each canonical name.

Two names are "the same given name" when their key sets intersect, so
``same_given_name(a, b) == bool(given_name_keys(a) & given_name_keys(b))`` and
the key sets can be used directly for blocking (array intersection).

A compound given name is compared as a whole ("José Gregorio" matches "Goyo"
via the nickname file, not "José"): whether "José" alone is the same person as
"José Luis" is a question for the linkage model, not for this equivalence.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib import resources

from nicknames import NickNamer

from habeas.domain.names import PARTICLES
from habeas.domain.phonetic import spanish_key
from habeas.domain.text import fold


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("habeas.domain").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def nickname_table() -> dict[str, frozenset[str]]:
    """Folded nickname → folded canonical names.

    The project's own ``nicknames.csv`` (Spanish and Venezuelan usage) and the
    English names and nicknames of the ``nicknames`` package (Jim → James, Polly →
    Mary, Zeke → Zachary): lists made in the United States write both.
    """
    table: dict[str, set[str]] = {}
    for nick, canonicals in NickNamer().canonical_lookup.items():
        n = fold(nick)
        table.setdefault(n, set()).update(c for x in canonicals if (c := fold(x)) and c != n)
    for nick, names in own_nicknames().items():
        table.setdefault(nick, set()).update(names)
    return {k: frozenset(v) for k, v in table.items()}


@cache
def own_nicknames() -> dict[str, frozenset[str]]:
    """The project's own list (``nicknames.csv``): folded nickname → folded names."""
    table: dict[str, set[str]] = {}
    for row in _read("nicknames.csv"):
        nick = fold(row["nickname"])
        for canonical in (row["canonical"] or "").split("|"):
            c = fold(canonical)
            if nick and c and c != nick:
                table.setdefault(nick, set()).add(c)
    return {k: frozenset(v) for k, v in table.items()}


def stands_for(name: str) -> frozenset[str]:
    """The names a folded given name can stand for: itself and, from the nickname lists,
    the names it is a nickname of.

    The English lists relate names both ways (Robert ↔ Bob, Robert ↔ Bill, William ↔
    Bill), so a full name would take its own nicknames as names, and two brothers
    Robert and William would share "bill". A name therefore keeps only the names of
    the English lists that are at least as long as it (Bill → Robert, William; Bob →
    Robert), while the project's own list is kept whole (Moncho → Ramón).
    """
    own = own_nicknames().get(name, frozenset())
    return frozenset(
        {name}
        | {c for c in nickname_table().get(name, frozenset()) if len(c) >= len(name) or c in own}
    )


@cache
def variant_groups() -> dict[str, str]:
    """Folded name → variant group id."""
    groups: dict[str, str] = {}
    for row in _read("name_variants.csv"):
        group, name = fold(row["group"]), fold(row["name"])
        if not group or not name:
            continue
        if groups.get(name, group) != group:
            raise ValueError(
                f"name_variants.csv: {row['name']!r} is in groups {groups[name]!r} and {group!r}"
            )
        groups[name] = group
    return groups


def strip_particles(folded: str) -> str:
    """A folded given name without its leading particles ("del carmen" → "carmen")."""
    words = folded.split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words)


def given_name_keys(token: str) -> frozenset[str]:
    """Every key a written given name could stand for (see the module doc)."""
    return _keys(strip_particles(fold(token)))


@lru_cache(maxsize=65536)
def _keys(name: str) -> frozenset[str]:
    if not name:
        return frozenset()
    names = stands_for(name)
    groups = variant_groups()
    keys = set(names)
    for n in names:
        if n in groups:
            keys.add("~" + groups[n])
        phonetic = spanish_key(n)
        if phonetic:
            keys.add("#" + phonetic)
    return frozenset(keys)


def same_given_name(a: str, b: str) -> bool:
    """True when two written given names can be the same name."""
    return bool(given_name_keys(a) & given_name_keys(b))

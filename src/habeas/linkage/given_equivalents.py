"""When two written given names are one name, for linkage: nicknames without the English
lists' detours, and one name in several languages (Juan, John, Johann, Giovanni, João).

:func:`given_keys` is what the linkage features compare and block on; it starts from
:func:`habeas.domain.nicknames.given_name_keys` (see there) and differs in two ways below.

A person's name crosses languages on the way to a list: a US officer or a form writes
"John" for Juan, "Joseph" for José, "William" for Guillermo; a Brazilian or Portuguese
record writes João; an older European record Giovanni or Johann. The nickname lists
(:mod:`habeas.domain.nicknames`) know English nicknames and Spanish ones, and the
variant groups the spellings of one language, but not these equivalents. Each group
here is one name's forms in Spanish, English, Portuguese, Italian, French, German and
Polish (folded, without accents), with its forms in other languages a record may carry
(Catalan, Dutch, Scandinavian, Czech, Hungarian, Romanian, Greek, Russian and
Ukrainian transliterated, Welsh, Irish and Scottish Gaelic, Hebrew and Arabic: Ibrahim is
Abraham, Yusuf José, Musa Moisés, Gwilym William, Seamus James, Maryam María), and the
names of the Bible shared by those languages (Abraham, David, Jacob, Moses, Solomon,
Isaac, Ishmael, Aaron, Adam, Noah, Jonah, Zachary); :func:`equivalent_key` gives every
form the same key, which the linkage features add to a given name's keys.

Only a name's standard forms, no nicknames and nothing of the other sex (Juana is
not Juan; Jean, Jan and Andrea, men's names in some languages, women's in others, are
left out): a brother and a sister must never share a key through this table. Nor a form
that these languages also use as a name of its own, which a brother or a son may bear
beside the other (Iván, Evan and Sean beside John; Diego beside James; Alistair
beside Alexander; Miriam beside María; Elijah beside Elías).
"""

from __future__ import annotations

from functools import cache

from habeas.domain.nicknames import stands_for, strip_particles, variant_groups
from habeas.domain.phonetic import spanish_key
from habeas.domain.text import fold
from habeas.linkage.given_sex import name_sexes

#: The groups: each line one name's forms, the first the group's key.
GROUPS: tuple[str, ...] = (
    "juan john johann giovanni joao johannes johan ioannis janos ieuan eoin",
    "jose joseph giuseppe jozef josef josep jozsef iosif yosef yusuf youssef yousef youssouf",
    "pedro peter pietro pierre piotr petrus pieter petr pyotr petro petar pere peadar",
    "pablo paul paolo paulo pawel pavel",
    "guillermo william guilherme guglielmo guillaume wilhelm willem guillem vilhelm gwilym",
    "jorge george giorgio georges georg jerzy georgios giorgos yiorgos gyorgy jiri",
    "enrique henry henrique enrico henri heinrich henryk hendrik henrik enric",
    "carlos charles carlo karl carl karol karel karoly carles",
    "miguel michael michele michel michal mikhail mykhailo mihail mihai mihaly michiel mikael",
    "jaime james giacomo jacques jakub seamus hamish",
    "andres andrew andre andreas andrzej andreu andrei andrey andriy ondrej andras anders",
    "francisco francis francesco francois franz franciszek francesc frantisek ferenc",
    "antonio anthony antoine anton antoni antonin antal",
    "luis louis luigi ludwig ludwik lluis lajos lodewijk",
    "alejandro alexander alessandro alexandre aleksander aleksandr oleksandr alexandros sandor",
    "ricardo richard riccardo ryszard rikard",
    "roberto robert",
    "eduardo edward edoardo edouard eduard edvard",
    "fernando ferdinand ferdinando",
    "esteban stephen steven stefano etienne stefan stepan istvan esteve steffen",
    "mateo matthew matteo mathieu matthias mateusz mateus matheus",
    "felipe philip filippo philippe philipp filip filipe",
    "tomas thomas tommaso tomasz tamas tomos",
    "bartolome bartholomew bartolomeo barthelemy",
    "gregorio gregory gregoire gregor grzegorz",
    "lorenzo lawrence laurence laurent lorenz wawrzyniec",
    "martin martino marcin",
    "nicolas nicholas nicola nicolau mikolaj nikolai nikolay mykola nikolaos nicolae miklos",
    "cristobal christopher cristoforo christophe christoph krzysztof cristovao",
    "abraham abrahan abrao abramo avraham ibrahim",
    "david davide davi dawid dafydd dawud daoud dawood",
    "jacob jacobo giacobbe jakob yaakov yakov yakub yaqub yacoub",
    "moises moses mose moise mojzesz moshe musa",
    "salomon solomon salomao salomone shlomo sulaiman suleiman sulayman",
    "isaac isaque isacco izaak yitzhak ishaq ishak",
    "ismael ishmael ismaele ismail",
    "aaron arao aronne aharon harun haroun",
    "adan adam adamo",
    "noe noah nuh",
    "jonas jonah giona yunus",
    "zacarias zachary zechariah zaccaria zakaria zakariya",
    "maria mary marie maryam mariam marija mariya mairi",
    "juana jane jeanne giovanna joana johanna joanna ioana",
    "isabel elizabeth elisabetta elisabeth elzbieta elisabet elizaveta erzsebet",
    "catalina catherine caterina katharina katarzyna catarina katarina ekaterina kateryna katalin",
    "margarita margaret margherita marguerite margarete malgorzata margareta mairead",
    "teresa theresa therese",
    "elena helen helena helene jelena eleni",
    "ines agnes agnese agnieszka",
    "lucia lucy lucie luzia",
    "susana susan susanna suzanne suzana zsuzsanna",
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


def given_keys(token: str) -> tuple[str, ...]:
    """Every key the given name can stand for
    (:func:`habeas.domain.nicknames.given_name_keys`: never a full name's own English
    nicknames, :func:`~habeas.domain.nicknames.stands_for`), nor a name of the other
    sex (George → Georgina, William → Wilma: a brother and a sister), where both
    names' sex is known
    (:mod:`habeas.linkage.given_sex`). The same name in another language (Juan, John,
    João) shares a key ``=juan`` (:data:`GROUPS`).
    """
    name = strip_particles(fold(token))
    if not name:
        return ()
    sexes = name_sexes()
    sex = sexes.get(name)
    names = {name} | {c for c in stands_for(name) if sex is None or sexes.get(c, sex) == sex}
    groups = variant_groups()
    keys = set(names)
    for n in names:
        if n in groups:
            keys.add("~" + groups[n])
        if other_language := equivalent_key(n):
            keys.add(other_language)
        if phonetic := spanish_key(n):
            keys.add("#" + phonetic)
    return tuple(sorted(keys))

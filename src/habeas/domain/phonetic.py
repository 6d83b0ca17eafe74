"""A Spanish-aware phonetic key for name tokens.

``spanish_key(token)`` maps spellings that sound the same in (Venezuelan,
Caribbean, Central American) Spanish to one key, so "Yeferson", "Jefferson" and
"Jeferson" collide while "Pérez" and "Ramírez" do not. Vowels are kept (they
separate "Mario" from "María"); only letters count (digits and spaces are
dropped: key one word at a time).

Rules, applied left to right on the folded token (accents and ñ already gone):

=========================  =====================================================
spelling                   key
=========================  =====================================================
``h``                      silent, dropped ("Hernández" = "Ernández",
                           "Jhon" = "Jon", "Johan" = "Joan")
``j``, ``g`` + e/i/y       ``y`` — the *y class*. Venezuelans write English /dʒ/
                           as Y and Spanish names keep J, so the two spellings
                           of one name are J and Y ("Jorman"/"Yorman",
                           "Jennifer"/"Yenifer"); "Giménez" = "Jiménez"
``y`` before a vowel       ``y`` class, when word-initial or after a vowel
                           ("Yohan", "Brayan"); otherwise ``y`` is the vowel
                           ``i`` ("Bryan" = "Brian", "Jhonny" = "Yoni")
``i`` initial + vowel      ``y`` class ("Iohan" = "Yohan")
``ll``                     ``y`` class ("Guillermo" = "Guiyermo"), except before
                           a final ``y`` (English "Nelly", "Kelly": ``l``)
``v``                      ``b`` ("Vásquez" = "Básquez")
``z``, ``c`` + e/i/y       ``s`` (seseo: "González" = "Gonzales",
                           "Cecilia" = "Sesilia")
``c`` otherwise, ``k``,    ``k`` ("Maikel" = "Maiquel", "Carlos" = "Karlos")
``q``, ``qu`` + e/i
``ch``                     ``x`` (one sound), but ``chr``/``chl`` → ``k``
                           ("Christian" = "Cristian")
``gu`` + e/i               ``g`` (hard g: "Guillermo")
``ph``                     ``f``; ``th`` → ``t``; ``ck`` → ``k``
``x``                      ``s`` word-initially ("Xiomara" = "Siomara"), else
                           ``ks`` ("Alexis" = "Aleksis")
``w``                      ``u`` ("Wilmer" = "Uilmer" = "Wuilmer")
``s`` + consonant, initial ``es…`` (prosthetic e: "Stefany" = "Estefany")
doubled symbols            collapsed after mapping ("Jefferson" → one f, one s;
                           "rr" = "r", "nn" = "n")
=========================  =====================================================

What phonetics does *not* join (spelling variants whose sounds differ) is in
``data/name_variants.csv`` and handled by :mod:`habeas.domain.nicknames`:
Maikel/Michael/Maicol, Brayan/Brian, Deivis/Davis, Jeison/Jayson,
Ximena/Jimena. Keys are cached: real name lists repeat a few thousand tokens.
"""

from __future__ import annotations

from functools import lru_cache

from habeas.domain.text import fold

_VOWELS = frozenset("aeiou")
_FRONT = frozenset("eiy")


def spanish_key(token: str) -> str:
    """The phonetic key of one name token (rules in the module doc); ``""`` if no letters."""
    return _key(token)


@lru_cache(maxsize=131072)
def _key(token: str) -> str:
    w = "".join(ch for ch in fold(token) if "a" <= ch <= "z")
    if not w:
        return ""
    out: list[str] = []
    if w[0] == "s" and len(w) > 1 and w[1] not in _VOWELS and w[1] not in "hy":
        out.append("e")
    n = len(w)
    i = 0
    while i < n:
        c = w[i]
        nxt = w[i + 1] if i + 1 < n else ""
        nxt2 = w[i + 2] if i + 2 < n else ""
        step = 1
        if c == "h":
            pass
        elif c == "c":
            if nxt == "h":
                out.append("k" if nxt2 in ("r", "l") else "x")
                step = 2
            elif nxt == "k":
                out.append("k")
                step = 2
            else:
                out.append("s" if nxt in _FRONT else "k")
        elif c == "q":
            out.append("k")
            if nxt == "u" and nxt2 in ("e", "i"):
                step = 2
        elif c == "g":
            if nxt == "u" and nxt2 in ("e", "i"):
                out.append("g")
                step = 2
            else:
                out.append("y" if nxt in _FRONT else "g")
        elif c == "j":
            out.append("y")
        elif c == "l" and nxt == "l":
            if nxt2 == "y" and i + 3 == n:
                out.append("l")
            else:
                out.append("y")
            step = 2
        elif c == "y":
            prev = w[i - 1] if i > 0 else ""
            consonant = nxt in _VOWELS and (i == 0 or prev in _VOWELS or prev == "h")
            out.append("y" if consonant else "i")
        elif c == "i" and i == 0 and nxt in _VOWELS:
            out.append("y")
        elif c == "p" and nxt == "h":
            out.append("f")
            step = 2
        elif c == "z":
            out.append("s")
        elif c == "x":
            out.append("s" if i == 0 else "ks")
        elif c == "v":
            out.append("b")
        elif c == "w":
            out.append("u")
        else:
            out.append(c)
        i += step
    key = "".join(out)
    if not key:
        return ""  # e.g. "h" alone
    collapsed = [key[0]]
    for ch in key[1:]:
        if ch != collapsed[-1]:
            collapsed.append(ch)
    return "".join(collapsed)

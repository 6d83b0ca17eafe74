"""Parse a person's name as a list wrote it into given names and surnames.

Hispanic names have compound given names ("José Luis") and two surnames,
paternal then maternal ("Rodríguez Pérez"); surnames carry particles ("de la
Cruz", "Da Silva"). Lists write them in every way; this module reads them.

Words and units
---------------
The text is split into words (letters/digits, apostrophes kept inside a word:
"D'Angelo"); hyphens split words, so "Rodríguez-Pérez" is two surnames. Each
word is folded (:func:`habeas.domain.text.fold`). Particles (:data:`PARTICLES`:
de, del, de la, de las, de los, da, das, do, dos, di, van, von, der, la, las,
los, le, san, santa) are joined to the word that follows them into one *unit*
("de la cruz"). ``y``/``e`` between two surnames ("Pérez y García") join a
surname pair and are dropped. US placeholders (FNU, LNU, NFN, NLN: "first/last
name unknown") are dropped.

Which units are surnames
------------------------
* ``"SURNAMES, GIVEN NAMES"`` (a comma, or one ``/`` as in airline manifests
  ``RODRIGUEZ/JOSE LUIS``): left side surnames, right side given names.
* No comma, given names first (the default), by number of units ``n``:
  1 → a given name if it is a known given name, else a surname;
  2 → 1 + 1 ("Jose Rodriguez", the US one-surname form), except that two
  known given names that are not also surnames are a compound given name with
  no surname ("José Luis");
  3 → 2 + 1 if the middle unit is a known given name or an initial
  ("José Luis Rodríguez", "María del Carmen Pérez", "Jose L. Perez"), else
  1 + 2 ("José Rodríguez Pérez"); names that are as often surnames (Martín,
  Santiago, Cruz, … marked ``also_surname`` in the data) count as surnames here;
  4 → 2 + 2; 5 or more → the last two units are surnames.
  With "y" joining surnames, the unit before "y" starts the surnames.
* Surnames first without a comma ("RODRIGUEZ PEREZ JOSE LUIS", common in Latin
  American lists): assumed when the caller says ``order="surname_first"``, or
  guessed when the first unit is not a known given name (or has a particle)
  and the last unit is a known given name that is not also a common surname.
  Then: 2 → 1 + 1; 3 → 1 surname + 2 given if the middle unit is a known given
  name, else 2 + 1; 4 or more → 2 surnames, the rest given.

Known given names come from ``data/given_names.csv`` (edit it, not this code).
Nothing here raises on odd input except empty input (``ValueError``): what
cannot be placed is kept, and ``original`` is always the text as written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from habeas.domain.text import fold

_PARTICLE_TEXT = "de del la las los da das do dos di van von der den le san santa"
PARTICLES = frozenset(_PARTICLE_TEXT.split())
JOINERS = frozenset({"y", "e"})
PLACEHOLDERS = frozenset({"fnu", "lnu", "nfn", "nln"})
#: Forms of address and honours written where a given name belongs, folded ("Sr. José",
#: "Sir Francis", "Mrs Molesworth", "Rt Hon"): never a name, so linkage skips them.
TITLES = frozenset(
    {
        "sr",
        "sra",
        "srta",
        "dr",
        "dra",
        "lic",
        "lcdo",
        "lcda",
        "ing",
        "prof",
        "abg",
        "gral",
        "cnel",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mister",
        "sir",
        "dame",
        "lady",
        "lord",
        "rt",
        "right",
        "hon",
        "honourable",
        "honorable",
        "rev",
        "reverend",
        "fr",
        "father",
        "capt",
        "captain",
        "col",
        "colonel",
        "gen",
        "general",
        "brig",
        "maj",
        "major",
        "lt",
        "sgt",
        "st",
        "1st",
        "2nd",
        "3rd",
    }
)
ORDERS = frozenset({"given_first", "surname_first"})

_WORD = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’`´")


@cache
def _given_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every known given name, those that are also common surnames), folded."""
    text = resources.files("habeas.domain").joinpath("data/given_names.csv").read_text("utf-8")
    known: set[str] = set()
    also: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        name = fold(row["name"])
        if name:
            known.add(name)
            if (row.get("also_surname") or "").strip().lower() in {"yes", "y", "1", "true"}:
                also.add(name)
    return frozenset(known), frozenset(also)


def is_known_given_name(token: str) -> bool:
    """True if the folded token is in the common given names list."""
    return fold(token) in _given_names()[0]


@dataclass(frozen=True, slots=True)
class _Unit:
    folded: str
    written: str
    kind: str = "word"  # word | joiner

    @property
    def head(self) -> str:
        """The last word: "de la cruz" → "cruz"."""
        return self.folded.rsplit(" ", 1)[-1]

    @property
    def has_particle(self) -> bool:
        return " " in self.folded


@lru_cache(maxsize=262144)
def _fold_word(written: str) -> str:
    return fold(written.translate(_APOSTROPHES)).replace(" ", "")


def _words(text: str) -> list[tuple[str, str]]:
    """(written, folded) for every word of ``text``; placeholders dropped."""
    out = []
    for m in _WORD.finditer(text):
        written = m.group()
        folded = _fold_word(written)
        if folded and folded not in PLACEHOLDERS:
            out.append((written, folded))
    return out


def name_tokens(text: str) -> list[str]:
    """The folded words of a name as :func:`parse_full_name` sees them."""
    return [f for _, f in _words(text)]


def given_beside_surnames(full: str, surnames: str) -> str | None:
    """The given names of a whole name ``full`` whose surnames a list also wrote apart.

    A list with a "Nombre completo" column and an "Apellidos" column (but none for the
    given names) says the surnames twice: the given names are what is left of the whole
    name once the surnames' words are taken out ("CARLOS ALBERTO GOMEZ RODRIGUEZ" with
    "Gómez Rodríguez" → "CARLOS ALBERTO"; "GOMEZ RODRIGUEZ, CARLOS ALBERTO" too), as
    written. The surnames' words must appear in ``full`` together and in their order
    (accents and case aside); otherwise the two cells do not say the same name and the
    answer is None (the caller decides). "" when nothing is left.
    """
    words = _words(full)
    wanted = [f for _, f in _words(surnames)]
    if not wanted:
        return None
    span = len(wanted)
    folded = [f for _, f in words]
    # the last place they appear: given names are written before the surnames more often
    for start in range(len(words) - span, -1, -1):
        if folded[start : start + span] == wanted:
            rest = words[:start] + words[start + span :]
            return " ".join(written for written, _ in rest)
    return None


def _units(text: str, words: list[tuple[str, str]] | None = None) -> list[_Unit]:
    units: list[_Unit] = []
    pending: list[tuple[str, str]] = []
    for written, folded in _words(text) if words is None else words:
        if folded in PARTICLES:
            pending.append((written, folded))
            continue
        if folded in JOINERS and not pending:
            units.append(_Unit(folded, written, "joiner"))
            continue
        parts = [*pending, (written, folded)]
        pending = []
        units.append(_Unit(" ".join(f for _, f in parts), " ".join(w for w, _ in parts)))
    if pending:
        units.append(_Unit(" ".join(f for _, f in pending), " ".join(w for w, _ in pending)))
    return units


@lru_cache(maxsize=65536)
def _units_of(text: str) -> tuple[_Unit, ...]:
    """:func:`_units` of a part of a name, remembered: the surnames and the given names of
    a list written "SURNAMES, GIVEN NAMES" repeat far more than the whole names do."""
    return tuple(_units(text))


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a name written "SURNAMES, GIVEN NAMES": its units, and its folded and
    written parts read as given names (joiners kept as initials) and as surnames (joiners
    dropped)."""

    units: tuple[_Unit, ...]
    has_word: bool
    given: tuple[str, ...]
    given_written: tuple[str, ...]
    surnames: tuple[str, ...]
    surnames_written: tuple[str, ...]


@lru_cache(maxsize=65536)
def _side(text: str) -> _Side:
    """:class:`_Side` of one side of a comma, remembered (sides repeat far more than whole
    names do): a name of a long list is then put together from two dictionary look-ups."""
    units = _units_of(text)
    as_given, as_surnames = _as_words(list(units)), _words_only(list(units))
    return _Side(
        units,
        bool(as_surnames),
        tuple(u.folded for u in as_given),
        tuple(u.written for u in as_given),
        tuple(u.folded for u in as_surnames),
        tuple(u.written for u in as_surnames),
    )


def _known(u: _Unit, *, pure: bool = False) -> bool:
    known, also = _given_names()
    if len(u.head) == 1 and not u.has_particle:
        return True  # an initial
    if u.head not in known:
        return False
    return not (pure and u.head in also)


def _capitalise(word: str) -> str:
    if fold(word) in PARTICLES:
        return word.lower()
    return word[:1].upper() + word[1:].lower()


def _display(written: str) -> str:
    letters = [ch for ch in written if ch.isalpha()]
    if letters and (all(c.isupper() for c in letters) or all(c.islower() for c in letters)):
        return " ".join(_capitalise(w) for w in written.split())
    return written


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into given names and surnames (each folded; particles kept).

    ``method`` says how the split was decided: ``comma``, ``columns``,
    ``heuristic`` (given names first, counted), ``surname_first`` (guessed or
    declared) — linkage may trust a heuristic split less.
    """

    original: str
    given_names: tuple[str, ...]
    surnames: tuple[str, ...]
    given_written: tuple[str, ...] = field(default=(), compare=False, repr=False)
    surnames_written: tuple[str, ...] = field(default=(), compare=False, repr=False)
    method: str = field(default="heuristic", compare=False)

    @property
    def first_surname(self) -> str | None:
        return self.surnames[0] if self.surnames else None

    @property
    def second_surname(self) -> str | None:
        return self.surnames[1] if len(self.surnames) > 1 else None

    @property
    def first_given(self) -> str | None:
        return self.given_names[0] if self.given_names else None

    @property
    def surnames_compact(self) -> tuple[str, ...]:
        """Surnames without spaces: "de la cruz" → "delacruz" (matches "Delacruz")."""
        return tuple(s.replace(" ", "") for s in self.surnames)

    @property
    def surname_words(self) -> tuple[str, ...]:
        """Every surname word without particles: ("de la cruz", "perez") → ("cruz", "perez")."""
        return tuple(w for s in self.surnames for w in s.split() if w not in PARTICLES)

    @property
    def tokens(self) -> tuple[str, ...]:
        """Every folded word of the given names and surnames."""
        return tuple(w for part in (*self.given_names, *self.surnames) for w in part.split())

    @property
    def given_display(self) -> str:
        written = self.given_written or self.given_names
        return " ".join(_display(w) for w in written)

    @property
    def surname_display(self) -> str:
        written = self.surnames_written or self.surnames
        return " ".join(_display(w) for w in written)

    @property
    def display(self) -> str:
        return " ".join(p for p in (self.given_display, self.surname_display) if p)


def _build(original: str, given: list[_Unit], surnames: list[_Unit], method: str) -> ParsedName:
    return ParsedName(
        original=original,
        given_names=tuple(u.folded for u in given),
        surnames=tuple(u.folded for u in surnames),
        given_written=tuple(u.written for u in given),
        surnames_written=tuple(u.written for u in surnames),
        method=method,
    )


def _words_only(units: list[_Unit]) -> list[_Unit]:
    """Surname context: joiners ("y", "e") are dropped."""
    return [u for u in units if u.kind == "word"]


def _as_words(units: list[_Unit]) -> list[_Unit]:
    """Given-name context: a lone "y"/"e" is kept, as an initial."""
    return [u if u.kind == "word" else _Unit(u.folded, u.written) for u in units]


def _split_surname_first(units: list[_Unit]) -> tuple[list[_Unit], list[_Unit]]:
    # a joiner between the first units joins surnames ("PEREZ Y GARCIA JOSE")
    words = _as_words([u for i, u in enumerate(units) if not (u.kind == "joiner" and 1 <= i <= 2)])
    n = len(words)
    if n <= 1:
        return [], words
    if n == 2:
        k = 1
    elif n == 3:
        k = 1 if _known(words[1], pure=True) else 2
    else:
        k = 2
    return words[k:], words[:k]


def _split_given_first(units: list[_Unit]) -> tuple[list[_Unit], list[_Unit]]:
    for i, u in enumerate(units):
        if u.kind == "joiner" and 2 <= i <= len(units) - 2:
            return _as_words(units[: i - 1]), _words_only(units[i - 1 :])
    words = _as_words(units)
    n = len(words)
    if n == 0:
        return [], []
    if n == 1:
        return (words, []) if _known(words[0]) else ([], words)
    if n == 2:
        both_given = all(_known(w, pure=True) and len(w.head) > 1 for w in words)
        k = 2 if both_given else 1
    elif n == 3:
        k = 2 if _known(words[1], pure=True) else 1
    elif n == 4:
        k = 2
    else:
        k = n - 2
    return words[:k], words[k:]


def _looks_surname_first(units: list[_Unit]) -> bool:
    words = _as_words(units)
    if len(words) < 2:
        return False
    first, last = words[0], words[-1]
    first_is_surname = first.has_particle or not _known(first, pure=True)
    return first_is_surname and _known(last, pure=True) and len(last.head) > 1


def parse_full_name(text: str, order: str | None = None) -> ParsedName:
    """Split a full name as written (rules in the module doc).

    ``order`` is ``"given_first"``, ``"surname_first"`` or ``None`` (guess).
    Raises ``ValueError`` only when the text has no words at all.
    """
    if order is not None and order not in ORDERS:
        raise ValueError(f"order must be one of {sorted(ORDERS)}, not {order!r}")
    original = "" if text is None else str(text)
    separator = "," if "," in original else ("/" if original.count("/") == 1 else None)
    if separator is not None:
        # No word spans a comma or a slash: the name's words are those of its two sides.
        left, right = original.split(separator, 1)
        left_side, right_side = _side(left), _side(right)
        if left_side.has_word and right_side.has_word:
            return ParsedName(
                original,
                right_side.given,
                left_side.surnames,
                right_side.given_written,
                left_side.surnames_written,
                "comma",
            )
        original_units = list(left_side.units) + list(right_side.units)
        if not original_units:
            raise ValueError(f"no name in {original!r}")
    else:
        all_words = _words(original)
        if not all_words:
            raise ValueError(f"no name in {original!r}")
        original_units = _units(original, all_words)
    units = original_units
    if order == "surname_first" or (order is None and _looks_surname_first(units)):
        given, surnames = _split_surname_first(units)
        return _build(original, given, surnames, "surname_first")
    given, surnames = _split_given_first(units)
    return _build(original, given, surnames, "heuristic")


def parse_name_parts(
    given: str | None = None,
    surnames: str | None = None,
    first_surname: str | None = None,
    second_surname: str | None = None,
) -> ParsedName:
    """Build a name from split columns. ``surnames`` may hold both surnames
    ("Rodríguez Pérez", "Pérez y García", "Rodríguez-Pérez"); ``first_surname`` /
    ``second_surname``, when given, take precedence over ``surnames``.
    ``original`` is the non-empty parts joined by spaces, given names first.
    """
    parts = [p.strip() for p in (given, surnames, first_surname, second_surname) if p]
    parts = [p for p in parts if p]
    if not parts or not any(_units_of(p) for p in parts):  # units exist iff words do
        raise ValueError("no name in the given columns")
    given_units = _as_words(list(_units_of(given or "")))
    if (first_surname and first_surname.strip()) or (second_surname and second_surname.strip()):
        surname_units = _words_only(list(_units_of(first_surname or ""))) + _words_only(
            list(_units_of(second_surname or ""))
        )
    else:
        surname_units = _words_only(list(_units_of(surnames or "")))
    return _build(" ".join(parts), given_units, surname_units, "columns")

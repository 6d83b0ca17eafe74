"""Which records a find-a-person query scores: its index keys, their postings, typo keys.

:mod:`habeas.search.index` files every record under compound keys
(given + surname, both surnames, birth year, date, identifier, ...). A query
computes the same keys (:func:`query_keys`), reads their posting lists
(:func:`probe`, one SQL statement for up to 200 keys, each list read up to its
family's cap) and ranks the records found by how much the keys that found them
say (``HIT_WEIGHT``).

Typos (:func:`typo_alternatives`)
--------------------------------
When nothing the exact keys found scores well, a name token may be mistyped
("Rodirguez"). Its phonetic key is compared with the index's vocabulary of keys
(:class:`~habeas.store.schema_search.SearchTerm`): every key one edit away that
exists is a *neighbour*. Source lists are noisy too, so a common name has dozens
of neighbours in the vocabulary ("rodrges", "rodriyes", "rdoriges", ...), almost
all of them other people's typos; probing every combination of them was the
slowest thing a search did. A neighbour is kept only when it is **more
frequent** than the key as typed (the noisy-channel rule: a typo is rarer than
the spelling it spoils) — counted, up to ``FREQUENCY_CAP``, on the postings of
the surname alone (``s|…``) for a surname, and of the given name with the
query's surnames (``gs|…``) for a given name — and at most ``NEIGHBOURS_PER_KEY``
are kept, the most frequent first. A key as common as the cap is not treated as
a typo at all. These *corrections* then replace **one** name position at a time
(one typo per query): the other positions keep their exact keys, which keeps
the keys to probe to a few dozen instead of tens of thousands. A query may
carry two typos ("Dainel Rodnon"): then the single most frequent correction of
every mistyped position is also tried all together, one more small set of keys.
A given name's corrections are counted with the query's surnames and their
best corrections, so a mistyped given name is still recognised beside a
mistyped surname.

The typo may also be the list's: the query spells "Zambrano" right and the only
record of the person says "Zmbrano". So the other surname neighbours below the
cap (other lists' typos, not common names) are probed too, as *variants*, but
only together with the query's given names (``gs|…``): a rare spelling with a
given name has a posting list of a handful of records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from habeas.search.keys import key_hash
from habeas.search.score import SearchQuery

#: posting-list caps by key family (a longer list is read up to the cap and reported)
CAPS = {"id": 200, "gsy": 1000, "gss": 1000, "gs": 1000, "ss": 1000, "d": 1000, "s": 1000}
#: how much a hit in each family says about a record, to pick which records to score
HIT_WEIGHT = {"id": 100.0, "gsy": 10.0, "gss": 8.0, "gs": 4.0, "ss": 4.0, "d": 3.0, "s": 1.0}
#: corrections kept per mistyped key; the posting count up to which keys are
#: counted (a key this common is a name in its own right, never a typo)
NEIGHBOURS_PER_KEY = 4
FREQUENCY_CAP = 1000
#: keys shorter than this are not expanded (too many neighbours, too little evidence)
MIN_GIVEN_KEY = 4
MIN_SURNAME_KEY = 4
_PHONETIC_LETTERS = "abdefgiklmnoprstuxy"  # the letters spanish_key emits
_PER_STATEMENT = 200


# --------------------------------------------------------------------------- keys of a query


def query_keys(
    q: SearchQuery, given_keys: set[str], surname_sets: list[set[str]]
) -> list[tuple[str, str]]:
    """(family, key text) to probe, most selective first."""
    keys: list[tuple[str, str]] = []
    if q.identifier is not None:
        keys += [("id", f"id|{t}") for t in sorted(q.identifier.tokens)]
    all_s: set[str] = set().union(*surname_sets) if surname_sets else set()
    pairs = set()
    for a in range(len(surname_sets)):
        for b in range(a + 1, len(surname_sets)):
            for sa in surname_sets[a]:
                for sb in surname_sets[b]:
                    if sa != sb:
                        pairs.add((min(sa, sb), max(sa, sb)))
    for sa, sb in sorted(pairs):
        keys += [("gss", f"gss|{g}|{sa}|{sb}") for g in sorted(given_keys)]
    keys += [("gs", f"gs|{g}|{s}") for g in sorted(given_keys) for s in sorted(all_s)]
    keys += [("ss", f"ss|{sa}|{sb}") for sa, sb in sorted(pairs)]
    dob = q.dob
    if dob is not None:
        if dob.earliest.year == dob.latest.year:
            year = dob.earliest.year
            keys[:0] = [
                ("gsy", f"gsy|{g}|{s}|{year}") for g in sorted(given_keys) for s in sorted(all_s)
            ]
        if dob.is_exact:
            keys.append(("d", f"d|{dob.earliest.isoformat()}"))
            swapped = dob.swapped()
            if swapped is not None:
                keys.append(("d", f"d|{swapped.earliest.isoformat()}"))
    if not given_keys and dob is None:
        keys += [("s", f"s|{s}") for s in sorted(all_s)]
    return keys


# --------------------------------------------------------------------------- postings


def driver_rows(session: Session, sql: str, params: Sequence[Any]) -> Sequence[Any]:
    """Run ``sql`` (``?`` placeholders) on the driver: these statements are built per
    query with hundreds of parameters, which SQLAlchemy would render and process
    one by one for nothing."""
    conn = session.connection()
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    return conn.exec_driver_sql(sql, tuple(params)).all()


def probe(
    session: Session,
    keys: Sequence[tuple[str, str]],
    seen: set[str],
    hits: dict[int, float],
    truncated: list[str],
) -> None:
    """Read the posting lists of ``keys`` not in ``seen`` yet (each up to its family's
    cap) into ``hits`` (record id → summed hit weight), one statement per
    ``_PER_STATEMENT`` keys; families cut at their cap are added to ``truncated``."""
    todo = []
    for family, key_text in keys:
        if key_text not in seen:
            seen.add(key_text)
            todo.append((family, key_text))
    for start in range(0, len(todo), _PER_STATEMENT):
        part = todo[start : start + _PER_STATEMENT]
        arms = [
            f"SELECT {i} AS k, record_id FROM (SELECT record_id FROM search_key "
            f"WHERE key = ? LIMIT {CAPS[family] + 1}) AS t{i}"
            for i, (family, _) in enumerate(part)
        ]
        params = [key_hash(key_text) for _, key_text in part]
        per_key: dict[int, list[int]] = {}
        for i, rid in driver_rows(session, " UNION ALL ".join(arms), params):
            per_key.setdefault(i, []).append(rid)
        for i, rows in per_key.items():
            family = part[i][0]
            cap = CAPS[family]
            if len(rows) > cap:
                rows = rows[:cap]
                if family not in truncated:
                    truncated.append(family)
            w = HIT_WEIGHT[family]
            for rid in rows:
                hits[rid] = hits.get(rid, 0.0) + w


def _capped_counts(session: Session, key_texts: Iterable[str]) -> dict[str, int]:
    """How many postings each key has, counted up to ``FREQUENCY_CAP``."""
    wanted = sorted(set(key_texts))
    counts = dict.fromkeys(wanted, 0)
    for start in range(0, len(wanted), _PER_STATEMENT):
        part = wanted[start : start + _PER_STATEMENT]
        arms = [
            f"SELECT {i} AS k, count(*) AS n FROM (SELECT record_id FROM search_key "
            f"WHERE key = ? LIMIT {FREQUENCY_CAP}) AS c{i}"
            for i in range(len(part))
        ]
        params = [key_hash(t) for t in part]
        for i, n in driver_rows(session, " UNION ALL ".join(arms), params):
            counts[part[i]] = int(n)
    return counts


# --------------------------------------------------------------------------- typos


def edits1(word: str) -> set[str]:
    """Strings one edit (delete, transpose, replace, insert) from ``word``, over the
    letters a phonetic key can contain."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _PHONETIC_LETTERS}
    out |= {a + c + b for a, b in splits for c in _PHONETIC_LETTERS}
    out.discard(word)
    return {w for w in out if len(w) >= 2}


def _neighbours(session: Session, kind: str, keys: Iterable[str]) -> dict[str, set[str]]:
    """Vocabulary terms of ``kind`` one edit from each key (the key itself excluded)."""
    edits = {k: edits1(k) for k in keys}
    wanted = sorted(set().union(*edits.values())) if edits else []
    found: set[str] = set()
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        sql = (
            "SELECT term FROM search_term WHERE kind = ? AND term IN ("
            + ", ".join("?" * len(chunk))
            + ")"
        )
        found.update(t for (t,) in driver_rows(session, sql, [kind, *chunk]))
    return {k: e & found for k, e in edits.items()}


def _more_frequent(
    neighbours: dict[str, set[str]], count_of: dict[str, int]
) -> dict[str, list[str]]:
    """Per key, its neighbours more frequent than itself, most frequent first, capped."""
    out: dict[str, list[str]] = {}
    for key, near in neighbours.items():
        own = count_of.get(key, 0)
        better = sorted(
            (n for n in near if count_of.get(n, 0) > own), key=lambda n: (-count_of.get(n, 0), n)
        )
        if better:
            out[key] = better[:NEIGHBOURS_PER_KEY]
    return out


def _rare(
    neighbours: dict[str, set[str]], count_of: dict[str, int], excluded: dict[str, list[str]]
) -> dict[str, set[str]]:
    """Per key, its neighbours below ``FREQUENCY_CAP`` not in ``excluded``: spellings
    that look like a list's typo (short posting lists)."""
    return {
        key: {n for n in near if count_of.get(n, 0) < FREQUENCY_CAP} - set(excluded.get(key, ()))
        for key, near in neighbours.items()
    }


@dataclass(frozen=True, slots=True)
class TypoAlternatives:
    """Keys to try for the query's name keys.

    ``given`` and ``surnames`` (per query surname) are *corrections*: more frequent
    keys, probed in every family in place of the key as typed. ``surname_variants``
    (per query surname) are rare keys one edit away, probably a list's own typo of
    the name the query spells right ("Zmbrano" for "Zambrano"): probed only with
    the query's given names, where their posting lists are short.
    """

    given: set[str]
    surnames: list[set[str]]
    surname_variants: list[set[str]]
    #: the most frequent correction of each mistyped key (given; per query surname),
    #: tried all together for queries with more than one typo
    given_best: set[str] = field(default_factory=set)
    surnames_best: list[set[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.given) or any(self.surnames) or any(self.surname_variants)


def typo_alternatives(
    session: Session, given_keys: set[str], surname_sets: list[set[str]]
) -> TypoAlternatives:
    """Vocabulary keys one edit from the query's name keys (module doc)."""
    s_keys = {k for keys in surname_sets for k in keys if len(k) >= MIN_SURNAME_KEY}
    s_near = _neighbours(session, "s", s_keys)
    s_counts = {
        t.partition("|")[2]: n
        for t, n in _capped_counts(
            session, [f"s|{t}" for t in s_keys | set().union(*s_near.values())]
        ).items()
    }
    s_better = _more_frequent(s_near, s_counts)
    s_rare = _rare(s_near, s_counts, s_better)

    g_keys = {k for k in given_keys if k.startswith("#") and len(k) - 1 >= MIN_GIVEN_KEY}
    # a given name is counted with the query's surnames and their best corrections
    # (the surname may be mistyped too)
    all_s = (
        set().union(*surname_sets, *([near[0]] for near in s_better.values()))
        if surname_sets
        else set()
    )
    g_better: dict[str, list[str]] = {}
    if g_keys and all_s:
        g_near = {
            "#" + k: {"#" + t for t in near}
            for k, near in _neighbours(session, "g", [k[1:] for k in g_keys]).items()
        }
        candidates = g_keys | set().union(*g_near.values())
        per_pair = _capped_counts(session, [f"gs|{g}|{s}" for g in candidates for s in all_s])
        g_count = {g: max(per_pair[f"gs|{g}|{s}"] for s in all_s) for g in candidates}
        g_better = _more_frequent(g_near, g_count)

    given_alt = {n for near in g_better.values() for n in near} - given_keys
    surname_alt = [{n for k in keys for n in s_better.get(k, ())} - keys for keys in surname_sets]
    variants = [
        {n for k in keys for n in s_rare.get(k, ())} - keys - alt
        for keys, alt in zip(surname_sets, surname_alt, strict=True)
    ]
    given_best = {near[0] for near in g_better.values()} - given_keys
    surnames_best = [
        {s_better[k][0] for k in keys if k in s_better} - keys for keys in surname_sets
    ]
    return TypoAlternatives(given_alt, surname_alt, variants, given_best, surnames_best)


def typo_keys(
    q: SearchQuery, given_keys: set[str], surname_sets: list[set[str]], alt: TypoAlternatives
) -> list[tuple[str, str]]:
    """Query keys with one name position replaced by its corrections at a time, the
    best corrections of every mistyped position together (two typos), then the
    surname variants with the query's given names (or alone, for a surname-only
    query)."""
    keys: list[tuple[str, str]] = []
    for i, alternatives in enumerate(alt.surnames):
        if alternatives:
            replaced = [alternatives if j == i else s for j, s in enumerate(surname_sets)]
            keys += query_keys(q, given_keys, replaced)
    if alt.given:
        keys += query_keys(q, alt.given, surname_sets)
    best = alt.surnames_best or [set() for _ in surname_sets]
    if sum(1 for b in (alt.given_best, *best) if b) >= 2:  # two typos: best corrections together
        keys += query_keys(
            q,
            alt.given_best or given_keys,
            [b or s for b, s in zip(best, surname_sets, strict=True)],
        )
    for variants in alt.surname_variants:
        for s in sorted(variants):
            if given_keys:
                keys += [("gs", f"gs|{g}|{s}") for g in sorted(given_keys)]
            elif q.dob is None:
                keys.append(("s", f"s|{s}"))
    return keys

"""The keys a record is indexed under are the families the module doc of
:mod:`habeas.search.index` describes: the fast path an import takes
(:func:`record_key_list`, built from remembered parts) gives exactly the keys spelled out
family by family, each once."""

from __future__ import annotations

import itertools
import random
from datetime import date

from habeas.domain.names import parse_full_name
from habeas.search.keys import (
    IndexedRecord,
    all_given_keys,
    identifier_tokens,
    key_digests,
    key_hash,
    make_indexed,
    record_key_list,
    record_key_texts,
    surname_keys,
)
from habeas.synth.names import SLV_SURNAMES, VEN_MALE_FIRST, VEN_MALE_SECOND, VEN_SURNAMES


def _reference(rec: IndexedRecord) -> set[str]:
    keys: set[str] = set()
    g_keys = all_given_keys(rec.given)
    per_surname = [surname_keys(s) for s in rec.surnames]
    s_keys: set[str] = set().union(*per_surname) if per_surname else set()
    for g, s in itertools.product(g_keys, s_keys):
        keys.add(f"gs|{g}|{s}")
    for s in s_keys:
        keys.add(f"s|{s}")
    pairs: set[tuple[str, str]] = set()
    for a, b in itertools.combinations(range(len(per_surname)), 2):
        for sa, sb in itertools.product(per_surname[a], per_surname[b]):
            if sa != sb:
                pairs.add((min(sa, sb), max(sa, sb)))
    for sa, sb in pairs:
        keys.add(f"ss|{sa}|{sb}")
        for g in g_keys:
            keys.add(f"gss|{g}|{sa}|{sb}")
    year = rec.birth_year
    if year is not None:
        for g, s in itertools.product(g_keys, s_keys):
            keys.add(f"gsy|{g}|{s}|{year}")
    exact = rec.dob_exact
    if exact is not None:
        keys.add(f"d|{exact.isoformat()}")
    for _, value in rec.identifiers:
        for token in identifier_tokens(value):
            keys.add(f"id|{token}")
    return keys


def _records(n: int) -> list[IndexedRecord]:
    rng = random.Random(7)
    first = [x for x, _ in VEN_MALE_FIRST]
    second = [x for x, _ in VEN_MALE_SECOND]
    surnames = [x for x, _ in VEN_SURNAMES + SLV_SURNAMES] + ["de la Cruz", "Pérez García"]
    out = []
    for i in range(n):
        given = rng.choice(first) + (f" {rng.choice(second)}" if rng.random() < 0.6 else "")
        family = " ".join(rng.choice(surnames) for _ in range(rng.choice((0, 1, 2, 2, 3))))
        name = parse_full_name(f"{family}, {given}" if family else given)
        born = date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
        shape = rng.random()
        earliest, latest, precision = (
            (born, born, "day")
            if shape < 0.6
            else (date(born.year, 1, 1), date(born.year, 12, 31), "year")
            if shape < 0.8
            else (date(born.year, 1, 1), date(born.year + 1, 12, 31), "range")
            if shape < 0.9
            else (None, None, None)
        )
        ids = [("cedula_ve", f"V{rng.randint(5_000_000, 32_000_000)}")] if i % 3 else []
        if i % 5 == 0:  # the same digits twice: one identifier token
            ids += [("national_id", ids[0][1][1:] if ids else "12345678")]
        if i % 7 == 0:
            ids += [("passport", f"P{rng.randint(100000, 999999)}X")]
        out.append(
            make_indexed(
                i, name.given_names, name.surnames, earliest, latest, precision, "VEN", ids
            )
        )
    return out


def test_the_import_keys_are_the_families_spelled_out_each_once() -> None:
    for rec in _records(3000):
        keys = record_key_list(rec)
        assert len(keys) == len(set(keys))
        assert set(keys) == _reference(rec) == record_key_texts(rec)


def test_digests_are_the_key_hashes_in_order() -> None:
    texts = sorted(record_key_texts(_records(3)[1])) * 2  # the second time remembered
    digests = key_digests(texts)
    assert [
        int.from_bytes(digests[i : i + 8], "big", signed=True) for i in range(0, len(digests), 8)
    ] == [key_hash(t) for t in texts]

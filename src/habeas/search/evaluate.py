"""Measure find-a-person on a synthetic case: noisy queries, hit rates, latency.

Used by the tests (on the demo case) and by ``benchmarks/search.py`` (at a
million persons). The ground truth is the generator's ``persons_truth.csv``
(who each person is) and ``ground_truth.csv`` (which records, as
``(source title, record id as written)``, belong to whom).

A query is what a relative would type, made noisy the way relatives' queries
are (:func:`noisy_name`): accents dropped, lower or upper case, only the first
given name, a nickname, the second surname left out, surnames swapped, one
typo in a surname (of six letters or more) — one to three of these at once.
Query types: ``name`` (name only), ``name+dob`` (with the date of birth,
sometimes with day and month swapped), ``identifier`` (a document number
written another way: "A-208-304-911", "V-12.345.678", ...).

:func:`evaluate` reports hits @1/@5/@10 overall, per query type and per noise
(misspelled, accent-stripped, nickname, swapped surnames, missing surname, ...;
a query with several noises counts under each), and latencies per query type.
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.domain.nicknames import nickname_table
from habeas.domain.text import fold
from habeas.search import search
from habeas.search.keys import identifier_tokens
from habeas.store.db import Store
from habeas.store.schema import RecordIdentifier


@dataclass(frozen=True, slots=True)
class TruthPerson:
    key: str
    given: str
    surnames: str
    surname_list: tuple[str, ...]
    dob: str
    a_number: str
    cedula: str
    dui: str
    passport: str
    records: frozenset[tuple[str, str]]


def load_truth(case_dir: Path) -> list[TruthPerson]:
    """Persons that appear on at least one list, with their records."""
    records: dict[str, set[tuple[str, str]]] = {}
    with (case_dir / "ground_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            records.setdefault(row["person_key"], set()).add(
                (row["source_title"], row["record_id"])
            )
    out = []
    with (case_dir / "persons_truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            recs = records.get(row["person_key"])
            if recs:
                parts = tuple(p for p in (row["first_surname"], row["second_surname"]) if p)
                out.append(
                    TruthPerson(
                        row["person_key"],
                        row["given_names"],
                        row["surnames"],
                        parts or tuple(row["surnames"].split()),
                        row["dob"],
                        row["a_number"],
                        row["cedula"],
                        row["dui"],
                        row["passport"],
                        frozenset(recs),
                    )
                )
    return out


def _reverse_nicknames() -> dict[str, list[str]]:
    rev: dict[str, list[str]] = {}
    for nick, canon in nickname_table().items():
        for c in canon:
            rev.setdefault(c, []).append(nick)
    return rev


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def noisy_name(person: TruthPerson, rng: random.Random) -> tuple[str, list[str]]:
    """A name as a relative might type it, and the list of noises applied."""
    given = person.given.split()
    surnames = list(person.surname_list)
    noises: list[str] = []
    options = ["no_accents", "case", "first_given", "nickname", "one_surname", "swap", "typo"]
    for noise in rng.sample(options, rng.randint(1, 3)):
        if noise == "no_accents":
            given, surnames = [fold(g) for g in given], [fold(s) for s in surnames]
        elif noise == "case":
            given = [g.lower() for g in given]
            surnames = [s.upper() for s in surnames]
        elif noise == "first_given" and len(given) > 1:
            given = given[:1]
        elif noise == "nickname":
            nicks = _reverse_nicknames().get(fold(given[0]))
            if not nicks:
                continue
            given = [rng.choice(sorted(nicks)).capitalize()]
        elif noise == "one_surname" and len(surnames) > 1:
            surnames = surnames[:1]
        elif noise == "swap" and len(surnames) == 2:
            surnames = surnames[::-1]
        elif noise == "typo" and surnames:
            i = rng.randrange(len(surnames))
            changed = _typo(surnames[i], rng)
            if changed == surnames[i]:
                continue
            surnames = [*surnames[:i], changed, *surnames[i + 1 :]]
        else:
            continue
        noises.append(noise)
    return " ".join(given + surnames), noises


def _dob_as_typed(iso: str, rng: random.Random) -> str:
    y, m, d = iso.split("-")
    if int(d) <= 12 and d != m and rng.random() < 0.1:
        m, d = d, m  # day and month swapped
    return rng.choice((f"{y}-{m}-{d}", f"{d}/{m}/{y}", f"{int(d)}/{int(m)}/{y}"))


def known_identifier_tokens(store: Store) -> set[str]:
    """Index tokens of every identifier on a record (documents a list actually holds)."""
    tokens: set[str] = set()
    with store.read() as session:
        for value in session.execute(
            select(RecordIdentifier.value).where(RecordIdentifier.value.is_not(None))
        ).scalars():
            tokens |= identifier_tokens(value or "")
    return tokens


def _identifier_as_typed(
    person: TruthPerson, rng: random.Random, known: set[str] | None
) -> str | None:
    """One of the person's documents that some list holds, written another way."""
    options = []
    if person.a_number:
        a = person.a_number
        options.append(
            (a, rng.choice((f"A-{a[:3]}-{a[3:6]}-{a[6:]}", f"A{a}", f"{a[:3]} {a[3:6]} {a[6:]}")))
        )
    if person.cedula:
        digits = person.cedula[1:]
        dotted = f"{int(digits):,}".replace(",", ".")
        options.append(
            (person.cedula, rng.choice((f"{person.cedula[0]}-{dotted}", dotted, digits)))
        )
    if person.dui:
        options.append((person.dui, f"{person.dui[:8]}-{person.dui[8:]}"))
    if person.passport:
        options.append((person.passport, person.passport))
    if known is not None:
        options = [o for o in options if identifier_tokens(o[0]) & known]
    return rng.choice(options)[1] if options else None


@dataclass
class EvalQuery:
    kind: str
    person: TruthPerson
    kwargs: dict[str, str]
    noises: list[str] = field(default_factory=list)


def make_queries(
    persons: list[TruthPerson],
    n: int,
    seed: int = 1,
    kinds: tuple[str, ...] = ("name", "name+dob", "identifier"),
    known_identifiers: set[str] | None = None,
) -> list[EvalQuery]:
    """``n`` queries spread over ``kinds``, for persons drawn at random. Identifier
    queries use only documents in ``known_identifiers`` (when given): a number no
    list holds cannot be found."""
    rng = random.Random(seed)
    out: list[EvalQuery] = []
    while len(out) < n:
        person = rng.choice(persons)
        kind = kinds[len(out) % len(kinds)]
        if kind == "identifier":
            ident = _identifier_as_typed(person, rng, known_identifiers)
            if ident is None:
                continue
            out.append(EvalQuery(kind, person, {"identifier": ident}))
            continue
        name, noises = noisy_name(person, rng)
        kwargs = {"name": name}
        if kind == "name+dob":
            if not person.dob:
                continue
            kwargs["dob"] = _dob_as_typed(person.dob, rng)
        out.append(EvalQuery(kind, person, kwargs, noises))
    return out


#: what each noise of :func:`noisy_name` is called in reports
NOISE_LABELS = {
    "typo": "misspelled",
    "no_accents": "accent-stripped",
    "nickname": "nickname",
    "swap": "swapped surnames",
    "one_surname": "missing surname",
    "first_given": "first given name only",
    "case": "case changed",
}


@dataclass
class Tally:
    """Hits of a group of queries: how many found the true person in the top 1, 5, 10."""

    n: int = 0
    at1: int = 0
    at5: int = 0
    at10: int = 0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.at1 += int(rank < 1)
            self.at5 += int(rank < 5)
            self.at10 += int(rank < 10)

    def rates(self) -> dict[str, float]:
        n = self.n or 1
        return {
            "n": self.n,
            "at1": round(self.at1 / n, 4),
            "at5": round(self.at5 / n, 4),
            "at10": round(self.at10 / n, 4),
        }


@dataclass
class EvalResult:
    """Hit rates overall, per query type and per noise, latencies per query type."""

    overall: Tally
    by_kind: dict[str, Tally]
    by_noise: dict[str, Tally]  # a query with several noises counts under each
    latencies_ms: dict[str, list[float]]
    misses: list[dict[str, Any]]

    @property
    def queries(self) -> int:
        return self.overall.n

    @property
    def hit_rate_1(self) -> float:
        return self.overall.rates()["at1"]

    @property
    def hit_rate_5(self) -> float:
        return self.overall.rates()["at5"]

    @property
    def hit_rate_10(self) -> float:
        return self.overall.rates()["at10"]

    def percentiles(self, kind: str | None = None) -> dict[str, float]:
        values = (
            self.latencies_ms[kind]
            if kind
            else [v for vs in self.latencies_ms.values() for v in vs]
        )
        if len(values) < 2:
            return {"p50": values[0] if values else 0.0, "p95": 0.0, "p99": 0.0}
        q = statistics.quantiles(values, n=100, method="inclusive")
        return {"p50": round(q[49], 2), "p95": round(q[94], 2), "p99": round(q[98], 2)}


def evaluate(
    store: Store,
    queries: list[EvalQuery],
    *,
    limit: int = 10,
    clock: Callable[[], float] = time.perf_counter,
) -> EvalResult:
    """Run every query (asking for ``limit`` persons); a hit @k is a true record among
    the records of the top k persons."""
    latencies: dict[str, list[float]] = {}
    overall = Tally()
    by_kind: dict[str, Tally] = {}
    by_noise: dict[str, Tally] = {}
    misses: list[dict[str, Any]] = []
    for q in queries:
        t0 = clock()
        result = search(store, limit=limit, **q.kwargs)  # type: ignore[arg-type]
        latencies.setdefault(q.kind, []).append((clock() - t0) * 1000)
        rank = next(
            (
                i
                for i, c in enumerate(result.candidates)
                if any((r.source, r.record_key) in q.person.records for r in c.records)
            ),
            None,
        )
        overall.add(rank)
        by_kind.setdefault(q.kind, Tally()).add(rank)
        for noise in q.noises:
            by_noise.setdefault(noise, Tally()).add(rank)
        if rank is None:
            misses.append(
                {
                    "kind": q.kind,
                    "query": q.kwargs,
                    "noises": q.noises,
                    "truth": f"{q.person.given} {q.person.surnames} {q.person.dob}",
                }
            )
    return EvalResult(overall, by_kind, by_noise, latencies, misses)

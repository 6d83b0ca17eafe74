"""Controlled vocabularies as data: seeded from ``domain/data/vocabularies.csv``.

Each term has a code (what columns store), English and Spanish labels and
synonyms. :class:`VocabularyIndex` resolves what a list wrote ("Deportado",
"removal", "AEA") to a code. An import **never** creates a term: an unknown
value is an error that names the vocabulary and the known terms; an admin adds
terms with ``habeas vocab add`` (one logged operation).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import select

from habeas.domain.text import fold_header
from habeas.errors import NotFound, UsageError
from habeas.store.schema import VocabularyTerm

if TYPE_CHECKING:
    from habeas.store.db import Store

SEED_ACTOR = "habeas"


def seed_rows() -> list[dict[str, str]]:
    text = resources.files("habeas.domain").joinpath("data/vocabularies.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed(store: Store) -> int:
    """Insert the seed terms that are missing; returns how many were added."""
    with store.read() as session:
        existing = set(session.execute(select(VocabularyTerm.vocabulary, VocabularyTerm.code)))
    missing = [row for row in seed_rows() if (row["vocabulary"], row["code"]) not in existing]
    if not missing:
        return 0
    now = datetime.now(UTC)
    with store.write(SEED_ACTOR) as op:
        for row in missing:
            op.session.add(
                VocabularyTerm(
                    vocabulary=row["vocabulary"],
                    code=row["code"],
                    label_en=row["label_en"],
                    label_es=row["label_es"],
                    synonyms=[s for s in (row["synonyms"] or "").split("|") if s],
                    created_by=SEED_ACTOR,
                    created_at=now,
                )
            )
        op.log("seed", "vocabulary", None, {"terms_added": len(missing)})
    return len(missing)


class VocabularyIndex:
    """Resolves written values to term codes, per vocabulary."""

    def __init__(self, terms: list[VocabularyTerm]) -> None:
        self._forms: dict[str, dict[str, str]] = defaultdict(dict)
        self._codes: dict[str, list[str]] = defaultdict(list)
        self._labels: dict[tuple[str, str], tuple[str, str]] = {}
        for term in terms:
            self._codes[term.vocabulary].append(term.code)
            self._labels[(term.vocabulary, term.code)] = (term.label_en, term.label_es)
            for form in (term.code, term.label_en, term.label_es, *term.synonyms):
                self._forms[term.vocabulary].setdefault(fold_header(form), term.code)

    @classmethod
    def load(cls, store: Store) -> VocabularyIndex:
        with store.read() as session:
            return cls(list(session.execute(select(VocabularyTerm)).scalars()))

    def vocabularies(self) -> list[str]:
        return sorted(self._codes)

    def codes(self, vocabulary: str) -> list[str]:
        return list(self._codes.get(vocabulary, []))

    def label(self, vocabulary: str, code: str, lang: str) -> str:
        """The term's label in ``lang`` ("es" or "en"); the code itself if it has none."""
        en, es = self._labels.get((vocabulary, code), (code, code))
        return (es if lang == "es" else en) or code

    def resolve(self, vocabulary: str, value: str) -> str | None:
        """The code for ``value``, or ``None`` if it is not a known term."""
        return self._forms.get(vocabulary, {}).get(fold_header(value))

    def require(self, vocabulary: str, value: str, what: str) -> str:
        code = self.resolve(vocabulary, value)
        if code is None:
            raise UsageError(
                f"{what} {value!r} is not a known term of the '{vocabulary}' vocabulary "
                f"(known: {', '.join(self.codes(vocabulary))}). An admin can add it with "
                f"`habeas vocab add {vocabulary} CODE --en LABEL --es ETIQUETA`."
            )
        return code


def add_term(
    store: Store,
    vocabulary: str,
    code: str,
    label_en: str,
    label_es: str,
    synonyms: list[str],
    actor: str | None = None,
) -> None:
    index = VocabularyIndex.load(store)
    if vocabulary not in index.vocabularies():
        raise NotFound(
            f"No vocabulary named {vocabulary!r} (vocabularies: {', '.join(index.vocabularies())})."
        )
    if code in index.codes(vocabulary):
        raise UsageError(f"'{vocabulary}' already has a term {code!r}.")
    with store.write(actor) as op:
        op.session.add(
            VocabularyTerm(
                vocabulary=vocabulary,
                code=code,
                label_en=label_en,
                label_es=label_es,
                synonyms=synonyms,
                created_by=op.actor,
                created_at=datetime.now(UTC),
            )
        )
        op.log(
            "add",
            "vocabulary_term",
            f"{vocabulary}:{code}",
            {
                "vocabulary": vocabulary,
                "code": code,
                "label_en": label_en,
                "label_es": label_es,
                "synonyms": synonyms,
            },
        )


def list_terms(store: Store, vocabulary: str | None = None) -> list[VocabularyTerm]:
    with store.read() as session:
        query = select(VocabularyTerm).order_by(VocabularyTerm.vocabulary, VocabularyTerm.id)
        if vocabulary:
            query = query.where(VocabularyTerm.vocabulary == vocabulary)
        return list(session.execute(query).scalars())

"""Controlled vocabularies as the faces show them: terms and their labels in a language."""

from __future__ import annotations

from dataclasses import dataclass

from habeas import i18n
from habeas.store.db import Store
from habeas.store.vocabulary import list_terms


@dataclass(frozen=True)
class Term:
    vocabulary: str
    code: str
    label_en: str
    label_es: str
    synonyms: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return i18n.label(self, lang)


def terms(store: Store, vocabulary: str | None = None) -> list[Term]:
    """The terms of one vocabulary (or all), in the order they were added."""
    return [
        Term(t.vocabulary, t.code, t.label_en, t.label_es, tuple(t.synonyms or ()))
        for t in list_terms(store, vocabulary)
    ]


def vocabulary_labels(store: Store, lang: str) -> dict[str, dict[str, str]]:
    """``{vocabulary: {code: label in lang}}`` for every controlled vocabulary."""
    out: dict[str, dict[str, str]] = {}
    for t in terms(store):
        out.setdefault(t.vocabulary, {})[t.code] = t.label(lang)
    return out

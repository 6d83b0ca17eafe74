"""The person dossier: everything the register holds about one person, with its sources.

Fit to attach to a habeas corpus petition or a communication to a UN Working
Group: identity with per-field provenance (every variant, never merged),
custody timeline ordered honestly on uncertain dates (with contradictions side
by side), last known whereabouts, legal facts and due-process flags (with the
rule and the facts behind each), register gaps (which authority should hold
what), incidents, the records linked to the person and a source list with the
SHA-256 of every stored file. The header says what the document is, when and
from which register it was generated, and the change-log head hash, so the
register's state at that moment can be verified later (``habeas log verify``).

The data comes from :func:`habeas.trace.person_summary` and
:func:`habeas.document.incidents.list_incidents`; this module only presents it.
With ``reader=`` the dossier holds what that reader may put in a dossier (the
``dossier`` column of :data:`habeas.access.policy.SENSITIVITY_TABLE`), says how
much was withheld, and its production is logged with the reader's purpose. The
reporters' and witnesses' identities are never put in a dossier (it leaves the
register).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas import i18n
from habeas.access import policy
from habeas.access.levels import levels_of
from habeas.access.reader import Reader
from habeas.document.incidents import IncidentRow, list_incidents
from habeas.domain.countries import country_names
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.errors import NotFound
from habeas.i18n_dates import fmt_date
from habeas.report import render
from habeas.report.dossier_annex import (
    CUSTODY_TEXT,
    DECISION_TEXT,
    LINK_METHOD_TEXT,
    PURPOSE_TEXT,
    ROLE_TEXT,
    RUN_KIND_TEXT,
    FileCustody,
    Filing,
    Methods,
    files_custody,
    linkage_methods,
    probability_words,
)
from habeas.store.db import Store
from habeas.store.person_ids import Move, PersonId, resolve
from habeas.store.schema import VocabularyTerm
from habeas.trace.items import fact_label


@dataclass
class Dossier:
    summary: Any  # habeas.trace.PersonSummary
    incidents: list[IncidentRow]
    sources: list[dict[str, Any]]  # {"id", "title", "kind", "reliability", "published_on", "files"}
    labels: dict[str, dict[str, tuple[str, str]]]
    #: the id asked for, when it was retired by a merge (the dossier is the survivor's),
    #: and the records this person lost to splits (habeas.store.person_ids)
    asked: PersonId | None = None
    split_off: tuple[Move, ...] = ()
    #: who prepares it, where, when and why (None: no declaration or signature block)
    filing: Filing | None = None
    methods: Methods | None = None
    custody: list[FileCustody] = field(default_factory=list)


def build_dossier(
    store: Store,
    person_id: int,
    lang: str = "en",
    *,
    reader: Reader | None = None,
    filing: Filing | None = None,
) -> Dossier:
    from habeas.trace import person_summary

    asked = resolve(store, person_id)
    if not asked.current and asked.moved_to:
        if asked.survivor is None:
            raise NotFound(
                f"Person {person_id} was merged; its records now belong to persons "
                f"{', '.join(map(str, asked.moved_to))}."
            )
        person_id = asked.survivor
    here = asked if asked.current else resolve(store, person_id)
    summary = person_summary(store, person_id, lang=lang, reader=reader, action="dossier")
    summary.protected = []  # never in a document that leaves the register
    if not summary.records:
        if summary.withheld:
            raise policy.PermissionDenied(
                "dossier",
                reader.role if reader else None,
                f"Every record of person {person_id} is at a level you may not put in a "
                f"dossier ({summary.withheld['message']}).",
            )
        raise NotFound(f"No person {person_id} (or no record is linked to them now).")
    incidents = list_incidents(store, person_id=person_id)
    if reader is not None:
        incidents = [i for i in incidents if i.id in summary.incident_ids]
    sources: dict[int, dict[str, Any]] = {}
    for src in summary.sources:
        sources[src.id] = {
            "id": src.id,
            "title": src.title,
            "kind": src.kind,
            "reliability": src.reliability,
            "published_on": src.published_on,
            "files": [{"filename": f.filename, "sha256": f.sha256} for f in src.files],
        }
    if incidents:
        from habeas.document.incidents import count_incidents

        cited = {t for i in incidents for t in i.sources}
        refs = [r for r in count_incidents(store, person_id=person_id).sources if r.title in cited]
        with store.read() as s:
            source_levels = levels_of(s, "source", [r.id for r in refs])
            file_levels = levels_of(s, "file", [f["sha256"] for r in refs for f in r.files])

        def shown(level: str | None) -> bool:
            return reader is None or reader.may(level or policy.RESTRICTED, "dossier")

        for ref in refs:
            if shown(source_levels.get(ref.id)):
                sources.setdefault(
                    ref.id,
                    {
                        "id": ref.id,
                        "title": ref.title,
                        "kind": ref.kind,
                        "reliability": ref.reliability,
                        "published_on": ref.published_on,
                        "files": [f for f in ref.files if shown(file_levels.get(f["sha256"]))],
                    },
                )
    with store.read() as s:
        labels: dict[str, dict[str, tuple[str, str]]] = {}
        for term in s.execute(select(VocabularyTerm)).scalars():
            labels.setdefault(term.vocabulary, {})[term.code] = (term.label_en, term.label_es)
    source_list = [sources[k] for k in sorted(sources)]
    return Dossier(
        summary,
        incidents,
        source_list,
        labels,
        asked=None if asked.current else asked,
        split_off=here.split_off,
        filing=filing,
        methods=linkage_methods(store, person_id, [r.id for r in summary.records]),
        custody=files_custody(store, source_list),
    )


def render_dossier(dossier: Dossier, lang: str, store: Store, register: str | None = None) -> str:
    lang = i18n.check_language(lang)
    idx = 1 if lang == "es" else 0

    def vocab(vocabulary: str) -> dict[str, str]:
        return {code: pair[idx] for code, pair in dossier.labels.get(vocabulary, {}).items()}

    _ = i18n.translator(lang).gettext

    def identity_value(key: str, value: str) -> str:
        """An identity value in words: never a code (``a_number``, ``VEN``, ``male``)."""
        if key == "identifiers":
            kind, sep, rest = value.partition(":")
            bad = kind.endswith(" (invalid)")
            kind = kind.removesuffix(" (invalid)")
            if sep and kind in ID_TYPE_LABELS:
                label = _(ID_TYPE_LABELS[kind])
                return f"{label} ({_('invalid')}):{rest}" if bad else f"{label}:{rest}"
            return value
        if key == "dates_of_birth":
            return fmt_date(value, lang, "long") or value
        if key == "sexes":
            return vocab("sex").get(value, value)
        if key in ("nationalities", "countries_of_birth"):
            names = country_names(value)
            return names[idx] if names else value
        return value

    return render.render_html(
        "dossier.html",
        lang,
        d=dossier,
        p=dossier.summary,
        vocab=vocab,
        prov=render.provenance(store, register),
        identity_value=identity_value,
        fact_label=lambda code: fact_label(code, lang),
        texts={
            "purpose": PURPOSE_TEXT,
            "method": LINK_METHOD_TEXT,
            "decision": DECISION_TEXT,
            "custody": CUSTODY_TEXT,
            "run": RUN_KIND_TEXT,
            "role": ROLE_TEXT,
        },
        probability_words=probability_words,
    )


def dossier_report(
    store: Store,
    person_id: int,
    path: Path,
    *,
    lang: str = "en",
    fmt: str | None = None,
    register: str | None = None,
    reader: Reader | None = None,
    filing: Filing | None = None,
) -> Path:
    """Build and write the dossier of ``person_id`` to ``path`` (HTML or PDF).

    With ``filing`` the dossier carries who prepared it, where, when and why, a
    declaration and a signature block."""
    dossier = build_dossier(
        store, person_id, i18n.check_language(lang), reader=reader, filing=filing
    )
    return render.write(render_dossier(dossier, lang, store, register), path, fmt)

"""Where an import's records come from: the source they go into (created if new, or
checked to be the one named), the file kept in the content-addressed store with its
row, and the options recorded with the import batch."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.errors import UsageError
from habeas.ingest.options import ImportOptions
from habeas.ingest.problems import Problem
from habeas.ingest.readers import media_type
from habeas.store.db import Store
from habeas.store.schema import Source, SourceFile, StoredFile
from habeas.store.vocabulary import VocabularyIndex


def source_problems(
    store: Store, vocab: VocabularyIndex, file: str, options: ImportOptions
) -> list[Problem]:
    """What the import would refuse about the source itself (its kind, reliability, or a
    clash with the existing source of that title), so that the dry run says it too."""
    with store.read() as session:
        source = session.execute(
            select(Source).where(Source.title == options.source_title)
        ).scalar_one_or_none()
    try:
        if source is not None:
            check_same_source(source, options)
        else:
            require_new_source_terms(vocab, options)
    except UsageError as exc:
        return [Problem(file, None, None, options.source_title, str(exc))]
    return []


def check_same_source(source: Source, options: ImportOptions) -> None:
    if options.corrects is not None and source.corrects_source_id is None:
        raise UsageError(
            f"Source {source.title!r} already exists and is not a correction "
            "list; import corrections into a new source."
        )
    given = {
        "kind": options.source_kind,
        "reliability": options.reliability,
        "sensitivity": options.sensitivity,
        **({"same_as_record": options.same_as_record} if options.same_as_record else {}),
    }
    for attribute, value in given.items():
        if value is not None and value != getattr(source, attribute):
            raise UsageError(
                f"Source {source.title!r} already exists with {attribute} "
                f"{getattr(source, attribute)!r}; sources are immutable. Leave out "
                f"--source-{attribute}, or import into a new source."
            )


def require_new_source_terms(vocab: VocabularyIndex, options: ImportOptions) -> None:
    if not options.source_kind:
        raise UsageError(
            f"Source {options.source_title!r} is new: say what it is with "
            f"--source-kind ({', '.join(vocab.codes('source_kind'))})."
        )
    options.source_kind = vocab.require("source_kind", options.source_kind, "--source-kind")
    if options.reliability:
        options.reliability = vocab.require("reliability", options.reliability, "--reliability")


def _put_file(store: Store, path: Path, sha256: str, level: str) -> None:
    """Store the file; restricted and witness_protected files are encrypted when the
    workspace encrypts (the file store decides how, see :mod:`habeas.crypto`)."""
    assert store.files is not None
    store.files.put(path, sha256, encrypt=policy.rank(level) >= policy.rank(policy.RESTRICTED))


def new_source(options: ImportOptions, level: str, actor: str, now: datetime) -> Source:
    return Source(
        title=options.source_title,
        kind=options.source_kind,
        publisher=options.publisher,
        author=options.author,
        published_on=date.fromisoformat(options.published_on) if options.published_on else None,
        url=options.url,
        language=options.language,
        reliability=options.reliability,
        notes=options.notes,
        one_row_per_person=options.one_row_per_person,
        corrects_source_id=None,
        sensitivity=level,
        created_by=actor,
        created_at=now,
        channel=options.channel,
        taken_by=options.taken_by,
        taken_on=date.fromisoformat(options.taken_on) if options.taken_on else None,
    )


def record_file(
    session: Any,
    path: Path,
    sha256: str,
    source_id: int,
    stored_level: str,
    actor: str,
    now: datetime,
) -> None:
    """The file's row, and which source it belongs to (rolled back with the import)."""
    stored = session.get(StoredFile, sha256)
    if stored is None:
        session.add(
            StoredFile(
                sha256=sha256,
                size=path.stat().st_size,
                media_type=media_type(path),
                original_filename=path.name,
                added_by=actor,
                added_at=now,
                sensitivity=stored_level,
            )
        )
    elif policy.rank(stored.sensitivity) < policy.rank(stored_level):
        stored.sensitivity = stored_level  # the same bytes now belong to a stricter source
    if session.get(SourceFile, (source_id, sha256)) is None:
        session.add(
            SourceFile(
                source_id=source_id,
                sha256=sha256,
                filename=path.name,
                added_by=actor,
                added_at=now,
            )
        )
    session.flush()


def keep_file(store: Store, session: Any, path: Path, sha256: str, stored_level: str) -> None:
    """Put the file in the content-addressed store (sealed when its level asks for it),
    once every row has passed; a sealed copy's hash is recorded on its row."""
    if store.files is None:
        return
    _put_file(store, path, sha256, stored_level)
    sealed = store.files.sealed_sha256(sha256)
    if sealed is not None:  # kept encrypted: record the sealed bytes' hash (habeas.crypto)
        stored = session.get(StoredFile, sha256)
        assert stored is not None
        stored.sealed_sha256 = sealed


def options_dict(options: ImportOptions) -> dict[str, Any]:
    return {
        "mapping": options.mapping,
        "defaults": options.defaults,
        "date_order": options.date_order,
        "sheet": options.sheet,
        "corrects": options.corrects,
        "sensitivity": options.sensitivity,
    }

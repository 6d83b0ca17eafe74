"""Files attached to what they document: a person, a record, a custody event, an incident,
a legal action, an inquiry.

A photo of a document, a court paper or a recording enters the content-addressed file
store (:mod:`habeas.store.filestore`) and is tied to its target in one operation, one
change-log entry (action ``attach``, entity ``attachment``, with the file's hash in the
detail), so the file's chain of custody (:func:`habeas.evidence.custody.file_custody`)
starts with it. A restricted or witness-protected file is kept sealed when the
workspace encrypts. Nothing is edited afterwards: attaching the same file again to
another target is another attachment.

API (for every face and for the other parts of habeas)::

    from habeas.evidence.attachments import attach, list_attachments, open_attachment

    added = attach(store, reader, path, "person", 12, description="Cédula (photo)",
                   sensitivity="restricted", source_id=None)
    shown = list_attachments(store, reader, "person", 12)   # AttachmentList
    item, data = open_attachment(store, reader, added.id)    # logged "view"

* ``reader`` is a :class:`habeas.access.reader.Reader`: writing needs the ``edit``
  permission and a level the reader may itself see; reading keeps what the reader may
  view (:meth:`Reader.may`) and counts the rest as withheld.
* ``target_kind`` is one of :data:`TARGET_KINDS`. Targets whose table exists are checked
  (:func:`register_target` adds a check: the legal-action and inquiry tables do it when
  they are built); the others are accepted as named.
* The attachment's level is the one chosen, raised to the target's own level (a record,
  an incident) and to the file's level if the store already held it at a higher one.
"""

from __future__ import annotations

import importlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.encryption import must_seal
from habeas.errors import FieldError, NotFound, UsageError
from habeas.evidence.custody import read_file
from habeas.store.db import Store
from habeas.store.filestore import sha256_file
from habeas.store.schema import CustodyEvent, Incident, Person, Record, Source, StoredFile
from habeas.store.schema_attachment import Attachment

ENTITY = "attachment"
#: What a file may be attached to.
TARGET_KINDS: tuple[str, ...] = (
    "person",
    "record",
    "custody_event",
    "incident",
    "legal_action",
    "inquiry",
)
#: A target check: (session, target id) -> the target's own sensitivity level ("" when the
#: target has none), or ``None`` when there is no such target.
TargetCheck = Callable[[Session, int], str | None]


def _row_level(model: Any) -> TargetCheck:
    def check(session: Session, ident: int) -> str | None:
        row = session.get(model, ident)
        if row is None:
            return None
        return str(getattr(row, "sensitivity", "") or "")

    return check


def _event_level(session: Session, ident: int) -> str | None:
    row = session.get(CustodyEvent, ident)
    if row is None:
        return None
    record = session.get(Record, row.record_id)
    return record.sensitivity if record is not None else ""


#: target kind -> its check (kinds without one are accepted as named).
TARGET_CHECKS: dict[str, TargetCheck] = {
    "person": _row_level(Person),
    "record": _row_level(Record),
    "custody_event": _event_level,
    "incident": _row_level(Incident),
}


#: target kind -> the permission attaching a file to it needs (default ``edit``).
TARGET_PERMISSIONS: dict[str, str] = {}


def register_target(kind: str, check: TargetCheck, *, permission: str = "edit") -> None:
    """Check targets of ``kind`` (one of :data:`TARGET_KINDS`) with ``check`` from now on;
    attaching to them needs ``permission`` (a legal action's documents: ``legal_actions``)."""
    if kind not in TARGET_KINDS:
        raise ValueError(f"unknown attachment target kind {kind!r}")
    TARGET_CHECKS[kind] = check
    TARGET_PERMISSIONS[kind] = permission


#: target kinds whose tables live in other modules: the module registers their check (and
#: permission) when imported, so it is imported before a target of that kind is used.
_REGISTERED_BY = {
    "legal_action": "habeas.document.legal_action_model",
    "inquiry": "habeas.inquiry.model",
}


def _ensure_registered(kind: str) -> None:
    module = _REGISTERED_BY.get(kind)
    if module is not None and kind not in TARGET_CHECKS:
        importlib.import_module(module)


def attach_permission(kind: str) -> str:
    """The permission attaching a file to a target of ``kind`` needs."""
    _ensure_registered(kind)
    return TARGET_PERMISSIONS.get(kind, "edit")


class AttachmentError(FieldError):
    """An attachment that cannot be made; ``field`` names the input at fault."""


@dataclass(frozen=True)
class AttachmentItem:
    """One attachment as a reader may see it."""

    id: int
    target_kind: str
    target_id: str
    sha256: str
    filename: str
    media_type: str
    size: int
    description: str | None
    source_id: int | None
    sensitivity: str
    sealed: bool
    added_by: str
    added_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "sha256": self.sha256,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": self.size,
            "description": self.description,
            "source_id": self.source_id,
            "sensitivity": self.sensitivity,
            "sealed": self.sealed,
            "added_by": self.added_by,
            "added_at": self.added_at.isoformat(),
        }


@dataclass
class AttachmentList:
    """The attachments of one target the reader may see, and what was withheld."""

    items: list[AttachmentItem]
    withheld: Withheld = field(default_factory=Withheld)

    def to_dict(self) -> dict[str, Any]:
        return {
            "attachments": [i.to_dict() for i in self.items],
            "withheld": self.withheld.to_dict(),
        }


def check_target(session: Session, target_kind: str, target_id: int | str) -> tuple[str, str]:
    """``(target id as text, the target's level or "")``; :class:`AttachmentError` if the
    kind is unknown or a checked target does not exist."""
    if target_kind not in TARGET_KINDS:
        raise AttachmentError(
            "{kind!r} is not something a file can be attached to (choose one of {kinds}).",
            "target_kind",
            kind=target_kind,
            kinds=", ".join(TARGET_KINDS),
        )
    text = str(target_id).strip()
    if not text.isdigit():
        raise AttachmentError("{value!r} is not an id (a whole number).", "target_id", value=text)
    _ensure_registered(target_kind)
    check = TARGET_CHECKS.get(target_kind)
    if check is None:
        return text, ""
    level = check(session, int(text))
    if level is None:
        raise AttachmentError(
            "There is no {kind} {id}.", "target_id", kind=target_kind.replace("_", " "), id=text
        )
    return text, level


def _item(row: Attachment, stored: StoredFile) -> AttachmentItem:
    return AttachmentItem(
        id=int(row.id),
        target_kind=row.target_kind,
        target_id=row.target_id,
        sha256=row.sha256,
        filename=row.filename,
        media_type=stored.media_type,
        size=int(stored.size),
        description=row.description,
        source_id=row.source_id,
        sensitivity=row.sensitivity,
        sealed=stored.sealed_sha256 is not None,
        added_by=row.added_by,
        added_at=row.added_at if row.added_at.tzinfo else row.added_at.replace(tzinfo=UTC),
    )


def attach(
    store: Store,
    reader: Reader,
    path: Path,
    target_kind: str,
    target_id: int | str,
    *,
    description: str | None = None,
    sensitivity: str = policy.RESTRICTED,
    source_id: int | None = None,
    filename: str | None = None,
    media_type: str | None = None,
) -> AttachmentItem:
    """Store ``path`` and attach it to ``target_kind`` ``target_id`` (one logged operation).

    ``filename``: the name to keep (an upload's own name; default: ``path``'s name).
    """
    policy.require(reader.role, attach_permission(target_kind))
    level = policy.check_level(sensitivity)
    if not path.is_file():
        raise AttachmentError("{file} is not a file.", "file", file=str(path))
    if store.files is None:
        raise UsageError("This store has no file store.")
    name = (filename or path.name).strip() or path.name
    sha256 = sha256_file(path)
    with store.read() as session:
        _text, target_level = check_target(session, target_kind, target_id)
        known = session.get(StoredFile, sha256)
        if source_id is not None and session.get(Source, source_id) is None:
            raise AttachmentError("There is no source {id}.", "source_id", id=source_id)
    level = policy.highest(level, *(lv for lv in (target_level,) if lv))
    if known is not None:
        level = policy.highest(level, known.sensitivity)
    if not policy.may(reader.role, level, "view"):
        raise AttachmentError(
            "You may not attach a file at the level {level}: you could not see it yourself.",
            "sensitivity",
            level=level,
        )
    store.files.put(path, sha256, encrypt=must_seal(level))
    sealed_sha256 = store.files.sealed_sha256(sha256)
    kind = media_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    size = path.stat().st_size
    now = datetime.now(UTC)
    with store.write(reader.user) as op:
        s = op.session
        target_text, _level = check_target(s, target_kind, target_id)
        stored = s.get(StoredFile, sha256)
        new_file = stored is None
        if stored is None:
            stored = StoredFile(
                sha256=sha256,
                size=size,
                media_type=kind,
                original_filename=name,
                added_by=op.actor,
                added_at=now,
                sensitivity=level,
                sealed_sha256=sealed_sha256,
            )
            s.add(stored)
        else:
            if policy.rank(level) > policy.rank(stored.sensitivity):
                stored.sensitivity = level
            stored.sealed_sha256 = sealed_sha256 or stored.sealed_sha256
        row = Attachment(
            target_kind=target_kind,
            target_id=target_text,
            sha256=sha256,
            filename=name,
            description=(description or "").strip() or None,
            source_id=source_id,
            sensitivity=level,
            added_by=op.actor,
            added_at=now,
        )
        s.add(row)
        s.flush()
        detail: dict[str, Any] = {
            "file_sha256": sha256,
            "file": name,
            "size": size,
            "media_type": stored.media_type,
            "target_kind": target_kind,
            "target_id": target_text,
            "sensitivity": level,
            "new_file": new_file,
        }
        if sealed_sha256:
            detail["sealed_sha256"] = sealed_sha256
        if source_id is not None:
            detail["source_id"] = source_id
        op.log("attach", ENTITY, row.id, detail)
        return _item(row, stored)


def list_attachments(
    store: Store, reader: Reader, target_kind: str, target_id: int | str
) -> AttachmentList:
    """The attachments of one target that ``reader`` may view, oldest first; the others
    are counted in ``withheld`` (kind ``files``)."""
    policy.require(reader.role, "read_identities")
    with store.read() as session:
        target_text, _level = check_target(session, target_kind, target_id)
        rows = session.execute(
            select(Attachment, StoredFile)
            .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
            .where(Attachment.target_kind == target_kind, Attachment.target_id == target_text)
            .order_by(Attachment.id)
        ).all()
    result = AttachmentList([])
    for row, stored in rows:
        reason = reader.why_not(row.sensitivity)
        if reason is None:
            result.items.append(_item(row, stored))
        else:
            result.withheld.add("files", row.sensitivity, reason)
    return result


# the attachments of some targets of one kind (built once: a person page asks for three
# kinds on every view)
_OF_TARGETS = (
    select(Attachment, StoredFile)
    .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
    .where(
        Attachment.target_kind == bindparam("kind"),
        Attachment.target_id.in_(bindparam("ids", expanding=True)),
    )
)


def attachments_of(
    store: Store, reader: Reader, targets: list[tuple[str, int | str]]
) -> AttachmentList:
    """The attachments of several targets at once (a person page: the person, its records,
    their events), reader-scoped like :func:`list_attachments`."""
    policy.require(reader.role, "read_identities")
    result = AttachmentList([])
    wanted: dict[str, set[str]] = {}
    for kind, ident in targets:
        wanted.setdefault(kind, set()).add(str(ident))
    with store.read() as session:
        for kind, ids in wanted.items():
            listed = sorted(ids)
            for start in range(0, len(listed), 900):
                rows = session.execute(
                    _OF_TARGETS, {"kind": kind, "ids": listed[start : start + 900]}
                ).all()
                for row, stored in rows:
                    reason = reader.why_not(row.sensitivity)
                    if reason is None:
                        result.items.append(_item(row, stored))
                    else:
                        result.withheld.add("files", row.sensitivity, reason)
    result.items.sort(key=lambda i: i.id)
    return result


def get_attachment(store: Store, reader: Reader, attachment_id: int) -> AttachmentItem:
    """One attachment, if ``reader`` may view it (:class:`NotFound` otherwise: a reader is
    not told that an attachment above their level exists)."""
    policy.require(reader.role, "read_identities")
    with store.read() as session:
        found = session.execute(
            select(Attachment, StoredFile)
            .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
            .where(Attachment.id == attachment_id)
        ).first()
    if found is None or reader.why_not(found[0].sensitivity) == "level":
        raise NotFound(f"No attachment {attachment_id}.")
    if reader.why_not(found[0].sensitivity) == "purpose":
        raise policy.PermissionDenied(
            "read_identities",
            reader.role,
            "This attachment is restricted: state the purpose of this consultation first.",
        )
    return _item(found[0], found[1])


def open_attachment(
    store: Store, reader: Reader, attachment_id: int
) -> tuple[AttachmentItem, bytes]:
    """The attachment and its content, checked against its hash; the read is logged as a
    ``view`` in the file's chain of custody (with the reader's purpose)."""
    item = get_attachment(store, reader, attachment_id)
    data = read_file(store, item.sha256, actor=reader.user, purpose=reader.purpose)
    return item, data

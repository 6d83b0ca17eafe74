"""Files attached to a person, a record, a custody event, an incident (and, through the
registry in :mod:`habeas.evidence.attachments`, to legal actions and inquiries).

An attachment is a photo of a document, a court paper, a recording: a stored file
(content-addressed, :class:`habeas.store.schema.StoredFile`, with its chain of custody
in the change log) tied to what it documents. Rows are written once and never edited;
``sensitivity`` is the attachment's own level (never below the file's level when it
was attached, nor below the level of the record or incident it is attached to).
``target_id`` is text so that any kind of target can be named (ids are numbers today).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class Attachment(Base):
    """One stored file attached to one target (``target_kind`` + ``target_id``)."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(512))
    description: Mapped[str | None] = mapped_column(Text)
    # The source the file came with (a conversation, a court filing), if any.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    sensitivity: Mapped[str] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

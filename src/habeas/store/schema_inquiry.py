"""Tables for relatives' inquiries (ICPPED art. 18; see :mod:`habeas.inquiry`).

* :class:`Inquiry` — one request for information about a person: who created it,
  when, and the sensitivity of its content (the description of the person sought)
  and of the asker's identity (``witness_protected`` by default, art. 18(2)).
* :class:`InquiryEvent` — everything that happens to an inquiry, one row each,
  never edited: its description (``created``, ``described``), status changes,
  matches against the register, the person confirmed, letters produced. The
  inquiry's current state is read from its events; each event is also one
  change-log entry. ``asker`` holds the asker's name, relationship and contact as
  sealed JSON (:func:`habeas.crypto.fields.seal_json`, context ``inquiry.asker``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class Inquiry(Base):
    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(128))
    sensitivity: Mapped[str] = mapped_column(String(24), default="restricted")
    asker_sensitivity: Mapped[str] = mapped_column(String(24), default="witness_protected")


class InquiryEvent(Base):
    __tablename__ = "inquiry_event"
    __table_args__ = (Index("ix_inquiry_event_inquiry", "inquiry_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(Id, ForeignKey("inquiry.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str | None] = mapped_column(String(24))  # the status this event sets
    detail: Mapped[str] = mapped_column(Text)  # JSON
    asker: Mapped[str | None] = mapped_column(Text)  # sealed JSON, only when it is (re)stated

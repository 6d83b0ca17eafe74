"""Legal actions: what the register's users file on a person's behalf (issue #15.3).

A :class:`LegalAction` is not a fact read from a source (that is
:class:`habeas.store.schema.LegalFact`: "the court filing list says a habeas
petition was filed"); it is an action the register's own users take — a habeas
petition, an asylum claim, a communication to a UN body — with a life of its own.
The row holds the action *as first entered* and is never updated; every later
change of status, of the next date, or of a field (a case number assigned after
filing, a corrected court) is a :class:`LegalActionChange` row, so the action's
whole history can be read back and each change has its change-log entry.

``person_id`` is the person id the action was entered for; the person it concerns
now is found through :func:`habeas.store.person_ids.resolve` (a merged id leads to
the survivor), or a later change's ``fields["person_id"]`` (reassigned by hand,
e.g. after a split).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class LegalAction(Base):
    """One legal action as first entered (kind, court or body, parties, level)."""

    __tablename__ = "legal_action"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))  # vocabulary legal_action_kind
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    court: Mapped[str] = mapped_column(String(255))  # court or body
    case_number: Mapped[str | None] = mapped_column(String(255))
    filed_on: Mapped[date | None] = mapped_column(Date)
    petitioner: Mapped[str | None] = mapped_column(Text)
    respondent: Mapped[str | None] = mapped_column(Text)
    counsel: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sensitivity: Mapped[str] = mapped_column(
        String(32), default="internal", server_default="internal"
    )


class LegalActionChange(Base):
    """One change of a legal action: status, next date, fields; appended, never edited.

    The first change of every action is its creation (its status and next date).
    ``status`` / ``next_date`` ``NULL``: unchanged (``clears_next``: the next date
    was cleared); ``fields``: other values changed (case_number, filed_on, court,
    petitioner, respondent, counsel, person_id), new value by name.
    """

    __tablename__ = "legal_action_change"
    __table_args__ = (Index("ix_legal_action_change_action", "action_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("legal_action.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    status: Mapped[str | None] = mapped_column(String(32))
    next_date: Mapped[date | None] = mapped_column(Date)
    next_due: Mapped[str | None] = mapped_column(Text)
    clears_next: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)

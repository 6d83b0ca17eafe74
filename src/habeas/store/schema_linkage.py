"""Tables for record linkage: model runs, scored pairs (the review queue), human decisions.

Human decisions are never overridden by the model: a ``different`` decision is
a cannot-link and a ``same`` decision a must-link in every later run. A later
decision on the same pair supersedes an earlier one (both are kept).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from habeas.store.schema import Base, Id


class LinkageRun(Base):
    """One run of the linkage model (training and/or prediction)."""

    __tablename__ = "linkage_run"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))  # full, incremental, retrain
    model: Mapped[str | None] = mapped_column(Text)  # the trained model (JSON), when saved
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ScoredPair(Base):
    """A candidate pair of records with the model's evidence; the uncertain ones form the queue."""

    __tablename__ = "scored_pair"
    __table_args__ = (
        Index("ix_scored_pair_records", "record_a", "record_b"),
        Index("ix_scored_pair_queue", "status", "priority"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_run.id"), index=True)
    record_a: Mapped[int] = mapped_column(ForeignKey("record.id"))
    record_b: Mapped[int] = mapped_column(ForeignKey("record.id"))
    match_weight: Mapped[float] = mapped_column(Float)
    match_probability: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per-field match weights
    status: Mapped[str] = mapped_column(String(16))  # linked, queued, rejected, decided
    reason: Mapped[str | None] = mapped_column(Text)  # why queued (ambiguous, conflict, band)
    priority: Mapped[float] = mapped_column(Float, default=0.0)


class ReviewDecision(Base):
    """A person's decision on a pair of records: same, different or unsure."""

    __tablename__ = "review_decision"
    __table_args__ = (Index("ix_review_decision_pair", "record_a", "record_b"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_a: Mapped[int] = mapped_column(ForeignKey("record.id"))  # record_a < record_b
    record_b: Mapped[int] = mapped_column(ForeignKey("record.id"))
    decision: Mapped[str] = mapped_column(String(16))
    reviewer: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("scored_pair.id"))
    position: Mapped[int | None] = mapped_column(Integer)  # queue position when decided


class PersonChange(Base):
    """Records of one person moved to another: how person ids stay citable.

    ``kind`` ``merged``: ``person_id`` kept none of its records (its id is retired)
    and ``records`` of them now belong to ``into_id``; ``split``: ``person_id`` kept
    its id and ``records`` of its records left for ``into_id``. Written by
    :func:`habeas.linkage.apply.reassign`; read by :mod:`habeas.store.person_ids`.
    """

    __tablename__ = "person_change"
    __table_args__ = (
        Index("ix_person_change_person", "person_id", "at"),
        Index("ix_person_change_into", "into_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16))  # merged, split
    into_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    records: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))

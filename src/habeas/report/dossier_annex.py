"""The parts of a dossier that make it fileable: who prepared it and why, how the person's
records were linked, and the chain of custody of every cited file.

* :class:`Filing` — preparer, organisation, place, date, the stated purpose and the
  case number, printed on the first page and in the signature block.
* :func:`linkage_methods` — the methods appendix, built from this person's actual
  links: each record's current link (by the model with its probability, by a
  person's decision, or the only record), each scored pair between the records
  with its probability in words and numbers, and each human decision with who
  took it (user name and role) and when, and the linkage runs involved.
* :func:`files_custody` — for each stored file a source in the dossier cites, its
  chain of custody (:func:`habeas.evidence.custody.file_custody`): who added,
  viewed, sealed, exported, verified or backed it up, and when. Only the event,
  the time and the actor are shown (never a detail that may hold a local path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from habeas.access.reader import check_purpose
from habeas.errors import UsageError
from habeas.evidence.custody import CustodyEntry, file_custody
from habeas.messages import N_
from habeas.store.db import Store
from habeas.store.schema import Link, Record, Source
from habeas.store.schema_access import AppUser
from habeas.store.schema_linkage import LinkageRun, ReviewDecision, ScoredPair

#: The purposes a dossier may be prepared for (the codes of habeas.access.reader.PURPOSES).
PURPOSE_TEXT = {
    "relative_request": N_("request from a relative"),
    "lawyer_request": N_("request from a lawyer or representative"),
    "court_filing": N_("preparing a court filing or habeas petition"),
    "un_communication": N_("communication to a UN body or the IACHR"),
    "documentation": N_("documentation of the case (verification, linkage, corrections)"),
    "audit": N_("audit of the register itself"),
}

#: How a record came to belong to the person (``link.method``), in words.
LINK_METHOD_TEXT = {
    "model": N_("joined by the linkage model"),
    "human": N_("joined by a person's decision"),
    "import": N_("the only record of this person when it was imported"),
    "single": N_("the only record of this person"),
    "deterministic": N_("joined by the same document number"),
}

#: A reviewer's role (habeas.access.policy.ROLES), as the methods appendix names it.
ROLE_TEXT = {
    "admin": N_("administrator role"),
    "documenter": N_("documenter role"),
    "legal": N_("legal role"),
    "analyst": N_("analyst role"),
    "viewer": N_("viewer role"),
}

DECISION_TEXT = {
    "same": N_("the same person"),
    "different": N_("different persons"),
    "unsure": N_("unsure"),
}

RUN_KIND_TEXT = {
    "full": N_("full run"),
    "incremental": N_("incremental run (new records only)"),
    "retrain": N_("run with a retrained model"),
}

#: Custody events (habeas.evidence.custody) in words.
CUSTODY_TEXT = {
    "added": N_("added to the register's file store"),
    "viewed": N_("opened"),
    "sealed": N_("encrypted at rest"),
    "exported": N_("copied out of the register"),
    "verified": N_("hash checked"),
    "backed_up": N_("included in a backup"),
}


def probability_words(p: float | None) -> str:
    """The model's probability that two records are one person, in words (untranslated)."""
    if p is None:
        return N_("no probability (not scored by the model)")
    if p >= 0.99:
        return N_("almost certain")
    if p >= 0.9:
        return N_("very likely")
    if p >= 0.5:
        return N_("more likely than not")
    if p >= 0.2:
        return N_("possible")
    return N_("unlikely")


@dataclass(frozen=True)
class Filing:
    """Who prepares the dossier, where, when and why (the signature block's content)."""

    preparer: str
    organisation: str = ""
    place: str = ""
    purpose: str = "court_filing"  # a code of PURPOSE_TEXT
    case_number: str = ""
    signed_on: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        problems = []
        if not self.preparer.strip():
            problems.append("the preparer's name is required")
        if self.purpose not in PURPOSE_TEXT:
            problems.append(f"unknown purpose {self.purpose!r} (one of {', '.join(PURPOSE_TEXT)})")
        for name in ("preparer", "organisation", "place", "case_number"):
            if len(getattr(self, name)) > 200:
                problems.append(f"{name} is longer than 200 characters")
        if problems:
            raise UsageError("Dossier details: " + "; ".join(problems) + ".")

    @property
    def reader_purpose(self) -> str:
        """The purpose as the read log records it (``court_filing: case 25-123``)."""
        note = f"case {self.case_number}" if self.case_number else ""
        return check_purpose(f"{self.purpose}: {note}" if note else self.purpose) or self.purpose


@dataclass
class LinkedRecord:
    record_id: int
    source: str
    record_key: str
    method: str
    probability: float | None
    decided_by: str
    decided_at: datetime | None


@dataclass
class PairDecision:
    decision: str
    reviewer: str
    role: str | None
    decided_at: datetime | None
    note: str | None


@dataclass
class ScoredLink:
    a: str  # "source, record"
    b: str
    probability: float | None
    status: str | None
    decision: PairDecision | None = None


@dataclass
class RunInfo:
    id: int
    kind: str
    started_at: datetime | None
    threshold: float | None
    review_band: tuple[float, float] | None


@dataclass
class Methods:
    records: list[LinkedRecord]
    pairs: list[ScoredLink]
    runs: list[RunInfo]

    @property
    def human_decisions(self) -> int:
        return sum(1 for p in self.pairs if p.decision is not None)


def linkage_methods(store: Store, person_id: int, record_ids: list[int]) -> Methods:
    """How the records ``record_ids`` (the ones the dossier shows) came to be this person."""
    ids = sorted(set(record_ids))
    with store.read() as s:
        rows = s.execute(
            select(Link, Record.record_key, Source.title)
            .join(Record, Record.id == Link.record_id)
            .join(Source, Source.id == Record.source_id)
            .where(
                Link.person_id == person_id,
                Link.superseded_at.is_(None),
                Link.record_id.in_(ids),
            )
            .order_by(Source.title, Record.record_key)
        ).all()
        names = {link.record_id: f"{title}, {key}" for link, key, title in rows}
        records = [
            LinkedRecord(
                link.record_id,
                title,
                key,
                link.method,
                link.score,
                link.decided_by,
                link.decided_at,
            )
            for link, key, title in rows
        ]
        pairs = [
            p
            for p in s.execute(
                select(ScoredPair)
                .where(ScoredPair.record_a.in_(ids), ScoredPair.record_b.in_(ids))
                .order_by(ScoredPair.match_probability.desc(), ScoredPair.id)
            ).scalars()
            if p.status in ("linked", "decided")
        ]
        decisions = {
            (d.record_a, d.record_b): d
            for d in s.execute(
                select(ReviewDecision)
                .where(
                    ReviewDecision.record_a.in_(ids),
                    ReviewDecision.record_b.in_(ids),
                    ReviewDecision.superseded_at.is_(None),
                    ReviewDecision.decision != "undone",
                )
                .order_by(ReviewDecision.id)
            ).scalars()
        }
        roles = dict(
            s.execute(
                select(AppUser.name, AppUser.role).where(
                    AppUser.name.in_({d.reviewer for d in decisions.values()})
                )
            ).all()
        )
        run_ids = {p.run_id for p in pairs}
        runs = [
            RunInfo(
                r.id,
                r.kind,
                r.started_at,
                (r.parameters or {}).get("threshold"),
                tuple((r.parameters or {}).get("review_band") or ()) or None,
            )
            for r in s.execute(
                select(LinkageRun).where(LinkageRun.id.in_(run_ids)).order_by(LinkageRun.id)
            ).scalars()
        ]

    def decision_of(a: int, b: int) -> PairDecision | None:
        d = decisions.pop((a, b), None)
        if d is None:
            return None
        return PairDecision(d.decision, d.reviewer, roles.get(d.reviewer), d.decided_at, d.note)

    scored = [
        ScoredLink(
            names.get(p.record_a, str(p.record_a)),
            names.get(p.record_b, str(p.record_b)),
            p.match_probability,
            p.status,
            decision_of(p.record_a, p.record_b),
        )
        for p in pairs
    ]
    for (a, b), _d in list(decisions.items()):  # decided pairs the model never scored
        scored.append(
            ScoredLink(names.get(a, str(a)), names.get(b, str(b)), None, None, decision_of(a, b))
        )
    return Methods(records, scored, runs)


@dataclass
class CustodyStep:
    at: datetime | None
    actor: str
    event: str  # a key of CUSTODY_TEXT
    seq: int


@dataclass
class FileCustody:
    filename: str
    sha256: str
    source: str
    steps: list[CustodyStep]


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _steps(entries: list[CustodyEntry]) -> list[CustodyStep]:
    return [CustodyStep(_when(e.at), e.actor, e.event, e.seq) for e in entries]


def files_custody(store: Store, sources: list[dict[str, Any]]) -> list[FileCustody]:
    """The chain of custody of every file of ``sources`` (the dossier's source list)."""
    out = []
    for src in sources:
        for f in src.get("files", []):
            out.append(
                FileCustody(
                    f["filename"],
                    f["sha256"],
                    src["title"],
                    _steps(file_custody(store, f["sha256"])),
                )
            )
    return out

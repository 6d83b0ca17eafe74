"""The review queue as CSV, to decide in a spreadsheet, and back.

:func:`export_decisions` writes the queued pairs (and, by default, decided ones)
the reader may export — both records at a level the reader's role may export,
with a purpose for restricted ones; the export is read-audited and the pairs
kept back are counted. :func:`import_decisions` validates every row first
(including that the reader may see both records of each pair) and applies all
rows or none.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from habeas.access import policy
from habeas.access.reader import Reader, Withheld, require_reader_for
from habeas.errors import UsageError
from habeas.filemodes import private_output
from habeas.linkage.review import (
    DECISION_WORDS,
    UNDONE,
    describe_records,
    find_pair,
    read_detail,
    record_decision,
)
from habeas.linkage.review_access import PairWithheld, check_records, pair_level
from habeas.linkage.review_recut import apply_decision
from habeas.report.spreadsheet import csv_row, csv_text
from habeas.store.db import Store
from habeas.store.schema import Record
from habeas.store.schema_linkage import ReviewDecision, ScoredPair

CSV_COLUMNS = [
    "pair_id",
    "record_a",
    "record_b",
    "source_a",
    "record_id_a",
    "source_b",
    "record_id_b",
    "name_a",
    "name_b",
    "dob_a",
    "dob_b",
    "match_probability",
    "reason",
    "decision",
    "reviewer",
    "note",
]


@dataclass
class ExportResult:
    """Rows written, and the pairs kept out of the file (the reader may not export them)."""

    rows: int
    withheld: Withheld = field(default_factory=Withheld)


def export_decisions(
    store: Store, path: Path, *, reader: Reader, include_decided: bool = True
) -> ExportResult:
    """Write the queue (and, by default, decided pairs) the reader may export as CSV."""
    from habeas.audit.reads import log_read

    require_reader_for(reader, "export")
    withheld = Withheld()
    shown: Counter[str] = Counter()
    with store.read() as s:
        statuses = ("queued", "decided") if include_decided else ("queued",)
        ra, rb = aliased(Record), aliased(Record)
        rows = s.execute(
            select(ScoredPair, ra.sensitivity, rb.sensitivity)
            .join(ra, ra.id == ScoredPair.record_a)
            .join(rb, rb.id == ScoredPair.record_b)
            .where(ScoredPair.status.in_(statuses))
            .order_by((ScoredPair.status == "decided"), ScoredPair.priority.desc(), ScoredPair.id)
        ).all()
        pairs = []
        seen_pairs: set[tuple[int, int]] = set()
        for p, la, lb in rows:
            if (p.record_a, p.record_b) in seen_pairs:
                continue
            seen_pairs.add((p.record_a, p.record_b))
            reason = reader.why_not(pair_level(la, lb), "export")
            if reason is not None:
                withheld.add("pairs", pair_level(la, lb), reason)
                continue
            pairs.append(p)
            shown[la] += 1
            shown[lb] += 1
        decisions = {
            (d.record_a, d.record_b): d
            for d in s.execute(
                select(ReviewDecision).where(
                    ReviewDecision.superseded_at.is_(None), ReviewDecision.decision != UNDONE
                )
            ).scalars()
        }
        info = describe_records(s, sorted({r for p in pairs for r in (p.record_a, p.record_b)}))
        with private_output(Path(path)).open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            w.writeheader()
            for p in pairs:
                a, b = info.get(p.record_a, {}), info.get(p.record_b, {})
                d = decisions.get((p.record_a, p.record_b))
                w.writerow(
                    csv_row(
                        {
                            "pair_id": p.id,
                            "record_a": p.record_a,
                            "record_b": p.record_b,
                            "source_a": a.get("source"),
                            "record_id_a": a.get("record_id"),
                            "source_b": b.get("source"),
                            "record_id_b": b.get("record_id"),
                            "name_a": a.get("name"),
                            "name_b": b.get("name"),
                            "dob_a": a.get("dob"),
                            "dob_b": b.get("dob"),
                            "match_probability": f"{p.match_probability:.4f}",
                            "reason": p.reason or "",
                            "decision": d.decision if d else "",
                            "reviewer": d.reviewer if d else "",
                            "note": (d.note or "") if d else "",
                        }
                    )
                )
    log_read(
        store,
        reader,
        "export",
        "review_pairs",
        action="export",
        shown=shown,
        withheld=withheld,
        detail={"rows": len(pairs), "file": Path(path).name},
    )
    return ExportResult(len(pairs), withheld)


def import_decisions(
    store: Store, path: Path, *, reader: Reader, reviewer: str | None = None
) -> int:
    """Apply the decisions filled in a CSV written by :func:`export_decisions`.

    Rows with an empty ``decision`` are skipped; rows whose decision equals
    the current one are skipped too. Every row is validated before anything
    is written (a :class:`UsageError` lists every problem as
    ``file:row: column: message``), including that the reader may see both
    records; then all decisions are applied in one operation.
    """
    policy.require(reader.role, "review")
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows_in = csv.DictReader(fh)
            header = rows_in.fieldnames or []
            rows = list(rows_in)
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror}") from exc
    missing = [c for c in ("record_a", "record_b", "decision") if c not in header]
    if missing:
        raise UsageError(f"{path}: missing column(s): {', '.join(missing)}")
    errors: list[str] = []
    todo: list[tuple[int, int, str, str, str | None, tuple[str, str]]] = []
    with store.read() as s:
        current = {
            (d.record_a, d.record_b): d.decision
            for d in s.execute(
                select(ReviewDecision).where(ReviewDecision.superseded_at.is_(None))
            ).scalars()
        }
        for n, row in enumerate(rows, start=2):
            word = (row.get("decision") or "").strip().lower()
            if not word:
                continue
            ids = []
            for col in ("record_a", "record_b"):
                try:
                    ids.append(int(row.get(col) or ""))
                except ValueError:
                    errors.append(f"{path.name}:{n}: {col}: not a record id: {row.get(col)!r}")
            decision = DECISION_WORDS.get(word, "")
            if not decision:
                errors.append(
                    f"{path.name}:{n}: decision: {word!r} is not one of {', '.join(DECISION_WORDS)}"
                )
            if len(ids) != 2:
                continue
            a, b = sorted(ids)
            if a == b:
                errors.append(f"{path.name}:{n}: record_b: same record as record_a")
                continue
            missing_record = False
            for col, rid in (("record_a", a), ("record_b", b)):
                if s.get(Record, rid) is None:
                    errors.append(f"{path.name}:{n}: {col}: no record {rid}")
                    missing_record = True
            if missing_record:
                continue
            try:
                levels = check_records(s, reader, a, b)
            except PairWithheld as exc:
                errors.append(
                    f"{path.name}:{n}: records {a} and {b}: not visible to you "
                    f"(sensitivity {exc.level})"
                )
                continue
            if decision and current.get((a, b)) != decision:
                who = csv_text(row.get("reviewer")).strip() or reviewer or reader.user
                todo.append(
                    (a, b, decision, who, csv_text(row.get("note")).strip() or None, levels)
                )
    if errors:
        raise UsageError("Nothing imported; fix these rows:\n" + "\n".join(errors))
    if not todo:
        return 0
    actor = reviewer or reader.user
    with store.write(actor) as op:
        applied = []
        for a, b, decision, who, note, levels in todo:
            _, _, p = find_pair(op.session, (a, b))
            record_decision(op.session, a, b, p, decision, who, note)
            op.session.flush()
            detail = apply_decision(store, op.session, a, b, decision, who)
            applied.append(
                {
                    "record_a": a,
                    "record_b": b,
                    "decision": decision,
                    "reviewer": who,
                    **detail,
                    **read_detail(reader, levels),
                }
            )
        op.log("review_import", "review_decision", None, {"file": path.name, "decisions": applied})
    return len(todo)

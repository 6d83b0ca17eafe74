"""What the person page adds about entries: files attached to the person, its records and
their custody events (reader-scoped), which records correct which, and where to add more."""

from __future__ import annotations

from typing import Any

from habeas.evidence.attachments import attachments_of
from habeas.read.entries import Correction, corrections_among
from habeas.web.context import Context
from habeas.web.labels import ENTITIES, label
from habeas.web.pages.intake import LEVEL_LABELS


def person_entries(ctx: Context, person_id: int, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("all_withheld"):
        return {}
    record_ids = [int(r["id"]) for r in data.get("records", [])]
    timeline = data.get("timeline", {})
    event_ids = [int(e["id"]) for g in timeline.get("groups", []) for e in g.get("events", [])] + [
        int(e["id"]) for e in timeline.get("undated", [])
    ]
    targets: list[tuple[str, int | str]] = [("person", person_id)]
    targets += [("record", r) for r in record_ids] + [("custody_event", e) for e in event_ids]
    found = attachments_of(ctx.store, ctx.reader, targets)
    names = {int(r["id"]): r.get("full_name") or r.get("record_key") for r in data["records"]}
    corrections = corrections_among(ctx.store, ctx.reader, record_ids)
    mark_corrected(data, corrections)
    return {
        "attachments": [
            {
                **i.to_dict(),
                "url": ctx.url("attachment_file", attachment_id=i.id),
                "level_label": ctx._(LEVEL_LABELS.get(i.sensitivity, i.sensitivity)),
                "target_label": label(ENTITIES, i.target_kind, ctx._),
                "added_local": ctx.format_date(i.added_at),
            }
            for i in found.items
        ],
        "attachments_withheld": found.withheld.total,
        "corrections": [
            {
                "record_id": c.record_id,
                "corrects_record_id": c.corrects_record_id,
                "source": c.source_title,
                "name": names.get(c.record_id),
                "url": ctx.url("intake_result", record_id=c.record_id),
            }
            for c in corrections
        ],
        "add_url": ctx.url("person_add", person_id=person_id) if ctx.allowed("edit") else None,
        "correct_urls": {str(r): ctx.url("record_correct", record_id=r) for r in record_ids}
        if ctx.allowed("edit")
        else {},
    }


def mark_corrected(data: dict[str, Any], corrections: list[Correction]) -> None:
    """Mark what later records correct: each record (``corrected_by``: the correcting
    records' ids), each statement of an identity value, and each value that only corrected
    records state (``superseded_by``), which the page shows struck through. Nothing is
    hidden: a corrected value stays on the page, marked as such."""
    corrected_by: dict[int, list[int]] = {}
    for c in corrections:
        corrected_by.setdefault(c.corrects_record_id, []).append(c.record_id)
    for record in data.get("records", []):
        record["corrected_by"] = sorted(corrected_by.get(int(record["id"]), []))
    for field in data.get("identity", []):
        for variant in field.get("variants", []):
            statements = variant.get("stated_by", [])
            for statement in statements:
                statement["corrected_by"] = sorted(
                    corrected_by.get(int(statement["record_id"]), [])
                )
            if statements and all(st["corrected_by"] for st in statements):
                variant["superseded_by"] = sorted(
                    {n for st in statements for n in st["corrected_by"]}
                )
            else:
                variant["superseded_by"] = []

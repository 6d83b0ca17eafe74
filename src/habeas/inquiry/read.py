"""Reading inquiries: the state folded from their events, and each reader's view of it.

:func:`get_inquiry` and :func:`list_inquiries` show what a reader may see
(:class:`InquiryView`): the asker only at a level the reader is cleared for (else
``asker_withheld`` says why), the description only with a stated purpose, candidates and
past matches only with the records the reader may view now. Reads are audited
(:func:`habeas.audit.reads.log_read`, entity ``inquiry``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from habeas.access import policy
from habeas.access.reader import Reader, Withheld
from habeas.errors import NotFound
from habeas.inquiry.model import ASKER_CONTEXT, Asker, Sought, check_status
from habeas.store.db import Store
from habeas.store.schema_inquiry import Inquiry, InquiryEvent


@dataclass
class Event:
    """One row of an inquiry's history (what happened, when, by whom; no asker values)."""

    id: int
    at: datetime
    actor: str
    kind: str
    status: str | None
    detail: dict[str, Any]
    asker_stated: bool


@dataclass
class State:
    """An inquiry folded from its events (library-side: nothing withheld yet)."""

    id: int
    created_at: datetime
    created_by: str
    sensitivity: str
    asker_sensitivity: str
    status: str
    sought: Sought
    language: str
    asker_sealed: str | None
    person_id: int | None
    candidates: list[dict[str, Any]]
    matched_at: datetime | None
    letters: int
    events: list[Event] = field(default_factory=list)

    @property
    def updated_at(self) -> datetime:
        return self.events[-1].at if self.events else self.created_at


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _fold(row: Inquiry, events: list[InquiryEvent]) -> State:
    state = State(
        row.id,
        _utc(row.created_at),
        row.created_by,
        row.sensitivity,
        row.asker_sensitivity,
        "open",
        Sought(),
        "es",
        None,
        None,
        [],
        None,
        0,
    )
    for ev in events:
        detail = json.loads(ev.detail)
        state.events.append(
            Event(ev.id, _utc(ev.at), ev.actor, ev.kind, ev.status, detail, ev.asker is not None)
        )
        if ev.status is not None:
            state.status = ev.status
        if ev.asker is not None:
            state.asker_sealed = ev.asker
        if ev.kind in ("created", "described"):
            state.sought = Sought(**detail["sought"])
            state.language = detail.get("language", state.language)
        elif ev.kind == "matched":
            state.candidates = detail.get("candidates", [])
            state.matched_at = _utc(ev.at)
        elif ev.kind == "confirmed":
            state.person_id = int(detail["person_id"])
        elif ev.kind == "unconfirmed":
            state.person_id = None
        elif ev.kind == "letter":
            state.letters += 1
    return state


def load_state(store: Store, inquiry_id: int) -> State:
    return load_states(store, [inquiry_id])[inquiry_id]


def load_states(store: Store, ids: list[int] | None = None) -> dict[int, State]:
    """Every inquiry (or those of ``ids``), folded; a missing id is :class:`NotFound`."""
    with store.read() as s:
        query = select(Inquiry).order_by(Inquiry.id)
        if ids is not None:
            query = query.where(Inquiry.id.in_(ids))
        rows = list(s.execute(query).scalars())
        events: dict[int, list[InquiryEvent]] = {}
        ev_query = select(InquiryEvent).order_by(InquiryEvent.inquiry_id, InquiryEvent.id)
        if ids is not None:
            ev_query = ev_query.where(InquiryEvent.inquiry_id.in_(ids))
        for ev in s.execute(ev_query).scalars():
            events.setdefault(ev.inquiry_id, []).append(ev)
        states = {row.id: _fold(row, events.get(row.id, [])) for row in rows}
    for wanted in ids or []:
        if wanted not in states:
            raise NotFound(f"No inquiry {wanted}.")
    return states


@dataclass
class InquiryView:
    """An inquiry as one reader may see it.

    ``content_withheld``: the description, notes and candidates are at a level the reader
    may not see now (``"purpose"``: stating one shows them); ``asker_withheld``: the
    asker is (the face says "asker withheld", never nothing)."""

    id: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    status: str
    sensitivity: str
    asker_sensitivity: str
    language: str
    sought: Sought | None
    asker: Asker | None
    asker_withheld: str | None  # None, "level" or "purpose"
    content_withheld: str | None
    person_id: int | None
    candidates: list[dict[str, Any]]
    matched_at: datetime | None
    letters: int
    history: list[Event]
    withheld: Withheld = field(default_factory=Withheld)

    def to_dict(self) -> dict[str, Any]:
        from habeas.trace.items import to_jsonable

        data = to_jsonable(
            {k: v for k, v in self.__dict__.items() if k not in ("withheld", "history")}
        )
        data["history"] = [to_jsonable(asdict(e)) for e in self.history]
        data["withheld"] = self.withheld.to_dict()
        return dict(data)


def _open_asker(store: Store, sealed: str | None) -> Asker | None:
    from habeas.crypto.fields import open_json

    if sealed is None:
        return None
    return Asker(**open_json(store, sealed, context=ASKER_CONTEXT))


def _visible_candidates(
    store: Store, candidates: list[dict[str, Any]], reader: Reader | None, withheld: Withheld
) -> list[dict[str, Any]]:
    """Candidates with only the records the reader may view now (none: left out)."""
    from habeas.access.levels import levels_of

    if reader is None:
        return candidates
    ids = [r["record_id"] for c in candidates for r in c["records"]]
    with store.read() as s:
        levels = levels_of(s, "record", ids)
    out = []
    for cand in candidates:
        records = []
        for rec in cand["records"]:
            level = levels.get(rec["record_id"], policy.RESTRICTED)
            why = reader.why_not(level)
            if why is None:
                records.append(rec)
            elif why == "purpose":  # above the clearance: not a word (as the search)
                withheld.add("records", level, why)
        if records:
            out.append({**cand, "records": records})
    return out


def _scoped(event: Event, store: Store, reader: Reader | None) -> Event:
    """A past match keeps, for this reader, the persons and scores of the candidates it
    may see now (never the records' names or sources: those are in ``candidates``)."""
    if event.kind != "matched" or reader is None:
        return event
    visible = _visible_candidates(store, event.detail.get("candidates", []), reader, Withheld())
    return replace(
        event,
        detail={
            **event.detail,
            "candidates": [{"person_id": c["person_id"], "score": c["score"]} for c in visible],
        },
    )


def view(
    state: State,
    store: Store,
    reader: Reader | None,
    shown: Counter[str],
    *,
    full: bool = True,
) -> InquiryView:
    """``full=False`` (lists): no candidates, and the history without past matches' detail."""
    withheld = Withheld()
    content = None if reader is None else reader.why_not(state.sensitivity)
    asker_why = None if reader is None else reader.why_not(state.asker_sensitivity)
    if content is not None:
        withheld.add("inquiries", state.sensitivity, content)
        history = [replace(e, detail={}) for e in state.events]
    else:
        shown[state.sensitivity] += 1
        history = [_scoped(e, store, reader) for e in state.events] if full else state.events
    asker = None
    if asker_why is None and content is None:
        asker = _open_asker(store, state.asker_sealed)
        shown[state.asker_sensitivity] += 1
    else:
        withheld.add("askers", state.asker_sensitivity, asker_why or content or "level")
    return InquiryView(
        state.id,
        state.created_at,
        state.created_by,
        state.updated_at,
        state.status,
        state.sensitivity,
        state.asker_sensitivity,
        state.language,
        state.sought if content is None else None,
        asker,
        None if asker is not None else (asker_why or content),
        content,
        state.person_id if content is None else None,
        []
        if content or not full
        else _visible_candidates(store, state.candidates, reader, withheld),
        state.matched_at,
        state.letters,
        history,
        withheld,
    )


def _log(store: Store, reader: Reader | None, ids: list[int], shown: Counter[str]) -> None:
    from habeas.audit.reads import log_read

    if reader is not None:
        log_read(
            store,
            reader,
            "inquiry",
            ids[0] if len(ids) == 1 else None,
            action="view",
            shown=shown,
            detail={"inquiries": ids[:500]},
        )


def get_inquiry(store: Store, inquiry_id: int, reader: Reader | None) -> InquiryView:
    """One inquiry as ``reader`` may see it (see :class:`InquiryView`); the read is audited.
    An inquiry above the reader's clearance is answered as if it did not exist."""
    from habeas.access.reader import require_reader_for

    require_reader_for(reader, "view")
    state = load_state(store, inquiry_id)
    if reader is not None and reader.why_not(state.sensitivity) == "level":
        raise NotFound(f"No inquiry {inquiry_id}.")
    shown: Counter[str] = Counter()
    result = view(state, store, reader, shown)
    _log(store, reader, [inquiry_id], shown)
    return result


def list_inquiries(
    store: Store,
    reader: Reader | None,
    *,
    status: str | None = None,
    withheld: Withheld | None = None,
) -> list[InquiryView]:
    """Inquiries, newest first, as ``reader`` may see them; ``status`` filters. Inquiries
    whose content needs a purpose are listed without it (and counted in ``withheld``);
    those above the reader's clearance are counted only."""
    from habeas.access.reader import require_reader_for

    require_reader_for(reader, "view")
    if status is not None:
        check_status(status)
    withheld = withheld if withheld is not None else Withheld()
    out = []
    shown: Counter[str] = Counter()
    for state in sorted(load_states(store).values(), key=lambda s: -s.id):
        if status is not None and state.status != status:
            continue
        if reader is not None and reader.why_not(state.sensitivity) == "level":
            withheld.add("inquiries", state.sensitivity, "level")
            continue
        one = view(state, store, reader, shown, full=False)
        one.history = [replace(e, detail={}) if e.kind == "matched" else e for e in one.history]
        for kind, n in one.withheld.counts.items():
            withheld.counts[kind] += n
        for level, n in one.withheld.levels.items():
            withheld.levels[level] += n
        withheld.for_purpose += one.withheld.for_purpose
        out.append(one)
    _log(store, reader, [v.id for v in out], shown)
    return out

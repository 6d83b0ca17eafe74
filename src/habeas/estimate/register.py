"""Capture histories from the register: persons × chosen sources.

A person is "captured" by a source when at least one of the records currently
linked to them comes from that source. Only persons on at least one chosen
source count as observed. Filters narrow the persons considered; strata split
them (one history table per stratum) so that capture probabilities may differ
between, say, nationalities.

Filters (``--where KEY=VALUE``, all must hold):

* ``nationality=VEN`` — some linked record gives that nationality (ISO3);
* ``sex=male`` — some linked record gives that sex;
* ``event_type=removal_flight`` — some linked record carries such an event;
* ``facility=CECOT`` — some event of the person is at that facility;
* ``from=2025-03-01`` / ``to=2025-03-31`` — some event's date range overlaps.

Strata (``--strata nationality|sex|facility``): the value most of the person's
records give (ties: alphabetical); persons with none fall in ``unknown``.

Estimates from the register are only as good as the linkage: a missed link
makes one person look like two (inflating the estimate), a wrong merge the
opposite. The histories carry a warning when unreviewed pairs remain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from habeas.errors import NotFound, UsageError
from habeas.estimate.histories import CaptureHistories
from habeas.store.db import Store
from habeas.store.queries import CURRENT, source_by_title
from habeas.store.schema import CustodyEvent, Facility, Link, Record, Source
from habeas.store.schema_linkage import LinkageRun

FILTER_KEYS = ("nationality", "sex", "event_type", "facility", "from", "to")
STRATA_KEYS = ("nationality", "sex", "facility")


def parse_where(items: Sequence[str]) -> dict[str, str]:
    where: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in FILTER_KEYS:
            raise UsageError(
                f"--where expects KEY=VALUE with KEY one of {', '.join(FILTER_KEYS)}; got {item!r}."
            )
        if key in ("from", "to"):
            try:
                date.fromisoformat(value.strip())
            except ValueError:
                raise UsageError(
                    f"--where {key}= needs a date YYYY-MM-DD, not {value!r}."
                ) from None
        where[key] = value.strip()
    return where


def _person_facts(
    store: Store, source_ids: list[int], levels: Collection[str] | None = None
) -> dict[int, dict[str, Any]]:
    """For every person with a record on a chosen source: sources, nationalities, sexes
    (from the records at ``levels`` only, when given)."""
    facts: dict[int, dict[str, Any]] = defaultdict(
        lambda: {
            "sources": set(),
            "nationality": Counter(),
            "sex": Counter(),
            "facility": Counter(),
            "event_types": set(),
            "dates": [],
        }
    )
    with store.read() as s:
        query = (
            select(Link.person_id, Record.id, Record.source_id, Record.nationality, Record.sex)
            .join(Record, Record.id == Link.record_id)
            .where(CURRENT)
        )
        if levels is not None:
            query = query.where(Record.sensitivity.in_(levels))
        rows = s.execute(query)
        persons_on_lists: set[int] = set()
        record_person: dict[int, int] = {}
        for pid, rid, sid, nationality, sex in rows:
            record_person[rid] = pid
            f = facts[pid]
            if sid in source_ids:
                f["sources"].add(sid)
                persons_on_lists.add(pid)
            if nationality:
                f["nationality"][nationality] += 1
            if sex:
                f["sex"][sex] += 1
        events = s.execute(
            select(
                CustodyEvent.record_id,
                CustodyEvent.event_type,
                Facility.name,
                CustodyEvent.date_earliest,
                CustodyEvent.date_latest,
            ).outerjoin(Facility, Facility.id == CustodyEvent.facility_id)
        )
        for rid, event_type, facility, early, late in events:
            person = record_person.get(rid)
            if person is None or person not in persons_on_lists:
                continue
            f = facts[person]
            f["event_types"].add(event_type)
            if facility:
                f["facility"][facility] += 1
            if early is not None:
                f["dates"].append((early, late))
    return {pid: f for pid, f in facts.items() if pid in persons_on_lists}


def _keep(f: dict[str, Any], where: Mapping[str, str]) -> bool:
    if "nationality" in where and where["nationality"].upper() not in f["nationality"]:
        return False
    if "sex" in where and where["sex"] not in f["sex"]:
        return False
    if "event_type" in where and where["event_type"] not in f["event_types"]:
        return False
    if "facility" in where and where["facility"] not in f["facility"]:
        return False
    if "from" in where or "to" in where:
        lo = date.fromisoformat(where.get("from", "0001-01-01"))
        hi = date.fromisoformat(where.get("to", "9999-12-31"))
        if not any(early <= hi and late >= lo for early, late in f["dates"]):
            return False
    return True


def _stratum(f: dict[str, Any], key: str) -> str:
    counts: Counter[str] = f[key]
    if not counts:
        return "unknown"
    best = max(counts.values())
    return sorted(v for v, c in counts.items() if c == best)[0]


def _listed(s: Session, title: str, levels: Collection[str]) -> Source:
    source = s.execute(
        select(Source).where(Source.title == title, Source.sensitivity.in_(levels))
    ).scalar_one_or_none()
    if source is None:
        raise NotFound(f"No list titled {title!r} among the lists you may use.")
    return source


def unreviewed_pairs(store: Store, lists: Sequence[str]) -> int:
    """Pairs in the review queue with a record on one of ``lists`` (source titles).

    Each decision on such a pair may merge two persons or split one, changing
    who is on which list, so the estimate may change once they are decided.
    """
    from habeas.linkage.review import pending_count

    with store.read() as s:
        ids = [source_by_title(s, title).id for title in lists]
    return pending_count(store, ids)


def histories_from_register(
    store: Store,
    lists: Sequence[str],
    where: Mapping[str, str] | None = None,
    strata: str | None = None,
    levels: Collection[str] | None = None,
) -> dict[str, CaptureHistories]:
    """Capture histories per stratum (key ``"all"`` without strata).

    ``levels``: the sensitivity levels the caller may read (a face passes its reader's
    clearance); lists and records at other levels are not used, and a list above them
    is answered as if it did not exist. ``None``: every level (the library computing)."""
    if len(lists) < 2:
        raise UsageError("Estimation needs at least two lists (--lists A --lists B ...).")
    if strata is not None and strata not in STRATA_KEYS:
        raise UsageError(f"--strata must be one of {', '.join(STRATA_KEYS)}.")
    with store.read() as s:
        sources = [
            source_by_title(s, title) if levels is None else _listed(s, title, levels)
            for title in lists
        ]
        # Records imported after the last finished linkage run have not been linked.
        last_run = s.execute(select(func.max(LinkageRun.finished_at))).scalar()
        unlinked_q = select(func.count()).select_from(Record)
        if last_run is not None:
            unlinked_q = unlinked_q.where(Record.created_at > last_run)
        unlinked = s.execute(unlinked_q).scalar() or 0
    ids = [src.id for src in sources]
    if len(set(ids)) != len(ids):
        raise UsageError("The same list is named twice.")
    facts = _person_facts(store, ids, levels)
    patterns: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    for f in facts.values():
        if where and not _keep(f, where):
            continue
        key = _stratum(f, strata) if strata else "all"
        patterns[key].append(tuple(int(i in f["sources"]) for i in ids))
    if not patterns:
        raise UsageError("No person on the chosen lists matches the filters.")
    names = [src.title for src in sources]
    result: dict[str, CaptureHistories] = {}
    for key in sorted(patterns):
        counted = Counter(patterns[key])
        hist = CaptureHistories.from_patterns(
            names, list(counted), list(counted.values()), source="register"
        )
        if unlinked:
            hist.warnings.append(
                f"{unlinked:,} records have not been through record linkage yet: each counts "
                "as a separate person, so people on several lists look like different people "
                "and the estimate comes out too high. Run `habeas link` first."
            )
        result[key] = hist
    return result

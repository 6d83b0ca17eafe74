"""The public situation page's figures, and their export: aggregates only, every count of
people below k hidden.

* :func:`public_situation` — no name, identifier, date of birth or free text from a
  record ever enters it (facility names and flag titles are the register's own
  vocabulary, not anyone's data); built from :func:`habeas.report.aggregates.overview`.
* :func:`write_aggregates` — the same figures as CSV rows or one JSON document.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from habeas import i18n
from habeas.errors import UsageError
from habeas.report.aggregates import (
    overview,
    protect_months,
    suppress_facilities,
    vocabulary_labels,
)
from habeas.report.labels import STATUSES
from habeas.report.spreadsheet import csv_row
from habeas.report.suppression import below, protect, show
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema import Incident, Link


def _line(counts: dict[str, int], k: int) -> tuple[dict[str, Any], Any]:
    """One distribution (e.g. people by whereabouts status) whose total is published."""
    table = protect(counts, {"total": list(counts)}, k)
    return {key: table.cell(key) for key in counts}, table.total("total")


def public_situation(store: Store, *, k: int, lang: str = "es") -> dict[str, Any]:
    """The public situation page: aggregates only, every count below ``k`` hidden."""
    from habeas.report.situation import trace_aggregates

    lang = i18n.check_language(lang)
    _ = i18n.gettext_for(lang)
    with store.read() as session:
        exact = overview(store, session, lang)
        persons = sorted(
            session.execute(select(Link.person_id).where(queries.CURRENT).distinct()).scalars()
        )
        incidents = dict(
            session.execute(
                select(Incident.act_type, func.count()).group_by(Incident.act_type)
            ).all()
        )
        act_labels = vocabulary_labels(session, "act_type", lang)
    flags, _gaps, _total, whereabouts, incommunicado = trace_aggregates(store, persons, lang)
    statuses, people = _line(whereabouts, k)
    table, months, types = protect_months(exact["events_over_time"], k)
    incident_cells, incident_total = _line({t or "": n for t, n in incidents.items()}, k)
    flag_rows = []
    if isinstance(people, str):  # fewer than k people: no breakdown of them at all
        statuses, flags = {}, []
    for flag in sorted(flags, key=lambda f: f["code"]):
        cells, _n = _line({s: flag[s] for s in ("raised", "not_raised", "undetermined")}, k)
        flag_rows.append({"code": flag["code"], "title": i18n.label(flag, lang, "title"), **cells})
    counts = exact["counts"]
    return {
        "lang": lang,
        "k": k,
        "below_k": below(k),
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "counts": {
            "persons": people,
            "records": show(counts["records"], k),
            "custody_events": show(counts["events"], k),
            "incidents": incident_total,
            "facilities": counts["facilities"],
            "sources": counts["sources"],
            "held_incommunicado": show(incommunicado, k),
        },
        "whereabouts": [
            {"status": code, "label": _(STATUSES.get(code, code)), "persons": n}
            for code, n in statuses.items()
        ],
        "flags": flag_rows,
        "events_over_time": {
            "types": exact["events_over_time"]["types"],
            "months": [
                {
                    "month": m,
                    "total": table.total(("month", m)),
                    "by_type": {t: table.cell((m, t)) for t in types},
                }
                for m in months
            ],
        },
        "facilities": [
            {
                **{
                    key: fac[key]
                    for key in (
                        "name",
                        "kind",
                        "country",
                        "population",
                        "observed_on",
                        "persons_in_register",
                    )
                },
                "space": {
                    key: fac["space"][key]
                    for key in (
                        "text",
                        "threshold",
                        "threshold_m2",
                        "units_observed",
                        "units_under",
                        "smallest_m2",
                    )
                },
                # whose claim each figure is, by the source's kind (titles stay internal)
                "capacities": [
                    {
                        key: c[key]
                        for key in (
                            "kind",
                            "kind_label",
                            "value",
                            "source_kind",
                            "source_kind_label",
                            "occupancy",
                        )
                    }
                    for c in fac["capacities"]
                ],
            }
            for fac in suppress_facilities(exact["facilities"], k)
        ],
        "incidents": {
            "total": incident_total,
            "by_type": [
                {"code": code, "label": act_labels.get(code, code), "incidents": n}
                for code, n in incident_cells.items()
            ],
        },
    }


# -- the aggregate export ----------------------------------------------------------

AGGREGATE_COLUMNS = ("table", "category", "breakdown", "count")


def aggregate_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """:func:`public_situation` as long-format rows (table, category, breakdown, count)."""
    rows: list[tuple[str, str, str, Any]] = []
    rows += [("counts", name, "", n) for name, n in data["counts"].items()]
    rows += [("people_by_whereabouts", w["status"], "", w["persons"]) for w in data["whereabouts"]]
    rows += [
        ("people_by_flag", f["code"], status, f[status])
        for f in data["flags"]
        for status in ("raised", "not_raised", "undetermined")
    ]
    events = data["events_over_time"]
    for month in events["months"]:
        rows += [
            ("events_by_month_and_type", month["month"], t, n) for t, n in month["by_type"].items()
        ]
        rows.append(("events_by_month", month["month"], "total", month["total"]))
    for fac in data["facilities"]:
        rows.append(("facility_people_in_register", fac["name"], "", fac["persons_in_register"]))
        if fac["population"] is not None:
            rows.append(
                (
                    "facility_latest_population",
                    fac["name"],
                    str(fac["observed_on"] or ""),
                    fac["population"],
                )
            )
    rows += [
        ("incidents_by_type", i["code"], "", i["incidents"]) for i in data["incidents"]["by_type"]
    ]
    rows.append(("incidents", "all", "total", data["incidents"]["total"]))
    return [dict(zip(AGGREGATE_COLUMNS, row, strict=True)) for row in rows]


def write_aggregates(
    store: Store, path: Path, *, k: int, lang: str = "es", fmt: str | None = None
) -> int:
    """Write the suppressed aggregates to ``path`` (CSV rows or the JSON document);
    returns the number of figures written."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "json"):
        raise UsageError(
            f"Aggregates are written as csv or json, not {fmt or '(none)'!r} "
            "(give a .csv or .json file name, or --format)."
        )
    data = public_situation(store, k=k, lang=lang)
    rows = aggregate_rows(data)
    if fmt == "json":
        path.write_text(
            json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
        )
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=AGGREGATE_COLUMNS)
            writer.writeheader()
            writer.writerows(csv_row(row) for row in rows)
    return len(rows)

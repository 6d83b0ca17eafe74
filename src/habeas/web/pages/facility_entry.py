"""Entering facility facts in the browser (roles with ``edit``): a facility, a unit with its
area, a unit's area, a capacity figure, an occupancy count — each citing a source chosen
from the register or created on the spot (title + kind), as ``habeas facility`` does.

The facts are written by :mod:`habeas.document.facility_entry` (the one policy, one
change-log entry each). A value that cannot be read, or that the library refuses, is
shown next to its field in the page's language, with what was typed kept; API clients
get the usual JSON error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from habeas.document import facility_entry as fe
from habeas.document.facility_import import NUMBER_ERRORS, parse_day, parse_degrees, parse_number
from habeas.errors import UsageError
from habeas.ingest.sources import add_source
from habeas.messages import N_
from habeas.read.facilities import units_of
from habeas.read.places import facility_place
from habeas.read.sources import find_source_id, source_choices
from habeas.web.context import Context
from habeas.web.pages._common import clean_text, vocabulary_labels
from habeas.web.pages.facilities import facility_id_name
from habeas.web.rendering import render
from habeas.web.views import action, page

#: The facts a facility page can take, and the form field each library field is shown by.
FORMS = ("location", "unit", "area", "capacity", "population")
FIELD_OF = {"capacity": "value", "facility": "form", "note": "note"}
CAPACITY_LABELS = {
    "official_capacity": N_("stated capacity (what the source says it is)"),
    "design_capacity": N_("design capacity (what it was built for)"),
}
NEW_SOURCE_HINT = N_("Choose a source from the list, or give the title and kind of a new one.")


class FormErrors(Exception):
    """Problems with a submitted form: ``{field: message}`` (already translated)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields

    def __str__(self) -> str:
        return " ".join(self.fields.values())


def _entry_error(exc: fe.EntryError, ctx: Context) -> FormErrors:
    where = FIELD_OF.get(exc.field or "form", exc.field or "form")
    return FormErrors({where: exc.translated(ctx._)})


def _number(
    ctx: Context, form: dict[str, str], name: str, whole: bool, required: bool = True
) -> float | None:
    raw = clean_text(form.get(name))
    if raw is None:
        if required:
            raise FormErrors({name: ctx._("The value is missing.")})
        return None
    try:
        return parse_number(raw, whole=whole)
    except ValueError as exc:
        raise FormErrors({name: ctx._(NUMBER_ERRORS[str(exc)]).format(value=raw)}) from None


def _degrees(ctx: Context, form: dict[str, str], name: str) -> float | None:
    raw = clean_text(form.get(name))
    if raw is None:
        return None
    try:
        return parse_degrees(raw)
    except ValueError:
        raise FormErrors({name: ctx._(NUMBER_ERRORS["degrees"]).format(value=raw)}) from None


def _required(ctx: Context, form: dict[str, str], name: str, message: str) -> str:
    text = clean_text(form.get(name))
    if text is None:
        raise FormErrors({name: ctx._(message)})
    return text


def _choices(ctx: Context, facility_id: int | None) -> dict[str, Any]:
    """What the forms offer: the sources this reader may see, vocabularies, the units."""
    vocab = vocabulary_labels(ctx.store, ctx.lang)
    sources = [
        {"id": c.id, "title": c.title, "kind": vocab.get("source_kind", {}).get(c.kind, c.kind)}
        for c in source_choices(ctx.store, reader=ctx.reader)
    ]
    units = [] if facility_id is None else units_of(ctx.store, facility_id)

    def terms(name: str) -> list[dict[str, str]]:
        return [
            {"code": c, "label": label}
            for c, label in sorted(vocab.get(name, {}).items(), key=lambda kv: kv[1].casefold())
        ]

    return {
        "sources": sources,
        "units": units,
        "source_kinds": terms("source_kind"),
        "facility_kinds": terms("facility_kind"),
        "capacity_kinds": [{"code": c, "label": ctx._(t)} for c, t in CAPACITY_LABELS.items()],
    }


def _source_id(ctx: Context, form: dict[str, str]) -> int:
    """The source chosen, or a new one created from its title and kind."""
    title = clean_text(form.get("new_source_title"))
    if title is None:
        chosen = clean_text(form.get("source_id"))
        if chosen is None or not chosen.isdigit():
            raise FormErrors({"source": ctx._(NEW_SOURCE_HINT)})
        return int(chosen)
    kind = clean_text(form.get("new_source_kind"))
    if kind is None:
        raise FormErrors({"new_source_kind": ctx._("Choose the kind of the new source.")})
    existing = find_source_id(ctx.store, title, reader=ctx.reader)
    if existing is not None:
        return existing  # the same title: that source (only one the reader may see)
    fe.may_edit(ctx.reader)
    try:
        new_id = add_source(ctx.store, title, kind, actor=ctx.actor)
    except UsageError as exc:
        raise FormErrors({"new_source_kind": str(exc)}) from None
    # written before the fact: if the fact is refused, the form offers it as chosen
    form["source_id"], form["new_source_title"] = str(new_id), ""
    return new_id


def _facts(
    ctx: Context, what: str, facility: str, form: dict[str, str], source: Callable[[], int]
) -> list[fe.Fact]:
    """The form's facts; ``source`` is called once the values are readable."""
    unit = clean_text(form.get("unit"))
    note = clean_text(form.get("note"))
    if what == "unit":
        name = _required(ctx, form, "unit", "The unit's name is missing.")
        area = _number(ctx, form, "area", whole=False, required=False)
        sid = source()
        facts: list[fe.Fact] = [fe.UnitFact(facility, name, sid, clean_text(form.get("building")))]
        if area is not None:
            facts.append(fe.AreaFact(facility, name, area, sid))
        return facts
    if what == "location":
        latitude, longitude = _degrees(ctx, form, "latitude"), _degrees(ctx, form, "longitude")
        return [fe.LocationFact(facility, latitude, longitude, source())]
    if what == "area":
        name = _required(ctx, form, "unit", "The unit is missing.")
        area = _number(ctx, form, "area", whole=False)
        assert area is not None
        return [fe.AreaFact(facility, name, area, source(), note)]
    if what == "capacity":
        kind = clean_text(form.get("kind"))
        if kind not in CAPACITY_LABELS:
            raise FormErrors({"kind": ctx._("Choose the kind of capacity figure.")})
        value = _number(ctx, form, "value", whole=True)
        assert value is not None
        return [fe.CapacityFact(facility, kind, value, source(), unit, note)]
    raw_day = _required(ctx, form, "date", "The date is missing.")
    try:
        day = parse_day(raw_day)
    except ValueError:
        raise FormErrors(
            {
                "date": ctx._("{value!r} is not a date: write 2025-03-17 or 17/03/2025.").format(
                    value=raw_day
                )
            }
        ) from None
    population = _number(ctx, form, "population", whole=True)
    assert population is not None
    return [fe.PopulationFact(facility, day, int(population), source(), unit)]


def _failed(ctx: Context, template: str, data: dict[str, Any], errors: FormErrors) -> Response:
    """The form again, with each problem next to its field (400), or the JSON error."""
    if ctx.wants_json:
        raise UsageError(str(errors))
    return render(ctx, template, {**data, "errors": errors.fields}, status=400)


# --------------------------------------------------------------------------- the pages


def _entry_page(
    ctx: Context, facility_id: int, what: str | None = None, form: dict[str, str] | None = None
) -> dict[str, Any]:
    name = facility_id_name(ctx.store, facility_id)
    place = facility_place(ctx.store, facility_id)
    return {
        "facility": {
            "id": facility_id,
            "name": name,
            "located": bool(place and place.located),
            "latitude": place.latitude if place else None,
            "longitude": place.longitude if place else None,
        },
        **_choices(ctx, facility_id),
        "forms": list(FORMS),
        "what": what,
        "form": form or {},
        "errors": {},
    }


@page(
    "/facilities/{facility_id}/enter",
    permission="edit",
    template="facility_entry.html",
    name="facility_enter",
    tags=["facilities"],
)
def facility_enter(ctx: Context, facility_id: int) -> dict[str, Any]:
    """Forms to enter a facility's units, areas, capacity figures and occupancy."""
    return _entry_page(ctx, facility_id)


@action(
    "/facilities/{facility_id}/enter/{what}",
    permission="edit",
    name="facility_enter_fact",
    tags=["facilities"],
)
def facility_enter_fact(ctx: Context, facility_id: int, what: str) -> Any:
    """Enter one fact (``what``: location, unit, area, capacity or population) citing
    ``source_id``,
    or a new source (``new_source_title`` + ``new_source_kind``)."""
    if what not in FORMS:
        raise UsageError(ctx._("Nothing to enter."))
    form = {k: str(v) for k, v in ctx.form.items()}
    data = _entry_page(ctx, facility_id, what, form)
    name = data["facility"]["name"]
    try:
        entered = fe.enter_all(
            ctx.store, ctx.reader, _facts(ctx, what, name, form, lambda: _source_id(ctx, form))
        )
    except FormErrors as errors:
        return _failed(ctx, "facility_entry.html", {**data, **_choices(ctx, facility_id)}, errors)
    except fe.EntryError as exc:
        return _failed(
            ctx,
            "facility_entry.html",
            {**data, **_choices(ctx, facility_id)},
            _entry_error(exc, ctx),
        )
    if not ctx.wants_json:
        ctx.flash(ctx._("Recorded. The figures below include it."), "ok")
    anchor = {"capacity": "#h-capacity", "location": "#h-location"}.get(what, "#h-units")
    return {
        "entered": [e.to_dict() for e in entered],
        "redirect": ctx.url("facility", facility_id=facility_id) + anchor,
    }


@page(
    "/facility-entry",
    permission="edit",
    template="facility_new.html",
    name="facility_new",
    tags=["facilities"],
)
def facility_new(ctx: Context) -> dict[str, Any]:
    """The form to record a new facility, as a source describes it."""
    return {**_choices(ctx, None), "form": {}, "errors": {}}


@action("/facility-entry", permission="edit", name="facility_add", tags=["facilities"])
def facility_add(ctx: Context) -> Any:
    """Record a facility: ``name``, ``kind``, ``country``, ``operator``, ``notes``, where it
    is (``latitude`` and ``longitude`` in decimal degrees, both or neither) and its source
    (``source_id``, or ``new_source_title`` + ``new_source_kind``)."""
    form = {k: str(v) for k, v in ctx.form.items()}
    try:
        name = _required(ctx, form, "name", "The facility's name is missing.")
        kind = _required(ctx, form, "kind", "Choose the kind of facility.")
        latitude, longitude = _degrees(ctx, form, "latitude"), _degrees(ctx, form, "longitude")
        fact = fe.FacilityFact(
            name,
            kind,
            _source_id(ctx, form),
            clean_text(form.get("country")),
            clean_text(form.get("operator")),
            clean_text(form.get("notes")),
            latitude,
            longitude,
        )
        entered = fe.enter(ctx.store, ctx.reader, fact)
    except FormErrors as errors:
        return _failed(ctx, "facility_new.html", {**_choices(ctx, None), "form": form}, errors)
    except fe.EntryError as exc:
        return _failed(
            ctx, "facility_new.html", {**_choices(ctx, None), "form": form}, _entry_error(exc, ctx)
        )
    if not ctx.wants_json:
        ctx.flash(
            ctx._(
                "Facility %(name)s recorded. Now add its units, areas, capacity and occupancy.",
                name=entered.facility,
            ),
            "ok",
        )
    return {
        "entered": entered.to_dict(),
        "redirect": ctx.url("facility_enter", facility_id=entered.id),
    }

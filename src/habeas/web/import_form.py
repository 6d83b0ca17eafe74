"""The import form for people who do not write ``field=value`` lines.

* Values for every row that are vocabulary terms (the event type above all: a flight
  manifest has no event-type column) are offered as selects, by their labels in the
  page's language (form fields ``default:FIELD``); the text box stays for the rest.
* "Keep as written" per column with problems (form fields ``keep:COLUMN``, sent with
  ``keep_sent``): the cells that cannot be read are kept verbatim and flagged as
  warnings (:attr:`habeas.ingest.importer.ImportOptions.keep_as_written`).
"""

from __future__ import annotations

from typing import Any

from habeas.errors import UsageError
from habeas.ingest.fields import CANONICAL_FIELDS
from habeas.messages import N_

#: Fields whose value for every row is a vocabulary term: field -> (vocabulary, label).
VOCAB_DEFAULTS: dict[str, tuple[str, str]] = {
    "event_type": ("event_type", N_("Event type of every row")),
    "sex": ("sex", N_("Sex of every person")),
    "legal_basis": ("legal_basis", N_("Legal basis")),
    "criminal_record": ("criminal_record", N_("Criminal record")),
    "hearing": ("hearing", N_("Hearing")),
    "notice": ("notice", N_("Notice")),
    "asylum_claim": ("asylum_claim", N_("Asylum claim")),
    "counsel": ("counsel", N_("Legal counsel")),
    "family_notified": ("family_notification", N_("Family notified")),
}


def default_fields(
    _: Any, vocab: dict[str, dict[str, str]], chosen: dict[str, str]
) -> list[dict[str, Any]]:
    """The selects of the form: each field, its label, its terms by label, the choice."""
    out = []
    for fld, (vocabulary, label) in VOCAB_DEFAULTS.items():
        terms = sorted(vocab.get(vocabulary, {}).items(), key=lambda kv: kv[1].casefold())
        out.append(
            {
                "field": fld,
                "label": _(label),
                "value": chosen.get(fld, ""),
                "terms": [{"code": c, "label": t} for c, t in terms],
            }
        )
    return out


def form_defaults(form: dict[str, Any], text_defaults: dict[str, str], _: Any) -> dict[str, str]:
    """The values for every row: the text box's lines, then the selects (which win)."""
    defaults = dict(text_defaults)
    for key, value in form.items():
        if key.startswith("default:"):
            fld = key.removeprefix("default:")
            if fld not in VOCAB_DEFAULTS:
                raise UsageError(
                    _("%(field)s is not a field that can take a value for every row.")
                    % {"field": fld}
                )
            if str(value).strip():  # empty: the text box's line for it, if any, stands
                defaults[fld] = str(value).strip()
    unknown = [k for k in defaults if k not in CANONICAL_FIELDS]
    if unknown:
        raise UsageError(
            _(
                "“%(field)s” under “Values for every row” is not a field of habeas; "
                "the fields are: %(fields)s."
            )
            % {"field": unknown[0], "fields": ", ".join(CANONICAL_FIELDS)}
        )
    return defaults


def kept_columns(form: dict[str, Any], previous: tuple[str, ...]) -> tuple[str, ...]:
    """The columns whose unreadable cells are kept as written (the form's checkboxes when
    it sent them, else the earlier choice)."""
    if "keep_sent" not in form:
        return tuple(previous)
    return tuple(
        key.removeprefix("keep:")
        for key, value in form.items()
        if key.startswith("keep:") and str(value) in ("1", "on", "true")
    )


def problem_columns(
    problems: list[dict[str, Any]], kept: tuple[str, ...], headers: list[str]
) -> list[dict[str, Any]]:
    """The file's columns with problems a reader may keep as written (errors in cells,
    or cells already kept), with how many problems each has."""
    counts: dict[str, int] = {}
    for p in problems:
        column = p.get("column")
        if (
            column in headers
            and p.get("row") is not None
            and (p.get("severity") == "error" or p.get("kept"))
        ):
            counts[column] = counts.get(column, 0) + 1
    return [{"column": c, "problems": n, "kept": c in kept} for c, n in counts.items()]

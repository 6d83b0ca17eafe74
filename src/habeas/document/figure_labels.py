"""What a capacity or area figure is, in words: the one home of these labels.

A figure's ``note`` is what its source said about it ("claimed capacity"), kept
as written. Figures the register holds without a statement of their own (a
capacity recorded on the facility or a unit, an area summed over the units) have
no note; their kind and origin say what they are, translated where they are
shown (web, CLI, reports), so no English text or code reaches a Spanish page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from habeas.messages import N_

#: A capacity figure is never called "official" by its kind alone: whose claim it
#: is (the source's kind: official statement, news report, ...) is shown beside it.
FIGURE_KINDS = {
    "official_capacity": N_("stated capacity"),
    "design_capacity": N_("design capacity"),
    "area_m2": N_("area (m²)"),
}
ORIGINS = {
    "figure": N_("stated by a source"),
    "facility": N_("recorded on the facility"),
    "unit": N_("recorded on the unit"),
    "derived": N_("sum of the units' areas"),
}


def describe(figure: Any, gettext: Callable[[str], str]) -> str:
    """The figure in words: its source's note as written, else its kind and origin.

    ``figure`` has ``kind``, ``note`` and ``origin`` (a
    :class:`habeas.document.conditions.Figure`).
    """
    if figure.note:
        return str(figure.note)
    kind = gettext(FIGURE_KINDS.get(figure.kind, figure.kind))
    if figure.origin == "figure" or figure.origin not in ORIGINS:
        return kind
    return f"{kind} — {gettext(ORIGINS[figure.origin])}"

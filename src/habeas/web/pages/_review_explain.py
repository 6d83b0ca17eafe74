"""What the review page says about a pair: only what the reviewer can see on the cards.

* :func:`shown_fields` — which compared fields each record card shows a value for;
  :func:`visible_evidence` keeps the evidence rows of fields both cards show (a
  comparison of two blanks, or of one blank, is no evidence the reviewer can check).
* :func:`conflict_text` — for a pair queued because linking it would join records
  that must stay apart: which records.
* :func:`withheld_pairs_text` — how many queued pairs were kept back, and how to see them.
"""

from __future__ import annotations

from typing import Any

from habeas.access.reader import Withheld
from habeas.linkage.review_conflict import Conflict
from habeas.messages import N_
from habeas.web.pages._common import Gettext

MAIN_IDS = ("a_number", "cedula_ve", "dui_sv")
OTHER_IDS = ("cedula_co", "passport", "national_id")

CONFLICT_KINDS = {
    "different a_number": N_("they have different A-numbers"),
    "different cedula_ve": N_("they have different Venezuelan cédulas"),
    "different dui_sv": N_("they have different DUIs"),
    "different cedula_co": N_("they have different Colombian cédulas"),
    "different passport": N_("they have different passports"),
    "different national_id": N_("they have different national IDs"),
    "one-row-per-person source": N_("they are two rows of a list with one row per person"),
    "decided different": N_("a reviewer decided they are different people"),
    "unlike a member": N_("the model scored them as clearly different people"),
}


def shown_fields(record: Any, id_types: set[str]) -> set[str]:
    """The comparison fields (:data:`habeas.linkage.model.COMPARISONS`) a record card
    shows a value for."""
    shown = set()
    given = list(record.given_names or [])
    if given:
        shown.add("given")
    if len(given) > 1:
        shown.add("given2")
    if record.surnames:
        shown.add("surnames")
    if record.dob_earliest is not None:
        shown.add("dob")
    shown |= {t for t in MAIN_IDS if t in id_types}
    if id_types & set(OTHER_IDS):
        shown.add("other_id")
    if record.sex:
        shown.add("sex")
    if record.nationality:
        shown.add("nationality")
    home = record.residence or {}
    if any(home.get(k) for k in ("address", "address_line2", "street_number")):
        shown.add("address")
    if any(home.get(k) for k in ("locality", "postcode", "region")):
        shown.add("locality")
    return shown


def visible_evidence(
    evidence: dict[str, Any], shown_a: set[str], shown_b: set[str]
) -> dict[str, Any]:
    """The evidence rows of fields both record cards show."""
    return {f: v for f, v in evidence.items() if f in shown_a and f in shown_b}


def _record_text(rec: dict[str, Any], _: Gettext) -> str:
    return _("%(name)s (record %(record)s of %(source)s)") % {
        "name": rec.get("name") or "—",
        "record": rec.get("record_id"),
        "source": rec.get("source"),
    }


def conflict_text(conflict: Conflict | None, _: Gettext) -> str:
    """ "Linking would join records that must stay apart: X and Y (they have different
    A-numbers)." in the reader's language; empty when the reason is not a conflict."""
    if conflict is None:
        return ""
    why = _(CONFLICT_KINDS[conflict.kind]) if conflict.kind in CONFLICT_KINDS else conflict.kind
    named = "; ".join(
        _("%(a)s and %(b)s") % {"a": _record_text(x, _), "b": _record_text(y, _)}
        for x, y in conflict.pairs
    )
    if named:
        text = _("linking would join records that must stay apart: %(records)s (%(why)s)") % {
            "records": named,
            "why": why,
        }
    else:
        text = _("linking would join records that must stay apart (%(why)s)") % {"why": why}
    if conflict.hidden:
        text += " " + _(
            "%(n)s of the records involved are at a sensitivity level you may not see."
        ) % {"n": conflict.hidden}
    return text


def withheld_pairs_text(withheld: Withheld, _: Gettext) -> str:
    """How many queued pairs the reader may not see, and how to see them."""
    if not withheld:
        return ""
    text = _(
        "Pairs withheld: %(n)s (one of their records is at a sensitivity level you may not see)."
    ) % {"n": withheld.total}
    if withheld.for_purpose:
        text += " " + _(
            "%(n)s of them are shown once you state the purpose of this consultation."
        ) % {"n": withheld.for_purpose}
    if withheld.for_purpose < withheld.total:
        text += " " + _("The others need an account cleared for their level: ask an administrator.")
    return text

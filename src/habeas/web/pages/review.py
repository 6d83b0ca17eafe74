"""The review queue: one pair of records side by side, the model's evidence field by field.

A reviewer decides *same*, *different* or *unsure* (buttons, or the keys s / d / u;
Enter in the note field never decides); the decision is applied at once by
:func:`habeas.linkage.decide` and the next pair is shown (an htmx swap of the
pair partial; a redirect without JavaScript), under a confirmation that names both
records and offers to undo it (:func:`habeas.linkage.undo`, a new decision).

Only pairs whose two records the logged-in user may see are shown or decided
(``ctx.reader``; restricted ones with the session's purpose, read-audited); the
others are counted, with how to see them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader
from habeas.audit.reads import log_read
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.errors import UsageError
from habeas.linkage import decide, queue, show, undo
from habeas.linkage.review_access import PairWithheld
from habeas.linkage.review_conflict import conflict_records
from habeas.messages import N_
from habeas.read.review import review_records
from habeas.store.db import Store
from habeas.trace.person import residence_line
from habeas.web.context import Context
from habeas.web.pages._common import Gettext, fmt_date, jsonable, vocabulary_labels
from habeas.web.pages._review_explain import (
    conflict_text,
    shown_fields,
    visible_evidence,
    withheld_pairs_text,
)
from habeas.web.views import action, page

FIELDS = {
    "given": N_("First given name"),
    "given2": N_("Second given name"),
    "surnames": N_("Surnames"),
    "dob": N_("Date of birth"),
    **{t: ID_TYPE_LABELS[t] for t in ("a_number", "cedula_ve", "dui_sv")},
    "other_id": N_("Other document"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "address": N_("Address"),
    "locality": N_("Locality"),
}

#: The linkage model's level labels (habeas.linkage.model) and Splink's own.
LEVELS = {
    "Nickname, variant or same sound": N_("nickname, variant or same sound"),
    "A given name shared in another position": N_("a given name shared in another position"),
    "Initial agrees": N_("initial agrees"),
    "Initial agrees with the other's second given name": N_(
        "initial agrees with the other's second given name"
    ),
    "Both surnames, same order": N_("both surnames, same order"),
    "Both surnames, swapped": N_("both surnames, swapped"),
    "Both surnames sound the same": N_("both surnames sound the same"),
    "One side has one surname, found in the other": N_(
        "one side has one surname, found in the other"
    ),
    "One surname the same, the other a near spelling": N_(
        "one surname the same, the other a near spelling"
    ),
    "One surname in common, the other different": N_("one surname in common, the other different"),
    "First surnames a near spelling": N_("first surnames a near spelling"),
    "Day and month swapped": N_("day and month swapped"),
    "Two of day, month and year agree": N_("two of day, month and year agree"),
    "Same year": N_("same year"),
    "Uncertain dates overlap": N_("uncertain dates overlap"),
    "One typo": N_("one typo"),
    "Same street and house number": N_("same street and house number"),
    "Street a near spelling, same house number": N_("street a near spelling, same house number"),
    "Same street, another house number": N_("same street, another house number"),
    "An address line in common": N_("an address line in common"),
    "Same locality and postcode": N_("same locality and postcode"),
    "Same locality": N_("same locality"),
    "Locality a near spelling": N_("locality a near spelling"),
    "Same postcode, another locality": N_("same postcode, another locality"),
    "Same region only": N_("same state or province only"),
    "Same home, a surname in common": N_("same home, a surname in common"),
    "One surname each, the same": N_("one surname each, the same"),
    "Both surnames (either order)": N_("both surnames, in either order"),
    "Same first three letters": N_("the same first three letters (a short form)"),
    "Names of the other sex": N_("names of the other sex (a brother and a sister?)"),
    "Another date, within 12 years": N_("another date, within 12 years"),
    "Dates a generation apart": N_("dates a generation apart"),
    "Same day and month, a generation apart": N_("the same day and month, a generation apart"),
    "Given name and surname swapped": N_("given name and surname swapped"),
    "The only name is the other's surname": N_("the only name is the other's surname"),
    "All other comparisons": N_("different"),
}

QUEUE_REASONS = {
    "band": N_("the model is unsure"),
    "ambiguous": N_("the record could belong to more than one person"),
    "conflict": N_("linking would join records that must stay apart"),
    "same document": N_("they share a document number, though little else agrees"),
    "different given names": N_(
        "the first given names are different: relatives share everything else"
    ),
    "dates of birth a generation apart": N_(
        "the dates of birth are a generation apart: a father and a son can share a name"
    ),
}

DECISIONS = {
    "same": N_("Same person"),
    "different": N_("Different people"),
    "unsure": N_("Not sure"),
}

#: where the page sends a reader to state the purpose of the consultation (and back)
PURPOSE_URL = "/purpose?next=%2Freview"

#: a bar is full at this many units of evidence (log2 Bayes factor)
BAR_FULL = 8.0


def level_text(label: str, _: Gettext) -> str:
    if label in LEVELS:
        return _(LEVELS[label])
    low = label.lower()
    if low.startswith("exact match"):
        return _("exact match")
    if "jaro" in low:
        return _("near spelling")
    if "levenshtein" in low or "damerau" in low:
        return _("one typo")
    return label


def _records(
    store: Store,
    ids: list[int],
    lang: str,
    vocab: dict[str, dict[str, str]],
    _: Gettext,
    *,
    reader: Reader,
) -> tuple[dict[int, dict[str, Any]], dict[int, set[str]]]:
    """What each record card shows, and the compared fields it shows a value for."""
    out: dict[int, dict[str, Any]] = {}
    fields: dict[int, set[str]] = {}
    found, _withheld = review_records(store, ids, reader=reader)
    for r in found.values():
        idents = [
            f"{_(FIELDS[i.kind]) if i.kind in FIELDS else i.kind}: "
            f"{i.value if i.valid else i.written}" + ("" if i.valid else f" ({_('invalid')})")
            for i in r.identifiers
        ]
        dob = ""
        if r.dob_earliest is not None:
            dob = (
                fmt_date(r.dob_earliest, lang)
                if r.dob_earliest == r.dob_latest
                else f"{r.dob_earliest.isoformat()} – {r.dob_latest}"
            )
        out[r.id] = {
            "given_names": " ".join(g.title() for g in r.given_names),
            "surnames": " ".join(x.title() for x in r.surnames),
            "dob": dob,
            "sex": vocab.get("sex", {}).get(r.sex or "", r.sex or ""),
            "nationality": r.nationality or "",
            "identifiers": idents,
            "residence": residence_line(r.residence),
            "raw": {str(k): ("" if v is None else str(v)) for k, v in r.raw.items()},
        }
        fields[r.id] = shown_fields(r, {i.kind for i in r.identifiers})
    return out, fields


def _bar(weight: float) -> float:
    return round(min(abs(weight), BAR_FULL) / BAR_FULL * 100, 1)


def _direction(weight: float) -> str:
    return "for" if weight > 0 else "against" if weight < 0 else "none"


def _evidence(
    pair: dict[str, Any], shown_a: set[str], shown_b: set[str], _: Gettext
) -> list[dict[str, Any]]:
    stored = pair.get("evidence") or {}
    evidence = []
    for field, (label, weight) in visible_evidence(stored, shown_a, shown_b).items():
        w = float(weight)
        evidence.append(
            {
                "field": field,
                "label": _(FIELDS[field]) if field in FIELDS else field,
                "level": level_text(str(label), _),
                "level_code": label,
                "weight": round(w, 2),
                "bar": _bar(w),
                "direction": _direction(w),
            }
        )
    # the starting point from every stored comparison, shown or not
    prior = float(pair["match_weight"]) - sum(float(w) for _label, w in stored.values())
    evidence.append(
        {
            "field": "prior",
            "label": _("Starting point (how rare a match is)"),
            "level": "",
            "level_code": "",
            "weight": round(prior, 2),
            "bar": _bar(prior),
            "direction": _direction(prior),
        }
    )
    return evidence


def refusal(exc: PairWithheld, _: Gettext) -> PermissionDenied:
    """The web's words for a pair the reader may not see: what is wrong, how to fix it."""
    if exc.reason == "purpose":
        how = _("State the purpose of this consultation to see or decide it.")
    else:
        how = _("Your role is not cleared for that level: ask an administrator.")
    return PermissionDenied(
        "read_identities",
        None,
        _("This pair includes a record at a sensitivity level you may not see now.") + " " + how,
    )


def pair_data(
    store: Store,
    pair_id: int | None,
    *,
    reader: Reader,
    lang: str,
    _: Gettext,
    vocab: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """The pair to show (``pair_id``, or the head of the reader's queue) with position,
    count and the queued pairs withheld from the reader."""
    head = queue(store, limit=1 if pair_id is None else 0, reader=reader)
    common = {
        "count": head.count,
        "withheld": head.withheld.to_dict() if head.withheld else {},
        "withheld_text": withheld_pairs_text(head.withheld, _),
        "decisions": _decisions(_),
    }
    if pair_id is None:
        if not head.pairs:
            return jsonable({"pair": None, "position": None, **common})
        pair = head.pairs[0]
    else:
        try:
            pair = show(store, pair_id, reader=reader)
        except PairWithheld as exc:
            raise refusal(exc, _) from None
    a, b = pair["record_a"], pair["record_b"]
    records, fields = _records(store, [a, b], lang, vocab, _, reader=reader)
    evidence = _evidence(pair, fields.get(a, set()), fields.get(b, set()), _)
    reason = (pair.get("reason") or "").split(":")[0]
    with store.read() as s:
        conflict = conflict_records(s, reader, a, b, pair.get("reason"))
    if conflict is not None and conflict.shown_levels:
        log_read(
            store,
            reader,
            "record",
            None,
            action="view",
            shown=Counter(conflict.shown_levels.values()),
            detail={
                "view": "review conflict",
                "pair": pair["pair_id"],
                "records": sorted(conflict.shown_levels),
            },
        )
    side = {}
    for key, rid in (("a", a), ("b", b)):
        side[key] = {**pair.get(key, {}), **records.get(rid, {})}
    reason_text = conflict_text(conflict, _) or (
        _(QUEUE_REASONS[reason]) if reason in QUEUE_REASONS else (pair.get("reason") or "")
    )
    return jsonable(
        {
            "pair": {
                "pair_id": pair["pair_id"],
                "status": pair["status"],
                "match_probability": pair["match_probability"],
                "probability_text": f"{pair['match_probability'] * 100:.0f} %",
                "match_weight": pair["match_weight"],
                "reason": pair.get("reason"),
                "reason_text": reason_text,
                "a": side["a"],
                "b": side["b"],
                "evidence": evidence,
                "same_person_now": side["a"].get("person_id") == side["b"].get("person_id"),
            },
            "position": pair.get("position"),
            **common,
        }
    )


def _decisions(_: Gettext) -> list[dict[str, str]]:
    keys = {"same": "s", "different": "d", "unsure": "u"}
    return [{"value": k, "label": _(v), "key": keys[k]} for k, v in DECISIONS.items()]


def _side_text(side: dict[str, Any], _: Gettext) -> str:
    return _("%(name)s (%(source)s)") % {
        "name": side.get("name") or "—",
        "source": side.get("source") or "—",
    }


# --------------------------------------------------------------------------- the pages


def _pair_view(ctx: Context, pair_id: int | None) -> dict[str, Any]:
    """The review page's data for ``pair_id`` (or the next pair), as the logged-in user
    may see it, with the link to state a purpose."""
    data = pair_data(
        ctx.store,
        pair_id,
        reader=ctx.reader,
        lang=ctx.lang,
        _=ctx._,
        vocab=vocabulary_labels(ctx.store, ctx.lang),
    )
    data["purpose_url"] = PURPOSE_URL
    return data


@page(
    "/review",
    permission="review",
    template="review.html",
    partial="_review_pair.html",
    name="review",
    nav=N_("Review queue"),
    nav_order=30,
    tags=["review"],
)
def review_page(ctx: Context, pair: int | None = None) -> dict[str, Any]:
    """The review queue: the pair to decide next (or ``pair``), its evidence, the queue size
    and how many queued pairs are withheld from you."""
    return _pair_view(ctx, pair)


@action(
    "/review/{pair_id}/decide",
    permission="review",
    name="review_decide",
    partial="_review_pair.html",
    redirect="/review",
    tags=["review"],
)
def review_decide(ctx: Context, pair_id: int) -> dict[str, Any]:
    """Decide a pair: ``decision`` = same | different | unsure, optional ``note``.
    Refused (403) when you may not see both records."""
    decision = str(ctx.form.get("decision", "")).strip().lower()
    if decision not in DECISIONS:
        raise UsageError(ctx._("Choose a decision: same, different or unsure."))
    note = str(ctx.form.get("note", "")).strip() or None
    try:
        result = decide(ctx.store, pair_id, decision, reader=ctx.reader, note=note)
    except PairWithheld as exc:
        raise refusal(exc, ctx._) from None
    data = _pair_view(ctx, None)
    text = ctx._(
        "Decision saved: %(decision)s — %(a)s and %(b)s.",
        decision=ctx._(DECISIONS[decision]),
        a=_side_text(result["a"], ctx._),
        b=_side_text(result["b"], ctx._),
    )
    data["decided"] = jsonable(
        {**result, "pair_id": pair_id, "text": text, "decision_text": ctx._(DECISIONS[decision])}
    )
    if not ctx.htmx and not ctx.wants_json:
        ctx.flash(text)
    return data


@action(
    "/review/decisions/{decision_id}/undo",
    permission="review",
    name="review_undo",
    partial="_review_pair.html",
    redirect="/review",
    tags=["review"],
)
def review_undo(ctx: Context, decision_id: int) -> dict[str, Any]:
    """Undo a decision (a new decision, logged): the pair is queued again and shown, to
    decide anew. Refused (403) when you may not see both records."""
    try:
        result = undo(
            ctx.store,
            decision_id,
            reader=ctx.reader,
            note=str(ctx.form.get("note", "")).strip() or None,
        )
    except PairWithheld as exc:
        raise refusal(exc, ctx._) from None
    pair_id = result["pair_id"]
    data = _pair_view(ctx, pair_id)
    text = ctx._(
        "Decision undone: %(a)s and %(b)s are back in the queue.",
        a=_side_text(result["a"], ctx._),
        b=_side_text(result["b"], ctx._),
    )
    data["undone"] = jsonable({**result, "text": text})
    data["redirect"] = f"/review?pair={pair_id}" if pair_id else "/review"
    if not ctx.htmx and not ctx.wants_json:
        ctx.flash(text)
    return data

"""The review queue: one pair of records side by side, the model's evidence field by field.

A reviewer decides *same*, *different* or *unsure* (buttons, or the keys s / d / u);
the decision is applied at once by :func:`habeas.linkage.decide` and the next
pair is shown (an htmx swap of the pair partial; a redirect without JavaScript).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from habeas.errors import NotFound, UsageError
from habeas.linkage import decide, queue, show
from habeas.store.db import Store
from habeas.store.schema import Record, RecordIdentifier
from habeas.store.schema_linkage import ScoredPair
from habeas.web.context import Context
from habeas.web.pages._common import N_, Gettext, fmt_date, jsonable, vocabulary_labels
from habeas.web.views import action, page

FIELDS = {
    "given": N_("First given name"), "given2": N_("Second given name"),
    "surnames": N_("Surnames"), "dob": N_("Date of birth"), "a_number": N_("A-number"),
    "cedula_ve": N_("Venezuelan cédula"), "dui_sv": N_("DUI"),
    "other_id": N_("Other document"), "sex": N_("Sex"), "nationality": N_("Nationality"),
    "address": N_("Address"), "locality": N_("Locality"),
}

#: The linkage model's level labels (habeas.linkage.model) and Splink's own.
LEVELS = {
    "Nickname, variant or same sound": N_("nickname, variant or same sound"),
    "A given name shared in another position": N_("a given name shared in another position"),
    "Initial agrees": N_("initial agrees"),
    "Both surnames, same order": N_("both surnames, same order"),
    "Both surnames, swapped": N_("both surnames, swapped"),
    "Both surnames sound the same": N_("both surnames sound the same"),
    "One side has one surname, found in the other":
        N_("one side has one surname, found in the other"),
    "One surname the same, the other a near spelling":
        N_("one surname the same, the other a near spelling"),
    "One surname in common, the other different":
        N_("one surname in common, the other different"),
    "First surnames a near spelling": N_("first surnames a near spelling"),
    "Day and month swapped": N_("day and month swapped"),
    "Same year": N_("same year"),
    "Uncertain dates overlap": N_("uncertain dates overlap"),
    "One typo": N_("one typo"),
    "Same street and house number": N_("same street and house number"),
    "Street a near spelling, same house number":
        N_("street a near spelling, same house number"),
    "Same street, another house number": N_("same street, another house number"),
    "An address line in common": N_("an address line in common"),
    "Same locality and postcode": N_("same locality and postcode"),
    "Same locality": N_("same locality"),
    "Locality a near spelling": N_("locality a near spelling"),
    "Same postcode, another locality": N_("same postcode, another locality"),
    "Same region only": N_("same state or province only"),
    "Same home, a surname in common":
        N_("same home, a surname in common"),
    "One surname each, the same":
        N_("one surname each, the same"),
    "Both surnames (either order)":
        N_("both surnames, in either order"),
    "Same first three letters":
        N_("the same first three letters (a short form)"),
    "Another date, within 12 years":
        N_("another date, within 12 years"),
    "Dates a generation apart":
        N_("dates a generation apart"),
    "Given name and surname swapped":
        N_("given name and surname swapped"),
    "All other comparisons": N_("different"),
}

QUEUE_REASONS = {"band": N_("the model is unsure"),
                 "ambiguous": N_("the record could belong to more than one person"),
                 "conflict": N_("linking would join records that must stay apart"),
                 "same document": N_("they share a document number, though little else "
                                     "agrees"),
                 "different given names": N_("the first given names are different: relatives "
                                             "share everything else"),
                 "dates of birth a generation apart": N_("the dates of birth are a generation "
                                                         "apart: a father and a son can share "
                                                         "a name")}

DECISIONS = {"same": N_("Same person"), "different": N_("Different people"),
             "unsure": N_("Not sure")}

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


def queue_count(store: Store) -> int:
    with store.read() as s:
        return int(s.execute(select(func.count()).select_from(ScoredPair)
                             .where(ScoredPair.status == "queued")).scalar() or 0)


def _position(store: Store, pair_id: int) -> int | None:
    with store.read() as s:
        p = s.get(ScoredPair, pair_id)
        if p is None or p.status != "queued":
            return None
        ahead = s.execute(select(func.count()).select_from(ScoredPair).where(
            ScoredPair.status == "queued",
            (ScoredPair.priority > p.priority)
            | ((ScoredPair.priority == p.priority) & (ScoredPair.id < p.id)))).scalar()
        return 1 + int(ahead or 0)


def _records(store: Store, ids: list[int], lang: str,
             vocab: dict[str, dict[str, str]], _: Gettext) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    with store.read() as s:
        idents: dict[int, list[str]] = {}
        for rid, kind, value, written, valid in s.execute(select(
                RecordIdentifier.record_id, RecordIdentifier.id_type, RecordIdentifier.value,
                RecordIdentifier.raw, RecordIdentifier.valid)
                .where(RecordIdentifier.record_id.in_(ids))):
            label = _(FIELDS[kind]) if kind in FIELDS else kind
            idents.setdefault(rid, []).append(
                f"{label}: {value if valid else written}" + ("" if valid else f" ({_('invalid')})"))
        for r in s.execute(select(Record).where(Record.id.in_(ids))).scalars():
            dob = ""
            if r.dob_earliest is not None:
                dob = (fmt_date(r.dob_earliest, lang) if r.dob_earliest == r.dob_latest
                       else f"{r.dob_earliest.isoformat()} – {r.dob_latest}")
            out[r.id] = {
                "given_names": " ".join(g.title() for g in r.given_names),
                "surnames": " ".join(x.title() for x in r.surnames),
                "dob": dob, "sex": vocab.get("sex", {}).get(r.sex or "", r.sex or ""),
                "nationality": r.nationality or "", "identifiers": idents.get(r.id, []),
                "raw": {str(k): ("" if v is None else str(v)) for k, v in r.raw.items()},
            }
    return out


def pair_data(store: Store, pair_id: int | None, *, lang: str, _: Gettext,
              vocab: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The pair to show (``pair_id``, or the head of the queue) with position and count."""
    total = queue_count(store)
    if pair_id is None:
        head = queue(store, limit=1)
        if not head:
            return {"pair": None, "count": 0, "position": None, "decisions": _decisions(_)}
        pair = head[0]
    else:
        pair = show(store, pair_id)
    records = _records(store, [pair["record_a"], pair["record_b"]], lang, vocab, _)
    evidence = []
    for field, (label, weight) in (pair.get("evidence") or {}).items():
        w = float(weight)
        evidence.append({"field": field, "label": _(FIELDS[field]) if field in FIELDS else field,
                         "level": level_text(str(label), _), "level_code": label,
                         "weight": round(w, 2),
                         "bar": round(min(abs(w), BAR_FULL) / BAR_FULL * 100, 1),
                         "direction": "for" if w > 0 else "against" if w < 0 else "none"})
    prior = float(pair["match_weight"]) - sum(e["weight"] for e in evidence)
    evidence.append({"field": "prior", "label": _("Starting point (how rare a match is)"),
                     "level": "", "level_code": "", "weight": round(prior, 2),
                     "bar": round(min(abs(prior), BAR_FULL) / BAR_FULL * 100, 1),
                     "direction": "for" if prior > 0 else "against" if prior < 0 else "none"})
    reason = (pair.get("reason") or "").split(":")[0]
    side = {}
    for key, rid in (("a", pair["record_a"]), ("b", pair["record_b"])):
        side[key] = {**pair.get(key, {}), **records.get(rid, {})}
    return jsonable({
        "pair": {"pair_id": pair["pair_id"], "status": pair["status"],
                 "match_probability": pair["match_probability"],
                 "probability_text": f"{pair['match_probability'] * 100:.0f} %",
                 "match_weight": pair["match_weight"],
                 "reason": pair.get("reason"),
                 "reason_text": _(QUEUE_REASONS[reason]) if reason in QUEUE_REASONS
                 else (pair.get("reason") or ""),
                 "a": side["a"], "b": side["b"], "evidence": evidence,
                 "same_person_now": side["a"].get("person_id") == side["b"].get("person_id")},
        "count": total,
        "position": _position(store, pair["pair_id"]),
        "decisions": _decisions(_),
    })


def _decisions(_: Gettext) -> list[dict[str, str]]:
    keys = {"same": "s", "different": "d", "unsure": "u"}
    return [{"value": k, "label": _(v), "key": keys[k]} for k, v in DECISIONS.items()]


def check_pair(store: Store, pair_id: int) -> None:
    with store.read() as s:
        if s.get(ScoredPair, pair_id) is None:
            raise NotFound(f"No scored pair {pair_id}.")


# --------------------------------------------------------------------------- the pages


@page("/review", permission="review", template="review.html", partial="_review_pair.html",
      name="review", nav=N_("Review queue"), nav_order=30, tags=["review"])
def review_page(ctx: Context, pair: int | None = None) -> dict[str, Any]:
    """The review queue: the pair to decide next (or ``pair``), its evidence, the queue size."""
    return pair_data(ctx.store, pair, lang=ctx.lang, _=ctx._,
                     vocab=vocabulary_labels(ctx.store, ctx.lang))


@action("/review/{pair_id}/decide", permission="review", name="review_decide",
        partial="_review_pair.html", redirect="/review", tags=["review"])
def review_decide(ctx: Context, pair_id: int) -> dict[str, Any]:
    """Decide a pair: ``decision`` = same | different | unsure, optional ``note``."""
    decision = str(ctx.form.get("decision", "")).strip().lower()
    if decision not in DECISIONS:
        raise UsageError(ctx._("Choose a decision: same, different or unsure."))
    check_pair(ctx.store, pair_id)
    note = str(ctx.form.get("note", "")).strip() or None
    result = decide(ctx.store, pair_id, decision, reviewer=ctx.actor, note=note)
    data = pair_data(ctx.store, None, lang=ctx.lang, _=ctx._,
                     vocab=vocabulary_labels(ctx.store, ctx.lang))
    data["decided"] = jsonable({**result, "pair_id": pair_id,
                                "decision_text": ctx._(DECISIONS[decision])})
    if not ctx.htmx and not ctx.wants_json:
        ctx.flash(ctx._("Decision saved: %(decision)s.", decision=ctx._(DECISIONS[decision])))
    return data

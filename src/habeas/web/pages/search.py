"""Find a person: the search box's data (query reading, candidates, translated reasons).

One box takes a name, an A-number or a cédula (or a name and a number): tokens
with digits are read as a document number, the rest as a name. Date of birth and
nationality are separate filters. :func:`habeas.search.search` does the
work; this module reads the box and says *why* each candidate matched, in the
reader's language (each reason keeps its code and parameters for programs).
"""

from __future__ import annotations

import re
from typing import Any

from habeas.access.reader import Reader
from habeas.domain.identifiers import ID_TYPE_LABELS
from habeas.errors import UsageError
from habeas.messages import N_
from habeas.search import SearchResult, search
from habeas.search.reasons import Reason
from habeas.store.db import Store
from habeas.web.context import Context
from habeas.web.pages._common import Gettext, clean_text
from habeas.web.pages._withheld import withheld_notice
from habeas.web.views import page

#: Reason code → message with %(query)s / %(record)s placeholders (English ids).
REASON_TEXT: dict[str, str] = {
    "surnames_match": N_("surnames match (%(query)s ~ %(record)s)"),
    "surnames_swapped": N_("surnames match in swapped order (%(query)s ~ %(record)s)"),
    "surname_second": N_("'%(record)s' is the record's second surname"),
    "surname_phonetic": N_("surname '%(query)s' sounds like '%(record)s'"),
    "surname_typo": N_("surname '%(query)s' is one typo from '%(record)s'"),
    "surname_in_given": N_("surname '%(query)s' is among the record's given names"),
    "surname_differs": N_("surname '%(query)s' differs from '%(record)s'"),
    "surname_missing": N_("surname '%(query)s' is not on the record"),
    "given_exact": N_("given name '%(query)s' matches"),
    "given_nickname": N_("given names '%(query)s' and '%(record)s' are the same name (nickname)"),
    "given_variant": N_("given name '%(query)s' is a spelling variant of '%(record)s'"),
    "given_phonetic": N_("given name '%(query)s' sounds like '%(record)s'"),
    "given_typo": N_("given name '%(query)s' is one typo from '%(record)s'"),
    "given_initial": N_("given name '%(query)s' matches the initial of '%(record)s'"),
    "given_in_surnames": N_("'%(query)s' is among the record's surnames"),
    "given_differs": N_("given name '%(query)s' differs from '%(record)s'"),
    "given_missing": N_("given name '%(query)s' is not on the record"),
    "dob_unknown": N_("no date of birth on the record"),
    "dob_exact": N_("born %(record)s (exact)"),
    "dob_swapped": N_("born %(record)s (day and month swapped from %(query)s)"),
    "dob_same_month": N_("born %(record)s, not %(query)s (same month)"),
    "dob_one_year": N_("born %(record)s, not %(query)s"),
    "dob_differs": N_("born %(record)s, not %(query)s"),
    "dob_within": N_("born %(record)s, compatible with %(query)s"),
    "nationality_same": N_("nationality %(record)s"),
    "nationality_differs": N_("nationality %(record)s, not %(query)s"),
    "identifier_exact": N_("%(type)s %(record)s matches '%(query)s' (exact)"),
    "identifier_differs": N_("%(type)s on the record is %(record)s, not '%(query)s'"),
}

ID_TYPE_TEXT: dict[str, str] = ID_TYPE_LABELS

_NO_GIVEN = N_("no given name on the record")


def reason_text(reason: Reason | dict[str, Any], _: Gettext) -> str:
    """One reason in the reader's language (its English text if the code is unknown)."""
    if isinstance(reason, dict):
        code, params, text = reason["code"], dict(reason.get("params") or {}), reason["text"]
    else:
        code, params, text = reason.code, dict(reason.params), reason.text
    if code == "given_missing" and "query" not in params:
        return _(_NO_GIVEN)
    template = REASON_TEXT.get(code)
    if template is None:
        return text
    if "type" in params:
        kind = str(params["type"])
        params["type"] = _(ID_TYPE_TEXT.get(kind, kind))
    try:
        return _(template) % params
    except (KeyError, TypeError, ValueError):
        return text


_DIGITS = re.compile(r"\d")


def split_box(box: str) -> tuple[str | None, str | None]:
    """The search box → (name, document number): tokens holding a digit are the number."""
    tokens = box.split()
    number = [t for t in tokens if _DIGITS.search(t)]
    name = [t for t in tokens if not _DIGITS.search(t)]
    return (" ".join(name) or None), ("".join(number) or None)


def run_search(
    store: Store,
    *,
    q: str | None,
    dob: str | None,
    nationality: str | None,
    _: Gettext,
    limit: int = 10,
    reader: Reader | None = None,
) -> dict[str, Any]:
    """The search page's data: the query as read, candidates with reasons, or the problem.
    ``reader``: only records it may view are searched (habeas.access.reader)."""
    q, dob, nationality = clean_text(q), clean_text(dob), clean_text(nationality)
    data: dict[str, Any] = {
        "query": {"q": q or "", "dob": dob or "", "nationality": nationality or ""},
        "searched": False,
        "candidates": [],
        "warnings": [],
        "error": None,
    }
    if not (q or dob):
        return data
    name, identifier = split_box(q or "")
    data["query"]["read_as"] = {"name": name, "identifier": identifier}
    try:
        result = search(
            store,
            name=name,
            dob=dob,
            nationality=nationality,
            identifier=identifier,
            limit=limit,
            reader=reader,
        )
    except UsageError as exc:
        if identifier and name is None and q:
            # not a document number after all ("Nº 5 Pérez"?): try the box as a name
            try:
                result = search(
                    store, name=q, dob=dob, nationality=nationality, limit=limit, reader=reader
                )
            except UsageError:
                data["error"] = str(exc)
                return data
        else:
            data["error"] = str(exc)
            return data
    data["searched"] = True
    data["candidates"] = [_candidate(c, _) for c in result.candidates]
    data["warnings"] = _warnings(result, _)
    data["expanded"] = result.expanded
    data["withheld"] = result.withheld.to_dict() if result.withheld else {}
    return data


def _candidate(c: Any, _: Gettext) -> dict[str, Any]:
    best = c.records[0] if c.records else None
    return {
        "person_id": c.person_id,
        "score": round(float(c.score), 4),
        "name": (best.name if best else None) or "",
        "reasons": [
            {
                "code": r.code,
                "params": r.params,
                "weight": r.weight,
                "text": reason_text(r, _),
                "good": r.weight > 0,
                "bad": r.weight < 0,
            }
            for r in c.reasons
        ],
        "records": [
            {
                "record_id": r.record_id,
                "score": round(float(r.score), 4),
                "source": r.source,
                "record_key": r.record_key,
                "name": r.name,
            }
            for r in c.records
        ],
    }


def _warnings(result: SearchResult, _: Gettext) -> list[str]:
    out = []
    if result.unindexed > result.scanned:
        out.append(
            _(
                "%(n)s records are not in the search index and were not searched: "
                "ask an administrator to rebuild the index."
            )
            % {"n": result.unindexed - result.scanned}
        )
    if result.truncated:
        out.append(
            _(
                "Very many records share this name; not all were compared. Add a date "
                "of birth, a second surname or a document number."
            )
        )
    return out


# --------------------------------------------------------------------------- the page


@page(
    "/search",
    permission="read_identities",
    template="search.html",
    partial="_search_results.html",
    name="search",
    nav=N_("Find a person"),
    nav_order=20,
    tags=["persons"],
)
def search_page(
    ctx: Context,
    q: str | None = None,
    dob: str | None = None,
    nationality: str | None = None,
    limit: int = 10,
) -> dict[str, Any]:
    """Find a person by name, A-number or cédula, with date of birth and nationality filters."""
    limit = max(1, min(limit, 50))
    data = run_search(
        ctx.store, q=q, dob=dob, nationality=nationality, _=ctx._, limit=limit, reader=ctx.reader
    )
    data["withheld_notice"] = withheld_notice(ctx, data.get("withheld"))
    return data

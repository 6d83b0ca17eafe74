"""The review form cannot decide by accident, and every decision can be undone (#13.2).

Pressing Enter in the note once submitted the form with its first button ("same") and
merged two records. Now the form's default button is disabled (implicit submission does
nothing) and the note is a text area (Enter writes a new line); the confirmation names
both records and offers to undo, which queues the pair again as a new, logged decision.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from habeas.ingest.importer import ImportOptions, import_file
from habeas.linkage.apply import now
from habeas.store import queries
from habeas.store.db import Store
from habeas.store.schema_linkage import LinkageRun, ReviewDecision, ScoredPair
from tests.web.conftest import csrf

LIST = (
    "ID,Nombre,Fecha de nacimiento\n"
    "1,Ramiro Quintero Albornoz,1990-05-04\n"
    "2,Ramiro Quintero A.,1990-05-04\n"
)


class _Form(HTMLParser):
    """The controls of the decision form, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.controls: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and "decide" in (found.get("class") or ""):
            self.inside = True
        elif self.inside and tag in ("button", "input", "textarea"):
            self.controls.append((tag, found))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _pair(store: Store, tmp_path: Path) -> tuple[dict[str, int], int]:
    path = tmp_path / "press.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(store, path, ImportOptions("Press", "news_report"))
    r = {x["record_id"]: int(x["record"]) for x in queries.iter_records(store)}
    with store.write("tester") as op:
        run = LinkageRun(started_at=now(), actor="tester", kind="full", parameters={}, counts={})
        op.session.add(run)
        op.session.flush()
        a, b = sorted(r.values())
        pair = ScoredPair(
            run_id=run.id,
            record_a=a,
            record_b=b,
            match_weight=1.0,
            match_probability=0.4,
            evidence={},
            status="queued",
            reason="band",
            priority=1.0,
        )
        op.session.add(pair)
        op.session.flush()
        op.log("link", "linkage_run", run.id, {"test": "queued pair"})
    return r, pair.id


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_enter_in_the_note_cannot_decide(store: Store, tmp_path: Path, client_as: Any) -> None:
    _r, pid = _pair(store, tmp_path)
    doc = client_as("documenter")
    doc.get("/language/es")
    page = doc.get("/review").text
    assert "Enter nunca decide" in page and "puede deshacerla" in page  # the page says so
    form = _Form()
    form.feed(page)
    buttons = [attrs for tag, attrs in form.controls if tag == "button"]
    # implicit submission (Enter in a field) uses the form's first submit button: disabled
    assert buttons[0].get("type") == "submit" and "disabled" in buttons[0]
    assert [b.get("value") for b in buttons[1:]] == ["same", "different", "unsure"]
    # the note is a text area, where Enter writes a new line; no one-line text field is left
    assert [a.get("name") for t, a in form.controls if t == "textarea"] == ["note"]
    assert not [a for t, a in form.controls if t == "input" and a.get("type") != "hidden"]
    # what a browser would send if it still submitted: no decision, so nothing is stored
    sent = doc.post(
        f"/review/{pid}/decide",
        data={"note": "cedula distinta, no es la misma persona"},
        headers={"X-CSRF-Token": csrf(doc), "Accept": "application/json"},
    )
    assert sent.status_code == 400
    with store.read() as s:
        assert s.execute(select(ReviewDecision)).first() is None


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_confirmation_names_both_records_and_undo_requeues(
    store: Store, tmp_path: Path, client_as: Any
) -> None:
    r, pid = _pair(store, tmp_path)
    doc = client_as("documenter")
    doc.get("/language/es")
    token = csrf(doc)
    done = doc.post(
        f"/review/{pid}/decide",
        data={"decision": "same"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert done.status_code == 200
    assert "Ramiro Quintero Albornoz (Press)" in done.text
    assert "Ramiro Quintero A. (Press)" in done.text
    assert "Decisión guardada" in done.text
    with store.read() as s:
        decision_id = s.execute(select(ReviewDecision.id)).scalar_one()
    assert f'action="/review/decisions/{decision_id}/undo"' in done.text
    persons = {int(x["record"]): x["person_id"] for x in queries.iter_records(store)}
    assert persons[r["1"]] == persons[r["2"]]
    # undo without JavaScript: back to the same pair, to decide again
    back = doc.post(
        f"/review/decisions/{decision_id}/undo", data={"csrf_token": token}, follow_redirects=False
    )
    assert back.status_code == 303 and back.headers["location"] == f"/review?pair={pid}"
    persons = {int(x["record"]): x["person_id"] for x in queries.iter_records(store)}
    assert persons[r["1"]] != persons[r["2"]]
    again = doc.get(f"/review.json?pair={pid}").json()
    assert again["pair"]["status"] == "queued" and again["position"] == 1
    # an analyst or a lawyer may not undo (the review permission)
    lawyer = client_as("legal")
    refused = lawyer.post(
        f"/review/decisions/{decision_id}/undo",
        headers={"X-CSRF-Token": csrf(lawyer), "Accept": "application/json"},
    )
    assert refused.status_code == 403

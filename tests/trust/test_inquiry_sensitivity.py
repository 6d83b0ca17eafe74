"""Inquiries: role × sensitivity × face. The asker's identity and the inquiry's content are
shown exactly when the one policy allows it (with a purpose), in the library, on the
pages, in the JSON API and in the letter; candidates keep only the records a reader may
see. The number of combinations checked is printed."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from habeas.access import policy
from habeas.access.policy import ROLES, PermissionDenied
from habeas.access.reader import Reader
from habeas.errors import NotFound
from habeas.inquiry import Asker, InquirySpec, Sought, create_inquiry, get_inquiry, list_inquiries
from habeas.inquiry.letter import build_letter, render_letter
from habeas.inquiry.matching import confirm_person, match_inquiry
from habeas.inquiry.model import LEVELS
from habeas.store.db import Store
from tests.trust.sensitivity_data import SOURCES, build_levels
from tests.web.conftest import (  # noqa: F401 - the web fixtures, for the web cases
    _fast_password_hashing,
    app,
    client,
    client_as,
    users,
)

ASKER = "Herminia Supuesta Valderrama"
CONTACT = "+58 416-5550777"


def _inquiries(store: Store) -> dict[tuple[str, str], int]:
    """One inquiry per (content level, asker level), the asker never below the content."""
    made = {}
    for content, asker in itertools.product(LEVELS, LEVELS):
        if policy.rank(asker) < policy.rank(content):
            continue
        made[(content, asker)] = create_inquiry(
            store,
            InquirySpec(
                Asker(ASKER, "hermana", CONTACT),
                Sought(name="Zebulon Testino", dob="04/05/1990"),
                sensitivity=content,
                asker_sensitivity=asker,
            ),
            None,
        )
    return made


def test_role_level_purpose_matrix_in_the_library(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    made = _inquiries(store)
    checked, failures = 0, []
    for role, purpose in itertools.product([*ROLES, None], ("relative_request: m", None)):
        reader = Reader(role, f"user-{role}", purpose, "cli")
        for (content, asker), iid in made.items():
            if policy.max_level(role, "view") is None:
                with pytest.raises(PermissionDenied):
                    get_inquiry(store, iid, reader)
                checked += 1
                continue
            sees_content = policy.may(role, content, "view") and purpose is not None
            sees_asker = sees_content and policy.may(role, asker, "view")
            try:
                v = get_inquiry(store, iid, reader)
            except NotFound:
                got_content = got_asker = False
                listed = iid in {x.id for x in list_inquiries(store, reader)}
                if listed or policy.may(role, content, "view"):
                    failures.append(f"{role} {content}/{asker}: hidden but reachable")
            else:
                got_content = v.sought is not None
                got_asker = v.asker is not None
                text = json.dumps(v.to_dict(), ensure_ascii=False)
                if (ASKER in text) is not got_asker or (CONTACT in text) is not got_asker:
                    failures.append(f"{role} {content}/{asker}: asker text leaks")
                if not got_asker and v.asker_withheld is None:
                    failures.append(f"{role} {content}/{asker}: withheld without saying so")
            if (got_content, got_asker) != (sees_content, sees_asker):
                failures.append(
                    f"{role} purpose={purpose is not None} {content}/{asker}: "
                    f"got {(got_content, got_asker)}, expected {(sees_content, sees_asker)}"
                )
            checked += 1
    assert not failures, "\n".join(failures)
    with capsys.disabled():
        print(f"\ninquiries: {checked} role × purpose × level combinations checked")


def test_candidates_and_letter_keep_only_what_the_reader_may_see(
    store: Store, tmp_path: Path
) -> None:
    case = build_levels(store, tmp_path)
    iid = create_inquiry(
        store,
        InquirySpec(Asker(ASKER, "hermana", CONTACT), Sought(name="Zebulon Testino")),
        None,
    )
    match_inquiry(store, iid, None)  # the library: every record
    confirm_person(store, iid, case.person_id, None)
    for role in ("admin", "documenter", "legal"):
        reader = Reader(role, role, "relative_request: m", "cli")
        v = get_inquiry(store, iid, reader)
        shown = {r["source"] for c in v.candidates for r in c["records"]}
        expected = {SOURCES[lv][0] for lv in SOURCES if policy.may(role, lv, "view")}
        assert shown == expected, role
        letter = build_letter(store, iid, reader, lang="en")
        cited = {s.source for item in letter.items for s in item.holds}
        assert cited == {SOURCES[lv][0] for lv in SOURCES if policy.may(role, lv, "dossier")}
        html = render_letter(letter)
        assert ASKER not in html and CONTACT not in html  # never, not even for admin
        assert (letter.withheld > 0) is (role != "admin")


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_role_route_asker_matrix_on_the_web(
    store: Store,
    client: TestClient,  # noqa: F811 - the imported fixture
    client_as: Callable[[str], TestClient],  # noqa: F811 - the imported fixture
    role: str | None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.web.test_inquiries_web import state_purpose

    made = _inquiries(store)
    c = client if role is None else client_as(role)
    if role is not None and policy.allowed(role, "read_identities"):
        state_purpose(c)
    checked, failures = 0, []
    for (content, asker), iid in made.items():
        for url in (f"/inquiries/{iid}", f"/inquiries/{iid}.json", "/inquiries.json"):
            r = c.get(
                url,
                headers={"Accept": "application/json"} if ".json" in url else {},
                follow_redirects=False,
            )
            if not policy.allowed(role, "read_identities"):
                to_login = r.status_code == 303 and "/login" in r.headers.get("location", "")
                ok = r.status_code == (401 if role is None else 403) or (role is None and to_login)
                ok = ok and ASKER not in r.text
            elif not policy.may(role, content, "view"):
                ok = (
                    (r.status_code == 404)
                    if "/inquiries/" in url
                    else iid not in {i["id"] for i in r.json()["inquiries"]}
                )
            else:
                assert r.status_code == 200, (url, r.status_code, r.text[:200])
                if url == "/inquiries.json":
                    mine = [i for i in r.json()["inquiries"] if i["id"] == iid]
                    text = json.dumps(mine, ensure_ascii=False)
                else:
                    text = r.text
                ok = (ASKER in text) is policy.may(role, asker, "view")
                if url != "/inquiries.json":  # the list names the asker, without contact
                    ok = ok and (CONTACT in text) is policy.may(role, asker, "view")
            if not ok:
                failures.append(f"{role} {content}/{asker} {url}: {r.status_code}")
            checked += 1
    assert not failures, "\n".join(failures)
    with capsys.disabled():
        print(f"\n{role or 'anonymous'}: {checked} inquiry route × level combinations checked")

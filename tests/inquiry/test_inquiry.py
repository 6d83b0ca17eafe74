"""Relatives' inquiries in the library: records, status machine, history, withholding, letter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from habeas.access.policy import ROLES, PermissionDenied
from habeas.access.reader import Reader
from habeas.errors import NotFound
from habeas.inquiry import (
    Asker,
    InquiryError,
    InquirySpec,
    Sought,
    create_inquiry,
    describe_inquiry,
    get_inquiry,
    list_inquiries,
    set_status,
)
from habeas.inquiry.letter import build_letter, render_letter, write_letter
from habeas.inquiry.matching import confirm_person, match_inquiry
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry
from habeas.store.schema_inquiry import InquiryEvent
from tests.conftest import db_snapshot
from tests.inquiry.case import (
    ADMIN,
    ASKER,
    CONTACT,
    DOCUMENTER,
    HEALTH,
    LEGAL,
    LIST_TITLE,
    ORDERED_BY,
    add_person,
    new_inquiry,
)


def test_create_validates_each_field_and_a_failed_write_writes_nothing(store: Store) -> None:
    before = db_snapshot(store)
    cases = {
        "asker_name": (Asker("  ", "madre", "x"), Sought(name="Ana Pérez")),
        "asker_relationship": (Asker("Ana", "", "x"), Sought(name="Ana Pérez")),
        "asker_contact": (Asker("Ana", "madre", " "), Sought(name="Ana Pérez")),
        "sought_name": (Asker("Ana", "madre", "x"), Sought(nationality="VEN")),
        "sought_dob": (Asker("Ana", "madre", "x"), Sought(name="Ana Pérez", dob="31/31/31")),
        "sought_nationality": (Asker("Ana", "madre", "x"), Sought(name="Ana", nationality="Zz")),
    }
    for field_name, (asker, sought) in cases.items():
        with pytest.raises(InquiryError) as err:
            create_inquiry(store, InquirySpec(asker, sought), DOCUMENTER)
        assert err.value.field == field_name, (field_name, str(err.value))
    with pytest.raises(InquiryError) as err:
        create_inquiry(
            store, InquirySpec(Asker("A", "b", "c"), Sought(name="X Y"), language="fr"), DOCUMENTER
        )
    assert err.value.field == "language"
    with pytest.raises(PermissionDenied):
        create_inquiry(store, InquirySpec(Asker("A", "b", "c"), Sought(name="X Y")), LEGAL)
    assert db_snapshot(store) == before


def test_status_machine_history_and_change_log(store: Store, tmp_path: Path) -> None:
    pid = add_person(store, tmp_path)
    iid = new_inquiry(store)
    assert get_inquiry(store, iid, ADMIN).status == "open"
    with pytest.raises(InquiryError, match="Confirm which person"):
        set_status(store, iid, "information_found", DOCUMENTER)
    with pytest.raises(InquiryError, match="letter first"):
        set_status(store, iid, "answered", DOCUMENTER)
    with pytest.raises(InquiryError, match="already open"):
        set_status(store, iid, "open", DOCUMENTER)
    with pytest.raises(InquiryError, match="Unknown status"):
        set_status(store, iid, "lost", DOCUMENTER)
    outcome = match_inquiry(store, iid, DOCUMENTER)
    assert outcome.candidates and outcome.candidates[0]["person_id"] == pid
    confirm_person(store, iid, pid, DOCUMENTER, note="la madre reconoce la foto")
    set_status(store, iid, "information_found", DOCUMENTER, note="hallado")
    write_letter(store, iid, tmp_path / "carta.html", DOCUMENTER)
    set_status(store, iid, "answered", DOCUMENTER)
    set_status(store, iid, "closed", DOCUMENTER)
    with pytest.raises(InquiryError, match="cannot become answered"):
        set_status(store, iid, "answered", DOCUMENTER)
    set_status(store, iid, "open", DOCUMENTER, note="nueva información")
    seen = get_inquiry(store, iid, ADMIN)
    assert seen.status == "open" and seen.person_id == pid and seen.letters == 1
    kinds = [e.kind for e in seen.history]
    assert kinds == [
        "created",
        "matched",
        "confirmed",
        "status",
        "letter",
        "status",
        "status",
        "status",
    ]
    assert [e.status for e in seen.history if e.kind == "status"] == [
        "information_found",
        "answered",
        "closed",
        "open",
    ]
    with store.read() as s:
        rows = s.execute(select(InquiryEvent).where(InquiryEvent.inquiry_id == iid)).scalars()
        assert len(list(rows)) == len(kinds)  # one row per change, none edited
        entries = list(
            s.execute(select(ChangeLogEntry).where(ChangeLogEntry.entity == "inquiry")).scalars()
        )
    changes = [e for e in entries if e.action.startswith("inquiry_")]
    assert len(changes) == len(kinds)
    logged = " ".join(e.detail for e in entries)
    assert ASKER not in logged and CONTACT not in logged and "Larrazabal" not in logged
    assert store.verify_log().ok


def test_correction_is_a_new_event_and_only_a_cleared_reader_restates_the_asker(
    store: Store,
) -> None:
    iid = new_inquiry(store)
    describe_inquiry(store, iid, DOCUMENTER, sought=Sought(name="Teodoro Larrazábal Díaz"))
    with pytest.raises(PermissionDenied):
        describe_inquiry(store, iid, DOCUMENTER, asker=Asker("Otra", "tía", "x"))
    describe_inquiry(store, iid, ADMIN, asker=Asker(ASKER, "madre", "+58 412-5550999"))
    seen = get_inquiry(store, iid, ADMIN)
    assert seen.sought and seen.sought.name == "Teodoro Larrazábal Díaz"
    assert seen.asker and seen.asker.contact == "+58 412-5550999"
    assert [e.kind for e in seen.history] == ["created", "described", "described"]
    assert seen.history[0].detail["sought"]["name"] == "Teodoro Larrazabal"  # kept


@pytest.mark.parametrize("role", [*ROLES, None])
def test_the_asker_is_withheld_from_every_role_not_cleared(store: Store, role: str | None) -> None:
    iid = new_inquiry(store)
    reader = Reader(role, "someone", "relative_request: test", "cli")
    if role in ("analyst", "viewer", None):
        with pytest.raises(PermissionDenied):
            get_inquiry(store, iid, reader)
        with pytest.raises(PermissionDenied):
            list_inquiries(store, reader)
        return
    one = get_inquiry(store, iid, reader)
    listed = list_inquiries(store, reader)
    assert [v.id for v in listed] == [iid]
    text = json.dumps(one.to_dict(), ensure_ascii=False) + json.dumps(
        listed[0].to_dict(), ensure_ascii=False
    )
    if role == "admin":
        assert one.asker == Asker(ASKER, "madre", CONTACT) and one.asker_withheld is None
        assert ASKER in text
    else:
        assert one.asker is None and one.asker_withheld == "level"
        assert ASKER not in text and CONTACT not in text and "madre" not in text
        assert one.sought is not None  # the description is restricted, not the asker's level
    # without a purpose nobody sees the description or the asker
    bare = get_inquiry(store, iid, Reader(role, "someone", None, "cli"))
    assert bare.sought is None and bare.asker is None and bare.content_withheld == "purpose"
    assert bare.asker_withheld in ("purpose", "level")


def test_an_inquiry_above_the_clearance_is_not_found(store: Store) -> None:
    iid = create_inquiry(
        store,
        InquirySpec(
            Asker("A B", "c", "d"), Sought(name="Ana Pérez"), sensitivity="witness_protected"
        ),
        DOCUMENTER,
    )
    with pytest.raises(NotFound):
        get_inquiry(store, iid, DOCUMENTER)
    assert list_inquiries(store, DOCUMENTER) == []
    assert get_inquiry(store, iid, ADMIN).sought is not None


def test_asker_is_sealed_when_the_workspace_encrypts(store: Store) -> None:
    from habeas.crypto.fields import is_sealed
    from tests.trust.encryption_helpers import enable_encryption

    def raw_asker(iid: int) -> str:
        with store.read() as s:
            value = s.execute(
                select(InquiryEvent.asker).where(InquiryEvent.inquiry_id == iid)
            ).scalar_one()
        assert value is not None
        return str(value)

    plain = new_inquiry(store)
    assert not is_sealed(raw_asker(plain)) and ASKER in raw_asker(plain)
    enable_encryption(store)
    sealed = new_inquiry(store)
    assert is_sealed(raw_asker(sealed)) and ASKER not in raw_asker(sealed)
    seen = get_inquiry(store, sealed, ADMIN)
    assert seen.asker is not None and seen.asker.name == ASKER


def test_letter_item_by_item_in_spanish_and_english(store: Store, tmp_path: Path) -> None:
    pid = add_person(store, tmp_path)
    iid = new_inquiry(store)
    match_inquiry(store, iid, DOCUMENTER)
    confirm_person(store, iid, pid, DOCUMENTER)
    letter = build_letter(store, iid, DOCUMENTER)
    assert letter.lang == "es" and letter.person_found
    items = {i.key: i for i in letter.items}
    assert list(items) == list("abcdefg")
    assert items["a"].entitlement == "La autoridad que decidió la privación de libertad;"
    (a,) = items["a"].holds
    assert ORDERED_BY in a.text and a.source == LIST_TITLE and a.source_date == "2 de abril de 2025"
    assert not items["a"].unknown
    b_texts = " ".join(s.text + " " + s.dated for s in items["b"].holds)
    assert "CECOT" in b_texts and "16 de marzo de 2025" in b_texts
    assert any("hora" in u for u in items["b"].unknown)  # the time of admission is not known
    assert not items["c"].holds and items["c"].unknown  # supervising authority: unknown
    assert HEALTH in items["f"].holds[0].text
    assert not items["e"].holds and items["e"].unknown  # no release recorded
    assert not items["g"].holds and not items["g"].unknown and items["g"].notes  # no death
    assert "CECOT (16 de marzo de 2025; fuente: " in letter.whereabouts
    html = render_letter(letter)
    for forbidden in (
        ASKER,
        CONTACT,
        "ordering_authority",
        "admission",
        "2025-03-16",  # dates in words of the letter's language
        str(tmp_path),
    ):
        assert forbidden not in html
    assert "Respuesta a su consulta" in html and "artículo 18" in html
    english = build_letter(store, iid, LEGAL, lang="en")
    assert english.items[0].entitlement == "The authority that ordered the deprivation of liberty;"
    assert english.items[0].holds[0].source_date == "April 2, 2025"
    assert "Answer to your inquiry" in render_letter(english)


def test_letter_without_a_confirmed_person_says_the_register_knows_nothing(store: Store) -> None:
    iid = new_inquiry(store, name="Nadie Inexistente Ficticio", dob="01/01/1970")
    letter = build_letter(store, iid, DOCUMENTER, lang="en")
    assert not letter.person_found and all(i.unknown and not i.holds for i in letter.items)
    with pytest.raises(PermissionDenied):
        build_letter(store, iid, Reader("analyst", "x", "audit", "cli"))


def test_letter_follows_a_merge_and_refuses_when_everything_is_withheld(
    store: Store, tmp_path: Path
) -> None:
    from tests.trace.conftest import merge
    from tests.trust.sensitivity_data import build_levels

    pid = add_person(store, tmp_path)
    iid = new_inquiry(store)
    confirm_person(store, iid, pid, DOCUMENTER)
    other = new_inquiry(store, name="Zebulon Testino", dob="04/05/1990")
    case = build_levels(store, tmp_path)
    survivor = merge(store, [case.person_id, pid])  # linkage moves his records
    letter = build_letter(store, iid, DOCUMENTER, lang="en")
    assert letter.person_found and any(ORDERED_BY in s.text for s in letter.items[0].holds)
    assert survivor != pid
    # a person whose every record is above the producer's clearance: refused, not "nothing"
    from habeas.access.levels import raise_sensitivity
    from habeas.store.schema import Source

    lone = add_person_at(store, tmp_path)
    confirm_person(store, other, lone, ADMIN)
    with store.read() as s:
        sid = s.execute(select(Source.id).where(Source.title == "Sealed list")).scalar_one()
    raise_sensitivity(store, "source", sid, "witness_protected")
    with pytest.raises(PermissionDenied):
        build_letter(store, other, DOCUMENTER)
    assert build_letter(store, other, ADMIN).person_found


def add_person_at(store: Store, folder: Path) -> int:
    from habeas.ingest.importer import ImportOptions, import_file
    from habeas.store.queries import CURRENT
    from habeas.store.schema import Link, Record

    path = folder / "sealed.csv"
    path.write_text("Folio;Nombre completo\nS-1;Solitario Inventado Ruiz\n", encoding="utf-8")
    import_file(
        store,
        path,
        ImportOptions(source_title="Sealed list", source_kind="list"),
        actor="test",
    )
    with store.read() as s:
        return int(
            s.execute(
                select(Link.person_id)
                .join(Record, Record.id == Link.record_id)
                .where(CURRENT, Record.record_key == "S-1")
            ).scalar_one()
        )

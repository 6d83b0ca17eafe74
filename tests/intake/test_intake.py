"""Intake: a record entered from a phone call or a document is normalised, checked and
linked like an imported row; corrections cite what they correct; entries from a person's
page join that person. On the synthetic case (SQLite), linked once as ``make demo`` does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from habeas.access.policy import PermissionDenied
from habeas.access.reader import Reader
from habeas.ingest.intake import Intake, IntakeFailed, enter_record
from habeas.store.db import Store
from habeas.store.schema import ChangeLogEntry, CustodyEvent, LegalFact, Link, Record, Source
from habeas.store.schema_linkage import ReviewDecision
from tests.web.conftest_browser import DemoPerson, a_person, build_demo_store

DOC = Reader("documenter", "ana", "documentation")
CALL = Intake(channel="llamada telefónica", taken_on="2026-11-30", kind="testimonio")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoPerson]]:
    mp = pytest.MonkeyPatch()
    mp.delenv("HABEAS_DATABASE_URL", raising=False)
    mp.delenv("HABEAS_WORKSPACE", raising=False)
    store = build_demo_store(tmp_path_factory.mktemp("intake"), persons=60, roles=())
    yield store, a_person(store)
    store.close()
    mp.undo()


def _dob(store: Store, person_id: int) -> str:
    with store.read() as s:
        return (
            s.execute(
                select(Record.dob_earliest)
                .join(Link, Link.record_id == Record.id)
                .where(Link.person_id == person_id, Link.superseded_at.is_(None))
                .where(Record.dob_precision == "exact")
            )
            .scalars()
            .first()
            .strftime("%d/%m/%Y")
        )


def test_a_phone_call_links_to_the_person_it_names(demo: tuple[Store, DemoPerson]) -> None:
    store, person = demo
    dob = _dob(store, person.person_id)
    result = enter_record(
        store,
        DOC,
        CALL,
        {
            "given_names": person.given,
            "surnames": person.surname,
            "date_of_birth": dob,
            "reporter_name": "Hermana (nombre inventado)",
            "event_type": "llamada",
            "event_date": "28/11/2026",
        },
    )
    assert result.link_run == "incremental"
    assert result.person_id == person.person_id and result.linked_with >= 1
    assert any(c.person_id == person.person_id and c.is_linked for c in result.candidates)
    with store.read() as s:
        src = s.get(Source, result.source_id)
        rec = s.get(Record, result.record_id)
    assert src is not None and rec is not None
    assert (src.kind, src.channel, src.taken_by, str(src.taken_on)) == (
        "testimony",
        "phone",
        "ana",
        "2026-11-30",
    )
    assert src.sensitivity == "restricted" and rec.sensitivity == "restricted"
    # normalised as an imported row: name parts, the date read day-first, reporter sealed away
    assert rec.given_names and rec.dob_precision == "exact"
    assert "reporter_name" not in rec.raw and rec.protected


def test_bad_values_are_named_by_field_and_nothing_is_written(
    demo: tuple[Store, DemoPerson],
) -> None:
    store, _person = demo
    with store.read() as s:
        before = s.execute(select(func.count()).select_from(ChangeLogEntry)).scalar()
    with pytest.raises(IntakeFailed) as failed:
        enter_record(
            store, DOC, CALL, {"full_name": "Nadie Inventado", "date_of_birth": "31/02/1990"}
        )
    assert [p.field for p in failed.value.problems] == ["date_of_birth"]
    with pytest.raises(IntakeFailed) as failed:
        enter_record(store, DOC, Intake("fax", "2026-11-30"), {"full_name": "Nadie"})
    assert failed.value.problems[0].field == "channel"
    with pytest.raises(IntakeFailed) as failed:
        enter_record(store, DOC, CALL, {"sex": "M"})
    assert failed.value.problems[0].code == "no_name_or_id"
    with pytest.raises(PermissionDenied):
        enter_record(store, Reader("legal", "lola", "court_filing"), CALL, {"full_name": "X"})
    with store.read() as s:
        assert s.execute(select(func.count()).select_from(ChangeLogEntry)).scalar() == before


def test_a_correction_cites_the_old_record_and_joins_its_person(
    demo: tuple[Store, DemoPerson],
) -> None:
    store, _person = demo
    first = enter_record(
        store, DOC, CALL, {"full_name": "Rigoberto Ficticio Lanza", "date_of_birth": "02/03/1991"}
    )
    fixed = enter_record(
        store,
        DOC,
        Intake(channel="document", taken_on="2026-12-01", kind="document"),
        {"full_name": "Rigoberto Ficticio Lanza", "date_of_birth": "02/03/1981"},
        corrects_record=first.record_id,
    )
    assert fixed.corrects_record_id == first.record_id
    assert fixed.person_id == first.person_id and fixed.source_id != first.source_id
    with store.read() as s:
        old, new = s.get(Record, first.record_id), s.get(Record, fixed.record_id)
        src = s.get(Source, fixed.source_id)
        decisions = (
            s.execute(
                select(ReviewDecision.decision).where(
                    ReviewDecision.record_a == first.record_id,
                    ReviewDecision.record_b == fixed.record_id,
                )
            )
            .scalars()
            .all()
        )
    assert old is not None and new is not None and src is not None
    assert str(old.dob_earliest) == "1991-03-02" and str(new.dob_earliest) == "1981-03-02"
    assert src.corrects_source_id == first.source_id and "same" in decisions


def test_an_event_and_a_legal_fact_from_the_person_page(demo: tuple[Store, DemoPerson]) -> None:
    store, person = demo
    with store.read() as s:
        anchor = (
            s.execute(
                select(Link.record_id).where(
                    Link.person_id == person.person_id, Link.superseded_at.is_(None)
                )
            )
            .scalars()
            .first()
        )
    assert anchor is not None
    result = enter_record(
        store,
        DOC,
        Intake(channel="document", taken_on="2026-12-01", kind="court_filing"),
        {
            "full_name": f"{person.given} {person.surname}",
            "event_type": "traslado",
            "event_date": "2025-07-18",
            "place": "Aeropuerto (inventado)",
            "hearing": "no",
        },
        person_record=anchor,
    )
    assert result.person_id == person.person_id and result.link_run is None
    with store.read() as s:
        events = (
            s.execute(
                select(CustodyEvent.event_type).where(CustodyEvent.record_id == result.record_id)
            )
            .scalars()
            .all()
        )
        facts = s.execute(
            select(LegalFact.fact_type, LegalFact.value).where(
                LegalFact.record_id == result.record_id
            )
        ).all()
    assert events == ["transfer"] and facts == [("hearing", "not_held")]
    # a second record from the same conversation goes into the same source
    again = enter_record(
        store, DOC, None, {"full_name": "Otra Persona Inventada"}, source_id=result.source_id
    )
    assert again.source_id == result.source_id and again.record_id != result.record_id
    assert store.verify_log().ok


def test_one_time_setup_is_needed_for_linkage(tmp_path: Path) -> None:
    from habeas.workspace import init_workspace

    store = Store.open(init_workspace(tmp_path / "ws"), create=True)
    try:
        result = enter_record(store, DOC, CALL, {"full_name": "Persona Sola Inventada"})
        assert result.link_run is None and result.link_note and "habeas link" in result.link_note
        assert result.linked_with == 0 and result.candidates == []
    finally:
        store.close()

"""Witness-protected values never reach an uncleared face; defaults; migration from 0006."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select, text

from habeas.access.reader import Reader
from habeas.report.dossier import build_dossier, render_dossier
from habeas.report.export import export
from habeas.search import search
from habeas.store import migrate
from habeas.store.db import Store, make_engine
from habeas.store.schema import Incident, Record, Source, StoredFile
from habeas.trace import person_summary
from habeas.workspace import Workspace
from tests.trust.sensitivity_data import PHONE, REPORTER, SOURCES, build_levels

SECRETS = (REPORTER, PHONE, "Quintanilla", "5550199")


def _clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def test_reporter_values_are_kept_out_of_raw(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    with store.read() as s:
        rec = s.get(Record, case.record_ids["restricted"])
        assert rec is not None and rec.protected is not None
        _clean(json.dumps(rec.raw, ensure_ascii=False), "record.raw")
        assert set(rec.raw) == {"Folio", "Nombre completo", "Fecha de nacimiento"}
        levels = dict(s.execute(select(Source.title, Source.sensitivity)).all())
        assert {t: levels[t] for t, _, _ in SOURCES.values()} == {
            t: lv for lv, (t, _, _) in SOURCES.items()
        }
        assert rec.sensitivity == "restricted"
        files = dict(s.execute(select(StoredFile.original_filename, StoredFile.sensitivity)).all())
        assert files["testimony-restricted.csv"] == "witness_protected"  # carries a reporter
        assert files["list-internal.csv"] == "internal"
        assert set(s.execute(select(Incident.sensitivity)).scalars()) == {
            "public",
            "internal",
            "restricted",
            "witness_protected",
        }


def test_no_uncleared_face_shows_the_reporter(store: Store, tmp_path: Path) -> None:
    case = build_levels(store, tmp_path)
    for role in ("documenter", "legal"):
        reader = Reader(role, role, "lawyer_request")
        summary = person_summary(store, case.person_id, reader=reader)
        _clean(json.dumps(summary.to_dict(), ensure_ascii=False), f"{role} person summary")
        assert summary.protected == []
        result = search(store, name="Zebulon Testino", reader=reader)
        assert result.candidates
        _clean(json.dumps(result.to_dict(), ensure_ascii=False), f"{role} search")
    admin = Reader("admin", "adm", "audit")
    seen = person_summary(store, case.person_id, reader=admin)
    assert seen.protected[0].values["reporter_name"]["value"] == REPORTER
    assert seen.protected[0].values["reporter_contact"]["value"] == PHONE
    # Exports and dossiers never carry them, not even an administrator's.
    for fmt in ("csv", "json", "xlsx"):
        for what in ("records", "persons", "events"):
            out = tmp_path / f"{what}.{fmt}"
            export(store, what, out, reader=admin)
            if fmt == "xlsx":
                body = json.dumps(
                    [list(r) for r in load_workbook(out).active.values],
                    ensure_ascii=False,
                    default=str,
                )
            else:
                body = out.read_text(encoding="utf-8-sig")
            _clean(body, f"{what}.{fmt}")
    dossier = build_dossier(store, case.person_id, reader=admin)
    _clean(render_dossier(dossier, "en", store), "the dossier")


def test_migration_from_0006_sets_levels(workspace: Workspace) -> None:
    engine = make_engine(workspace.database_url)
    migrate.upgrade(engine, "0006")
    with engine.begin() as conn:
        for sid, title, kind in ((1, "A manifest", "list"), (2, "Testimonies", "testimony")):
            conn.execute(
                text(
                    "INSERT INTO source (id, title, kind, one_row_per_person, created_by, "
                    "created_at) "
                    "VALUES (:id, :t, :k, false, 'test', '2025-03-16 00:00:00')"
                ),
                {"id": sid, "t": title, "k": kind},
            )
            conn.execute(
                text(
                    "INSERT INTO stored_file (sha256, size, media_type, original_filename, "
                    "added_by, added_at) VALUES (:h, 1, 'text/csv', 'f.csv', 'test', "
                    "'2025-03-16 00:00:00')"
                ),
                {"h": str(sid) * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO source_file (source_id, sha256, filename, added_by, added_at) "
                    "VALUES (:id, :h, 'f.csv', 'test', '2025-03-16 00:00:00')"
                ),
                {"id": sid, "h": str(sid) * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO import_batch (id, source_id, file_sha256, options, mapping, "
                    "row_count, warnings, created_by, created_at) VALUES (:id, :id, :h, '{}', "
                    "'{}', "
                    "1, '[]', 'test', '2025-03-16 00:00:00')"
                ),
                {"id": sid, "h": str(sid) * 64},
            )
            conn.execute(
                text(
                    "INSERT INTO record (id, source_id, import_id, row_number, record_key, raw, "
                    "given_names, surnames, created_at) VALUES (:id, :id, :id, 2, '1', '{}', '[]', "
                    "'[]', '2025-03-16 00:00:00')"
                ),
                {"id": sid},
            )
        conn.execute(
            text(
                "INSERT INTO incident (id, act_type, verification_status, created_by, created_at) "
                "VALUES (1, 'beating', 'possible', 'test', '2025-03-16 00:00:00')"
            )
        )
    engine.dispose()
    store = Store.open(workspace, create=True)  # upgrades 0006 -> head
    with store.read() as s:
        assert dict(s.execute(select(Source.id, Source.sensitivity)).all()) == {
            1: "internal",
            2: "restricted",
        }
        assert dict(s.execute(select(Record.id, Record.sensitivity)).all()) == {
            1: "internal",
            2: "restricted",
        }
        assert s.execute(select(Record.protected)).scalars().all() == [None, None]
        assert dict(s.execute(select(StoredFile.sha256, StoredFile.sensitivity)).all()) == {
            "1" * 64: "internal",
            "2" * 64: "restricted",
        }
        assert s.execute(select(Incident.sensitivity)).scalar_one() == "restricted"
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.close()

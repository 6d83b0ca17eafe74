"""Migrations upgrade a register that already holds data (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select, text

from habeas.store import migrate
from habeas.store.db import Store, make_engine
from habeas.store.schema import Record, Source
from habeas.workspace import Workspace


def test_upgrade_a_populated_register_to_head(workspace: Workspace) -> None:
    engine = make_engine(workspace.database_url)
    migrate.upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO source (id, title, kind, one_row_per_person, created_by, created_at) "
                "VALUES (1, 'Manifest', 'list', false, 'test', '2025-03-16 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO stored_file (sha256, size, media_type, original_filename, added_by, "
                "added_at) VALUES (:h, 1, 'text/csv', 'm.csv', 'test', '2025-03-16 00:00:00')"
            ),
            {"h": "a" * 64},
        )
        conn.execute(
            text(
                "INSERT INTO import_batch (id, source_id, file_sha256, options, mapping, "
                "row_count, "
                "warnings, created_by, created_at) VALUES (1, 1, :h, '{}', '{}', 1, '[]', 'test', "
                "'2025-03-16 00:00:00')"
            ),
            {"h": "a" * 64},
        )
        conn.execute(
            text(
                "INSERT INTO record (id, source_id, import_id, row_number, record_key, raw, "
                "given_names, surnames, created_at) VALUES (1, 1, 1, 2, '1', '{}', '[]', '[]', "
                "'2025-03-16 00:00:00')"
            )
        )
    engine.dispose()
    store = Store.open(workspace, create=True)  # upgrades to head
    with store.read() as s:
        assert s.execute(select(Source.title)).scalar_one() == "Manifest"
        record = s.execute(select(Record)).scalar_one()
        assert record.record_key == "1" and record.corrects_record_id is None
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.close()


def test_migrations_build_exactly_the_schema_the_models_declare(store: Store) -> None:
    """Alembic's autogenerate comparison finds nothing to add or drop: every table,
    column and index of the models has its migration, and nothing more."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from habeas.store.schema import Base

    with store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []

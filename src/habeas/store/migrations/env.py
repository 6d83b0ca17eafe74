"""Alembic environment: habeas runs migrations programmatically (see habeas.store.migrate)."""

from __future__ import annotations

from alembic import context

from habeas.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - habeas always passes a connection
    raise RuntimeError("habeas migrations run through habeas.store.migrate, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

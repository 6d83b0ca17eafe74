"""Sealed (encrypted) files: the SHA-256 of the sealed bytes, so they verify without the key.

``stored_file.sealed_sha256`` is NULL for files kept plain (every file before
this revision).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stored_file") as batch:
        batch.add_column(sa.Column("sealed_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stored_file") as batch:
        batch.drop_column("sealed_sha256")

"""Corrections cite what they correct: source → corrected source, record → corrected record.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("corrects_source_id", sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True))
        batch.create_foreign_key(op.f("fk_source_corrects_source_id_source"), "source",
                                 ["corrects_source_id"], ["id"])
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("corrects_record_id", sa.BigInteger().with_variant(
            sa.Integer(), "sqlite"), nullable=True))
        batch.create_foreign_key(op.f("fk_record_corrects_record_id_record"), "record",
                                 ["corrects_record_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.drop_constraint(op.f("fk_record_corrects_record_id_record"), type_="foreignkey")
        batch.drop_column("corrects_record_id")
    with op.batch_alter_table("source") as batch:
        batch.drop_constraint(op.f("fk_source_corrects_source_id_source"), type_="foreignkey")
        batch.drop_column("corrects_source_id")

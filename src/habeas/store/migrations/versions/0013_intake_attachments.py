"""Intake and attachments: a source entered by hand says how it reached the register
(``channel``), who took it (``taken_by``) and when (``taken_on``); ``attachment`` ties a
stored file to a person, record, custody event, incident, legal action or inquiry.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    with op.batch_alter_table("source") as batch:
        batch.add_column(sa.Column("channel", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("taken_by", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("taken_on", sa.Date(), nullable=True))
    op.create_table(
        "attachment",
        sa.Column("id", big, nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=512), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source_id", big, nullable=True),
        sa.Column("sensitivity", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.String(length=128), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["stored_file.sha256"],
                                name=op.f("fk_attachment_sha256_stored_file")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"],
                                name=op.f("fk_attachment_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index("ix_attachment_target", "attachment", ["target_kind", "target_id"])
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_attachment_sha256"), table_name="attachment")
    op.drop_index("ix_attachment_target", table_name="attachment")
    op.drop_table("attachment")
    with op.batch_alter_table("source") as batch:
        batch.drop_column("taken_on")
        batch.drop_column("taken_by")
        batch.drop_column("channel")

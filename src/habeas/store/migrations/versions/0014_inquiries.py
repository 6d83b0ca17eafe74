"""``inquiry`` and ``inquiry_event``: relatives' inquiries (ICPPED art. 18), their history,
matches, confirmed person and letters (:mod:`habeas.inquiry`).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "inquiry",
        sa.Column("id", big, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("sensitivity", sa.String(length=24), nullable=False),
        sa.Column("asker_sensitivity", sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry")),
    )
    op.create_table(
        "inquiry_event",
        sa.Column("id", big, nullable=False),
        sa.Column("inquiry_id", big, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("asker", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inquiry_id"], ["inquiry.id"], name=op.f("fk_inquiry_event_inquiry_id_inquiry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiry_event")),
    )
    op.create_index("ix_inquiry_event_inquiry", "inquiry_event", ["inquiry_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_inquiry_event_inquiry", table_name="inquiry_event")
    op.drop_table("inquiry_event")
    op.drop_table("inquiry")

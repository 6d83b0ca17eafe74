"""Lists read off pages (PDFs, scans): each record's page, row and box, and each cell's
box, OCR confidence, flags and — when a person corrected it — the machine reading.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _box() -> list[sa.Column]:
    return [sa.Column(name, sa.Float(), nullable=True) for name in ("x0", "y0", "x1", "y1")]


def upgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "record_page_row",
        sa.Column("record_id", big, nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("read_by", sa.String(length=16), nullable=False),
        *_box(),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_record_page_row_record_id_record")
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_record_page_row")),
    )
    op.create_table(
        "record_page_cell",
        sa.Column("record_id", big, nullable=False),
        sa.Column("header", sa.String(length=255), nullable=False),
        *_box(),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("flags", sa.String(length=255), nullable=True),
        sa.Column("machine_text", sa.Text(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_record_page_cell_record_id_record")
        ),
        sa.PrimaryKeyConstraint("record_id", "header", name=op.f("pk_record_page_cell")),
    )


def downgrade() -> None:
    op.drop_table("record_page_cell")
    op.drop_table("record_page_row")

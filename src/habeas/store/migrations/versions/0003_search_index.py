"""search index (find a person)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 01:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('search_key',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('record_id', _ID, autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('key', 'record_id', name=op.f('pk_search_key')),
    sqlite_with_rowid=False
    )
    op.create_table('search_record',
    sa.Column('record_id', _ID, autoincrement=False, nullable=False),
    sa.Column('given', sa.Text(), nullable=False),
    sa.Column('surnames', sa.Text(), nullable=False),
    sa.Column('dob_earliest', sa.Date(), nullable=True),
    sa.Column('dob_latest', sa.Date(), nullable=True),
    sa.Column('dob_precision', sa.String(length=16), nullable=True),
    sa.Column('nationality', sa.String(length=3), nullable=True),
    sa.Column('identifiers', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_search_record'))
    )
    op.create_table('search_term',
    sa.Column('kind', sa.String(length=1), nullable=False),
    sa.Column('term', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'term', name=op.f('pk_search_term'))
    )
    op.create_table('search_meta',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('indexed_through', sa.BigInteger(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('built_by', sa.String(length=128), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_meta'))
    )


def downgrade() -> None:
    op.drop_table('search_meta')
    op.drop_table('search_term')
    op.drop_table('search_record')
    op.drop_table('search_key')

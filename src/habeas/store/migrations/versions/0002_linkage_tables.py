"""linkage tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 01:05:02.100218
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('linkage_run',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('model', sa.Text(), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linkage_run'))
    )
    op.create_table('scored_pair',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_a', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_b', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('match_weight', sa.Float(), nullable=False),
    sa.Column('match_probability', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('priority', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['record_a'], ['record.id'], name=op.f('fk_scored_pair_record_a_record')),
    sa.ForeignKeyConstraint(['record_b'], ['record.id'], name=op.f('fk_scored_pair_record_b_record')),
    sa.ForeignKeyConstraint(['run_id'], ['linkage_run.id'], name=op.f('fk_scored_pair_run_id_linkage_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scored_pair'))
    )
    with op.batch_alter_table('scored_pair', schema=None) as batch_op:
        batch_op.create_index('ix_scored_pair_queue', ['status', 'priority'], unique=False)
        batch_op.create_index('ix_scored_pair_records', ['record_a', 'record_b'], unique=False)
        batch_op.create_index(batch_op.f('ix_scored_pair_run_id'), ['run_id'], unique=False)

    op.create_table('review_decision',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_a', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_b', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('reviewer', sa.String(length=128), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pair_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pair_id'], ['scored_pair.id'], name=op.f('fk_review_decision_pair_id_scored_pair')),
    sa.ForeignKeyConstraint(['record_a'], ['record.id'], name=op.f('fk_review_decision_record_a_record')),
    sa.ForeignKeyConstraint(['record_b'], ['record.id'], name=op.f('fk_review_decision_record_b_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decision'))
    )
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.create_index('ix_review_decision_pair', ['record_a', 'record_b'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_review_decision_pair')

    op.drop_table('review_decision')
    with op.batch_alter_table('scored_pair', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scored_pair_run_id'))
        batch_op.drop_index('ix_scored_pair_records')
        batch_op.drop_index('ix_scored_pair_queue')

    op.drop_table('scored_pair')
    op.drop_table('linkage_run')

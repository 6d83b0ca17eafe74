"""initial register schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 00:56:48.943519
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_log',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=128), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_change_log_hash'))
    )
    op.create_table('person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    op.create_table('source',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=512), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('publisher', sa.String(length=512), nullable=True),
    sa.Column('author', sa.String(length=512), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('reliability', sa.String(length=64), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('one_row_per_person', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('title', name=op.f('uq_source_title'))
    )
    op.create_table('stored_file',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=128), nullable=False),
    sa.Column('original_filename', sa.String(length=512), nullable=False),
    sa.Column('added_by', sa.String(length=128), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_stored_file'))
    )
    op.create_table('vocabulary_term',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('vocabulary', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('label_en', sa.String(length=255), nullable=False),
    sa.Column('label_es', sa.String(length=255), nullable=False),
    sa.Column('synonyms', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabulary_term')),
    sa.UniqueConstraint('vocabulary', 'code', name=op.f('uq_vocabulary_term_vocabulary'))
    )
    with op.batch_alter_table('vocabulary_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vocabulary_term_vocabulary'), ['vocabulary'], unique=False)

    op.create_table('facility',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('official_capacity', sa.Integer(), nullable=True),
    sa.Column('authority', sa.String(length=512), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_facility_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility')),
    sa.UniqueConstraint('name', name=op.f('uq_facility_name'))
    )
    op.create_table('import_batch',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_file.sha256'], name=op.f('fk_import_batch_file_sha256_stored_file')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_import_batch_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch')),
    sa.UniqueConstraint('source_id', 'file_sha256', name=op.f('uq_import_batch_source_id'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batch_source_id'), ['source_id'], unique=False)

    op.create_table('source_file',
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=512), nullable=False),
    sa.Column('added_by', sa.String(length=128), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['stored_file.sha256'], name=op.f('fk_source_file_sha256_stored_file')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_file_source_id_source')),
    sa.PrimaryKeyConstraint('source_id', 'sha256', name=op.f('pk_source_file'))
    )
    op.create_table('facility_unit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('building', sa.String(length=255), nullable=True),
    sa.Column('area_m2', sa.Float(), nullable=True),
    sa.Column('design_capacity', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_facility_unit_facility_id_facility')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_unit')),
    sa.UniqueConstraint('facility_id', 'name', name=op.f('uq_facility_unit_facility_id'))
    )
    with op.batch_alter_table('facility_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_unit_facility_id'), ['facility_id'], unique=False)

    op.create_table('record',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('import_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sheet', sa.String(length=255), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=255), nullable=False),
    sa.Column('raw', sa.JSON(), nullable=False),
    sa.Column('full_name', sa.Text(), nullable=True),
    sa.Column('given_names', sa.JSON(), nullable=False),
    sa.Column('surnames', sa.JSON(), nullable=False),
    sa.Column('dob_earliest', sa.Date(), nullable=True),
    sa.Column('dob_latest', sa.Date(), nullable=True),
    sa.Column('dob_precision', sa.String(length=16), nullable=True),
    sa.Column('sex', sa.String(length=64), nullable=True),
    sa.Column('nationality', sa.String(length=3), nullable=True),
    sa.Column('country_of_birth', sa.String(length=3), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_batch.id'], name=op.f('fk_record_import_id_import_batch')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_record_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record')),
    sa.UniqueConstraint('source_id', 'record_key', name=op.f('uq_record_source_id'))
    )
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.create_index('ix_record_import_row', ['import_id', 'row_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_source_id'), ['source_id'], unique=False)

    op.create_table('custody_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('date_earliest', sa.Date(), nullable=True),
    sa.Column('date_latest', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('date_text', sa.String(length=255), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('facility_text', sa.String(length=255), nullable=True),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('unit_text', sa.String(length=255), nullable=True),
    sa.Column('flight', sa.String(length=64), nullable=True),
    sa.Column('authority', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_custody_event_facility_id_facility')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_custody_event_record_id_record')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_custody_event_source_id_source')),
    sa.ForeignKeyConstraint(['unit_id'], ['facility_unit.id'], name=op.f('fk_custody_event_unit_id_facility_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custody_event'))
    )
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_event_event_type'), ['event_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_event_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_event_source_id'), ['source_id'], unique=False)

    op.create_table('facility_figure',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_facility_figure_facility_id_facility')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_facility_figure_source_id_source')),
    sa.ForeignKeyConstraint(['unit_id'], ['facility_unit.id'], name=op.f('fk_facility_figure_unit_id_facility_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facility_figure'))
    )
    with op.batch_alter_table('facility_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facility_figure_facility_id'), ['facility_id'], unique=False)

    op.create_table('incident',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('act_type', sa.String(length=64), nullable=False),
    sa.Column('date_earliest', sa.Date(), nullable=True),
    sa.Column('date_latest', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('date_text', sa.String(length=255), nullable=True),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('verification_status', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_incident_facility_id_facility')),
    sa.ForeignKeyConstraint(['unit_id'], ['facility_unit.id'], name=op.f('fk_incident_unit_id_facility_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident'))
    )
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_act_type'), ['act_type'], unique=False)

    op.create_table('legal_fact',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fact_type', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=True),
    sa.Column('value_text', sa.Text(), nullable=True),
    sa.Column('date_earliest', sa.Date(), nullable=True),
    sa.Column('date_latest', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('court', sa.String(length=255), nullable=True),
    sa.Column('case_number', sa.String(length=255), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_legal_fact_record_id_record')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_legal_fact_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_fact'))
    )
    with op.batch_alter_table('legal_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_fact_record_id'), ['record_id'], unique=False)

    op.create_table('link',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('decided_by', sa.String(length=128), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_link_person_id_person')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_link_record_id_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link'))
    )
    with op.batch_alter_table('link', schema=None) as batch_op:
        batch_op.create_index('ix_link_current', ['record_id', 'superseded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_person_id'), ['person_id'], unique=False)

    op.create_table('occupancy_observation',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['facility_id'], ['facility.id'], name=op.f('fk_occupancy_observation_facility_id_facility')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_occupancy_observation_source_id_source')),
    sa.ForeignKeyConstraint(['unit_id'], ['facility_unit.id'], name=op.f('fk_occupancy_observation_unit_id_facility_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupancy_observation'))
    )
    with op.batch_alter_table('occupancy_observation', schema=None) as batch_op:
        batch_op.create_index('ix_occupancy_facility_date', ['facility_id', 'observed_on'], unique=False)

    op.create_table('record_identifier',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id_type', sa.String(length=32), nullable=False),
    sa.Column('raw', sa.String(length=255), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_record_identifier_record_id_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_identifier'))
    )
    with op.batch_alter_table('record_identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_identifier_record_id'), ['record_id'], unique=False)
        batch_op.create_index('ix_record_identifier_value', ['id_type', 'value'], unique=False)

    op.create_table('incident_perpetrator',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('incident_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('involvement', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_perpetrator_incident_id_incident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_perpetrator'))
    )
    with op.batch_alter_table('incident_perpetrator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_perpetrator_incident_id'), ['incident_id'], unique=False)

    op.create_table('incident_source',
    sa.Column('incident_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_source_incident_id_incident')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_incident_source_source_id_source')),
    sa.PrimaryKeyConstraint('incident_id', 'source_id', name=op.f('pk_incident_source'))
    )
    op.create_table('incident_victim',
    sa.Column('incident_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_incident_victim_incident_id_incident')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_incident_victim_record_id_record')),
    sa.PrimaryKeyConstraint('incident_id', 'record_id', name=op.f('pk_incident_victim'))
    )


def downgrade() -> None:
    op.drop_table('incident_victim')
    op.drop_table('incident_source')
    with op.batch_alter_table('incident_perpetrator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_perpetrator_incident_id'))

    op.drop_table('incident_perpetrator')
    with op.batch_alter_table('record_identifier', schema=None) as batch_op:
        batch_op.drop_index('ix_record_identifier_value')
        batch_op.drop_index(batch_op.f('ix_record_identifier_record_id'))

    op.drop_table('record_identifier')
    with op.batch_alter_table('occupancy_observation', schema=None) as batch_op:
        batch_op.drop_index('ix_occupancy_facility_date')

    op.drop_table('occupancy_observation')
    with op.batch_alter_table('link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_person_id'))
        batch_op.drop_index('ix_link_current')

    op.drop_table('link')
    with op.batch_alter_table('legal_fact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_fact_record_id'))

    op.drop_table('legal_fact')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_act_type'))

    op.drop_table('incident')
    with op.batch_alter_table('facility_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facility_figure_facility_id'))

    op.drop_table('facility_figure')
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_event_source_id'))
        batch_op.drop_index(batch_op.f('ix_custody_event_record_id'))
        batch_op.drop_index(batch_op.f('ix_custody_event_event_type'))

    op.drop_table('custody_event')
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_source_id'))
        batch_op.drop_index('ix_record_import_row')

    op.drop_table('record')
    with op.batch_alter_table('facility_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facility_unit_facility_id'))

    op.drop_table('facility_unit')
    op.drop_table('source_file')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_source_id'))

    op.drop_table('import_batch')
    op.drop_table('facility')
    with op.batch_alter_table('vocabulary_term', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vocabulary_term_vocabulary'))

    op.drop_table('vocabulary_term')
    op.drop_table('stored_file')
    op.drop_table('source')
    op.drop_table('person')
    op.drop_table('change_log')

"""search: the PostgreSQL engine ranks by ts_rank; no BM25F weights, a generation sequence

Revision ID: c5e7a9b1d3f6
Revises: b4d6f8a0c2e4
Create Date: 2026-12-07 23:00:00

`search_documents` loses `weights` (each term's BM25F weight as jsonb):
relevance is now `ts_rank` over the weighted `tsvector`, whose
literal changes too (one labelled position per occurrence), so the table is
emptied and refilled by the first search (pg.ensure_ready) or `flask search
reindex`. On PostgreSQL the `search_generation` sequence is added: every
write moves it on, so counted facets may be kept until then.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f6'
down_revision = 'b4d6f8a0c2e4'
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.execute('DELETE FROM search_documents')  # the next search (or `flask search reindex`) refills it
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_column('weights')
    if postgres:
        op.execute('CREATE SEQUENCE IF NOT EXISTS search_generation')


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute('DROP SEQUENCE IF EXISTS search_generation')
    op.execute('DELETE FROM search_documents')
    json = postgresql.JSONB() if postgres else sa.JSON()
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weights', json, nullable=False, server_default='{}'))
    if postgres:
        op.execute('ALTER TABLE search_documents ALTER COLUMN weights SET STORAGE MAIN')

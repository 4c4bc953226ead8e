"""search: search_documents and search_words for the PostgreSQL backend

Revision ID: a3b5d7f9c1e2
Revises: f2a4c6e8b0d1
Create Date: 2026-11-28 12:30:00

On PostgreSQL `tsv` is a tsvector with a GIN index and `search_words.word`
has a pg_trgm index (the extension is created if missing and left in place
on downgrade: other schemas may use it). On SQLite both tables exist with
plain columns and stay empty (SEARCH_BACKEND=postgres refuses SQLite).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a3b5d7f9c1e2'
down_revision = 'f2a4c6e8b0d1'
branch_labels = None
depends_on = None


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    json = postgresql.JSONB() if postgres else sa.JSON()
    if postgres:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_table('search_documents',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('target_groups', sa.String(length=400), nullable=False),
    sa.Column('languages', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('newcomers', sa.Boolean(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('updated', sa.BigInteger(), nullable=False),
    sa.Column('sortname', sa.String(length=40), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('weights', json, nullable=False),
    sa.Column('data', json, nullable=False),
    sa.Column('tsv', postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_documents'))
    )
    if postgres:  # as fællesskab/search/pg/models.py: scoring reads these for every matching row
        op.execute('ALTER TABLE search_documents ALTER COLUMN weights SET STORAGE MAIN, '
                   'ALTER COLUMN tsv SET STORAGE MAIN, ALTER COLUMN data SET STORAGE EXTERNAL')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_lat_lon', ['lat', 'lon'], unique=False)
        batch_op.create_index('ix_search_documents_tsv', ['tsv'], unique=False, postgresql_using='gin')

    op.create_table('search_words',
    sa.Column('word', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.create_index('ix_search_words_trgm', ['word'], unique=False, postgresql_using='gin',
                              postgresql_ops={'word': 'gin_trgm_ops'})


def downgrade():
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.drop_index('ix_search_words_trgm')
    op.drop_table('search_words')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_tsv')
        batch_op.drop_index('ix_search_documents_lat_lon')
    op.drop_table('search_documents')

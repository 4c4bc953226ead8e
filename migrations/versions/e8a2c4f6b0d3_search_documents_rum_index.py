"""search: a RUM index on search_documents.tsv where the server has the extension (PostgreSQL only)

Revision ID: e8a2c4f6b0d3
Revises: a8e2c4f6b1d9
Create Date: 2026-12-08 01:00:00

The PostgreSQL engine takes a search's top few hundred matches in rank order
from a RUM index and ranks only those (search/pg/backend.py). The extension
comes from Debian's `postgresql-15-rum` (a deployment dependency,
docs/operations.md); on a server without it this migration creates nothing
and succeeds, and the engine ranks from the GIN index and warns at start-up.
The extension is left in place on downgrade (other databases may use it).
Nothing on SQLite.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8a2c4f6b0d3'
down_revision = 'a8e2c4f6b1d9'
branch_labels = None
depends_on = None

# As fællesskab/search/pg/models.py CREATE_RUM (copied: a migration must not change with the models).
CREATE_RUM = """DO $rum$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'rum') THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS rum;
            CREATE INDEX IF NOT EXISTS ix_search_documents_rum ON search_documents USING rum (tsv rum_tsvector_ops);
        EXCEPTION WHEN others THEN
            RAISE WARNING USING MESSAGE = 'search_documents: no RUM index, searches rank from the GIN index: '
                || SQLERRM;
        END;
    END IF;
END
$rum$"""


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(CREATE_RUM)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_search_documents_rum')

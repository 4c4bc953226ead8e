"""newcomers: indexes for the inbox's sort orders (name, move-in date), each ending in the id

Revision ID: c4e6a8b0d2f5
Revises: b8d0f2a4c6e8
Create Date: 2026-12-07 05:50:00

The inbox sorts all cases by a newcomer's name or move-in date (newest first, an
unknown date as 1900-01-01) with the id as tie-break; with these indexes PostgreSQL
walks the order and stops after the page instead of sorting 50,000 rows.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f5'
down_revision = 'b8d0f2a4c6e8'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_newcomers_search_name', table_name='newcomers')
    op.create_index('ix_newcomers_search_name', 'newcomers', ['search_name', 'id'])
    op.create_index('ix_newcomers_move_in_order', 'newcomers',
                    [sa.text("coalesce(move_in_date, '1900-01-01')"), 'id'])


def downgrade():
    op.drop_index('ix_newcomers_move_in_order', table_name='newcomers')
    op.drop_index('ix_newcomers_search_name', table_name='newcomers')
    op.create_index('ix_newcomers_search_name', 'newcomers', ['search_name'])

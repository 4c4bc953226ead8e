"""accounts: the language a staff member last used, for the e-mails sent to them

Revision ID: c5e7a9b1d3f4
Revises: e1c3a7b2d4f3
Create Date: 2026-11-28 12:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f4'
down_revision = 'e1c3a7b2d4f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='da'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')

"""users: the per-account login lockout in the database (failed_logins, failure_window_started_at)

Revision ID: a7c9e1f3b5d8
Revises: a7c9e1b3d5f7
Create Date: 2026-12-08 10:00:00

The lockout used to be a Flask-Limiter counter, per worker with memory:// storage and
checked before it was counted, so parallel attempts and a second worker got past it
(issue 18, finding 4). The count now lives on the account row, claimed atomically.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b5d8'
down_revision = 'a7c9e1b3d5f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('failure_window_started_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('failure_window_started_at')
        batch_op.drop_column('failed_logins')

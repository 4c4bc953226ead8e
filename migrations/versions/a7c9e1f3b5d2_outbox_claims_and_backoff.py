"""outbox: claimed_until and next_attempt_at, for a mail worker outside the request

Revision ID: a7c9e1f3b5d2
Revises: c4e6a8b0d2f5
Create Date: 2026-12-07 22:10:00

Several workers (and `mail retry`) may send from one outbox: a message is
claimed by one of them for a while, and waits after a failure (back-off).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b5d2'
down_revision = 'c4e6a8b0d2f5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('claimed_until')

"""events: a form's submission key is unique per account, not across all accounts

Revision ID: d3f5a7c9e1b2
Revises: a7c9e1f3b5d8
Create Date: 2026-12-08 10:00:00

A globally unique key let one forum account submit another's key and be sent
to that account's event; the key now only dedupes the same account's submits.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3f5a7c9e1b2'
down_revision = 'a7c9e1f3b5d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_submission_key', type_='unique')
        batch_op.create_unique_constraint('uq_events_created_by_id_submission_key',
                                          ['created_by_id', 'submission_key'])


def downgrade():
    # Keys two accounts happen to share cannot be globally unique again: keep the oldest.
    op.execute("UPDATE events SET submission_key = NULL WHERE submission_key IS NOT NULL AND id NOT IN "
               "(SELECT min(id) FROM events WHERE submission_key IS NOT NULL GROUP BY submission_key)")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_created_by_id_submission_key', type_='unique')
        batch_op.create_unique_constraint('uq_events_submission_key', ['submission_key'])

"""events: stored next start (next_starts_at) for indexed upcoming lists

Revision ID: f2a4c6e8b0d1
Revises: d7f9b1c3e5a6
Create Date: 2026-11-28 12:20:00

The value is filled here, in Python over the rows, with the same rule the app keeps
it by (fællesskab.events.recurrence.stored_next); `flask events refresh-next` moves
it on later.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2a4c6e8b0d1'
down_revision = 'd7f9b1c3e5a6'
branch_labels = None
depends_on = None


def _aware(value):
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def upgrade():
    from fællesskab.events.recurrence import stored_next

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_starts_at', sa.DateTime(), nullable=True))

    events = sa.table('events', sa.column('id', sa.Integer), sa.column('starts_at', sa.DateTime),
                      sa.column('recurrence', sa.String), sa.column('repeat_until', sa.Date),
                      sa.column('next_starts_at', sa.DateTime))
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(sa.select(events.c.id, events.c.starts_at, events.c.recurrence, events.c.repeat_until)
                        .order_by(events.c.id)).all()
    write = (sa.update(events).where(events.c.id == sa.bindparam('b_id'))
             .values(next_starts_at=sa.bindparam('b_next')))
    for at in range(0, len(rows), 1000):
        params = []
        for event_id, first, rule, until in rows[at:at + 1000]:
            value = stored_next(_aware(first), rule, until, now)
            # stored as naive UTC, as the app's UTCDateTime does
            params.append({'b_id': event_id, 'b_next': value.replace(tzinfo=None) if value else None})
        conn.execute(write, params)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_status_next_starts_at', ['status', 'next_starts_at', 'id'], unique=False)
        batch_op.create_index('ix_events_status_kind_next_starts_at', ['status', 'kind', 'next_starts_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_events_series_next_starts_at', ['next_starts_at'], unique=False,
                              sqlite_where=sa.text('recurrence IS NOT NULL'),
                              postgresql_where=sa.text('recurrence IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_series_next_starts_at')
        batch_op.drop_index('ix_events_status_kind_next_starts_at')
        batch_op.drop_index('ix_events_status_next_starts_at')
        batch_op.drop_column('next_starts_at')

"""privacy: consent to surveys (a third consent purpose)

Revision ID: d9b2f6a1c3e2
Revises: c8a1e5f0b2d1
Create Date: 2026-11-28 04:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd9b2f6a1c3e2'
down_revision = 'c8a1e5f0b2d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('newcomers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_survey', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consent_records_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('contact', 'handover', 'survey')")


def downgrade():
    op.execute("DELETE FROM consent_records WHERE kind = 'survey'")
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consent_records_kind'), type_='check')
        batch_op.create_check_constraint('kind', "kind IN ('contact', 'handover')")
    with op.batch_alter_table('newcomers', schema=None) as batch_op:
        batch_op.drop_column('consent_survey')

"""contact_confirmations: contact requests for a known email, waiting for the emailed link

Revision ID: a7c9e1b3d5f7
Revises: a7c9e1f3b5d2
Create Date: 2026-12-08 10:00:00

A contact request whose email already has a case no longer changes that case;
it waits here until the person who reads the email confirms it (issue 18).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c9e1b3d5f7'
down_revision = 'a7c9e1f3b5d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_confirmations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('token_key', sa.String(length=32), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('request', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_contact_confirmations_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_confirmations')),
    )
    with op.batch_alter_table('contact_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_confirmations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_confirmations_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_confirmations_expires_at'))
        batch_op.drop_index(batch_op.f('ix_contact_confirmations_case_id'))
    op.drop_table('contact_confirmations')

"""surveys: tokens, responses, search misses

Revision ID: c8a1e5f0b2d1
Revises: 7bb2dd6a0a00
Create Date: 2026-11-28 04:20:47.818390

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c8a1e5f0b2d1'
down_revision = '7bb2dd6a0a00'
branch_labels = None
depends_on = None


def upgrade():
    # survey tokens (hashed), anonymous answers, and the zero-result search log
    op.create_table('search_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('query', sa.String(length=100), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_misses')),
    sa.UniqueConstraint('day', 'query', name=op.f('uq_search_misses_day'))
    )
    with op.batch_alter_table('search_misses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_misses_day'), ['day'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('ease_score', sa.Integer(), nullable=True),
    sa.Column('belonging', sa.String(length=8), nullable=True),
    sa.Column('nps_score', sa.Integer(), nullable=True),
    sa.Column('move_reason', sa.String(length=16), nullable=True),
    sa.Column('move_reason_other', sa.String(length=200), nullable=True),
    sa.Column('found_community', sa.String(length=8), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint("channel IN ('invited', 'open')", name=op.f('ck_survey_responses_channel')),
    sa.CheckConstraint("kind IN ('newcomer', 'leaver')", name=op.f('ck_survey_responses_kind')),
    sa.CheckConstraint('ease_score IS NULL OR ease_score BETWEEN 1 AND 5', name=op.f('ck_survey_responses_ease_range')),
    sa.CheckConstraint('nps_score IS NULL OR nps_score BETWEEN 0 AND 10', name=op.f('ck_survey_responses_nps_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_kind_quarter', ['kind', 'quarter'], unique=False)

    op.create_table('survey_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('newcomer_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=True),
    sa.Column('is_used', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('newcomer', 'leaver')", name=op.f('ck_survey_tokens_kind')),
    sa.ForeignKeyConstraint(['newcomer_id'], ['newcomers.id'], name=op.f('fk_survey_tokens_newcomer_id_newcomers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_tokens_token_hash'))
    )
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_tokens_newcomer_id'), ['newcomer_id'], unique=False)
        batch_op.create_index('ix_survey_tokens_used_expires', ['is_used', 'expires_at'], unique=False)



def downgrade():
    # survey tokens (hashed), anonymous answers, and the zero-result search log
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_tokens_used_expires')
        batch_op.drop_index(batch_op.f('ix_survey_tokens_newcomer_id'))

    op.drop_table('survey_tokens')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_kind_quarter')

    op.drop_table('survey_responses')
    with op.batch_alter_table('search_misses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_misses_day'))

    op.drop_table('search_misses')

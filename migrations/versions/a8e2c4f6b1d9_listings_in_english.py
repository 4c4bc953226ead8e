"""listings in English: optional English name, summary and description on associations and events

Revision ID: a8e2c4f6b1d9
Revises: c5e7a9b1d3f6
Create Date: 2026-12-08 01:10:00

All columns are nullable: a listing without English text is shown in Danish
(with "Only in Danish" in the English UI). An event has a title and a
description only, so it gets `title_en` and `description_en`.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a8e2c4f6b1d9'
down_revision = 'c5e7a9b1d3f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('summary_en', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=True))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('description_en')
        batch_op.drop_column('title_en')
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_column('description_en')
        batch_op.drop_column('summary_en')
        batch_op.drop_column('name_en')

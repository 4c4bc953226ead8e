"""directory stewardship: revisions, correction links, trusted contacts, reminders, merges

Revision ID: b4d6f8a0c2e4
Revises: d3f5a7c9e1b2
Create Date: 2026-12-10 10:00:00

Every change of a listing is kept as a revision (who, when, what), corrections
from a listing's contact wait in the approval queue as pending revisions, and a
signed single-use link lets the contact confirm or correct one listing.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e4'
down_revision = 'd3f5a7c9e1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_contact_trusted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('reminders_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_associations_merged_into_id_associations'), 'associations',
                                    ['merged_into_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.alter_column('is_contact_trusted', server_default=None)
        batch_op.alter_column('reminders_sent', server_default=None)

    op.create_table(
        'association_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_association_revisions_actor_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'],
                                name=op.f('fk_association_revisions_association_id_associations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_association_revisions_reviewed_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_association_revisions')),
    )
    op.create_index('ix_association_revisions_association_id_id', 'association_revisions',
                    ['association_id', 'id'], unique=False)
    op.create_index('ix_association_revisions_status', 'association_revisions', ['status'], unique=False)

    op.create_table(
        'association_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=False),
        sa.Column('token_key', sa.String(length=32), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'],
                                name=op.f('fk_association_links_association_id_associations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_association_links')),
    )
    op.create_index(op.f('ix_association_links_association_id'), 'association_links', ['association_id'],
                    unique=False)
    op.create_index(op.f('ix_association_links_expires_at'), 'association_links', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_association_links_expires_at'), table_name='association_links')
    op.drop_index(op.f('ix_association_links_association_id'), table_name='association_links')
    op.drop_table('association_links')
    op.drop_index('ix_association_revisions_status', table_name='association_revisions')
    op.drop_index('ix_association_revisions_association_id_id', table_name='association_revisions')
    op.drop_table('association_revisions')
    with op.batch_alter_table('associations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_associations_merged_into_id_associations'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('is_contact_trusted')

"""conversations in a language we do not speak: which one, and whether an interpreter is needed

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_language', sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column('needs_interpreter', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('needs_interpreter')
        batch_op.drop_column('other_language')

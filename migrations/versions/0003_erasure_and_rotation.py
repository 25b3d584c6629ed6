"""erasure queue, tombstones, enrolment secrets off the cookie, screening answers encrypted

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:40:00

Existing screening answers are encrypted in place with the configured key (and decrypted
back on downgrade).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _vault():
    from webhooks.crypto import vault

    return vault


def upgrade():
    op.create_table('erasure_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TRACKER', 'TWILIO_MESSAGE', 'TWILIO_NUMBER', name='erasurekind', native_enum=False, length=16), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.LargeBinary(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('erasure_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_job_next_attempt_at'), ['next_attempt_at'], unique=False)

    op.create_table('tombstone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number_tag', sa.String(length=600), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number_tag')
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_totp_secret', sa.LargeBinary(), nullable=True))

    # Screening answers: a new encrypted column, filled from the old one, which then goes.
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_encrypted', sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    table = sa.table('screening_answer', sa.column('id', sa.Integer), sa.column('answer', sa.String),
                     sa.column('answer_encrypted', sa.LargeBinary))
    rows = bind.execute(sa.select(table.c.id, table.c.answer)).all()
    if rows:
        vault = _vault()
        for row_id, answer in rows:
            bind.execute(table.update().where(table.c.id == row_id)
                         .values(answer_encrypted=vault.encrypt(answer)))
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.drop_column('answer')
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.alter_column('answer_encrypted', new_column_name='answer',
                              existing_type=sa.LargeBinary(), nullable=False)


def downgrade():
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_plain', sa.String(length=8), nullable=True))
    bind = op.get_bind()
    table = sa.table('screening_answer', sa.column('id', sa.Integer), sa.column('answer', sa.LargeBinary),
                     sa.column('answer_plain', sa.String))
    rows = bind.execute(sa.select(table.c.id, table.c.answer)).all()
    if rows:
        vault = _vault()
        for row_id, token in rows:
            bind.execute(table.update().where(table.c.id == row_id)
                         .values(answer_plain=vault.decrypt(bytes(token))))
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.drop_column('answer')
    with op.batch_alter_table('screening_answer', schema=None) as batch_op:
        batch_op.alter_column('answer_plain', new_column_name='answer',
                              existing_type=sa.String(length=8), nullable=False)

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('pending_totp_secret')
    op.drop_table('tombstone')
    with op.batch_alter_table('erasure_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_job_next_attempt_at'))
    op.drop_table('erasure_job')

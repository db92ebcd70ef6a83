"""signals: stored signals, notifications, notification preferences, chart re-bases

Revision ID: 0004_signals
Revises: 0003
Create Date: 2026-11-26 13:21:06.971374

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_signals'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chart_rebases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope_kind', sa.String(length=20), nullable=False),
    sa.Column('scope_code', sa.String(length=32), nullable=True),
    sa.Column('question_code', sa.String(length=64), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('chart_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.String(length=20), nullable=True),
    sa.Column('scope_kind', sa.String(length=20), nullable=False),
    sa.Column('scope_code', sa.String(length=32), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('indicator', sa.String(length=20), nullable=True),
    sa.Column('question_code', sa.String(length=64), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('alerts_planned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signals_alerts_planned_at'), ['alerts_planned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signals_department_code'), ['department_code'], unique=False)
        batch_op.create_index('ix_signals_status_chart', ['status', 'chart_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_signals_updated_at'), ['updated_at'], unique=False)

    op.create_table('signal_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('chart_key', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['signal_id'], ['signals.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signal_id', 'user_id')
    )
    with op.batch_alter_table('signal_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_signal_notifications_pending', ['sent_at', 'mode'], unique=False)
        batch_op.create_index(batch_op.f('ix_signal_notifications_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('signal_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_notifications_user_id'))
        batch_op.drop_index('ix_signal_notifications_pending')

    op.drop_table('signal_notifications')
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signals_updated_at'))
        batch_op.drop_index('ix_signals_status_chart')
        batch_op.drop_index(batch_op.f('ix_signals_department_code'))
        batch_op.drop_index(batch_op.f('ix_signals_alerts_planned_at'))

    op.drop_table('signals')
    op.drop_table('notification_preferences')
    op.drop_table('chart_rebases')

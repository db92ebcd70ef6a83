"""hourly response and answer counts kept by triggers, for fast indicators

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:20:00

"""
from alembic import op
import sqlalchemy as sa

from analytics.rollup import create_count_triggers, drop_count_triggers, rebuild_counts

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_hour_counts',
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hour', 'service_point_id'),
    sqlite_with_rowid=False
    )
    op.create_table('answer_hour_counts',
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('hour', 'service_point_id', 'question_id', 'value'),
    sqlite_with_rowid=False
    )
    bind = op.get_bind()
    create_count_triggers(bind, with_days=False, with_pieces=False)
    rebuild_counts(bind, with_days=False, with_pieces=False)


def downgrade():
    bind = op.get_bind()
    drop_count_triggers(bind)
    if bind.dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS opinia_count_response()')
        op.execute('DROP FUNCTION IF EXISTS opinia_count_answer()')
    op.drop_table('answer_hour_counts')
    op.drop_table('response_hour_counts')

"""daily answer counts kept by triggers: a quarter's indicators read whole UTC days

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:30:00

"""
from alembic import op
import sqlalchemy as sa

from analytics.rollup import create_count_triggers, drop_count_triggers, rebuild_counts

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_day_counts',
    sa.Column('day', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'service_point_id', 'question_id', 'value'),
    sqlite_with_rowid=False
    )
    bind = op.get_bind()
    drop_count_triggers(bind)
    create_count_triggers(bind, with_days=True, with_pieces=False)
    rebuild_counts(bind, with_days=True, with_pieces=False)


def downgrade():
    bind = op.get_bind()
    drop_count_triggers(bind)
    create_count_triggers(bind, with_days=False, with_pieces=False)
    op.drop_table('answer_day_counts')

"""chart_counts kept by triggers: the proportion answers per piece of local week and month (control charts, trend)

``chart_boundaries`` holds the local week and month starts (2000–2100) of the office's time zone
(``OPINIA_TIMEZONE`` when run by ``flask db upgrade``), ``chart_boundary_zone`` that zone; the count triggers
add each proportion answer to its piece. Existing answers are counted here.

Revision ID: 0010_chart_counts
Revises: 0009_day_counts_question_index
Create Date: 2026-11-27 07:45:00

"""
from alembic import op
import sqlalchemy as sa

from analytics.chart_pieces import DEFAULT_TIMEZONE, write_chart_boundaries
from analytics.rollup import create_count_triggers, drop_count_triggers, rebuild_chart_counts

# revision identifiers, used by Alembic.
revision = '0010_chart_counts'
down_revision = '0009_day_counts_question_index'
branch_labels = None
depends_on = None


def _office_zone() -> str:
    from flask import current_app, has_app_context

    return current_app.config["OPINIA_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE


def upgrade():
    op.create_table('chart_boundaries',
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('starts_at')
    )
    op.create_table('chart_boundary_zone',
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('timezone')
    )
    op.create_table('chart_counts',
    sa.Column('piece', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('piece', 'service_point_id', 'question_id', 'value'),
    sqlite_with_rowid=False
    )
    bind = op.get_bind()
    drop_count_triggers(bind)
    create_count_triggers(bind)
    write_chart_boundaries(bind, _office_zone())
    rebuild_chart_counts(bind)


def downgrade():
    bind = op.get_bind()
    drop_count_triggers(bind)
    create_count_triggers(bind, with_pieces=False)
    op.drop_table('chart_counts')
    op.drop_table('chart_boundary_zone')
    op.drop_table('chart_boundaries')

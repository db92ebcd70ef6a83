"""answer_day_counts on PostgreSQL: an index by question and counter (the 12-month trend reads a few
questions and counters over a year instead of walking every row of it by the primary key)

Without ``n``, which every answer updates, so those updates stay heap-only (HOT). Nothing on SQLite: its
table has no rowid, so only an index holding ``n`` would help, and keeping that one costs every answer.

Revision ID: 0009_day_counts_question_index
Revises: 0008_responses_channel_index
Create Date: 2026-11-27 04:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_day_counts_question_index'
down_revision = '0008_responses_channel_index'
branch_labels = None
depends_on = None

NAME = 'ix_answer_day_counts_question'


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade():
    if _postgresql():
        op.create_index(NAME, 'answer_day_counts', ['question_id', 'service_point_id', 'day'], unique=False)


def downgrade():
    if _postgresql():
        op.drop_index(NAME, table_name='answer_day_counts')

"""comment_piece_counts kept by triggers on comment_facts: a period's comments by rating and match per piece of
local week and month, so a themes summary reads a few hundred rows however many comments there are

Revision ID: 0011_comment_piece_counts
Revises: 0010_chart_counts
Create Date: 2026-11-27 07:55:00

"""
from alembic import op
import sqlalchemy as sa

from comments.piece_counts import create_comment_count_triggers, drop_comment_count_triggers, rebuild_comment_piece_counts

# revision identifiers, used by Alembic.
revision = '0011_comment_piece_counts'
down_revision = '0010_chart_counts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_piece_counts',
    sa.Column('piece', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('has_text', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('codebook', sa.String(length=16), nullable=False),
    sa.Column('themes', sa.Text(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('piece', 'service_point_id', 'has_text', 'rating', 'codebook', 'themes'),
    sqlite_with_rowid=False
    )
    bind = op.get_bind()
    create_comment_count_triggers(bind)
    rebuild_comment_piece_counts(bind)


def downgrade():
    drop_comment_count_triggers(op.get_bind())
    op.drop_table('comment_piece_counts')

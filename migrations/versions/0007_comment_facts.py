"""comment_facts: each comment's response time, counter, rating and match in one row (cold themes summaries)

Revision ID: 0007_comment_facts
Revises: 0006_comment_lemmas
Create Date: 2026-11-26 16:50:00

The rows are filled by the application from the answers (``comments.queries.catch_up_facts``) the first time
a themes summary is built; nothing is copied here, so the migration is instant at any size.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007_comment_facts'
down_revision = '0006_comment_lemmas'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'comment_facts',
        sa.Column('answer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('service_point_id', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('has_text', sa.Boolean(), nullable=False),
        sa.Column('codebook', sa.String(length=16), nullable=True),
        sa.Column('themes', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('answer_id'),
    )
    op.create_index('ix_comment_facts_point_time', 'comment_facts',
                    ['service_point_id', 'submitted_at', 'has_text', 'rating', 'codebook', 'themes'])
    op.create_index('ix_comment_facts_time', 'comment_facts',
                    ['submitted_at', 'has_text', 'rating', 'codebook', 'themes'])


def downgrade():
    op.drop_index('ix_comment_facts_time', table_name='comment_facts')
    op.drop_index('ix_comment_facts_point_time', table_name='comment_facts')
    op.drop_table('comment_facts')

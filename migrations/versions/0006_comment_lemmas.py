"""comment_matches: the codebook's themes found in each comment, remembered per codebook version

Revision ID: 0006_comment_lemmas
Revises: 0004_staffside
Create Date: 2026-11-26 15:05:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0006_comment_lemmas'
down_revision = '0004_staffside'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'comment_matches',
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('codebook', sa.String(length=16), nullable=False),
        sa.Column('themes', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('answer_id'),
    )


def downgrade():
    op.drop_table('comment_matches')

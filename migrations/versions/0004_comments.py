"""comments: codebook of themes, manual tags, counts of removed personal data, suggested themes

Revision ID: 0004_comments
Revises: 0004_signals
Create Date: 2026-11-26 13:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004_comments'
down_revision = '0004_served'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name_pl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('comment_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=64), nullable=False),
    sa.Column('added', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'theme_code')
    )
    with op.batch_alter_table('comment_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_tags_answer_id'), ['answer_id'], unique=False)
    op.create_table('comment_redaction_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_points.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('comment_redaction_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_redaction_counts_at'), ['at'], unique=False)
    op.create_table('comment_theme_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('examples', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('theme_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id']),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('comment_theme_suggestions')
    with op.batch_alter_table('comment_redaction_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_redaction_counts_at'))
    op.drop_table('comment_redaction_counts')
    with op.batch_alter_table('comment_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_tags_answer_id'))
    op.drop_table('comment_tags')
    op.drop_table('comment_themes')

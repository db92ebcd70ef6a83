"""improvement actions, their selected comments, and the management reviews' records

Revision ID: 0005_actions
Revises: 0005_session_version
Create Date: 2026-11-26 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0005_actions'
down_revision = '0005_session_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('improvement_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('service_point_id', sa.Integer(), nullable=True),
    sa.Column('indicator', sa.String(length=20), nullable=False),
    sa.Column('question_code', sa.String(length=64), nullable=True),
    sa.Column('signal_id', sa.Integer(), nullable=True),
    sa.Column('problem_since', sa.Date(), nullable=True),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('effectiveness_note', sa.Text(), nullable=False),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('window_weeks', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Float(), nullable=False),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], ),
    sa.ForeignKeyConstraint(['objective_id'], ['quality_objectives.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_points.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_actions_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_actions_signal_id'), ['signal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_actions_status'), ['status'], unique=False)

    op.create_table('action_answers',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['improvement_actions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'answer_id')
    )
    op.create_table('management_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('conclusions', sa.JSON(), nullable=False),
    sa.Column('final_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('final_sha256', sa.String(length=64), nullable=True),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period')
    )


def downgrade():
    op.drop_table('management_reviews')
    op.drop_table('action_answers')
    with op.batch_alter_table('improvement_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_actions_status'))
        batch_op.drop_index(batch_op.f('ix_improvement_actions_signal_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_actions_department_id'))
    op.drop_table('improvement_actions')

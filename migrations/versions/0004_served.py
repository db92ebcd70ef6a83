"""served customers per counter and hour from the queue system (CAF 6.2)

Revision ID: 0004_served
Revises: 0004_signals
Create Date: 2026-11-26 13:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0004_served'
down_revision = '0004_signals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('served_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('served', sa.Integer(), nullable=False),
    sa.Column('first_hour', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_hour', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('served_hours',
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
    sa.Column('served', sa.Integer(), nullable=False),
    sa.Column('walked_away', sa.Integer(), nullable=True),
    sa.Column('average_wait_minutes', sa.Float(), nullable=True),
    sa.Column('average_service_minutes', sa.Float(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['served_imports.id'], ),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_points.id'], ),
    sa.PrimaryKeyConstraint('service_point_id', 'hour')
    )
    with op.batch_alter_table('served_hours', schema=None) as batch_op:
        batch_op.create_index('ix_served_hours_hour', ['hour'], unique=False)
        batch_op.create_index(batch_op.f('ix_served_hours_import_id'), ['import_id'], unique=False)


def downgrade():
    with op.batch_alter_table('served_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_served_hours_import_id'))
        batch_op.drop_index('ix_served_hours_hour')
    op.drop_table('served_hours')
    op.drop_table('served_imports')

"""a short code per counter for the typed address on posters; survey drafts of the editor

Revision ID: 0004_staffside
Revises: 0005_actions
Create Date: 2026-11-26 13:40:00

"""
from alembic import op
import sqlalchemy as sa

from survey.models import new_short_code

# revision identifiers, used by Alembic.
revision = '0004_staffside'
down_revision = '0005_actions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_points') as batch:
        batch.add_column(sa.Column('short_code', sa.String(length=16), nullable=True))
    bind = op.get_bind()
    points = sa.table('service_points', sa.column('id', sa.Integer), sa.column('short_code', sa.String))
    used = set()
    for (point_id,) in bind.execute(sa.select(points.c.id)).all():
        code = new_short_code()
        while code in used:
            code = new_short_code()
        used.add(code)
        bind.execute(points.update().where(points.c.id == point_id).values(short_code=code))
    with op.batch_alter_table('service_points') as batch:
        batch.alter_column('short_code', existing_type=sa.String(length=16), nullable=False)
        batch.create_unique_constraint('uq_service_points_short_code', ['short_code'])
    op.create_table('survey_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_code', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_code')
    )


def downgrade():
    op.drop_table('survey_drafts')
    with op.batch_alter_table('service_points') as batch:
        batch.drop_constraint('uq_service_points_short_code', type_='unique')
        batch.drop_column('short_code')

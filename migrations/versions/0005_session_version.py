"""users.session_version: logging out or changing the password ends every session of the account

Revision ID: 0005_session_version
Revises: 0004_comments
Create Date: 2026-11-26 13:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0005_session_version'
down_revision = '0004_comments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('session_version')

"""responses: index (submitted_at, channel), so a period's responses per channel are counted from the index

Revision ID: 0008_responses_channel_index
Revises: 0007_comment_facts
Create Date: 2026-11-26 16:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_responses_channel_index'
down_revision = '0007_comment_facts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('ix_responses_submitted_at_channel', ['submitted_at', 'channel'], unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_submitted_at_channel')

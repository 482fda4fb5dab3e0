"""``territoires_resource_validation``: one row per resource declaring a schema.

Revision ID: 7e3a91c4d2b0
Revises:
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "7e3a91c4d2b0"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "territoires_resource_validation",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("schema_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("row_count", sa.Integer),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("errors", JSONB, nullable=False, server_default="[]"),
        sa.Column("message", sa.UnicodeText),
        sa.Column("checked", sa.DateTime),
    )


def downgrade():
    op.drop_table("territoires_resource_validation")

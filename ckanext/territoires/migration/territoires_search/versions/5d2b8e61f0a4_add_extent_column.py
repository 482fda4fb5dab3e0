"""``extent`` box column for spatial search (``ext_bbox``).

Each row keeps its dataset's bounding box (the document field
``territoires_extent``, "west,south,east,north" in degrees) as a PostgreSQL
``box``, with a GiST index: ``ext_bbox`` filters with ``extent && box``
(boxes that meet). No PostGIS needed. Rows indexed before this revision
have no extent until the index is rebuilt (``ckan search-index rebuild``);
rows whose document already carries the field get it here.

Revision ID: 5d2b8e61f0a4
Revises: c41f7d2be8a6
Create Date: 2026-12-06
"""
from alembic import op

revision = "5d2b8e61f0a4"
down_revision = "c41f7d2be8a6"
branch_labels = None
depends_on = None

# Frozen copy of documents.parse_box's rule as of this revision: four
# numbers, west <= east in [-180, 180], south <= north in [-90, 90].
NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BACKFILL = r"""
UPDATE territoires_search_index d SET extent = box(
    point(b[3]::float8, b[4]::float8), point(b[1]::float8, b[2]::float8))
FROM (
    SELECT index_id, string_to_array(fields ->> 'territoires_extent', ',') AS b
    FROM territoires_search_index
    WHERE fields ->> 'territoires_extent' ~ '^{n},{n},{n},{n}$'
) AS parsed
WHERE d.index_id = parsed.index_id
  AND b[1]::float8 BETWEEN -180 AND b[3]::float8 AND b[3]::float8 <= 180
  AND b[2]::float8 BETWEEN -90 AND b[4]::float8 AND b[4]::float8 <= 90
""".replace("{n}", NUMBER)


def upgrade():
    op.execute("ALTER TABLE territoires_search_index ADD COLUMN extent box")
    op.execute(BACKFILL)
    op.execute(
        "CREATE INDEX territoires_search_index_extent_idx"
        " ON territoires_search_index USING gist (extent)"
    )


def downgrade():
    op.execute("DROP INDEX IF EXISTS territoires_search_index_extent_idx")
    op.execute("ALTER TABLE territoires_search_index DROP COLUMN IF EXISTS extent")

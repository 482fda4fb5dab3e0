"""A narrow index of what every search checks on every hit.

Each search CKAN sends filters on the site, the state, the visibility
(``capacity``, permission labels) and, through ckanext-harvest, the
dataset type (``-dataset_type:harvest``). Without free text or a selective
filter, these conditions were checked on every row of the table, whose
rows are wide (the weighted ``tsv`` and the ``filters`` are kept in the
row: a few kilobytes each): at 10,000 datasets, finding the hits of
``*:*`` read 64 MB and took most of the facet statement's time.

``filter_dataset_type`` is ``filters -> 'dataset_type'``, stored (a
generated column: PostgreSQL keeps it up to date, no writer changes); the
compiled terms on ``dataset_type`` read it instead (sql.py: the same
value, so the same answers). ``territoires_search_index_visible_idx`` on
``(site_id, state)`` carries ``doc``, ``capacity``, ``permission_labels``
and ``filter_dataset_type``: those searches read their hits from this
index alone (an index-only scan where the table is vacuumed), about a
tenth of the bytes.

Revision ID: e5a7c2b9d041
Revises: 7c3d9e4a1b52
Create Date: 2026-12-07
"""
from alembic import op

revision = "e5a7c2b9d041"
down_revision = "7c3d9e4a1b52"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "ALTER TABLE territoires_search_index ADD COLUMN filter_dataset_type jsonb"
        " GENERATED ALWAYS AS (filters -> 'dataset_type') STORED"
    )
    op.execute(
        "CREATE INDEX territoires_search_index_visible_idx"
        " ON territoires_search_index (site_id, state)"
        " INCLUDE (doc, capacity, permission_labels, filter_dataset_type)"
    )


def downgrade():
    op.execute("DROP INDEX IF EXISTS territoires_search_index_visible_idx")
    op.execute("ALTER TABLE territoires_search_index DROP COLUMN IF EXISTS filter_dataset_type")

"""Create the PostgreSQL search index that stands in for Solr.

One row per indexed CKAN document (``index_id`` is Solr's unique key).
``fields`` keeps the document CKAN built for Solr, minus the two large
stored JSON strings, which have columns of their own so that filtering and
faceting never de-TOAST them. ``tsv`` is the weighted French full-text
vector (A: title and name, B: tags and groups, C: notes and resources,
D: the rest), built with accent folding.

Revision ID: 9a1f0c2d7e31
Revises:
Create Date: 2026-11-23
"""
from alembic import op

revision = "9a1f0c2d7e31"
down_revision = None
branch_labels = None
depends_on = None

TS_CONFIG = "territoires_fr"


def upgrade():
    # Both are trusted extensions (PostgreSQL >= 13): a database owner may
    # create them without being a superuser.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # French stemming after accent folding: "velo" finds "vélo".
    op.execute(
        """
        DO $$
        BEGIN
            IF NOT EXISTS (
                SELECT 1 FROM pg_ts_config WHERE cfgname = '{cfg}'
            ) THEN
                CREATE TEXT SEARCH CONFIGURATION {cfg} (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION {cfg}
                    ALTER MAPPING FOR hword, hword_part, word
                    WITH unaccent, french_stem;
            END IF;
        END
        $$;
        """.format(cfg=TS_CONFIG)
    )
    op.execute(
        """
        CREATE TABLE territoires_search_index (
            index_id text PRIMARY KEY,
            id text NOT NULL,
            site_id text NOT NULL,
            name text,
            state text,
            capacity text,
            permission_labels text[] NOT NULL DEFAULT '{}',
            metadata_created timestamptz,
            metadata_modified timestamptz,
            title_string text,
            fields jsonb NOT NULL,
            data_dict text,
            validated_data_dict text,
            tsv tsvector NOT NULL,
            ngram_text text NOT NULL DEFAULT '',
            indexed_ts timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    for ddl in (
        "CREATE INDEX territoires_search_index_id_idx"
        " ON territoires_search_index (id)",
        "CREATE INDEX territoires_search_index_name_idx"
        " ON territoires_search_index (name)",
        "CREATE INDEX territoires_search_index_modified_idx"
        " ON territoires_search_index (metadata_modified)",
        "CREATE INDEX territoires_search_index_created_idx"
        " ON territoires_search_index (metadata_created)",
        "CREATE INDEX territoires_search_index_title_idx"
        " ON territoires_search_index (title_string)",
        "CREATE INDEX territoires_search_index_tsv_idx"
        " ON territoires_search_index USING gin (tsv)",
        "CREATE INDEX territoires_search_index_fields_idx"
        " ON territoires_search_index USING gin (fields jsonb_path_ops)",
        "CREATE INDEX territoires_search_index_labels_idx"
        " ON territoires_search_index USING gin (permission_labels)",
        "CREATE INDEX territoires_search_index_ngram_idx"
        " ON territoires_search_index USING gin (ngram_text gin_trgm_ops)",
    ):
        op.execute(ddl)


def downgrade():
    op.execute("DROP TABLE IF EXISTS territoires_search_index")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS %s" % TS_CONFIG)

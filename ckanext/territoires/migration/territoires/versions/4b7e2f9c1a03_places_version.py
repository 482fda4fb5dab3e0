"""The places version: a token that changes with every write to the groups.

Pages of a large territory (a région's 4,000 communes) read every commune
group; each process keeps them (``ckanext.territoires.communes.snapshot``)
and reads them again only when this token has changed. Statement-level
triggers on ``group`` and ``group_extra`` give it a new random value once
per transaction (the WHERE clause skips a transaction that already did, so
a load writing 60,000 extras updates the row once). A random token, not a
counter: a table dropped and created again never repeats an old value.

Revision ID: 4b7e2f9c1a03
Revises:
Create Date: 2026-12-07
"""

from alembic import op

revision = "4b7e2f9c1a03"
down_revision = None
branch_labels = None
depends_on = None

_TABLES = ('"group"', "group_extra")


def upgrade():
    op.execute(
        """
        CREATE TABLE territoires_places_version (
            id boolean PRIMARY KEY DEFAULT true CHECK (id),
            token uuid NOT NULL DEFAULT gen_random_uuid(),
            last_xid xid8
        );
        INSERT INTO territoires_places_version (id) VALUES (true);
        CREATE OR REPLACE FUNCTION territoires_places_touch() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE territoires_places_version
               SET token = gen_random_uuid(), last_xid = pg_current_xact_id()
             WHERE last_xid IS DISTINCT FROM pg_current_xact_id();
            RETURN NULL;
        END
        $$;
        """
    )
    for table in _TABLES:
        op.execute(
            f"CREATE TRIGGER territoires_places_touch AFTER INSERT OR UPDATE OR DELETE"
            f" OR TRUNCATE ON {table} FOR EACH STATEMENT"
            f" EXECUTE FUNCTION territoires_places_touch()"
        )


def downgrade():
    for table in _TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS territoires_places_touch ON {table}")
    op.execute("DROP FUNCTION IF EXISTS territoires_places_touch()")
    op.execute("DROP TABLE IF EXISTS territoires_places_version")

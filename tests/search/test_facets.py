"""Facet counts from the narrow facet rows (``search/facets.py``).

A scratch database of its own (``territoires_facettest_<pid>``, on the same
server as ``test_sql.py``'s) gets every migration of the search index,
``test_sql.py``'s documents (long values, duplicates, numbers, booleans,
nulls, private ones) and their facet rows written by ``facets.write``, as
the connection writes them after each upsert. The counts of
``facets.compile_counts`` are compared with those of the statement that
expands each matching row's values (``sql.compile_facets``), for many
queries, fields, limits and mincounts.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ckan.lib.search.common import SearchQueryError
from sqlalchemy.engine import make_url

import ckanext.territoires
from ckanext.territoires.search import facets
from ckanext.territoires.search.documents import is_filter_field
from ckanext.territoires.search.sql import compile_facets, compile_search

from .test_sql import (
    ADMIN_URL,
    DOCS,
    EQUIVALENCE_FACETS,
    EQUIVALENCE_FQ,
    EXTRA_DOCS,
    MIGRATIONS,
    TEXT_CONFIG,
    VERSIONS,
    ckan_fq,
    insert_docs,
    make_doc,
)

DB_NAME = "territoires_facettest_%d" % os.getpid()
FACET_MIGRATION = MIGRATIONS.index(VERSIONS / "7c3d9e4a1b52_add_facet_tables.py")
ALL_DOCS = DOCS + EXTRA_DOCS
FILTER_FACETS = [name for name in EQUIVALENCE_FACETS if is_filter_field(name)]


def index(engine: sa.engine.Engine, docs: list[dict[str, Any]]) -> None:
    """Upsert ``docs`` and write their facet rows, as the connection does."""
    with engine.begin() as connection:
        ids = [doc["index_id"] for doc in docs]
        connection.execute(
            sa.text("DELETE FROM territoires_search_index WHERE index_id = ANY(:ids)"),
            {"ids": ids},
        )
        insert_docs(connection, docs)
        facets.write(connection, ids, engine)


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.engine.Engine]:
    try:
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % DB_NAME))
            connection.execute(sa.text('CREATE DATABASE "%s"' % DB_NAME))
    except sa.exc.OperationalError as error:
        pytest.skip("PostgreSQL is unreachable at %s: %s" % (ADMIN_URL, error))
    scratch = sa.create_engine(make_url(ADMIN_URL).set(database=DB_NAME))
    try:
        with scratch.begin() as connection:
            _migrate_to(connection, MIGRATIONS)
        index(scratch, ALL_DOCS)
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % DB_NAME))
        admin.dispose()


def rows(engine: sa.engine.Engine, statement: tuple[str, dict[str, Any]]) -> list[tuple]:
    sql, params = statement
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql), params)]


def both(engine, q: str, fq: list[str], fields: list[str], **options: Any):
    """(expanding statement's rows, facet rows statement's rows)."""
    compiled = compile_search(q, fq, text_config=TEXT_CONFIG)
    counts = facets.compile_counts(compiled, fields, **options)
    assert counts is not None
    return (
        rows(engine, compile_facets(compiled, fields, with_total=True, **options)),
        rows(engine, counts),
    )


class TestSameCountsAsExpandingEachRow:
    @pytest.mark.parametrize("extra", EQUIVALENCE_FQ)
    def test_every_filter(self, engine, extra):
        expanded, counted = both(engine, "*:*", ckan_fq(extra), FILTER_FACETS, limit=-1)
        assert counted == expanded

    @pytest.mark.parametrize(
        "labels, include_private",
        [(("public",), False), (("public", "member-org-ecully"), True), (None, True)],
    )
    @pytest.mark.parametrize("q", ["*:*", "velo", "lyon OR ecully", "tags:court"])
    def test_text_and_permission_labels(self, engine, q, labels, include_private):
        fq = ckan_fq(labels=labels, include_private=include_private)
        expanded, counted = both(engine, q, fq, FILTER_FACETS, limit=50)
        assert counted == expanded

    @pytest.mark.parametrize("limit", [None, -1, 0, 1, 2, 3])
    @pytest.mark.parametrize("mincount", [1, 2, 3])
    def test_limit_and_mincount(self, engine, limit, mincount):
        fields = ["tags", "res_format", "organization", "tags"]
        expanded, counted = both(
            engine,
            "*:*",
            ckan_fq(include_private=True, labels=None),
            fields,
            limit=limit,
            mincount=mincount,
        )
        assert counted == expanded

    def test_nothing_matches(self, engine):
        expanded, counted = both(engine, "*:*", ckan_fq("tags:nothing-has-this"), ["tags"])
        assert counted == expanded == []

    def test_the_number_of_hits_comes_first(self, engine):
        _, counted = both(engine, "*:*", ckan_fq(), ["no_such_field"])
        assert len(counted) == 1 and counted[0][:2] == (None, None) and counted[0][2] > 0


class TestWhatItLeavesToTheExpandingStatement:
    def test_mincount_zero_and_fields_not_kept_in_filters(self):
        compiled = compile_search("*:*", ckan_fq(), text_config=TEXT_CONFIG)
        assert facets.compile_counts(compiled, ["tags"], mincount=0) is None
        for name in ("res_url", "title", "name", "metadata_modified"):
            assert facets.compile_counts(compiled, ["tags", name]) is None

    def test_invalid_fields(self):
        compiled = compile_search("*:*", None, text_config=TEXT_CONFIG)
        with pytest.raises(SearchQueryError):
            facets.compile_counts(compiled, ["{!ex=t}tags"])
        with pytest.raises(ValueError):
            facets.compile_counts(compiled, [])


def tag_counts(engine) -> dict[str, int]:
    compiled = compile_search(
        "*:*", ckan_fq(include_private=True, labels=None), text_config=TEXT_CONFIG
    )
    statement = facets.compile_counts(compiled, ["tags"])
    assert statement is not None
    return {value: count for field, value, count in rows(engine, statement) if field}


class TestWrites:
    def test_a_new_version_replaces_the_former_rows(self, engine):
        doc = make_doc("rewritten", "Réécrit", tags=["avant-1", "avant-2"])
        index(engine, [doc])
        assert tag_counts(engine)["avant-1"] == 1
        index(engine, [dict(doc, tags=["apres"])])
        counts = tag_counts(engine)
        assert "avant-1" not in counts and "avant-2" not in counts
        assert counts["apres"] == 1

    def test_deleting_an_index_row_deletes_its_facet_rows(self, engine):
        doc = make_doc("deleted", "Supprimé", tags=["seulement-ici"])
        index(engine, [doc])
        with engine.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM territoires_search_index WHERE index_id = :id"),
                {"id": doc["index_id"]},
            )
            left = connection.execute(
                sa.text(
                    "SELECT count(*) FROM territoires_search_facet r"
                    " LEFT JOIN territoires_search_index d ON d.doc = r.doc WHERE d.doc IS NULL"
                )
            ).scalar()
        assert left == 0
        assert "seulement-ici" not in tag_counts(engine)

    def test_a_document_counts_once_per_value_text(self, engine):
        # 1 and "1" are one Solr term: one document, counted once
        doc = make_doc("same-text", "Même texte", tags=["1", 1, "1"])
        index(engine, [doc])
        assert tag_counts(engine)["1"] == 1

    def test_a_rolled_back_write_leaves_no_row(self, engine):
        doc = make_doc("rolled-back", "Annulé", tags=["jamais-valide"])
        with engine.connect() as connection:
            transaction = connection.begin()
            insert_docs(connection, [doc])
            facets.write(connection, [doc["index_id"]], engine)
            transaction.rollback()
        assert "jamais-valide" not in tag_counts(engine)


def test_the_migration_fills_and_removes_the_facet_rows():
    """Rows indexed before the migration get their facet rows (and their
    visibility classes: counted by class, the same counts) from it;
    downgrade() removes the tables and the column."""
    name = DB_NAME + "_mig"
    try:
        admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % name))
            connection.execute(sa.text('CREATE DATABASE "%s"' % name))
    except sa.exc.OperationalError as error:
        pytest.skip("PostgreSQL is unreachable at %s: %s" % (ADMIN_URL, error))
    scratch = sa.create_engine(make_url(ADMIN_URL).set(database=name))
    try:
        with scratch.begin() as connection:
            _migrate_to(connection, MIGRATIONS[:FACET_MIGRATION])
            insert_docs(connection, ALL_DOCS)
            # the facet rows, then the revisions built on them (the classes)
            _migrate_to(connection, MIGRATIONS[FACET_MIGRATION:])
        compiled = compile_search(
            "*:*", ckan_fq(include_private=True, labels=None), text_config=TEXT_CONFIG
        )
        statement = facets.compile_counts(compiled, FILTER_FACETS, limit=-1)
        assert statement is not None
        assert rows(scratch, statement) == rows(
            scratch, compile_facets(compiled, FILTER_FACETS, limit=-1, with_total=True)
        )
        with scratch.begin() as connection:
            for revision in reversed(MIGRATIONS[FACET_MIGRATION:]):
                _migrate_to(connection, [revision], "downgrade")
            left = connection.execute(
                sa.text("SELECT to_regclass('territoires_search_facet')")
            ).scalar()
        assert left is None
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % name))
        admin.dispose()


def _migrate_to(connection, paths: list[Path], direction: str = "upgrade") -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    with Operations.context(MigrationContext.configure(connection)):
        for path in paths:
            spec = importlib.util.spec_from_file_location("migration_" + path.stem, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            getattr(module, direction)()

"""The plans PostgreSQL chooses for the benchmark's searches.

A scratch database of its own (``territoires_plantest_<pid>``, on the same
server as ``test_sql.py``'s), migrated as ``test_sql.py`` migrates it, gets
``N_DOCUMENTS`` index rows generated in SQL (60 commune groups, 20
organisations, 200 tags, 10% private, one in 500 about "vélo"),
then ANALYZE, as after a rebuild. Each benchmark search is compiled as the
connection compiles it (``sql.compile_search``/``compile_facets``,
``facets.compile_counts``, whose facet rows ``facets.write`` writes here,
``connection.count_sql``/``page_sql``) and its plan read with ``EXPLAIN
(FORMAT JSON)``: selective filters and text go through their GIN indexes,
never a sequential scan of the index table; a page of many hits in date
order reads the ``metadata_modified`` index and stops at the page's last
row.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ckanext.territoires.search import connection as search_connection
from ckanext.territoires.search import facets
from ckanext.territoires.search.sql import compile_facets, compile_search, compile_sort

from .test_facets import MIGRATIONS, _migrate_to
from .test_sql import ADMIN_URL, TEXT_CONFIG, ckan_fq

DB_NAME = "territoires_plantest_%d" % os.getpid()
N_DOCUMENTS = 20_000

GENERATE = """
INSERT INTO territoires_search_index (
    index_id, id, site_id, name, state, capacity, permission_labels,
    metadata_created, metadata_modified, title_string, fields, filters, tsv, ngram_text)
SELECT md5(i::text), 'id-' || i, 'default', 'ds-' || i, 'active',
       CASE WHEN i % 10 = 0 THEN 'private' ELSE 'public' END,
       CASE WHEN i % 10 = 0 THEN ARRAY['member-org-' || i % 20] ELSE ARRAY['public'] END,
       now() - (i % 1000) * interval '1 day',
       now() - ((i * 7919) % 200000) * interval '1 minute',
       'Jeu ' || i, doc.value, doc.value,
       setweight(to_tsvector('territoires_fr', 'Jeu ' || i || ' '
           || CASE WHEN i % 500 = 1 THEN 'vélo ' ELSE '' END
           || (ARRAY['voirie', 'budget', 'territoire', 'eau'])[i % 4 + 1]), 'A'),
       'ds-' || i
FROM generate_series(1, :n) AS i
CROSS JOIN LATERAL (SELECT jsonb_build_object(
    'dataset_type', 'dataset', 'type', 'dataset', 'entity_type', 'package',
    'organization', 'org-' || i % 20, 'owner_org', 'org-' || i % 20,
    'groups', jsonb_build_array('commune-' || i % 60),
    'tags', jsonb_build_array('t' || i % 200, 'theme-' || i % 7),
    'res_format', jsonb_build_array((ARRAY['CSV', 'JSON', 'PDF'])[i % 3 + 1]),
    'license_id', 'lov2', 'private', i % 10 = 0, 'num_resources', 1 + i % 3
) AS value) AS doc
"""

FACETS = ["organization", "groups", "tags"]
BY_DATE = compile_sort("metadata_modified desc")
BY_SCORE = compile_sort("score desc, metadata_modified desc")


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
        with scratch.begin() as connection:
            connection.execute(sa.text(GENERATE), {"n": N_DOCUMENTS})
            ids = connection.execute(sa.text("SELECT index_id FROM territoires_search_index"))
            facets.write(connection, [row[0] for row in ids], scratch)
        with scratch.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE territoires_search_index"))
            connection.execute(sa.text("VACUUM ANALYZE territoires_search_facet"))
        yield scratch
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text('DROP DATABASE IF EXISTS "%s"' % DB_NAME))
        admin.dispose()


def plan_nodes(engine: sa.engine.Engine, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every node of the plan of ``sql``, as a flat list."""
    with engine.connect() as connection:
        # what connection.SEARCH_SETTINGS sets for every search
        connection.execute(sa.text("SET jit = off; SET work_mem = '32MB'"))
        plan = connection.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql), params).scalar()
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes


def indexes_used(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["Index Name"] for node in nodes if "Index Name" in node}


def seq_scanned(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["Relation Name"] for node in nodes if node["Node Type"] == "Seq Scan"}


def hits(engine: sa.engine.Engine, compiled) -> int:
    with engine.connect() as connection:
        return connection.execute(
            sa.text(search_connection.count_sql(compiled)), compiled.params
        ).scalar()


def page_plan(engine, compiled, order_by: str) -> list[dict[str, Any]]:
    sql = search_connection.page_sql(compiled, order_by, ["id", "score"], hits(engine, compiled))
    return plan_nodes(engine, sql, dict(compiled.params, page_rows=20, page_start=0))


def count_plan(engine, compiled) -> list[dict[str, Any]]:
    return plan_nodes(engine, search_connection.count_sql(compiled), compiled.params)


def facet_plan(engine, compiled) -> list[dict[str, Any]]:
    sql, params = compile_facets(compiled, FACETS, limit=50, mincount=1, with_total=True)
    return plan_nodes(engine, sql, params)


def facet_rows_plan(engine, compiled) -> list[dict[str, Any]]:
    """The plan of the statement the connection runs: from the facet rows."""
    statement = facets.compile_counts(compiled, FACETS, limit=50, mincount=1)
    assert statement is not None
    return plan_nodes(engine, *statement)


class TestSelectiveFilters:
    def test_a_group_sorted_by_date_goes_through_the_filters_index(self, engine):
        # the benchmark's "group" kind: a sysadmin (no labels), one commune
        compiled = compile_search(
            "*:*", ckan_fq("groups:commune-7", labels=None), text_config=TEXT_CONFIG
        )
        assert 0 < hits(engine, compiled) <= search_connection.FEW_HITS
        for nodes in (page_plan(engine, compiled, BY_DATE), count_plan(engine, compiled)):
            assert "territoires_search_index_filters_idx" in indexes_used(nodes)
            assert "territoires_search_index_modified_idx" not in indexes_used(nodes)
            assert "territoires_search_index" not in seq_scanned(nodes)

    def test_selective_text_goes_through_the_text_index(self, engine):
        compiled = compile_search("vélo", ckan_fq(), text_config=TEXT_CONFIG)
        assert 0 < hits(engine, compiled) < 100
        for nodes in (page_plan(engine, compiled, BY_SCORE), count_plan(engine, compiled)):
            assert "territoires_search_index_tsv_idx" in indexes_used(nodes)
            assert "territoires_search_index" not in seq_scanned(nodes)

    def test_a_group_with_facets_goes_through_the_filters_index(self, engine):
        # a commune page: the group's datasets and their facets
        compiled = compile_search("*:*", ckan_fq("groups:commune-7"), text_config=TEXT_CONFIG)
        for nodes in (facet_plan(engine, compiled), facet_rows_plan(engine, compiled)):
            assert "territoires_search_index_filters_idx" in indexes_used(nodes)
            assert "territoires_search_index" not in seq_scanned(nodes)
        # the few hits' own facet rows, from the index on (doc, field, value)
        nodes = facet_rows_plan(engine, compiled)
        assert "territoires_search_facet_doc_idx" in indexes_used(nodes)
        assert "territoires_search_facet" not in seq_scanned(nodes)


class TestBroadSearches:
    def test_a_page_of_many_hits_in_date_order_reads_the_date_index(self, engine):
        compiled = compile_search("*:*", ckan_fq(), text_config=TEXT_CONFIG)
        assert hits(engine, compiled) > search_connection.FEW_HITS
        nodes = page_plan(engine, compiled, BY_DATE)
        assert "territoires_search_index_modified_idx" in indexes_used(nodes)
        # only the page's own rows are sorted (after the join), not the hits
        assert not [n for n in nodes if n["Node Type"] == "Sort" and n["Plan Rows"] > 20]

    def test_facets_of_many_hits_read_the_facet_rows_of_the_fields_asked(self, engine):
        # a broad text search's facets: the rows of the three fields, from
        # the (field, value, doc) index alone, joined to the hits by hashing
        compiled = compile_search("voirie", ckan_fq(), text_config=TEXT_CONFIG)
        nodes = facet_rows_plan(engine, compiled)
        assert "territoires_search_facet_pkey" in indexes_used(nodes)
        assert "territoires_search_facet" not in seq_scanned(nodes)
        assert [n for n in nodes if n["Node Type"] == "Hash Join"]
        assert not [
            n
            for n in nodes
            if n["Node Type"] == "Function Scan"
            and n.get("Function Name") == "jsonb_array_elements_text"
        ]

    def test_the_hits_of_a_broad_search_come_from_the_narrow_visibility_index(self, engine):
        # the home page's and the API's "*:*": site, state, visibility and
        # -dataset_type:harvest checked on every hit, read from the narrow
        # index (migration e5a7c2b9d041), never from the wide rows
        compiled = compile_search(
            "*:*", [*ckan_fq(), "-dataset_type:harvest"], text_config=TEXT_CONFIG
        )
        assert hits(engine, compiled) > N_DOCUMENTS // 2
        nodes = count_plan(engine, compiled)
        assert "territoires_search_index_visible_idx" in indexes_used(nodes)
        assert "territoires_search_index" not in seq_scanned(nodes)

    def test_the_facets_of_everything_visible_are_counted_by_class_without_a_join(self, engine):
        # the home page's facets: the visibility classes the conditions keep
        # (migration f3b9d1e7a2c4), then their facet rows from (field, class,
        # value) alone: no index row read, no join
        compiled = compile_search(
            "*:*", [*ckan_fq(), "-dataset_type:harvest"], text_config=TEXT_CONFIG
        )
        nodes = facet_rows_plan(engine, compiled)
        assert "territoires_search_facet_class_idx" in indexes_used(nodes)
        assert not {"territoires_search_facet", "territoires_search_index"} & seq_scanned(nodes)
        assert not [n for n in nodes if n.get("Relation Name") == "territoires_search_index"]
        assert not [n for n in nodes if "Join" in n["Node Type"] and n["Plan Rows"] > 1000]

    def test_a_broad_text_page_ranks_and_sorts_narrow_rows(self, engine):
        # "territoire" at 100,000 datasets: a quarter of the rows match; the
        # rank is computed in the scan and only keys are sorted and counted
        # (sorting rows that carried the weighted tsv spilled to disk: 290 ms)
        compiled = compile_search("voirie", ckan_fq(), text_config=TEXT_CONFIG)
        assert hits(engine, compiled) > search_connection.FEW_HITS
        sql = search_connection.page_sql(compiled, BY_SCORE, ["id", "score"], None)
        with engine.connect() as connection:
            connection.execute(sa.text("SET jit = off; SET work_mem = '32MB'"))
            plan = connection.execute(
                sa.text("EXPLAIN (VERBOSE, FORMAT JSON) " + sql),
                dict(compiled.params, page_rows=20, page_start=0),
            ).scalar()
        nodes, todo = [], [plan[0]["Plan"]]
        while todo:
            node = todo.pop()
            nodes.append(node)
            todo.extend(node.get("Plans", []))
        carrying_tsv = [
            node["Node Type"]
            for node in nodes
            if node["Plan Rows"] > 20
            and "Scan" not in node["Node Type"]
            and any("tsv" in column for column in node.get("Output", []))
        ]
        assert carrying_tsv == []

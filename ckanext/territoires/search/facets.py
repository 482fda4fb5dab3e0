"""Facet counts from narrow integer rows (``territoires_search_facet``).

Each value of each filter field of an indexed document is one row
``(field smallint, value integer, doc bigint)`` of
``territoires_search_facet``; field names and values (as text) are kept
once in two dictionaries, ``territoires_search_facet_field`` and
``territoires_search_facet_value`` (migration ``7c3d9e4a1b52``). A facet
count then gathers the integer keys of the hits (``doc``) from the index
table, joins them to the rows of the requested fields (read from a
covering index) and counts by hash aggregation over small integers; the
dictionaries give the text back for the values counted. The hits are found
by the compiled query itself, permission labels included: counts are
exact for the caller.

Public API
    ``write(session, index_ids, dictionary_engine)``
        (Re)write the facet rows of the index rows ``index_ids`` from what
        they hold, in the caller's transaction, after their upsert.
    ``compile_counts(query, fields, limit=..., mincount=...)
    -> (sql, params)`` or None
        ONE statement counting the facets of the rows ``query`` matches,
        rows ``(field, value, count)`` as ``sql.compile_facets`` returns
        them, with the number of hits first as ``(None, None, n)``; None
        when the facet rows cannot answer (a field that is not a filter
        field, or ``mincount`` below 1), for ``sql.compile_facets`` then.

Dictionary entries are inserted in short transactions of their own
(``dictionary_engine``), committed at once, sorted by their unique key:
parallel writers (the rebuild's worker processes, each in a long
transaction) adding the same new value never wait for each other's
transaction, so they cannot deadlock. An entry whose document is finally
rolled back stays, never counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from . import documents
from .lucene import is_valid_field_name

__all__ = ["PAIRS", "compile_counts", "write"]

# The (doc, field, value) of the index rows that WHERE keeps: every value of
# every filter field, as text, by the same functions as
# ``sql.compile_facets`` (a list or a scalar, ``filters`` or, for the
# fields a row lists in ``filters_partial``, ``fields``; SQL NULLs left).
PAIRS = """
SELECT d.doc, kv.key AS field, v.value
FROM territoires_search_index d
CROSS JOIN LATERAL (
    SELECT k.key, k.value FROM jsonb_each(d.filters) AS k(key, value)
    WHERE NOT (d.filters_partial @> ARRAY[k.key])
    UNION ALL
    SELECT p.key, d.fields -> p.key FROM unnest(d.filters_partial) AS p(key)
) AS kv
CROSS JOIN LATERAL jsonb_array_elements_text(jsonb_path_query_array(kv.value, 'lax $[*]'))
    AS v(value)
WHERE v.value IS NOT NULL AND d.index_id = ANY(:index_ids)
"""

ADD_FIELDS_SQL = (
    "INSERT INTO territoires_search_facet_field (name)"
    " SELECT DISTINCT n.name FROM unnest(CAST(:names AS text[])) AS n(name)"
    " ORDER BY n.name ON CONFLICT DO NOTHING"
)
ADD_VALUES_SQL = (
    "INSERT INTO territoires_search_facet_value (field, value)"
    " SELECT s.id, s.value FROM ("
    " SELECT DISTINCT f.id, n.value"
    " FROM unnest(CAST(:names AS text[]), CAST(:values AS text[])) AS n(name, value)"
    " JOIN territoires_search_facet_field f ON f.name = n.name) AS s"
    " ORDER BY s.id, md5(s.value) ON CONFLICT DO NOTHING"
)
# One round trip: the former rows of the documents go, theirs come (each
# value looked up through the dictionary's unique index), plus field 0,
# every document's own row, whose count is the number of hits; the
# (field, value) pairs missing from the dictionaries are returned.
WRITE_SQL = (
    "DELETE FROM territoires_search_facet r USING territoires_search_index d"
    " WHERE r.doc = d.doc AND d.index_id = ANY(:index_ids);"
    " WITH pairs AS MATERIALIZED ("
    " SELECT p.doc, p.field AS name, p.value, f.id AS field, v.id"
    " FROM (SELECT DISTINCT * FROM (%s) AS each_pair) AS p"
    " LEFT JOIN territoires_search_facet_field f ON f.name = p.field"
    " LEFT JOIN LATERAL (SELECT v.id FROM territoires_search_facet_value v"
    " WHERE v.field = f.id AND md5(v.value) = md5(p.value) AND v.value = p.value) AS v"
    " ON TRUE),"
    " written AS (INSERT INTO territoires_search_facet (field, value, doc)"
    " SELECT pairs.field, pairs.id, pairs.doc FROM pairs WHERE pairs.id IS NOT NULL"
    " UNION ALL SELECT 0, 0, d.doc FROM territoires_search_index d"
    " WHERE d.index_id = ANY(:index_ids))"
    " SELECT DISTINCT pairs.name, pairs.value FROM pairs WHERE pairs.id IS NULL" % PAIRS
)


def write(session: Any, index_ids: Sequence[str], dictionary_engine: sa.engine.Engine) -> None:
    """Rewrite the facet rows of the index rows ``index_ids``.

    ``session`` (a SQLAlchemy session or connection) is the transaction
    that wrote the index rows. Values new to the dictionaries are added
    and committed through a connection of ``dictionary_engine``, then the
    rows written again.
    """
    params = {"index_ids": list(index_ids)}
    missing = session.execute(sa.text(WRITE_SQL), params).fetchall()
    if not missing:
        return
    names = [row[0] for row in missing]
    values = [row[1] for row in missing]
    with dictionary_engine.begin() as connection:
        connection.execute(sa.text(ADD_FIELDS_SQL), {"names": sorted(set(names))})
        connection.execute(sa.text(ADD_VALUES_SQL), {"names": names, "values": values})
    if session.execute(sa.text(WRITE_SQL), params).fetchall():
        raise RuntimeError("Facet values missing from their dictionary after adding them")


def compile_counts(
    query: Any, fields: Sequence[str], *, limit: int | None = -1, mincount: int = 1
) -> tuple[str, dict[str, Any]] | None:
    """The facet statement over the facet rows (see the module), or None.

    ``query`` is a ``sql.CompiledQuery``. Semantics are those of
    ``sql.compile_facets(..., with_total=True)``: ``limit`` is Solr's
    facet.limit per field (None or negative: unlimited; 0: no values),
    values ordered by count descending, then value in byte order, counts
    below ``mincount`` left out; duplicate fields counted once; the
    number of hits always comes first, as ``(None, None, n)``.
    """
    from ckan.lib.search.common import SearchQueryError

    names: list[str] = []
    for name in fields:
        if not isinstance(name, str) or not is_valid_field_name(name):
            raise SearchQueryError("Invalid facet field %r" % (name,))
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError("compile_counts needs at least one field")
    if int(mincount) < 1 or not all(documents.is_filter_field(name) for name in names):
        return None
    params = dict(query.params)
    params["facet_names"] = names
    params["facet_mincount"] = int(mincount)
    limit_clause = ""
    if limit is not None and int(limit) >= 0:
        params["facet_limit"] = int(limit)
        limit_clause = " WHERE ranked.position <= :facet_limit"
    sql = (
        # Field 0 is every document's own row: its count is the number of
        # hits, counted in the same pass.
        "WITH counted AS ("
        " SELECT r.field, r.value, count(*) AS count"
        " FROM territoires_search_facet r JOIN territoires_search_index d ON d.doc = r.doc"
        " WHERE (%(where)s) AND r.field = ANY(ARRAY("
        "SELECT f.id FROM territoires_search_facet_field f"
        " WHERE f.name = ANY(CAST(:facet_names AS text[]))"
        " UNION ALL SELECT CAST(0 AS smallint)))"
        " GROUP BY r.field, r.value)"
        " SELECT facet.field, facet.value, facet.count FROM ("
        " SELECT CAST(NULL AS text) AS field, CAST(NULL AS text) AS value, counted.count,"
        " CAST(0 AS bigint) AS ordinal, CAST(0 AS bigint) AS position"
        " FROM counted WHERE counted.field = 0"
        " UNION ALL"
        " SELECT ranked.name, ranked.value, ranked.count, ranked.ordinal, ranked.position"
        " FROM ("
        " SELECT wanted.name, wanted.ordinal, v.value, counted.count,"
        " row_number() OVER (PARTITION BY counted.field"
        ' ORDER BY counted.count DESC, v.value COLLATE "C") AS position'
        " FROM counted JOIN ("
        "SELECT f.id, w.name, w.ordinal FROM unnest(CAST(:facet_names AS text[]))"
        " WITH ORDINALITY AS w(name, ordinal)"
        " JOIN territoires_search_facet_field f ON f.name = w.name"
        ") AS wanted ON wanted.id = counted.field"
        " JOIN territoires_search_facet_value v ON v.id = counted.value"
        " WHERE counted.count >= :facet_mincount"
        ") AS ranked%(limit_clause)s"
        ") AS facet ORDER BY facet.ordinal, facet.position"
    ) % {"where": query.where, "limit_clause": limit_clause}
    return sql, params

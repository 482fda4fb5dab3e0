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
        they hold (``filters``, or ``fields`` for the fields a row lists in
        ``filters_partial``; each value as text, by the same functions as
        ``sql.compile_facets``; once per document), in the caller's
        transaction, after their upsert.
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

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from . import documents, sql
from .lucene import is_valid_field_name

__all__ = ["compile_counts", "write"]

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
# The former facet rows of the documents go, theirs come; returns the
# (field, value) pairs missing from the dictionaries (migration 7c3d9e4a1b52:
# a PL/pgSQL function, so that its statements are planned once per
# connection, not at every write).
WRITE_SQL = "SELECT * FROM territoires_search_facet_write(CAST(:index_ids AS text[]))"
# The visibility classes of the documents (migration f3b9d1e7a2c4): read in
# the writer's transaction, added in a short one of their own.
CLASS_COLUMNS = ("site_id", "state", "capacity", "permission_labels", "filter_dataset_type")
CLASS_KEY = "md5(CAST(ROW(%s) AS text))"
READ_CLASSES_SQL = (
    "SELECT DISTINCT %s FROM territoires_search_index d"
    " WHERE d.index_id = ANY(CAST(:index_ids AS text[]))"
    % ", ".join("d.%s" % column for column in CLASS_COLUMNS)
)
ADD_CLASSES_SQL = (
    "INSERT INTO territoires_search_class (key, %(columns)s)"
    " SELECT %(key)s, %(columns)s FROM ("
    " SELECT DISTINCT c.site_id, c.state, c.capacity, c.permission_labels, c.filter_dataset_type"
    " FROM jsonb_to_recordset(CAST(:classes AS jsonb)) AS c(site_id text, state text,"
    " capacity text, permission_labels text[], filter_dataset_type jsonb)) AS c"
    " ORDER BY 1 ON CONFLICT DO NOTHING"
    % {
        "columns": ", ".join(CLASS_COLUMNS),
        "key": CLASS_KEY % ", ".join("c.%s" % column for column in CLASS_COLUMNS),
    }
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
    pairs = [row for row in missing if row[0] is not None]
    classes = []
    if len(pairs) < len(missing):  # (NULL, NULL): a document's class is new
        classes = [
            dict(zip(CLASS_COLUMNS, row, strict=True))
            for row in session.execute(sa.text(READ_CLASSES_SQL), params)
        ]
    names = [row[0] for row in pairs]
    values = [row[1] for row in pairs]
    with dictionary_engine.begin() as connection:
        if pairs:
            connection.execute(sa.text(ADD_FIELDS_SQL), {"names": sorted(set(names))})
            connection.execute(sa.text(ADD_VALUES_SQL), {"names": names, "values": values})
        if classes:
            connection.execute(sa.text(ADD_CLASSES_SQL), {"classes": json.dumps(classes)})
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
    fields = (
        "r.field = ANY(ARRAY("
        "SELECT f.id FROM territoires_search_facet_field f"
        " WHERE f.name = ANY(CAST(:facet_names AS text[]))"
        " UNION ALL SELECT CAST(0 AS smallint)))"
    )
    if reads_only_classes(query.where):
        # the classes the conditions keep, evaluated on the class rows
        # themselves; their documents' rows from (field, class, value)
        hits = (
            "FROM territoires_search_facet r WHERE r.class = ANY(ARRAY("
            "SELECT d.id FROM territoires_search_class d WHERE %s))" % query.where
        )
    else:
        hits = (
            "FROM territoires_search_facet r JOIN territoires_search_index d ON d.doc = r.doc"
            " WHERE (%s)" % query.where
        )
    statement = (
        # Field 0 is every document's own row: its count is the number of
        # hits, counted in the same pass.
        "WITH counted AS ("
        " SELECT r.field, r.value, count(*) AS count %(hits)s AND %(fields)s"
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
    ) % {"hits": hits, "fields": fields, "limit_clause": limit_clause}
    return statement, params


def reads_only_classes(where: str) -> bool:
    """Whether the compiled conditions ``where`` read only the columns of the
    visibility classes (``territoires_search_class``): then they keep or
    leave every document of a class alike."""
    return sql.columns_read(where) <= set(CLASS_COLUMNS)

"""A pysolr-compatible connection whose index is a PostgreSQL table.

CKAN talks to its search index through the object that
``ckan.lib.search.common.make_connection`` returns: ``add``, ``delete``,
``commit`` and ``search`` with Solr parameters. This class answers the same
calls from ``territoires_search_index``.

Writes go through CKAN's own SQLAlchemy session: CKAN indexes a dataset from
its ``before_commit`` hook, so the index row is written in the same
transaction as the dataset change and both commit (or roll back) together.
Every search costs a constant number of SQL statements (a savepoint, the
settings, one statement for all facets with the number of hits or, without
facets, a count of the hits, then one page of rows), whatever ``rows`` is.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import pysolr
import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import (
    SearchError,
    SearchIndexError,
    SearchQueryError,
)
from sqlalchemy.exc import DBAPIError

from ckanext.territoires import content_version

from . import config as search_config
from . import documents, facets, guard, sql

log = logging.getLogger(__name__)

# Solr parameters CKAN or its extensions send, and which we honour.
SUPPORTED_PARAMS = {
    "q",
    "fq",
    "fl",
    "rows",
    "start",
    "sort",
    "wt",
    "defType",
    "q.op",
    "mm",
    "qf",
    "df",
    "tie",
    "facet",
    "facet.field",
    "facet.limit",
    "facet.mincount",
    "fq_list",
}
# Parameters that change results or ranking in ways we cannot reproduce:
# refused rather than silently ignored.
REFUSED_PARAMS = {
    "bf",
    "boost",
    "bq",
    "pf",
    "ps",
    "qs",
    "facet.query",
    "facet.pivot",
    "group",
    "stats",
    "spellcheck",
    "hl",
}

# Fields Solr's schema does not store (``stored="false"``): never returned.
NOT_STORED_FIELDS = {
    "text",
    "urls",
    "permission_labels",
    "title_string",
    "ratings_count",
    "ratings_average",
}
COLUMN_FIELDS = ("data_dict", "validated_data_dict")
# For the statements of a search only (SET LOCAL): JIT compilation costs more
# than it saves on these short aggregates (facets measured 3x slower with
# it), and facet aggregates and the count of a broad page need more than
# PostgreSQL's default 4MB to stay in memory.
# statement_timeout bounds the time of any search, whatever its input.
SEARCH_SETTINGS = (
    "SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; SET LOCAL statement_timeout = %d"
)
#: Up to this many hits, a page gathers its matches through the filters'
#: indexes before sorting them (``PostgresSearchConnection._page``).
FEW_HITS = 1000
#: PostgreSQL's SQLSTATE of a statement stopped by ``statement_timeout``.
QUERY_CANCELED = "57014"


class Results:
    """What pysolr's ``Results`` offers to CKAN: hits, docs and facets."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.raw_response = {
            "response": {"numFound": hits, "docs": docs},
            "facet_counts": facets,
        }

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.docs)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _int_param(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError("Parameter %r must be an integer, got %r" % (key, value)) from None


def _field_list(fl: Any) -> list[str]:
    names: list[str] = []
    for item in _as_list(fl) or ["*", "score"]:
        names.extend(part for part in re.split(r"[,\s]+", str(item)) if part)
    return names


def _decode_dates(doc: dict[str, Any]) -> dict[str, Any]:
    # pysolr's decoder turns Solr date strings into datetimes; some callers
    # (make_connection() with decode_dates=True) expect that.
    for key, value in doc.items():
        if isinstance(value, str):
            match = re.search(pysolr.DATETIME_REGEX, value)
            if match:
                parts = {k: int(v) for k, v in match.groupdict().items()}
                doc[key] = datetime.datetime(
                    parts["year"],
                    parts["month"],
                    parts["day"],
                    parts["hour"],
                    parts["minute"],
                    parts["second"],
                )
    return doc


def _check_params(params: dict[str, Any]) -> None:
    """Refuse the Solr parameters we cannot honour; ignore unknown ones."""
    unknown = set(params) - SUPPORTED_PARAMS
    refused = unknown & REFUSED_PARAMS
    if refused:
        raise SearchQueryError(
            "Search parameter(s) not supported by the PostgreSQL search "
            "backend: %s" % ", ".join(sorted(refused))
        )
    if unknown:
        log.debug("Ignoring Solr parameters %s", sorted(unknown))
    wt = params.get("wt", "json")
    if wt not in ("json", None):
        raise SearchQueryError("Only wt=json is supported, not %r" % wt)


def _compile_query(q: str | None, params: dict[str, Any], text_config: str) -> sql.CompiledQuery:
    """``q`` and the filter queries (``fq`` and ``fq_list``) as one query."""
    q = q if q is not None else params.get("q")
    fq_list = _as_list(params.get("fq")) + _as_list(params.get("fq_list"))
    return sql.compile_search(
        q or "*:*",
        [str(fq) for fq in fq_list if fq],
        def_type=params.get("defType"),
        q_op=params.get("q.op") or "AND",
        mm=params.get("mm"),
        qf=params.get("qf"),
        df=params.get("df") or "text",
        text_config=text_config,
    )


def _requested_facet_fields(params: dict[str, Any]) -> list[str]:
    if str(params.get("facet", "true")).lower() in ("true", "on", "1"):
        return [str(f) for f in _as_list(params.get("facet.field"))]
    return []


@dataclass
class _SearchRequest:
    """The Solr parameters of one search, checked and compiled."""

    compiled: sql.CompiledQuery
    order_by: str
    rows: int
    start: int
    fl: list[str]
    facet_fields: list[str]
    facet_limit: int
    facet_mincount: int

    @classmethod
    def from_params(cls, q: str | None, params: dict[str, Any], text_config: str) -> _SearchRequest:
        """Raises ``SearchQueryError`` for what cannot be searched."""
        _check_params(params)
        guard.refuse_invalid_text({"q": q, **params})
        compiled = _compile_query(q, params, text_config)
        order_by = sql.compile_sort(params.get("sort"))
        rows = _int_param(params, "rows", 10)
        start = _int_param(params, "start", 0)
        if rows < 0 or start < 0:
            raise SearchQueryError("rows and start must not be negative")
        return cls(
            compiled=compiled,
            order_by=order_by,
            rows=rows,
            start=start,
            fl=_field_list(params.get("fl")),
            facet_fields=_requested_facet_fields(params),
            facet_limit=_int_param(params, "facet.limit", 50),
            facet_mincount=_int_param(params, "facet.mincount", 0),
        )


def _page_columns(fl: list[str]) -> list[str]:
    """The columns a page reads: only the large ones ``fl`` asks for."""
    wanted_all = "*" in fl
    columns = ["d.id", "d.index_id"]
    columns += ["d.%s" % c for c in COLUMN_FIELDS if wanted_all or c in fl]
    other = [f for f in fl if f not in COLUMN_FIELDS and f not in ("*", "score")]
    if wanted_all or other:
        columns.append("d.fields")
    columns += ["page.score AS score", "page.hits"]
    return columns


def _returned_document(record: Any, fl: list[str]) -> dict[str, Any]:
    """The stored fields of one row that ``fl`` asks for, as Solr returns them."""
    fields = record.get("fields") or {}
    doc: dict[str, Any] = {}
    if "*" in fl:
        doc.update((k, v) for k, v in fields.items() if k not in NOT_STORED_FIELDS)
        for column in COLUMN_FIELDS:
            if record.get(column) is not None:
                doc[column] = record[column]
    for name in fl:
        if name == "score":
            doc["score"] = float(record["score"])
        elif name in COLUMN_FIELDS:
            if record.get(name) is not None:
                doc[name] = record[name]
        elif name != "*" and name in fields:
            doc[name] = fields[name]
    return doc


def count_sql(compiled: sql.CompiledQuery) -> str:
    """The statement counting the hits of ``compiled`` (no facets asked)."""
    return "SELECT count(*) FROM territoires_search_index d WHERE " + compiled.where


#: Columns a sort may read from the ranked keys of ``_ranked_keys``.
_NARROW_SORT_COLUMNS = frozenset(
    {"index_id", "metadata_modified", "metadata_created", "indexed_ts", "name", "title_string"}
)


def _ranked_keys(compiled: sql.CompiledQuery, order_by: str) -> str | None:
    """For free text sorted on the rank and plain columns, the hits as
    narrow rows: their keys, those columns and their rank, computed in the
    scan (``OFFSET 0`` keeps the sub-query apart). Ranked in the outer query,
    the rank was computed while sorting, and the rows sorted and counted
    carried each hit's weighted ``tsv`` (a kilobyte): at 100,000 datasets a
    broad term's 54,000 hits spilled to disk (290 ms; 170 ms so). None where
    the sort reads a document's field."""
    if compiled.rank is None:
        return None
    columns = sql.columns_read(order_by)
    if not columns <= _NARROW_SORT_COLUMNS:
        return None
    kept = ", ".join("d.%s" % column for column in sorted(columns | {"index_id"}))
    return "(SELECT %s, %s AS score FROM territoires_search_index d WHERE %s OFFSET 0) AS d" % (
        kept,
        compiled.rank,
        compiled.where,
    )


def page_sql(compiled: sql.CompiledQuery, order_by: str, fl: list[str], hits: int | None) -> str:
    """The statement of one page (binds ``page_rows``, ``page_start``)
    among ``hits`` matches, known exactly beforehand, or counting them
    (column ``hits``) when ``hits`` is None.

    The inner query ranks the matches carrying only keys; the stored
    columns of the page's rows are read after the LIMIT. Few matches (at
    most ``FEW_HITS``) are first gathered through the indexes of the
    filters (a sub-query that ``OFFSET 0`` keeps apart), then sorted:
    PostgreSQL cannot estimate how many rows a ``filters @>`` term keeps,
    and would otherwise read the ``metadata_modified`` index backwards
    through every row to find the page of a rare group. Many matches are
    read in the sort's order where an index gives it, stopping at the
    page's last row.
    """
    rank = compiled.rank or "1.0"
    narrow = _ranked_keys(compiled, order_by)
    if hits is not None and hits <= FEW_HITS:
        source = (
            "(SELECT * FROM territoires_search_index d WHERE %s OFFSET 0) AS d" % compiled.where
        )
        where = "TRUE"
    elif narrow is not None:
        source, where, rank = narrow, "TRUE", "d.score"
    else:
        source, where = "territoires_search_index d", compiled.where
    return (
        "SELECT %(columns)s FROM ("
        " SELECT d.index_id, %(rank)s AS score, %(hits)s AS hits"
        " FROM %(source)s WHERE %(where)s"
        " ORDER BY %(order_by)s LIMIT :page_rows OFFSET :page_start"
        ") AS page JOIN territoires_search_index d"
        " ON d.index_id = page.index_id ORDER BY %(order_by)s"
        % {
            "columns": ", ".join(_page_columns(fl)),
            "rank": rank,
            "hits": "count(*) OVER ()" if hits is None else "0",
            "source": source,
            "where": where,
            "order_by": order_by,
        }
    )


class PostgresSearchConnection:
    """Stand-in for ``pysolr.Solr`` backed by ``territoires_search_index``.

    ``text_config`` is set once by ``backend.install()`` from the plugin's
    options (``config.text_search_config()``; no default here, the
    declaration has it): the backend keeps serving CKAN after the plugin
    object itself is unloaded (CKAN's test runner does that), as Solr would.
    """

    url = "postgresql://territoires_search_index"
    text_config: str

    def __init__(self, decode_dates: bool = True):
        self.decode_dates = decode_dates

    # -- writes ---------------------------------------------------------

    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **kwargs: Any) -> None:
        """Insert or replace documents (keyed by ``index_id``).

        ``commit`` is accepted for pysolr compatibility: the rows belong to
        the caller's transaction, which CKAN commits itself.
        """
        ts_config = self.text_config
        # by index_id, the last document of an id winning, as it would
        # written one after the other
        rows: dict[str, dict[str, Any]] = {}
        for doc in docs:
            row = documents.index_row(doc)
            rows.pop(row["index_id"], None)
            rows[row["index_id"]] = row
        if not rows:
            return
        content_version.changed()  # pages showing these datasets are renewed after the commit
        try:
            if len(rows) == 1:
                (row,) = rows.values()
                model.Session.execute(sa.text(documents.UPSERT_SQL), dict(row, ts_config=ts_config))
            else:  # a batch (the rebuild's): one statement for all rows
                model.Session.execute(
                    sa.text(documents.UPSERT_MANY_SQL),
                    documents.many_rows_params(list(rows.values()), ts_config),
                )
            facets.write(model.Session, list(rows), model.meta.engine)
        except DBAPIError as error:
            raise SearchIndexError("Could not write the search index: %s" % error.orig) from error

    def delete(
        self, id: Any = None, q: str | None = None, commit: bool = True, **kwargs: Any
    ) -> None:
        """Delete documents by unique key (``index_id``) or by query."""
        if id is None and q is None:
            raise SearchIndexError("delete() needs an id or a query")
        content_version.changed()
        if id is not None:
            model.Session.execute(
                sa.text("DELETE FROM territoires_search_index d WHERE d.index_id = ANY(:ids)"),
                {"ids": [str(i) for i in _as_list(id)]},
            )
        if q is not None:
            compiled = sql.compile_filter(q, text_config=self.text_config)
            model.Session.execute(
                sa.text("DELETE FROM territoires_search_index d WHERE " + compiled.where),
                compiled.params,
            )

    def commit(self, **kwargs: Any) -> None:
        """Make pending index changes durable (Solr's explicit commit)."""
        model.Session.commit()

    def optimize(self, **kwargs: Any) -> None:
        model.Session.execute(sa.text("ANALYZE territoires_search_index"))

    def ping(self, **kwargs: Any) -> str:
        return "OK"

    # -- reads ----------------------------------------------------------

    def search(self, q: str | None = None, **params: Any) -> Results:
        request = _SearchRequest.from_params(q, params, self.text_config)
        session = model.Session
        # the session's pending changes first, as the session's own savepoint
        # did: the search sees them (an organisation's new code, say)
        session.flush()
        try:
            # A failed statement must not abort the caller's transaction: a
            # savepoint of the connection, not of the session, whose commit
            # would fire before_commit, so CKAN's modification observers,
            # again from inside one of them (ckanext-xloader's: recursion).
            with session.connection().begin_nested():
                session.execute(sa.text(SEARCH_SETTINGS % search_config.statement_timeout()))
                docs, hits, facets = self._run(request)
        except DBAPIError as error:
            # PostgreSQL's own text goes to the log, never to the caller
            log.warning("Search failed: %s", error)
            if getattr(error.orig, "pgcode", None) == QUERY_CANCELED:
                raise SearchError(
                    tk._("The search took too long and was stopped: make it simpler.")
                ) from error
            raise SearchError(tk._("The search could not be run: make it simpler.")) from error
        return Results(docs, hits, {"facet_fields": facets})

    def _run(
        self, request: _SearchRequest
    ) -> tuple[list[dict[str, Any]], int, dict[str, list[Any]]]:
        """Documents, hits and facets, in as few statements as possible.

        With facets, the facet statement counts the hits. Without, a query
        with free text ranks every hit for its page anyway, so the page
        counts them in the same pass (``count(*) OVER ()``); a query of
        filters alone is counted first, exactly, by a statement of its own,
        so that its page can stop at its last row (``page_sql``). A page is
        read only when it has rows.
        """
        compiled = request.compiled
        facets: dict[str, list[Any]] = {}
        hits: int | None = None
        if request.facet_fields:
            hits, facets = self._facets(
                compiled, request.facet_fields, request.facet_limit, request.facet_mincount
            )
        elif compiled.rank is None:
            hits = self._count(compiled)
        docs: list[dict[str, Any]] = []
        if request.rows and (hits is None or request.start < hits):
            docs, page_hits = self._page(request, hits)
            if hits is None and (docs or not request.start):
                hits = page_hits
        if hits is None:  # a page past the last hit
            hits = self._count(compiled)
        return docs, hits, facets

    def _count(self, compiled: sql.CompiledQuery) -> int:
        return model.Session.execute(sa.text(count_sql(compiled)), compiled.params).scalar() or 0

    def _page(self, request: _SearchRequest, hits: int | None) -> tuple[list[dict[str, Any]], int]:
        """One page of documents (``page_sql``), and the number of hits
        when ``hits`` was not known (else ``hits``; 0 for no row)."""
        compiled = request.compiled
        statement = sa.text(page_sql(compiled, request.order_by, request.fl, hits))
        result = model.Session.execute(
            statement, dict(compiled.params, page_rows=request.rows, page_start=request.start)
        )
        docs = []
        counted = 0
        for record in result.mappings():
            counted = int(record["hits"])
            doc = _returned_document(record, request.fl)
            if self.decode_dates:
                _decode_dates(doc)
            docs.append(doc)
        return docs, counted if hits is None else hits

    def _facets(
        self, compiled: sql.CompiledQuery, facet_fields: list[str], limit: int, mincount: int
    ) -> tuple[int, dict[str, list[Any]]]:
        """Facet counts, and the number of hits (0 if none): from the facet
        rows (``facets.compile_counts``) when they can answer, else by
        expanding the matching rows' values (``sql.compile_facets``)."""
        compiled_counts = facets.compile_counts(
            compiled, facet_fields, limit=limit, mincount=mincount
        ) or sql.compile_facets(
            compiled, facet_fields, limit=limit, mincount=mincount, with_total=True
        )
        statement, params = compiled_counts
        counts: dict[str, list[Any]] = {name: [] for name in facet_fields}
        hits = 0
        for field, value, count in model.Session.execute(sa.text(statement), params):
            if field is None:
                hits = int(count)
            else:
                counts[field].extend([value, int(count)])
        return hits, counts

"""Compile the Solr parameters CKAN sends into SQL over the search index.

The index table is ``territoires_search_index``, always aliased ``d``
(see the migrations ``9a1f0c2d7e31_create_search_index`` and
``c41f7d2be8a6_add_filters_columns``). Every function
here returns SQL text for ``sqlalchemy.text()`` plus a dict of NAMED bind
parameters: user values are never interpolated into SQL. Parameters of a
compiled query are called ``p0``, ``p1``...; those added by
``compile_facets`` start with ``facet_``.

Public API
    ``compile_search(q, fq_list, ...) -> CompiledQuery``
        ``q`` + filter queries, as ``PackageSearchQuery.run`` sends them.
    ``compile_filter(q, ...) -> CompiledQuery``
        One lucene query with no scoring: delete-by-query and single fq.
    ``compile_sort(sort) -> str``
        An ORDER BY body. It refers to ``score``, which the SELECT must
        expose: ``SELECT ..., {rank or '0'} AS score``.
    ``compile_facets(query, fields, limit=..., mincount=..., with_total=...)
    -> (sql, params)``
        ONE statement counting every requested facet field over the rows
        ``query`` matches; rows are ``(field, value, count)``, plus the
        number of matching rows as ``(None, None, count)`` with
        ``with_total``.

How Solr fields map to the table (Solr types from CKAN's schema.xml)
    ``id``, ``name``, ``site_id``, ``state``, ``capacity``, ``index_id``,
    ``title_string``: text columns, exact and case-sensitive.
    ``permission_labels``: the text[] column (``@>``/``&&``, GIN).
    ``metadata_created``, ``metadata_modified``, ``indexed_ts``:
    timestamptz columns.
    ``text`` (the catch-all) and unfielded terms: ``d.tsv``.
    Solr text fields (``title``, ``notes``, ``res_name``,
    ``res_description``, ``author``, ``maintainer``, ``urls``, ``extras_*``,
    ``res_extras_*``): ``d.tsv`` as a GIN-indexed prefilter, then the tsv
    weight that holds the field, then a recheck on the field's own values.
    Text fields Solr does not copy into ``text`` (``author_email``,
    ``maintainer_email``, relationship fields) are only rechecked (a scan).
    ``name_ngram``/``title_ngram``: infix ``LIKE`` on ``d.ngram_text``.
    Everything else is a Solr string field: exact match by jsonb
    containment, also matching numbers and booleans when the value reads
    as one; ``*_date`` and ranges whose bounds are dates compare as
    timestamptz. String fields are read from ``d.filters`` (their short
    values, kept in the main row, GIN ``jsonb_path_ops``; see
    ``documents.filter_values``), never from the large TOASTed
    ``d.fields``, except: URL fields and longer values (exact terms), and
    rows listing the field in ``d.filters_partial`` (wildcards, ranges,
    existence, facets, sort).

Text analysis is PostgreSQL's: ``plainto_tsquery``/``phraseto_tsquery``/
``to_tsquery`` with the ``territoires_fr`` configuration (unaccent, French
stemming and stop words), so "velo" finds "vélo". Those functions are
immutable: called on literals, the planner folds them into a constant
tsquery, computed once and used both for GIN scans and for its row
estimates (the tsv column statistics). Only prefix queries, which go
through ``unaccent()`` (stable, so not folded), are wrapped in
``(SELECT ...)`` to be computed once per statement.

Stop words: within a group, text clauses on the same field are combined
into one tsquery with ``&&``/``||``, which drops clauses that analyse to
nothing ("le", "de"), as Lucene drops them. A query made only of stop
words matches nothing, as in Solr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ckan.lib.search.common import SearchQueryError

from . import documents
from .lucene import (
    BooleanQuery,
    DismaxQuery,
    Exists,
    MatchAll,
    Node,
    Occur,
    Range,
    Term,
    Wild,
    Wildcard,
    is_valid_field_name,
    min_should_match,
    parse_date_math,
    parse_dismax,
    parse_lucene,
)

__all__ = [
    "TABLE",
    "CompiledQuery",
    "columns_read",
    "compile_facets",
    "compile_filter",
    "compile_search",
    "compile_sort",
]

TABLE = "territoires_search_index"

#: Every column of the index table that compiled SQL names is ``d.<column>``.
_COLUMN_RE = re.compile(r"\bd\.(\w+)")


def columns_read(fragment: str) -> set[str]:
    """The index table's columns a compiled WHERE or ORDER BY reads."""
    return set(_COLUMN_RE.findall(fragment))


# CKAN's QUERY_FIELDS (ckan/lib/search/query.py), used when qf is not given.
DEFAULT_QF = "name^4 title^4 tags^2 groups^2 text"


@dataclass
class CompiledQuery:
    """A WHERE expression over alias ``d`` with its bind parameters.

    ``rank`` is a float SQL expression for ``score``, or None when the query
    has no text to rank by (``*:*``, pure filters): use a constant then.
    """

    where: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    rank: str | None = None


# --------------------------------------------------------------------------
# Field kinds
# --------------------------------------------------------------------------

_STRING_COLUMNS = {
    "id",
    "name",
    "site_id",
    "state",
    "capacity",
    "index_id",
    "title_string",
}
_DATE_COLUMNS = {"metadata_created", "metadata_modified", "indexed_ts"}
# Filter fields whose ``d.filters -> field`` is also a stored column, kept in
# the narrow index every search reads its hits from (migration e5a7c2b9d041).
_FILTER_VALUE_COLUMNS = {"dataset_type": "filter_dataset_type"}
_LABELS_COLUMN = "permission_labels"
_WHOLE_TEXT = "text"
_NGRAM_FIELDS = {"name_ngram", "title_ngram"}
# Solr "text"/"text_general" fields other than the catch-all "text".
_TEXT_FIELDS = documents.TEXT_FIELDS
_TEXT_PREFIXES = documents.TEXT_FIELD_PREFIXES
# The tsv weight holding each field (documents.py builds the tsv), so that
# the GIN-indexed tsv can prefilter a field search; fields Solr does not
# copy into "text" (e-mails, relationships) are not in the tsv at all.
_WEIGHT_CLASS = {
    name: weight_class
    for weight_class, names in (
        ("D", documents.WEIGHT_D_FIELDS),
        ("C", documents.WEIGHT_C_FIELDS),
        ("B", documents.WEIGHT_B_FIELDS),
        ("A", documents.WEIGHT_A_FIELDS),
    )
    for name in names
}
_TSV_WEIGHT = {
    name: weight_class.lower()
    for name, weight_class in _WEIGHT_CLASS.items()
    if name in _TEXT_FIELDS
}
_TSV_WEIGHT_PREFIXES = {
    prefix: "d" for prefix in documents.WEIGHT_D_PREFIXES if prefix in _TEXT_PREFIXES
}
# Solr copies these document fields into "urls".
_TEXT_SOURCES = {"urls": ("url", "ckan_url", "download_url", "res_url")}
# Solr "int" fields of CKAN's schema.
_INT_FIELDS = {
    "views_total",
    "views_recent",
    "resources_accessed_total",
    "resources_accessed_recent",
}


def _is_text_field(name: str) -> bool:
    return name in _TEXT_FIELDS or name.startswith(_TEXT_PREFIXES)


def _is_date_field(name: str) -> bool:
    return name in _DATE_COLUMNS or name.endswith("_date")


_CONFIG_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_INT_RE = re.compile(r"^[-+]?\d+$")
_DECIMAL_RE = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_DATE_LIKE_RE = re.compile(r"^(NOW|\d{4}-\d{2}-\d{2})", re.IGNORECASE)

# A jsonb value as a number when it is one or a string that reads as one.
_NUMBER_OF = (
    "(CASE WHEN jsonb_typeof({v}) = 'number' THEN CAST({v} AS numeric)"
    " WHEN jsonb_typeof({v}) = 'string'"
    r" AND ({v} #>> '{{}}') ~ '^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$'"
    " THEN CAST({v} #>> '{{}}' AS numeric) END)"
)
# A jsonb string as timestamptz when it is a well-formed ISO date, so a
# stray value does not make the whole search fail on a cast (CKAN writes
# *_date values with isoformat(), so impossible dates like 02-30 can't
# reach it). "[:]" rather than ":" keeps SQLAlchemy from seeing a bind.
_TIMESTAMP_OF = (
    "(CASE WHEN jsonb_typeof({v}) = 'string'"
    r" AND ({v} #>> '{{}}') ~ '^\d{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"([T ]([01]\d|2[0-3])[:][0-5]\d([:][0-5]\d(\.\d+)?)?)?(Z|[-+]\d\d([:]?\d\d)?)?$'"
    " THEN CAST({v} #>> '{{}}' AS timestamptz) END)"
)
_STRING_OF = "(CASE WHEN jsonb_typeof({v}) = 'string' THEN {v} #>> '{{}}' END)"
_SCALAR_TEXT_OF = (
    "(CASE WHEN jsonb_typeof({v}) IN ('string', 'number', 'boolean') THEN {v} #>> '{{}}' END)"
)


# --------------------------------------------------------------------------
# Compilation state
# --------------------------------------------------------------------------


class _Params:
    """Named bind parameters ``p0``, ``p1``..."""

    def __init__(self, prefix: str = "p") -> None:
        self.prefix = prefix
        self.values: dict[str, Any] = {}
        self.count = 0

    def bind(self, value: Any) -> str:
        name = "%s%d" % (self.prefix, self.count)
        self.count += 1
        self.values[name] = value
        return ":" + name

    def discard(self, placeholder: str) -> None:
        """Forget a parameter whose SQL was replaced (e.g. merged)."""
        self.values.pop(placeholder.lstrip(":"), None)


@dataclass
class _TextMatch:
    """A tsquery SQL expression to match against one text field.

    Kept apart from plain predicates so that clauses of a group on the same
    field merge into one tsquery (one GIN scan, stop words dropped).
    """

    field: str
    tsquery: str


@dataclass
class _Predicate:
    """A SQL boolean expression.

    ``value_term`` is (column, value, placeholder) for an exact term on a
    column, so that OR'ed terms on one column merge into one
    ``= ANY``/``&&``.
    """

    sql: str
    value_term: tuple[str, str, str] | None = None


_Compiled = _TextMatch | _Predicate

_TRUE = _Predicate("TRUE")


def _once(tsquery: str) -> str:
    """A tsquery expression, computed once per statement.

    Built from literals with immutable functions, the planner folds it into
    a constant (which it can also use for row estimates); through
    ``unaccent()`` (stable) it is wrapped in a sub-select (an InitPlan).
    """
    if "unaccent(" in tsquery:
        return "(SELECT %s)" % tsquery
    return "(%s)" % tsquery


def _text_matches(items: list[_Compiled]) -> list[_TextMatch] | None:
    """``items`` if every one of them is a text match, else None."""
    texts = [c for c in items if isinstance(c, _TextMatch)]
    return texts if len(texts) == len(items) else None


def _one_text_match(
    musts: list[_Compiled], shoulds: list[_Compiled], nots: list[_Compiled]
) -> _TextMatch | None:
    """A group of text clauses on one field as one tsquery, or None.

    Negations only go inside it on the whole tsv: a rechecked field's
    prefilter can't be negated.
    """
    groups = (_text_matches(musts), _text_matches(shoulds), _text_matches(nots))
    if not (musts or shoulds) or None in groups:
        return None
    must_texts, should_texts, not_texts = (group or [] for group in groups)
    fields = {c.field for c in must_texts + should_texts + not_texts}
    field = next(iter(fields))
    if len(fields) != 1 or (field != _WHOLE_TEXT and not_texts):
        return None
    if must_texts:
        combined = " && ".join(c.tsquery for c in must_texts)
    else:
        combined = "(%s)" % " || ".join(c.tsquery for c in should_texts)
    for c in not_texts:
        combined += " && !!(%s)" % c.tsquery
    return _TextMatch(field, "(%s)" % combined)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(parts: Iterable[str | Wild]) -> str:
    out = []
    for part in parts:
        if part is Wild.ANY_STRING:
            out.append("%")
        elif part is Wild.ANY_CHAR:
            out.append("_")
        else:
            out.append(_like_escape(part))
    return "".join(out)


def _json_scalars(value: str) -> list[Any]:
    """The JSON values a Solr string-field term stands for in ``fields``."""
    candidates: list[Any] = [value]
    if _INT_RE.match(value):
        candidates.append(int(value))
    elif _DECIMAL_RE.match(value):
        number = float(value)
        if number == number and number not in (float("inf"), float("-inf")):
            candidates.append(number)
    if value in ("true", "false"):
        candidates.append(value == "true")
    return candidates


def _parse_qf(qf: str | None) -> list[tuple[str, float]]:
    fields = []
    for item in (qf or DEFAULT_QF).split():
        name, _, boost = item.partition("^")
        if not is_valid_field_name(name):
            raise SearchQueryError("Invalid 'qf' field %r" % name)
        try:
            weight = float(boost) if boost else 1.0
        except ValueError:
            raise SearchQueryError("Invalid 'qf' boost in %r" % item) from None
        fields.append((name, weight))
    if not fields:
        raise SearchQueryError("Invalid 'qf': no field")
    return fields


def _rank_weights(qf_fields: list[tuple[str, float]]) -> str:
    """ts_rank weights {D, C, B, A} from qf boosts, scaled to max 1."""
    best = {"A": 0.0, "B": 0.0, "C": 0.0, "D": 0.0}
    for name, boost in qf_fields:
        classes = "ABCD" if name == _WHOLE_TEXT else _WEIGHT_CLASS.get(name, "D")
        for weight_class in classes:
            best[weight_class] = max(best[weight_class], boost)
    top = max(best.values()) or 1.0
    values = [max(0.1, round(best[c] / top, 3)) for c in "DCBA"]
    return "{%s}" % ", ".join("%g" % v for v in values)


class _Compiler:
    """Compiles query trees into SQL, sharing one parameter namespace."""

    def __init__(
        self,
        text_config: str,
        default_fields: Sequence[str] = (_WHOLE_TEXT,),
        rank_weights: str | None = None,
    ) -> None:
        if not _CONFIG_RE.match(text_config or ""):
            raise SearchQueryError("Invalid text search configuration %r" % text_config)
        self.config = "CAST('%s' AS regconfig)" % text_config
        self.params = _Params()
        self.default_fields = list(default_fields)
        self.rank_weights = rank_weights or _rank_weights(_parse_qf(DEFAULT_QF))
        # Positive text queries of q, for ranking.
        self.rank_queries: list[str] = []
        self.ngram_predicates: dict[str, str] = {}

    # -- SQL building blocks ------------------------------------------------

    def bind(self, value: Any) -> str:
        return self.params.bind(value)

    def bind_text(self, value: str) -> str:
        return "CAST(%s AS text)" % self.bind(value)

    def field_document(self, name: str) -> str:
        """The jsonb document holding every value of field ``name``.

        ``d.filters`` for a filter field, unless the row lists the field in
        ``d.filters_partial`` (a value too long to be kept there).
        """
        if not documents.is_filter_field(name):
            return "d.fields"
        return (
            "(CASE WHEN d.filters_partial @> ARRAY[%s] THEN d.fields ELSE d.filters END)"
            % self.bind_text(name)
        )

    def field_json(self, name: str) -> str:
        return "%s -> %s" % (self.field_document(name), self.bind_text(name))

    def field_values(self, name: str, condition: str) -> str:
        """EXISTS a value of (possibly multi-valued) jsonb field satisfying
        ``condition``, written over ``e.v``."""
        path = '$."%s"[*]' % name  # name is validated: no quote or backslash
        return (
            "EXISTS (SELECT 1 FROM jsonb_path_query(%s, CAST(%s AS jsonpath))"
            " AS e(v) WHERE %s)" % (self.field_document(name), self.bind(path), condition)
        )

    def field_vector(self, name: str) -> str:
        """The tsvector of one text field's own values, for rechecks."""
        sources = _TEXT_SOURCES.get(name, (name,))
        if len(sources) == 1:
            value = "COALESCE(%s, CAST('null' AS jsonb))" % self.field_json(sources[0])
        else:
            value = "jsonb_build_array(%s)" % ", ".join(
                self.field_json(source) for source in sources
            )
        return "jsonb_to_tsvector(%s, %s, CAST('[\"string\"]' AS jsonb))" % (
            self.config,
            value,
        )

    def text_predicate(self, field: str, tsquery: str) -> str:
        """``tsquery`` against one text field.

        The catch-all ``text`` is the tsv. Another field is prefiltered by
        the GIN-indexed tsv, then by the tsv part of that field's weight
        (cheap: no detoasting of ``fields``), then rechecked on the field's
        own values, which decides.
        """
        query = _once(tsquery)
        if field == _WHOLE_TEXT:
            return "d.tsv @@ %s" % query
        recheck = "%s @@ %s" % (self.field_vector(field), query)
        weight = _TSV_WEIGHT.get(field) or next(
            (w for prefix, w in _TSV_WEIGHT_PREFIXES.items() if field.startswith(prefix)),
            None,
        )
        if weight is None:
            return recheck
        return "(d.tsv @@ %s AND ts_filter(d.tsv, CAST('{%s}' AS \"char\"[])) @@ %s AND %s)" % (
            query,
            weight,
            query,
            recheck,
        )

    def as_predicate(self, compiled: _Compiled) -> str:
        if isinstance(compiled, _TextMatch):
            return self.text_predicate(compiled.field, compiled.tsquery)
        return compiled.sql

    # -- tsquery builders ---------------------------------------------------

    def tsquery_for(self, text: str, phrase: bool) -> str:
        function = "phraseto_tsquery" if phrase else "plainto_tsquery"
        return "%s(%s, %s)" % (function, self.config, self.bind_text(text))

    def prefix_tsquery(self, prefix: str) -> str | None:
        """``riv*`` as a ``'riv':*`` tsquery, or None if no word remains.

        Only letters and digits reach ``to_tsquery``, so its operators can't
        be injected. The prefix goes through the configuration (accents,
        stemming) and, OR'ed, through ``simple`` (no stemming, no stop
        words) so "rivières*" and "le*" both find something.
        """
        words = re.findall(r"[^\W_]+", prefix)
        if not words:
            return None
        text = " <-> ".join([*words[:-1], words[-1] + ":*"])
        parameter = self.bind_text(text)
        return "(to_tsquery(%s, %s) || to_tsquery(CAST('simple' AS regconfig), unaccent(%s)))" % (
            self.config,
            parameter,
            parameter,
        )

    def remember_rank(self, compiled: _Compiled, negated: bool) -> None:
        if isinstance(compiled, _TextMatch) and not negated:
            self.rank_queries.append(compiled.tsquery)

    def rank(self) -> str | None:
        if not self.rank_queries:
            return None
        return "ts_rank(CAST('%s' AS real[]), d.tsv, %s, 1)" % (
            self.rank_weights,
            _once(" || ".join(self.rank_queries)),
        )

    # -- lucene trees -------------------------------------------------------

    def compile(self, node: Node, negated: bool = False) -> _Compiled:
        if isinstance(node, MatchAll):
            return _TRUE
        if isinstance(node, BooleanQuery):
            return self.compile_boolean(node, negated)
        name = node.field
        if name is None:
            if len(self.default_fields) == 1:
                name = self.default_fields[0]
            else:
                # edismax with a qf that has no "text": any qf field.
                alternatives = [
                    self.as_predicate(self.compile_leaf(_with_field(node, f), negated))
                    for f in self.default_fields
                ]
                return _Predicate("(%s)" % " OR ".join(alternatives))
        return self.compile_leaf(_with_field(node, name), negated)

    def compile_leaf(self, node: Node, negated: bool) -> _Compiled:
        if isinstance(node, Term):
            compiled = self.compile_term(node, negated)
        elif isinstance(node, Wildcard):
            compiled = self.compile_wildcard(node)
        elif isinstance(node, Exists):
            compiled = _Predicate(self.compile_exists(node.field))
        elif isinstance(node, Range):
            compiled = _Predicate(self.compile_range(node))
        else:  # pragma: no cover - the parser makes no other node
            raise SearchQueryError("Unsupported query node %r" % (node,))
        self.remember_rank(compiled, negated)
        return compiled

    def compile_boolean(self, node: BooleanQuery, negated: bool) -> _Compiled:
        musts = [self.compile(n, negated) for n in node.must]
        shoulds = [self.compile(n, negated) for n in node.should]
        nots = [self.compile(n, not negated) for n in node.must_not]
        return _one_text_match(musts, shoulds, nots) or self.boolean_predicate(musts, shoulds, nots)

    def boolean_predicate(
        self, musts: list[_Compiled], shoulds: list[_Compiled], nots: list[_Compiled]
    ) -> _Predicate:
        """Lucene's boolean model in SQL: all MUSTs, else one SHOULD; no NOT."""
        parts = []
        if musts:
            parts.extend(self.merge(musts, "&&"))
        elif shoulds:
            parts.append("(%s)" % " OR ".join(self.merge(shoulds, "||")))
        if nots:
            # IS NOT TRUE: a NULL (missing value) must not hide the row.
            parts.append("(%s) IS NOT TRUE" % " OR ".join(self.merge(nots, "||")))
        parts = [p for p in parts if p != "TRUE"] or ["TRUE"]
        if len(parts) == 1:
            return _Predicate(parts[0])
        return _Predicate("(%s)" % " AND ".join(parts))

    def merge(self, items: list[_Compiled], operator: str) -> list[str]:
        """Predicates for ``items`` joined by ``operator`` (``&&`` or ``||``).

        Text matches on one field merge into one tsquery; OR'ed exact terms
        on one column merge into one ``= ANY(...)`` (``&&`` for
        permission_labels), a single index condition.
        """
        by_field: dict[str, list[str]] = {}
        by_column: dict[str, list[_Predicate]] = {}
        predicates: list[str | tuple[str, list[_Predicate]]] = []
        for item in items:
            if isinstance(item, _TextMatch):
                by_field.setdefault(item.field, []).append(item.tsquery)
            elif operator == "||" and item.value_term is not None:
                column = item.value_term[0]
                if column not in by_column:
                    by_column[column] = []
                    predicates.append((column, by_column[column]))
                by_column[column].append(item)
            else:
                predicates.append(item.sql)
        merged = [
            self.text_predicate(
                name,
                queries[0] if len(queries) == 1 else "(%s)" % (" %s " % operator).join(queries),
            )
            for name, queries in by_field.items()
        ]
        for predicate in predicates:
            if isinstance(predicate, str):
                if predicate not in merged:  # e.g. name_ngram and title_ngram
                    merged.append(predicate)
            else:
                merged.append(self.any_of_terms(*predicate))
        return merged

    def any_of_terms(self, column: str, members: list[_Predicate]) -> str:
        """OR'ed exact terms on ``column`` as one condition over all values."""
        if len(members) == 1:
            return members[0].sql
        terms = [m.value_term for m in members if m.value_term is not None]
        for _, _, placeholder in terms:
            self.params.discard(placeholder)
        values = self.bind([value for _, value, _ in terms])
        if column == _LABELS_COLUMN:
            return "d.permission_labels && CAST(%s AS text[])" % values
        return "d.%s = ANY(CAST(%s AS text[]))" % (column, values)

    # -- leaves ---------------------------------------------------------------

    def compile_term(self, node: Term, negated: bool = False) -> _Compiled:
        name, value = node.field, node.text
        assert name is not None
        if name == documents.EXTENT_FIELD:
            return _Predicate(self.extent_predicate(value))
        if name == _WHOLE_TEXT or _is_text_field(name):
            return _TextMatch(name, self.tsquery_for(value, node.phrase))
        if name in _NGRAM_FIELDS:
            return _Predicate(self.ngram_like(_like_escape(value)))
        if name in _STRING_COLUMNS:
            placeholder = self.bind(value)
            sql = "d.%s = CAST(%s AS text)" % (name, placeholder)
            return _Predicate(sql, value_term=(name, value, placeholder))
        if name == _LABELS_COLUMN:
            placeholder = self.bind([value])
            sql = "d.permission_labels @> CAST(%s AS text[])" % placeholder
            return _Predicate(sql, value_term=(name, value, placeholder))
        if _is_date_field(name):
            moment = self.bind(parse_date_math(value))
            if name in _DATE_COLUMNS:
                return _Predicate("d.%s = CAST(%s AS timestamptz)" % (name, moment))
            return _Predicate(
                self.field_values(
                    name, "%s = CAST(%s AS timestamptz)" % (_TIMESTAMP_OF.format(v="e.v"), moment)
                )
            )
        if name in _INT_FIELDS and not _DECIMAL_RE.match(value):
            raise SearchQueryError("Invalid number %r for field %r" % (value, name))
        branches = []
        if documents.is_filter_field(name) and len(value) <= documents.FILTER_VALUE_MAX_LENGTH:
            # Every short value of the field is in d.filters.
            if name in _FILTER_VALUE_COLUMNS:
                # d.filters -> name, stored in a column of the narrow index:
                # one containment for both shapes (a JSON array contains the
                # scalars it lists), positive or negated.
                column = "d.%s" % _FILTER_VALUE_COLUMNS[name]
                for scalar in _json_scalars(value):
                    branches.append(
                        "%s @> CAST(%s AS jsonb)"
                        % (column, self.bind(json.dumps(scalar, ensure_ascii=False)))
                    )
                return _Predicate("(%s)" % " OR ".join(branches))
            if negated:
                # A row check, no index: one containment for both shapes
                # (a JSON array contains the scalars it lists).
                field = self.bind_text(name)
                for scalar in _json_scalars(value):
                    branches.append(
                        "(d.filters -> %s) @> CAST(%s AS jsonb)"
                        % (field, self.bind(json.dumps(scalar, ensure_ascii=False)))
                    )
                return _Predicate("(%s)" % " OR ".join(branches))
            column = "d.filters"
        else:
            column = "d.fields"
        for scalar in _json_scalars(value):
            for shape in (scalar, [scalar]):
                document = json.dumps({name: shape}, ensure_ascii=False)
                branches.append("%s @> CAST(%s AS jsonb)" % (column, self.bind(document)))
        return _Predicate("(%s)" % " OR ".join(branches))

    def extent_predicate(self, value: str) -> str:
        """Datasets whose extent meets the box "west,south,east,north"
        (the GiST index on ``extent`` answers ``&&``)."""
        box = documents.parse_box(value)
        if box is None:
            raise SearchQueryError(
                "Invalid box %r for %s: expected west,south,east,north in degrees"
                % (value, documents.EXTENT_FIELD)
            )
        return "d.extent && CAST(%s AS box)" % self.bind(documents.box_literal(box))

    def ngram_like(self, escaped_pattern: str) -> str:
        # ngram_text is lower(unaccent(name || ' ' || title)): fold the same
        # way. One SQL text per pattern, so that name_ngram and title_ngram
        # (the same column here) collapse into one condition.
        if escaped_pattern not in self.ngram_predicates:
            pattern = self.bind_text("%" + escaped_pattern + "%")
            self.ngram_predicates[escaped_pattern] = (
                "d.ngram_text LIKE lower(unaccent(%s))" % pattern
            )
        return self.ngram_predicates[escaped_pattern]

    def compile_wildcard(self, node: Wildcard) -> _Compiled:
        name = node.field
        assert name is not None
        if _is_date_field(name) or name in _INT_FIELDS:
            raise SearchQueryError(
                "Unsupported query syntax: wildcards on date or number field %r" % name
            )
        if name in _NGRAM_FIELDS:
            return _Predicate(self.ngram_like(_like_pattern(node.parts)))
        pattern = _like_pattern(node.parts)
        if name == _WHOLE_TEXT or _is_text_field(name):
            prefix = node.prefix
            if prefix is not None and re.search(r"[^\W_]", prefix):
                tsquery = self.prefix_tsquery(prefix)
                if tsquery:
                    return _TextMatch(name, tsquery)
            # Other patterns match indexed words, as Solr's wildcards match
            # indexed terms: a scan, but correct.
            vector = "d.tsv" if name == _WHOLE_TEXT else self.field_vector(name)
            return _Predicate(
                "EXISTS (SELECT 1 FROM unnest(tsvector_to_array(%s)) AS lexeme(word)"
                " WHERE lexeme.word LIKE lower(unaccent(%s)))" % (vector, self.bind_text(pattern))
            )
        if name in _STRING_COLUMNS:
            return _Predicate("d.%s LIKE %s" % (name, self.bind_text(pattern)))
        if name == _LABELS_COLUMN:
            return _Predicate(
                "EXISTS (SELECT 1 FROM unnest(d.permission_labels) AS label(value)"
                " WHERE label.value LIKE %s)" % self.bind_text(pattern)
            )
        return _Predicate(
            self.field_values(
                name, "%s LIKE %s" % (_SCALAR_TEXT_OF.format(v="e.v"), self.bind_text(pattern))
            )
        )

    def compile_exists(self, name: str | None) -> str:
        assert name is not None
        if name in _STRING_COLUMNS or name in _DATE_COLUMNS:
            return "d.%s IS NOT NULL" % name
        if name == _LABELS_COLUMN:
            return "cardinality(d.permission_labels) > 0"
        if name == _WHOLE_TEXT:
            return "length(d.tsv) > 0"
        if name in _NGRAM_FIELDS:
            return "d.ngram_text <> ''"
        sources = _TEXT_SOURCES.get(name, (name,))
        checks = [
            "COALESCE(%s, CAST('null' AS jsonb)) NOT IN (CAST('null' AS jsonb), CAST('[]' AS jsonb))"
            % self.field_json(source)
            for source in sources
        ]
        return checks[0] if len(checks) == 1 else "(%s)" % " OR ".join(checks)

    def compile_range(self, node: Range) -> str:
        name = node.field
        assert name is not None
        if name == _WHOLE_TEXT or name in _NGRAM_FIELDS:
            raise SearchQueryError("Unsupported query syntax: range query on text field %r" % name)
        kind = _range_kind(name, node.lower, node.upper)
        lower = _range_bound(node.lower, kind)
        upper = _range_bound(node.upper, kind)
        cast = _RANGE_CASTS[kind]

        def bounds(value_sql: str) -> str:
            conditions = []
            if lower is not None:
                operator = ">=" if node.include_lower else ">"
                conditions.append(
                    "%s %s CAST(%s AS %s)" % (value_sql, operator, self.bind(lower), cast)
                )
            if upper is not None:
                operator = "<=" if node.include_upper else "<"
                conditions.append(
                    "%s %s CAST(%s AS %s)" % (value_sql, operator, self.bind(upper), cast)
                )
            return " AND ".join(conditions)

        if name in _DATE_COLUMNS:
            if kind != "date":
                raise SearchQueryError("Invalid date range on %r" % name)
            return "(%s)" % bounds("d.%s" % name)
        if name in _STRING_COLUMNS:
            return "(%s)" % bounds('d.%s COLLATE "C"' % name)
        if name == _LABELS_COLUMN:
            return (
                "EXISTS (SELECT 1 FROM unnest(d.permission_labels) AS label(value) WHERE %s)"
                % bounds('label.value COLLATE "C"')
            )
        sources = _TEXT_SOURCES.get(name, (name,))
        checks = [self.field_values(source, bounds(_RANGE_VALUES[kind])) for source in sources]
        return checks[0] if len(checks) == 1 else "(%s)" % " OR ".join(checks)

    # -- dismax -------------------------------------------------------------

    def compile_dismax(self, query: DismaxQuery, mm: str | None, q_op: str) -> _Compiled:
        """dismax: every term on the qf fields, ``mm`` of the optional ones."""
        if not query.clauses:
            return _TRUE
        required, optional, prohibited = self.dismax_clauses(query)
        table = _min_match_table(mm, q_op, len(optional), query.explicit_or, bool(required))
        if self.default_fields == [_WHOLE_TEXT]:
            parts, prefiltered = self.whole_text_prefilter(required, optional, table)
        else:
            parts, prefiltered = [self.as_predicate(c) for c in required], 0
        if optional and any(k > prefiltered for k in table):
            parts.append(self.min_match_predicate(optional, table))
        if prohibited:
            parts.append("(%s) IS NOT TRUE" % " OR ".join(self.as_predicate(c) for c in prohibited))
        if not parts:
            return _TRUE
        return _Predicate(parts[0] if len(parts) == 1 else "(%s)" % " AND ".join(parts))

    def dismax_clauses(
        self, query: DismaxQuery
    ) -> tuple[list[_Compiled], list[_Compiled], list[_Compiled]]:
        """The clauses compiled on the qf fields: required, optional, prohibited."""
        by_occur: dict[Occur, list[_Compiled]] = {occur: [] for occur in Occur}
        for clause in query.clauses:
            node: Node
            if clause.prefix:
                node = Wildcard(None, (clause.text, Wild.ANY_STRING))
            else:
                node = Term(None, clause.text, phrase=clause.phrase)
            negated = clause.occur is Occur.MUST_NOT
            by_occur[clause.occur].append(self.compile(node, negated=negated))
        return by_occur[Occur.MUST], by_occur[Occur.SHOULD], by_occur[Occur.MUST_NOT]

    def whole_text_prefilter(
        self, required: list[_Compiled], optional: list[_Compiled], table: list[int]
    ) -> tuple[list[str], int]:
        """The required clauses when qf is the whole tsv, and how many
        matching optional clauses their prefilter already ensures.

        One GIN-indexed tsquery for the required clauses and as much of mm
        as a tsquery can say; ``&&``/``||`` drop stop-word clauses.
        """
        tsqueries = [c.tsquery for c in required if isinstance(c, _TextMatch)]
        optional_query, prefiltered = self.optional_tsquery(optional, table)
        if optional_query:
            tsqueries.append(optional_query)
        parts = []
        if tsqueries:
            parts.append(self.text_predicate(_WHOLE_TEXT, " && ".join(tsqueries)))
        parts.extend(c.sql for c in required if isinstance(c, _Predicate))
        return parts, prefiltered

    def optional_tsquery(
        self, optional: list[_Compiled], table: list[int]
    ) -> tuple[str | None, int]:
        """What one tsquery can say of mm over optional text clauses, and how
        many matching clauses it ensures; (None, 0) when it can say nothing."""
        optional_text = [c.tsquery for c in optional if isinstance(c, _TextMatch)]
        if not optional_text or len(optional_text) != len(optional):
            return None, 0
        if all(k == n for n, k in enumerate(table)):
            # mm needs every (non stop-word) clause: a plain AND.
            return "(%s)" % " && ".join(optional_text), len(optional)
        if all(k >= 1 for k in table[1:]):
            # Stop words can leave few enough clauses for mm to need all
            # of them ("vélo à lyon"): then AND, else any one of them.
            return (
                "CASE WHEN %s >= %s THEN (%s) ELSE (%s) END"
                % (
                    self.required_count(optional, table),
                    self.clause_count(optional),
                    " && ".join(optional_text),
                    " || ".join(optional_text),
                )
            ), 1
        return None, 0

    def min_match_predicate(self, optional: list[_Compiled], table: list[int]) -> str:
        """Count matching optional clauses against mm of the non-empty ones.

        A clause whose tsquery is empty (only stop words) is left out of the
        clause count, so "le vélo" needs "vélo" only.
        """
        matched = " + ".join(
            "CASE WHEN %s THEN 1 ELSE 0 END" % self.as_predicate(c) for c in optional
        )
        return "(%s) >= (SELECT %s)" % (matched, self.required_count(optional, table))

    def clause_count(self, optional: list[_Compiled]) -> str:
        """SQL: how many optional clauses are not only stop words."""
        return "(%s)" % " + ".join(
            "CASE WHEN numnode(%s) > 0 THEN 1 ELSE 0 END" % clause.tsquery
            if isinstance(clause, _TextMatch)
            else "1"
            for clause in optional
        )

    def required_count(self, optional: list[_Compiled], table: list[int]) -> str:
        """SQL: mm applied to ``clause_count``, looked up in ``table``."""
        cases = " ".join("WHEN %d THEN %d" % (n, k) for n, k in enumerate(table))
        return "(CASE %s %s END)" % (self.clause_count(optional), cases)


def _min_match_table(
    mm: str | None, q_op: str, optional: int, explicit_or: bool, has_required: bool
) -> list[int]:
    """How many of the optional clauses must match (dismax ``mm``), indexed
    by how many of them are not only stop words (0 to ``optional``)."""
    if mm is None and q_op.upper() == "OR":
        mm = "0%"
    table = [min_should_match(mm, n) for n in range(optional + 1)]
    if explicit_or:
        table = [min(1, k) for k in table]
    if not has_required:
        # A group of only optional clauses needs one of them at least.
        table = [max(1, k) if n else 0 for n, k in enumerate(table)]
    return table


def _with_field(node: Node, name: str) -> Node:
    if isinstance(node, Term):
        return Term(name, node.text, node.phrase)
    if isinstance(node, Wildcard):
        return Wildcard(name, node.parts)
    if isinstance(node, Exists):
        return Exists(name)
    if isinstance(node, Range):
        return Range(name, node.lower, node.upper, node.include_lower, node.include_upper)
    return node


# How a range of each kind (``_range_kind``) compares: the SQL type of its
# bounds, and a field's jsonb value ``e.v`` as that type.
_RANGE_CASTS = {"date": "timestamptz", "number": "numeric", "text": "text"}
_RANGE_VALUES = {
    "date": _TIMESTAMP_OF.format(v="e.v"),
    "number": _NUMBER_OF.format(v="e.v"),
    "text": '%s COLLATE "C"' % _STRING_OF.format(v="e.v"),
}


def _range_bound(bound: str | None, kind: str) -> datetime | Decimal | str | None:
    """One bound of a range as the value to bind (None: an open end)."""
    if bound is None:
        return None
    if kind == "date":
        return parse_date_math(bound)
    if kind == "number":
        return Decimal(bound)
    return bound


def _range_kind(name: str, lower: str | None, upper: str | None) -> str:
    bounds = [b for b in (lower, upper) if b is not None]
    if _is_date_field(name):
        return "date"
    if name in _INT_FIELDS:
        for bound in bounds:
            if not _DECIMAL_RE.match(bound):
                raise SearchQueryError("Invalid number %r for field %r" % (bound, name))
        return "number"
    if name in _STRING_COLUMNS or name == _LABELS_COLUMN:
        return "text"
    if all(_DECIMAL_RE.match(b) for b in bounds):
        return "number"
    if all(_DATE_LIKE_RE.match(b) for b in bounds):
        return "date"
    return "text"


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def _as_list(fq_list: str | Sequence[str] | None) -> list[str]:
    if fq_list is None:
        return []
    if isinstance(fq_list, str):
        return [fq_list]
    items = []
    for item in fq_list:
        if not isinstance(item, str):
            raise SearchQueryError("Invalid 'fq': expected strings, got %r" % (item,))
        items.append(item)
    return items


def _looks_like_lucene(q: str) -> bool:
    return ":" in q or "(" in q or ")" in q


def _join_where(predicates: list[str]) -> str:
    predicates = [p for p in predicates if p != "TRUE"]
    if not predicates:
        return "TRUE"
    if len(predicates) == 1:
        return predicates[0]
    return " AND ".join("(%s)" % p for p in predicates)


def compile_search(
    q: str | None,
    fq_list: str | Sequence[str] | None,
    *,
    def_type: str | None = None,
    q_op: str = "AND",
    mm: str | None = None,
    qf: str | None = None,
    df: str | None = "text",
    text_config: str,
) -> CompiledQuery:
    """Compile ``q`` and the filter queries of a search.

    - Blank ``q`` (or ``""``/``''``) is ``*:*``, which matches everything
      with any parser.
    - ``def_type`` "dismax", or None with no ``:`` in ``q`` (CKAN's rule):
      dismax over ``qf`` (default CKAN's QUERY_FIELDS, which include
      ``text``, i.e. the whole tsv) with ``mm`` (None: 100%, or 0% with
      q.op=OR). "edismax": lucene syntax over ``qf`` when ``q`` has ``:``
      or parentheses, dismax otherwise. None/"lucene"/"standard": lucene
      with ``df``. Anything else: SearchQueryError.
    - Each fq (a string or a list of strings; blank ones are skipped) is
      lucene with ``q_op`` and ``df``, ANDed to ``q``.
    - ``rank``: ts_rank over the positive text parts of ``q`` with weights
      from ``qf``; None when ``q`` has no text to rank.
    - ``text_config``: the PostgreSQL text search configuration the index
      was built with (``config.text_search_config()``).
    """
    text = _query_text(q)
    qf_fields = _parse_qf(qf)
    qf_names = [name for name, _ in qf_fields]
    default_field = df or "text"
    if not is_valid_field_name(default_field):
        raise SearchQueryError("Invalid 'df' field %r" % default_field)
    compiler = _Compiler(text_config, rank_weights=_rank_weights(qf_fields))
    operator = (q_op or "AND").upper()
    if operator not in ("AND", "OR"):
        raise SearchQueryError("Invalid q.op %r: expected AND or OR" % q_op)
    main = _compile_main_query(
        compiler,
        text,
        def_type,
        mm=mm,
        operator=operator,
        qf_targets=[_WHOLE_TEXT] if _WHOLE_TEXT in qf_names else qf_names,
        default_field=default_field,
    )
    rank = compiler.rank()
    predicates = [compiler.as_predicate(main)]
    compiler.default_fields = [default_field]
    for fq in _as_list(fq_list):
        if fq.strip():
            predicates.append(compiler.as_predicate(compiler.compile(parse_lucene(fq, operator))))
    return CompiledQuery(_join_where(predicates), compiler.params.values, rank)


def _query_text(q: str | None) -> str:
    """``q`` as query text: blank (or ``""``/``''``) is ``*:*``."""
    if q is not None and not isinstance(q, str):
        raise SearchQueryError("Invalid query: expected a string, got %r" % (q,))
    text = q or ""
    if text.strip() in ("", '""', "''"):
        return "*:*"
    return text


def _compile_main_query(
    compiler: _Compiler,
    text: str,
    def_type: str | None,
    *,
    mm: str | None,
    operator: str,
    qf_targets: list[str],
    default_field: str,
) -> _Compiled:
    """``q`` with the parser ``def_type`` selects (see ``compile_search``)."""
    parser_name = (def_type or "").strip().lower()
    if text.strip() == "*:*" and parser_name in ("", "lucene", "standard", "dismax", "edismax"):
        # CKAN's "everything", whatever the parser (dismax would otherwise
        # search the literal text).
        return _TRUE
    if parser_name == "dismax" or (parser_name == "" and ":" not in text):
        compiler.default_fields = qf_targets
        return compiler.compile_dismax(parse_dismax(text), mm, operator)
    if parser_name == "edismax":
        compiler.default_fields = qf_targets
        if _looks_like_lucene(text):
            return compiler.compile(parse_lucene(text, operator))
        return compiler.compile_dismax(parse_dismax(text), mm, operator)
    if parser_name in ("", "lucene", "standard"):
        compiler.default_fields = [default_field]
        return compiler.compile(parse_lucene(text, operator))
    raise SearchQueryError("Unsupported query parser (defType) %r" % def_type)


def compile_filter(q: str, *, q_op: str = "AND", text_config: str) -> CompiledQuery:
    """Compile one lucene query with no ranking (delete-by-query, one fq).

    Unfielded terms search ``text``. A blank query raises SearchQueryError
    rather than matching everything, so a delete can't wipe the index by
    accident; use ``*:*`` for that.
    """
    if not isinstance(q, str) or not q.strip():
        raise SearchQueryError("Invalid query: empty query")
    compiler = _Compiler(text_config)
    compiled = compiler.compile(parse_lucene(q, q_op or "AND"))
    return CompiledQuery(
        _join_where([compiler.as_predicate(compiled)]), compiler.params.values, None
    )


# -- sort -----------------------------------------------------------------


def _field_document_of(name: str) -> str:
    """``_Compiler.field_document`` for a sort field, whose name is already
    checked to be safe inside a SQL literal."""
    if not documents.is_filter_field(name):
        return "d.fields"
    return (
        "(CASE WHEN d.filters_partial @> ARRAY[CAST('%s' AS text)]"
        " THEN d.fields ELSE d.filters END)" % name
    )


_SORT_ITEM_RE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_\-]*)\s+(asc|desc)$", re.IGNORECASE)
_SORT_FIELD_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")


def compile_sort(sort: str | None) -> str:
    """Turn Solr's ``sort`` into an ORDER BY body.

    ``field asc|desc`` items separated by commas. ``score`` is the SELECT's
    ``score`` column; dates and ``title_string``/``name``/... are columns
    (strings in byte order, like Solr); any other field is read from
    ``fields``, numbers numerically before strings, missing values last in
    both directions (Solr's sortMissingLast). ``d.index_id`` always breaks
    ties. None or blank is Solr's default, ``score desc``. Anything else
    raises ``SearchQueryError('Invalid "sort" parameter')``.
    """
    items = []
    text = (sort or "").strip()
    if not text:
        text = "score desc"
    for raw in text.split(","):
        match = _SORT_ITEM_RE.match(raw.strip())
        if not match:
            raise SearchQueryError('Invalid "sort" parameter')
        name, direction = match.group(1), match.group(2).upper()
        if name == "score":
            items.append("score %s" % direction)
        elif name in _DATE_COLUMNS:
            items.append("d.%s %s NULLS LAST" % (name, direction))
        elif name in _STRING_COLUMNS:
            items.append('d.%s COLLATE "C" %s NULLS LAST' % (name, direction))
        elif name == _LABELS_COLUMN:
            raise SearchQueryError('Invalid "sort" parameter')
        else:
            assert _SORT_FIELD_RE.match(name)  # safe inside a SQL literal
            value = "%s -> '%s'" % (_field_document_of(name), name)
            items.append("%s %s NULLS LAST" % (_NUMBER_OF.format(v="(%s)" % value), direction))
            items.append(
                "(CASE WHEN jsonb_typeof(%s) = 'string' THEN %s #>> '{}' ELSE CAST(%s AS text) END)"
                ' COLLATE "C" %s NULLS LAST' % (value, value, value, direction)
            )
    items.append("d.index_id")
    return ", ".join(items)


# -- facets -----------------------------------------------------------------


def compile_facets(
    query: CompiledQuery,
    fields: Sequence[str],
    *,
    limit: int | None = -1,
    mincount: int = 1,
    table: str = TABLE,
    with_total: bool = False,
) -> tuple[str, dict[str, Any]]:
    """One statement counting values of ``fields`` over rows ``query`` matches.

    Returns ``(sql, params)``; params are ``query.params`` plus
    ``facet_*`` ones. Rows are ``(field, value, count)``: ``value`` text
    (list fields expanded, booleans "true"/"false", numbers as written),
    ``count`` the number of matching documents; ordered by the position of
    ``field`` in ``fields``, then count descending, then value in byte
    order. ``limit`` is Solr's facet.limit per field (None or negative:
    unlimited; 0: no values); ``mincount`` is facet.mincount (0 lists values
    of every indexed document with their count among the matches, as Solr).
    With ``with_total``, a first row ``(None, None, n)`` gives the number
    of matching documents (none when nothing matches and ``mincount`` > 0),
    which spares the caller a count of its own.
    Field names must be plain names (SearchQueryError otherwise); duplicates
    are counted once. Raises ValueError when ``fields`` is empty.
    """
    names: list[str] = []
    for name in fields:
        if not isinstance(name, str) or not is_valid_field_name(name):
            raise SearchQueryError("Invalid facet field %r" % (name,))
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError("compile_facets needs at least one field")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", table):
        raise ValueError("Invalid table name %r" % table)

    params = dict(query.params)
    # The values of each field as a JSON array, read from d.filters, which
    # lists each value once, or from d.fields (the row has a value too long
    # for d.filters, or the field is not a string field), whose values a
    # document may repeat: those carry the row's key, so that the first
    # aggregate keeps them once per document (counts are documents, as
    # Solr's). No sub-select per row: PostgreSQL can then also run the
    # statement in parallel workers.
    selected = ["d.index_id AS row_key"]
    for i, name in enumerate(names):
        params["facet_field_%d" % i] = name
        field = "CAST(:facet_field_%d AS text)" % i
        if documents.is_filter_field(name):
            from_fields = "d.filters_partial @> ARRAY[%s]" % field
            values = "CASE WHEN %s THEN d.fields -> %s ELSE d.filters -> %s END" % (
                from_fields,
                field,
                field,
            )
        else:
            from_fields, values = "TRUE", "d.fields -> %s" % field
        # lax [*] makes a list of a scalar; SQL NULL (no value) stays NULL.
        selected.append(
            "%s AS p%d, jsonb_path_query_array(%s, 'lax $[*]') AS f%d" % (from_fields, i, values, i)
        )
    if int(mincount) <= 0:
        # Solr lists every indexed value, with its count among the matches.
        match_column, where, matches = (
            "(%s) IS TRUE" % query.where,
            "TRUE",
            "count(*) FILTER (WHERE m.is_match)",
        )
    else:
        match_column, where, matches = "TRUE", query.where, "count(*)"
    branches = [
        "SELECT %d AS ordinal, v.value, CASE WHEN m.p%d THEN m.row_key END AS row_key"
        " FROM jsonb_array_elements_text(m.f%d) AS v(value)" % (i, i, i)
        for i in range(len(names))
    ]
    if with_total:
        # One row per matching document: its count is the number of hits.
        branches.append("SELECT -1, NULL, NULL")
    labels = " ".join(
        "WHEN %d THEN CAST(:facet_field_%d AS text)" % (i, i) for i in range(len(names))
    )
    params["facet_mincount"] = int(mincount)
    limit_clause = ""
    if limit is not None and int(limit) >= 0:
        params["facet_limit"] = int(limit)
        limit_clause = " WHERE ranked.position <= :facet_limit OR ranked.ordinal < 0"

    sql = (
        "SELECT CASE ranked.ordinal %(labels)s END AS field, ranked.value, ranked.count"
        " FROM ("
        " SELECT counted.ordinal, counted.value, counted.count, row_number() OVER ("
        "PARTITION BY counted.ordinal"
        ' ORDER BY counted.count DESC, counted.value COLLATE "C") AS position'
        " FROM ("
        " SELECT per_row.ordinal, per_row.value, CAST(sum(CASE WHEN per_row.row_key IS NULL"
        " THEN per_row.matches ELSE least(per_row.matches, 1) END) AS bigint) AS count"
        " FROM ("
        # Values expanded row by row: one pass over the matching rows.
        " SELECT e.ordinal, e.value, e.row_key, %(matches)s AS matches"
        " FROM (SELECT %(match_column)s AS is_match, %(selected)s"
        " FROM %(table)s d WHERE %(where)s) AS m"
        " CROSS JOIN LATERAL (%(branches)s) AS e"
        " WHERE e.value IS NOT NULL OR e.ordinal < 0"
        " GROUP BY e.ordinal, e.value, e.row_key"
        ") AS per_row GROUP BY per_row.ordinal, per_row.value"
        ") AS counted WHERE counted.count >= :facet_mincount OR counted.ordinal < 0"
        ") AS ranked%(limit_clause)s"
        " ORDER BY ranked.ordinal, ranked.position"
    ) % {
        "labels": labels,
        "matches": matches,
        "match_column": match_column,
        "selected": ", ".join(selected),
        "table": table,
        "where": where,
        "branches": " UNION ALL ".join(branches),
        "limit_clause": limit_clause,
    }
    return sql, params

"""Turn the document CKAN builds for Solr into a row of our index table.

CKAN's ``PackageSearchIndex.index_package`` prepares one flat dict per dataset
(tags, groups, resources and extras flattened, permission labels, dates with a
trailing ``Z``). We store that dict as is in ``fields`` (minus the two large
stored JSON strings) and derive the full-text vector the way CKAN's Solr schema
derives its catch-all ``text`` field through ``copyField``.

``fields`` is large and TOASTed (read back only for the rows of a result
page); filters and facets read ``filters`` instead: the short values of the
string-typed fields (``dataset_type``, ``organization``, ``groups``, ``tags``,
``res_format``, ``license_id``, ``owner_org``, the territory's fields...),
small enough to stay in the table's main row (migration ``c41f7d2be8a6``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from dateutil import parser as date_parser

# Kept in their own columns, so that filters and facets never read them.
STORED_ONLY_FIELDS = ("data_dict", "validated_data_dict")
# Fields with a column of their own, where sql.py matches them.
COLUMN_FIELDS = (
    "id",
    "index_id",
    "name",
    "site_id",
    "state",
    "capacity",
    "title_string",
    "permission_labels",
    "metadata_created",
    "metadata_modified",
    "indexed_ts",
)
# A dataset's bounding box, "west,south,east,north" in degrees (the
# territoires plugin writes it): kept in the ``extent`` column (a PostgreSQL
# box with a GiST index), which ``ext_bbox`` filters on.
EXTENT_FIELD = "territoires_extent"
# Solr "text"/"text_general" fields of CKAN's schema.xml besides the
# catch-all "text": searched through the tsv, not by exact value.
TEXT_FIELDS = frozenset(
    {
        "title",
        "notes",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "res_name",
        "res_description",
        "urls",
        "depends_on",
        "dependency_of",
        "derives_from",
        "has_derivation",
        "links_to",
        "linked_from",
        "child_of",
        "parent_of",
    }
)
TEXT_FIELD_PREFIXES = ("extras_", "res_extras_")
# String fields left out of ``filters``: URLs are long and rarely filtered
# on; they are matched in ``fields``.
URL_FIELDS = ("url", "res_url", "ckan_url", "download_url", "license_url")
# Longer values stay in ``fields`` only, and the field is then listed in
# ``filters_partial`` (tags and names are at most 100 characters in CKAN).
FILTER_VALUE_MAX_LENGTH = 100
_NOT_FILTER_FIELDS = (
    frozenset(STORED_ONLY_FIELDS + COLUMN_FIELDS + URL_FIELDS + ("text", EXTENT_FIELD))
    | TEXT_FIELDS
)

# tsvector weights: dismax's qf is "name^4 title^4 tags^2 groups^2 text".
WEIGHT_A_FIELDS = ("title", "name")
WEIGHT_B_FIELDS = ("tags", "groups", "organization")
WEIGHT_C_FIELDS = ("notes", "res_name", "res_description")
# The rest of what CKAN's schema.xml copies into ``text``.
WEIGHT_D_FIELDS = (
    "text",
    "urls",
    "url",
    "ckan_url",
    "download_url",
    "res_url",
    "license",
    "maintainer",
    "author",
)
WEIGHT_D_PREFIXES = ("extras_", "res_extras_", "vocab_")


def _flatten(value: Any) -> Iterable[str]:
    if value is None:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, bool):
        return
    else:
        yield str(value)


def _text_of(doc: dict[str, Any], keys: Iterable[str]) -> str:
    return "\n".join(part for key in keys for part in _flatten(doc.get(key)))


def weighted_texts(doc: dict[str, Any]) -> dict[str, str]:
    """Texts to index under each tsvector weight, A (strongest) to D."""
    d_keys = list(WEIGHT_D_FIELDS) + sorted(key for key in doc if key.startswith(WEIGHT_D_PREFIXES))
    return {
        "text_a": _text_of(doc, WEIGHT_A_FIELDS),
        "text_b": _text_of(doc, WEIGHT_B_FIELDS),
        "text_c": _text_of(doc, WEIGHT_C_FIELDS),
        "text_d": _text_of(doc, d_keys),
    }


DATE_FIELDS = ("metadata_created", "metadata_modified", "indexed_ts")


def is_date_field(name: str) -> bool:
    return name in DATE_FIELDS or name.endswith("_date")


def solr_date(value: Any) -> Any:
    """A date as Solr stores and returns it: UTC, milliseconds, ``Z``.

    Solr's date fields keep millisecond precision and print ISO-8601
    instants, so ``2014-06-10T08:24:12.782257`` comes back as
    ``2014-06-10T08:24:12.782Z``. Unparseable values are left as they are
    (CKAN already drops invalid ``*_date`` values before indexing).
    """
    if not isinstance(value, str) or not value:
        return value
    try:
        parsed = date_parser.isoparse(value)
    except ValueError:
        try:
            parsed = date_parser.parse(value)
        except (ValueError, OverflowError):
            return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    text = parsed.strftime("%Y-%m-%dT%H:%M:%S")
    millis = parsed.microsecond // 1000
    if millis:
        text += ".%03d" % millis
    return text + "Z"


def _labels(doc: dict[str, Any]) -> list[str]:
    labels = doc.get("permission_labels") or []
    if isinstance(labels, str):
        labels = [labels]
    return [str(label) for label in labels]


def _scalar(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def is_filter_field(name: str) -> bool:
    """Is ``name`` a string-typed field copied into ``filters``?"""
    return name not in _NOT_FILTER_FIELDS and not name.startswith(TEXT_FIELD_PREFIXES)


def _is_short_scalar(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= FILTER_VALUE_MAX_LENGTH
    # None only occurs in lists (CKAN's res_type is [None] when unset)
    return value is None or isinstance(value, (bool, int, float))


def _as_stored(value: Any) -> Any:
    """``value`` as ``json.dumps(..., default=str)`` stores it in ``fields``."""
    if value is None or isinstance(value, (str, int, float, bool, list, tuple, dict)):
        return value
    return str(value)


def filter_values(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``filters`` and ``filters_partial`` of a document's ``fields``.

    ``filters`` keeps the short scalar values (strings of at most
    ``FILTER_VALUE_MAX_LENGTH`` characters, numbers, booleans, nulls in a
    list) of the filter fields, in the
    same shape (a scalar or a list); a list keeps each value once, as a
    facet counts a document once per value. A field that lost a value
    (too long, not a scalar) is listed in ``filters_partial``: reads that
    need all its values (wildcards, ranges, facets) use ``fields`` there.
    """
    filters: dict[str, Any] = {}
    partial: list[str] = []
    for key, value in fields.items():
        if not is_filter_field(key):
            continue
        value = _as_stored(value)
        if isinstance(value, (list, tuple)):
            kept: list[Any] = []
            seen: set[tuple[type, Any]] = set()
            complete = True
            for item in value:
                item = _as_stored(item)
                if not _is_short_scalar(item):
                    complete = False
                    continue
                marker = (type(item), item)
                if marker not in seen:
                    seen.add(marker)
                    kept.append(item)
            filters[key] = kept
            if not complete:
                partial.append(key)
        elif _is_short_scalar(value):
            filters[key] = value
        else:
            partial.append(key)
    return filters, sorted(partial)


def parse_box(value: Any) -> tuple[float, float, float, float] | None:
    """``"west,south,east,north"`` as four floats forming a box in
    longitude/latitude, or None when it is not one."""
    if not isinstance(value, str):
        return None
    parts = value.replace(" ", "").split(",")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        return None
    in_range = -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    return (west, south, east, north) if in_range else None


def box_literal(box: tuple[float, float, float, float]) -> str:
    """A PostgreSQL ``box`` literal: "(east,north),(west,south)"."""
    west, south, east, north = box
    return "(%r,%r),(%r,%r)" % (east, north, west, south)


def _extent(doc: dict[str, Any]) -> str | None:
    box = parse_box(_scalar(doc.get(EXTENT_FIELD)))
    return box_literal(box) if box else None


def index_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Bind parameters for ``UPSERT_SQL`` from one Solr-style document."""
    fields = {
        key: solr_date(value) if is_date_field(key) else value
        for key, value in doc.items()
        if key not in STORED_ONLY_FIELDS and value is not None
    }
    name = _scalar(doc.get("name")) or ""
    title = _scalar(doc.get("title")) or ""
    filters, partial = filter_values(fields)
    row = {
        "index_id": doc.get("index_id") or doc["id"],
        "id": doc["id"],
        "site_id": doc.get("site_id") or "",
        "name": doc.get("name"),
        "state": doc.get("state"),
        "capacity": doc.get("capacity"),
        "permission_labels": _labels(doc),
        # full precision for sorting; ``fields`` holds Solr's millisecond form
        "metadata_created": _scalar(doc.get("metadata_created")),
        "metadata_modified": _scalar(doc.get("metadata_modified")),
        "title_string": doc.get("title_string"),
        "fields": json.dumps(fields, default=str),
        "filters": json.dumps(filters, default=str),
        "filters_partial": partial,
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
        "ngram": "%s %s" % (name, title),
        "extent": _extent(doc),
    }
    row.update(weighted_texts(doc))
    return row


_INSERT = """
INSERT INTO territoires_search_index AS d (
    index_id, id, site_id, name, state, capacity, permission_labels,
    metadata_created, metadata_modified, title_string, fields, filters,
    filters_partial, data_dict, validated_data_dict, tsv, ngram_text,
    extent, indexed_ts
)"""
_ON_CONFLICT = """
ON CONFLICT (index_id) DO UPDATE SET
    id = EXCLUDED.id,
    site_id = EXCLUDED.site_id,
    name = EXCLUDED.name,
    state = EXCLUDED.state,
    capacity = EXCLUDED.capacity,
    permission_labels = EXCLUDED.permission_labels,
    metadata_created = EXCLUDED.metadata_created,
    metadata_modified = EXCLUDED.metadata_modified,
    title_string = EXCLUDED.title_string,
    fields = EXCLUDED.fields,
    filters = EXCLUDED.filters,
    filters_partial = EXCLUDED.filters_partial,
    data_dict = EXCLUDED.data_dict,
    validated_data_dict = EXCLUDED.validated_data_dict,
    tsv = EXCLUDED.tsv,
    ngram_text = EXCLUDED.ngram_text,
    extent = EXCLUDED.extent,
    indexed_ts = EXCLUDED.indexed_ts
"""
_TSV = """
    setweight(to_tsvector(CAST(:ts_config AS regconfig), %(a)s), 'A')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), %(b)s), 'B')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), %(c)s), 'C')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), %(d)s), 'D')"""

#: One row (bind parameters: ``index_row``'s, and ``ts_config``).
UPSERT_SQL = (
    _INSERT
    + """ VALUES (
    :index_id, :id, :site_id, :name, :state, :capacity,
    CAST(:permission_labels AS text[]),
    CAST(:metadata_created AS timestamptz),
    CAST(:metadata_modified AS timestamptz),
    :title_string, CAST(:fields AS jsonb), CAST(:filters AS jsonb),
    CAST(:filters_partial AS text[]), :data_dict, :validated_data_dict,"""
    + _TSV % {"a": ":text_a", "b": ":text_b", "c": ":text_c", "d": ":text_d"}
    + """,
    lower(unaccent(:ngram)),
    CAST(:extent AS box),
    now()
)"""
    + _ON_CONFLICT
)

#: The columns of ``index_row``, in the order of ``UPSERT_MANY_SQL``'s arrays.
ROW_KEYS = (
    "index_id",
    "id",
    "site_id",
    "name",
    "state",
    "capacity",
    "permission_labels",
    "metadata_created",
    "metadata_modified",
    "title_string",
    "fields",
    "filters",
    "filters_partial",
    "data_dict",
    "validated_data_dict",
    "text_a",
    "text_b",
    "text_c",
    "text_d",
    "ngram",
    "extent",
)
#: Lists of text in a row, bound as JSON text in ``UPSERT_MANY_SQL``.
ROW_LISTS = ("permission_labels", "filters_partial")


def _text_array(name: str) -> str:
    return (
        "ARRAY(SELECT e.value FROM jsonb_array_elements_text(CAST(r.%s AS jsonb))"
        " WITH ORDINALITY AS e(value, position) ORDER BY e.position)" % name
    )


#: Many rows in one statement: each of ``ROW_KEYS`` bound as an array of
#: text (``many_rows_params``), the rows unnested side by side; the same
#: values as ``UPSERT_SQL`` row by row.
UPSERT_MANY_SQL = (
    _INSERT
    + """
SELECT r.index_id, r.id, r.site_id, r.name, r.state, r.capacity, %(labels)s,
    CAST(r.metadata_created AS timestamptz),
    CAST(r.metadata_modified AS timestamptz),
    r.title_string, CAST(r.fields AS jsonb), CAST(r.filters AS jsonb),
    %(partial)s, r.data_dict, r.validated_data_dict,"""
    % {"labels": _text_array("permission_labels"), "partial": _text_array("filters_partial")}
    + _TSV % {"a": "r.text_a", "b": "r.text_b", "c": "r.text_c", "d": "r.text_d"}
    + """,
    lower(unaccent(r.ngram)),
    CAST(r.extent AS box),
    now()
FROM unnest(%(arrays)s) AS r(%(names)s)"""
    % {
        "arrays": ", ".join("CAST(:%s AS text[])" % key for key in ROW_KEYS),
        "names": ", ".join(ROW_KEYS),
    }
    + _ON_CONFLICT
)


def many_rows_params(rows: list[dict[str, Any]], ts_config: str) -> dict[str, Any]:
    """Bind parameters of ``UPSERT_MANY_SQL`` for ``index_row`` rows of
    distinct ``index_id``: one array of text per column."""
    params: dict[str, Any] = {"ts_config": ts_config}
    for key in ROW_KEYS:
        if key in ROW_LISTS:
            params[key] = [json.dumps(row[key]) for row in rows]
        else:
            params[key] = [None if row[key] is None else str(row[key]) for row in rows]
    return params

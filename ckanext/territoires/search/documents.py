"""Turn the document CKAN builds for Solr into a row of our index table.

CKAN's ``PackageSearchIndex.index_package`` prepares one flat dict per dataset
(tags, groups, resources and extras flattened, permission labels, dates with a
trailing ``Z``). We store that dict as is in ``fields`` (minus the two large
stored JSON strings) and derive the full-text vector the way CKAN's Solr schema
derives its catch-all ``text`` field through ``copyField``.
"""
from __future__ import annotations

import datetime
import json
from typing import Any, Iterable

from dateutil import parser as date_parser

# Kept in their own columns, so that filters and facets never read them.
STORED_ONLY_FIELDS = ("data_dict", "validated_data_dict")

# tsvector weights: dismax's qf is "name^4 title^4 tags^2 groups^2 text".
WEIGHT_A_FIELDS = ("title", "name")
WEIGHT_B_FIELDS = ("tags", "groups", "organization")
WEIGHT_C_FIELDS = ("notes", "res_name", "res_description")
# The rest of what CKAN's schema.xml copies into ``text``.
WEIGHT_D_FIELDS = (
    "text", "urls", "url", "ckan_url", "download_url", "res_url", "license",
    "maintainer", "author",
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
    return "\n".join(
        part for key in keys for part in _flatten(doc.get(key))
    )


def weighted_texts(doc: dict[str, Any]) -> dict[str, str]:
    """Texts to index under each tsvector weight, A (strongest) to D."""
    d_keys = list(WEIGHT_D_FIELDS) + sorted(
        key for key in doc if key.startswith(WEIGHT_D_PREFIXES)
    )
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


def index_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Bind parameters for ``UPSERT_SQL`` from one Solr-style document."""
    fields = {
        key: solr_date(value) if is_date_field(key) else value
        for key, value in doc.items()
        if key not in STORED_ONLY_FIELDS and value is not None
    }
    name = _scalar(doc.get("name")) or ""
    title = _scalar(doc.get("title")) or ""
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
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
        "ngram": "%s %s" % (name, title),
    }
    row.update(weighted_texts(doc))
    return row


UPSERT_SQL = """
INSERT INTO territoires_search_index AS d (
    index_id, id, site_id, name, state, capacity, permission_labels,
    metadata_created, metadata_modified, title_string, fields, data_dict,
    validated_data_dict, tsv, ngram_text, indexed_ts
) VALUES (
    :index_id, :id, :site_id, :name, :state, :capacity,
    CAST(:permission_labels AS text[]),
    CAST(:metadata_created AS timestamptz),
    CAST(:metadata_modified AS timestamptz),
    :title_string, CAST(:fields AS jsonb), :data_dict, :validated_data_dict,
    setweight(to_tsvector(CAST(:ts_config AS regconfig), :text_a), 'A')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), :text_b), 'B')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), :text_c), 'C')
    || setweight(to_tsvector(CAST(:ts_config AS regconfig), :text_d), 'D'),
    lower(unaccent(:ngram)),
    now()
)
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
    data_dict = EXCLUDED.data_dict,
    validated_data_dict = EXCLUDED.validated_data_dict,
    tsv = EXCLUDED.tsv,
    ngram_text = EXCLUDED.ngram_text,
    indexed_ts = EXCLUDED.indexed_ts
"""

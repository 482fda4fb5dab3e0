"""Refuse Solr-only query syntax before it reaches the index.

CKAN raises a generic ``SearchError`` (HTTP 409) for local parameters
(``{!...}``) and magic fields (``_query_``, ``_val_``); the PostgreSQL backend
cannot run them at all, so they are a bad request: ``SearchQueryError``, which
the API answers with 400 and a clear message.
"""

from __future__ import annotations

import re
from typing import Any

from ckan.lib.search.common import SearchQueryError

LOCAL_PARAMS_RE = re.compile(r"(?:^|[^\\])(?:\\\\)*\{!")
MAGIC_FIELD_RE = re.compile(r"(?<![\w\\])_(?:query|val)_\s*:")
CHECKED_PARAMS = ("q", "fq", "fq_list", "sort", "qf", "df", "fl")


def refuse_unsupported_syntax(search_params: dict[str, Any]) -> None:
    for key in CHECKED_PARAMS:
        values = search_params.get(key)
        if not isinstance(values, (list, tuple)):
            values = [values]
        for value in values:
            if not isinstance(value, str):
                continue
            if LOCAL_PARAMS_RE.search(value):
                raise SearchQueryError(
                    "Solr local parameters ({!...}) are not supported in %r" % key
                )
            if MAGIC_FIELD_RE.search(value):
                raise SearchQueryError(
                    "Solr magic fields (_query_, _val_) are not supported in %r" % key
                )

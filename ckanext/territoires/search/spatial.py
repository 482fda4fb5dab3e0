"""``ext_bbox``: the spatial search parameter of ckanext-spatial.

``package_search?ext_bbox=west,south,east,north`` (and ``/dataset?ext_bbox=``)
keeps the datasets whose extent meets that box (longitude/latitude, WGS 84):
``before_dataset_search`` turns it into a filter on the index's ``extent``
column (see ``documents.EXTENT_FIELD``). A value that is not such a box is a
bad request (``SearchQueryError``: HTTP 400 from the API and the page) whose
message names ``ext_bbox``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchQueryError

from ckanext.territoires.translations import N_

from . import documents

PARAMETER = "ext_bbox"


INVALID = N_(
    "Invalid ext_bbox %(value)s: expected west,south,east,north in degrees "
    "(longitude then latitude, WGS 84), e.g. ext_bbox=4.7,45.6,5.1,45.9"
)


def _message(value: str) -> str:
    template = INVALID
    # outside a request (a command) there is no language to translate into
    with contextlib.suppress(RuntimeError, TypeError):
        template = tk._(INVALID)
    return template % {"value": repr(value)}


def add_bbox_filter(search_params: dict[str, Any]) -> dict[str, Any]:
    """Turn ``ext_bbox`` into a filter query (see the module doc)."""
    extras = search_params.get("extras") or {}
    value = extras.get(PARAMETER)
    if value is None or (isinstance(value, str) and not value.strip()):
        return search_params
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    box = documents.parse_box(str(value))
    if box is None:
        raise SearchQueryError(_message(str(value)))
    clause = '+%s:"%s"' % (documents.EXTENT_FIELD, ",".join(repr(side) for side in box))
    fq = search_params.get("fq") or ""
    search_params["fq"] = ("%s %s" % (fq, clause)).strip()
    return search_params

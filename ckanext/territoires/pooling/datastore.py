"""Rows of the pooled files into CKAN's DataStore (when the plugin is on).

ckanext-xloader is not used (its pinned dependencies conflict with CKAN
2.11.6's): the files that declare a schema, and the pooled CSVs, are loaded
here, after their validation or consolidation, in the same background job.
Every column is text (as the files are); the table preview (``datatables_view``)
is added once the table exists; ``datastore_search`` answers on it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

CHUNK = 5000


def enabled() -> bool:
    return p.plugin_loaded("datastore")


def _context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def _chunks(records: Iterable[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def load(resource_id: str, columns: list[str], records: Iterable[dict[str, str]]) -> int:
    """Replace the resource's DataStore table by ``records`` (text columns);
    the rows loaded. Does nothing (0) when the DataStore is off."""
    if not enabled():
        return 0
    context = _context()
    with contextlib.suppress(tk.ObjectNotFound):
        tk.get_action("datastore_delete")(
            dict(context), {"resource_id": resource_id, "force": True}
        )
    fields = [{"id": column, "type": "text"} for column in columns]
    tk.get_action("datastore_create")(
        dict(context), {"resource_id": resource_id, "force": True, "fields": fields}
    )
    loaded = 0
    for chunk in _chunks(records):
        tk.get_action("datastore_upsert")(
            dict(context),
            {
                "resource_id": resource_id,
                "force": True,
                "method": "insert",
                "records": [{column: row.get(column, "") for column in columns} for row in chunk],
            },
        )
        loaded += len(chunk)
    resource = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    dataset = tk.get_action("package_show")(dict(context), {"id": resource["package_id"]})
    tk.get_action("resource_create_default_resource_views")(
        dict(context), {"resource": resource, "package": dataset, "create_datastore_views": True}
    )
    return loaded

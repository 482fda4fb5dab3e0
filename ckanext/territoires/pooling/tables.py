"""Data tables of resources, loaded into CKAN's DataStore by ckanext-xloader.

xloader submits a CSV or spreadsheet resource when it is created with
``resource_create`` or when its file or link changes; it loads it in CKAN's
job worker (typed columns with ``ckanext.xloader.use_type_guessing``), adds
the table preview and records its status (action ``xloader_status``). Here:

- the resources of a dataset created or updated in one call
  (``package_create``/``package_update``: harvests, the API), which xloader
  does not submit, are submitted;
- a linked file is submitted only when its address passes the harvesters'
  SSRF guard (no private or loopback address unless allowed by
  ``ckanext.territoires.harvest.allowed_hosts``); a refused one is reported;
- a file declaring a Table Schema, and a pooled CSV, get their DataStore
  table created beforehand with the schema's types (a Data Dictionary with
  xloader's ``type_override``: numbers numeric, dates timestamps, every
  other column text, so that codes keep their leading zeros: INSEE
  ``01001``), which xloader then fills by its fast COPY; other files get
  the types xloader guesses;
- xloader's status is put into French words for the publisher.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.api_token import get_user_from_token

from ckanext.territoires.harvesters.http import check_url
from ckanext.territoires.harvesters.ssrf import ForbiddenURL
from ckanext.territoires.translations import N_

from . import consolidation, jobs, registry, store

log = logging.getLogger(__name__)

#: xloader's task states, as the resource page tells them.
LOADED = ("complete",)
LOADING = ("submitting", "pending", "running", "running_but_viewable")

#: Known failures of xloader (English, in its task's error) and what the
#: publisher reads instead: (pattern, message).
FAILURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"too large|DataTooBig", re.I),
        N_("The file is too large to be loaded as a table."),
    ),
    (
        re.compile(r"timed out|timeout", re.I),
        N_("Reading the file took too long."),
    ),
    (
        re.compile(r"bad HTTP response|status=\d|Connection|Name or service|resolve", re.I),
        N_("The file could not be downloaded from its address."),
    ),
    (
        re.compile(r"Only http, https", re.I),
        N_("Only files at an http or https address can be loaded."),
    ),
    (
        re.compile(r"No entries found|nothing to load|empty", re.I),
        N_("The file holds no rows."),
    ),
    (
        re.compile(r"encoding|decode|codec", re.I),
        N_("The file's characters could not be read (its encoding is unknown)."),
    ),
    (
        re.compile(r"format|tabulator|could not be loaded|parse|header|field|column", re.I),
        N_(
            "The file could not be read as a table: check that it is a CSV "
            "file (one header line, one row per line) or an XLSX spreadsheet."
        ),
    ),
)
UNKNOWN_FAILURE = N_("The loading failed; the portal's administrators can see why.")


def enabled() -> bool:
    return p.plugin_loaded("xloader") and p.plugin_loaded("datastore")


def _site_context() -> dict[str, Any]:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}


def is_submittable(resource: dict[str, Any]) -> bool:
    """Whether xloader would load the resource (its format)."""
    from ckanext.xloader.utils import XLoaderFormats

    return bool(resource.get("id")) and XLoaderFormats.is_it_an_xloader_format(
        resource.get("format") or ""
    )


def _task(resource_id: str) -> dict[str, Any] | None:
    try:
        return tk.get_action("task_status_show")(
            {"ignore_auth": True},
            {"entity_id": resource_id, "task_type": "xloader", "key": "xloader"},
        )
    except tk.ObjectNotFound:
        return None


def submit_new(pkg_dict: dict[str, Any]) -> None:
    """Submit the resources of a dataset that xloader has never seen (a
    dataset created or updated with its resources in one call)."""
    package = model.Package.get(pkg_dict.get("id") or "") if enabled() else None
    if package is None:
        return
    for resource in (item.as_dict() for item in package.resources):
        if is_submittable(resource) and _task(resource["id"]) is None:
            try:
                tk.get_action("xloader_submit")(_site_context(), {"resource_id": resource["id"]})
            except tk.ValidationError as error:  # xloader not configured (no token)
                log.warning("xloader did not take %s: %s", resource["id"], error)


def may_load(resource_id: str) -> bool:
    """IXloader.can_upload: an uploaded file always; a linked one when its
    address passes the SSRF guard (a refused one is recorded, in French)."""
    resource = model.Resource.get(resource_id)
    if resource is None:
        return False
    refused = None
    if resource.url_type != "upload":
        try:
            check_url(resource.url or "")
        except ForbiddenURL as problem:
            refused = problem.render()
    previous = store.get(resource_id)
    if refused is not None:
        if previous is None or not previous["schema_id"]:
            store.save(resource_id, resource.package_id, "", store.ERROR, message=refused)
            model.Session.commit()
        return False
    if previous is not None and not previous["schema_id"]:
        store.delete(resource_id)
        model.Session.commit()
    _typed_table(resource)
    return True


#: Table Schema types and the DataStore type xloader loads them as.
SCHEMA_TYPES = {
    "integer": "numeric",
    "number": "numeric",
    "year": "numeric",
    "date": "timestamp",
    "datetime": "timestamp",
}


def schema_fields(resource: model.Resource) -> list[dict[str, Any]] | None:
    """The DataStore columns of a file declaring a schema, or of a pooled
    CSV (the schema's, then the commune's); None for any other file."""
    package = resource.package
    if package is not None and consolidation.is_pooled(package.name):
        offered = registry.get(package.name[len(consolidation.DATASET_PREFIX) :])
        extra = list(consolidation.COMMUNE_COLUMNS)
    else:
        declared = (resource.extras or {}).get(jobs.SCHEMA_FIELD)
        offered = registry.get(declared) if declared else None
        extra = []
    if offered is None:
        return None
    columns = [
        (column["name"], SCHEMA_TYPES.get(column.get("type") or "string", "text"))
        for column in offered.descriptor.get("fields", [])
    ] + [(name, "text") for name in extra]
    return [{"id": name, "type": kind, "info": {"type_override": kind}} for name, kind in columns]


def _typed_table(resource: model.Resource) -> None:
    fields = schema_fields(resource)
    if not fields:
        return
    stored = store.get(resource.id)
    if stored is not None and stored["status"] == store.INVALID:
        return  # its values do not fit the schema's types: xloader guesses them
    context = _site_context()
    try:
        tk.get_action("datastore_info")(dict(context), {"id": resource.id})
        return  # loaded before: its Data Dictionary stands
    except tk.ObjectNotFound:
        pass
    try:
        tk.get_action("datastore_create")(
            dict(context), {"resource_id": resource.id, "force": True, "fields": fields}
        )
    except tk.ValidationError as error:  # xloader then guesses the types
        log.warning("Typed table of %s not created: %s", resource.id, error)


def reload_guessed(resource_id: str) -> None:
    """A file found not to conform to its schema: its values may not fit
    the schema's types. A table typed beforehand and not loaded yet is
    dropped (xloader's job then guesses the types); a load that failed is
    done again with guessed types. A loaded table stays."""
    task = _task(resource_id) if enabled() else None
    state = (task or {}).get("state")
    if state not in LOADING and state != "error":
        return
    context = _site_context()
    if state in LOADING:
        if _row_count(resource_id) == 0:
            tk.get_action("datastore_delete")(
                dict(context), {"resource_id": resource_id, "force": True}
            )
        return
    with contextlib.suppress(tk.ObjectNotFound):
        tk.get_action("datastore_delete")(
            dict(context), {"resource_id": resource_id, "force": True}
        )
    try:
        tk.get_action("xloader_submit")(
            dict(context), {"resource_id": resource_id, "ignore_hash": True}
        )
    except tk.ValidationError as error:
        log.warning("xloader did not take %s: %s", resource_id, error)


def french_failure(error: Any) -> str:
    """xloader's error (text or a dict with ``message``) as a sentence of
    the page's language."""
    text = error.get("message", "") if isinstance(error, dict) else str(error or "")
    for pattern, message in FAILURES:
        if pattern.search(text):
            return tk._(message)
    return tk._(UNKNOWN_FAILURE)


def _row_count(resource_id: str) -> int | None:
    try:
        found = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": resource_id, "limit": 0}
        )
    except (tk.ObjectNotFound, tk.ValidationError):
        return None
    return int(found.get("total") or 0)


def status(resource_id: str) -> dict[str, Any] | None:
    """The data table of a resource: ``status`` (``table``, ``pending``,
    ``error``), ``row_count`` and ``message`` (in the page's language);
    None when xloader never took it."""
    task = _task(resource_id)
    if task is None:
        stored = store.get(resource_id)
        if stored is not None and not stored["schema_id"] and stored["status"] == store.ERROR:
            return {"status": store.ERROR, "row_count": None, "message": stored["message"]}
        return None
    state = task.get("state")
    if state in LOADED:
        return {"status": store.TABLE, "row_count": _row_count(resource_id), "message": None}
    if state in LOADING:
        return {"status": store.PENDING, "row_count": None, "message": None}
    try:
        error = json.loads(task.get("error") or "null")
    except ValueError:
        error = task.get("error")
    return {"status": store.ERROR, "row_count": None, "message": french_failure(error)}


def job_token() -> str:
    """The API token of xloader's jobs: the configured one while it is a
    valid token of the site user, else a new one of the site user."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    current = tk.config.get("ckanext.xloader.api_token") or ""
    if current and current != "NOT_SET":
        owner = get_user_from_token(current, update_access_time=False)
        if owner is not None and owner.name == site_user["name"]:
            return current
    created = tk.get_action("api_token_create")(
        {"ignore_auth": True, "user": site_user["name"]},
        {"user": site_user["name"], "name": "xloader"},
    )
    model.Session.commit()
    return created["token"]

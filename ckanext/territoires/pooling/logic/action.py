"""Actions of the pooled data: schemas, validation reports, pooled datasets."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader
from ckan.logic import validate

from ckanext.territoires import territory
from ckanext.territoires.pooling import (
    consolidation,
    jobs,
    messages,
    points,
    registry,
    store,
    tables,
)
from ckanext.territoires.pooling.logic import schema

__all__ = [
    "territoires_pooled_dataset_consolidate",
    "territoires_pooled_dataset_list",
    "territoires_pooled_points_show",
    "territoires_pooling_schema_list",
    "territoires_resource_validation_run",
    "territoires_resource_validation_show",
]


def _resource(resource_id: str) -> model.Resource:
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return resource


@tk.side_effect_free
@validate(schema.territoires_resource_validation_show)
def territoires_resource_validation_show(context, data_dict) -> dict[str, Any]:
    """The validation of a resource against the schema it declares.

    :param id: the resource's id
    :type id: string

    :returns: ``resource_id``, ``schema`` (id, title, version; None when the
        resource declares none), ``data_table`` (true for a CSV or spreadsheet
        without a schema that ckanext-xloader took: ``status`` ``table`` with
        its ``row_count``, or ``pending``, or ``error`` with its ``message``
        in the page's language), ``table`` (that data table's ``status``,
        ``row_count`` and ``message``, for any resource; None when xloader
        never took it),
        ``status`` (``none``, ``pending``, ``valid``, ``invalid``, ``error``,
        ``table``), ``status_label``, ``conforming``,
        ``row_count``, ``error_count``, ``message``, ``checked`` and
        ``report``: each error with ``row``, ``column``, ``cell``, ``what``
        and ``fix``, in the page's language
    :rtype: dictionary
    """
    tk.check_access("territoires_resource_validation_show", context, data_dict)
    resource = _resource(data_dict["id"])
    stored = store.get(resource.id)
    if stored is not None and not stored["schema_id"]:
        stored = None  # a data table's refused link: tables.status tells it
    table = tables.status(resource.id) if tables.enabled() else None
    declared = resource.extras.get(jobs.SCHEMA_FIELD)
    offered = registry.get(stored["schema_id"] if stored else declared)
    shown = stored or table or {}
    status = shown.get("status") or "none"
    columns = {
        column["name"]: column for column in (offered.descriptor["fields"] if offered else [])
    }
    return {
        "resource_id": resource.id,
        "schema": offered.as_dict() if offered else None,
        "data_table": stored is None and table is not None,
        "table": table,
        "status": status,
        "status_label": messages.status_label(stored["status"] if stored else None),
        "conforming": status == store.VALID,
        "row_count": shown.get("row_count"),
        "error_count": stored["error_count"] if stored else 0,
        "message": shown.get("message"),
        "checked": stored["checked"] if stored else None,
        "report": [messages.describe(error, columns) for error in (stored or {}).get("errors", [])],
    }


@validate(schema.territoires_resource_validation_run)
def territoires_resource_validation_run(context, data_dict) -> dict[str, Any]:
    """Validate a resource again against the schema it declares (in the
    background; at once when ``ckanext.territoires.pooling.synchronous``).

    :param id: the resource's id
    :type id: string

    :returns: the validation, as ``territoires_resource_validation_show``
    :rtype: dictionary
    """
    tk.check_access("territoires_resource_validation_run", context, data_dict)
    resource = tk.get_action("resource_show")(dict(context), {"id": _resource(data_dict["id"]).id})
    if not resource.get(jobs.SCHEMA_FIELD):
        raise tk.ValidationError({"id": [tk._("This resource declares no schema.")]})
    jobs.resource_changed(resource)
    return tk.get_action("territoires_resource_validation_show")(
        dict(context), {"id": resource["id"]}
    )


@tk.side_effect_free
@validate(schema.territoires_pooling_schema_list)
def territoires_pooling_schema_list(context, data_dict) -> list[dict[str, Any]]:
    """The Table Schemas a resource may declare: the shipped ones and those
    added by ``ckanext.territoires.pooling.schemas``.

    :returns: each with ``id``, ``title``, ``version``, ``source`` and ``fields``
    :rtype: list of dictionaries
    """
    tk.check_access("territoires_pooling_schema_list", context, data_dict)
    return [offered.as_dict() for offered in registry.offered()]


def _contribution(item: consolidation.Contribution) -> dict[str, Any]:
    return {**asdict(item), "status_label": messages.status_label(item.status)}


def _pooled(
    offered: registry.OfferedSchema,
    commune: str | None,
    territory_codes,
    dataset: model.Package | None,
):
    found = consolidation.contributions(offered.id)
    if dataset is not None and dataset.state != "active":
        dataset = None
    if not found and dataset is None:
        return None
    published = {c.commune_insee for c in found if c.status == store.VALID and c.commune_insee}
    if commune:
        found = [c for c in found if c.commune_insee == commune]
        if not found:
            return None
    return {
        "schema": offered.as_dict(),
        "dataset": {"name": dataset.name, "title": dataset.title} if dataset else None,
        "rows": sum(c.rows for c in found if c.status == store.VALID),
        "contributions": [_contribution(c) for c in found],
        "communes_published": sorted(published),
        "communes_missing": [
            {"insee": code, "name": name} for code, name in territory_codes if code not in published
        ],
    }


@tk.side_effect_free
@validate(schema.territoires_pooled_dataset_list)
def territoires_pooled_dataset_list(context, data_dict) -> list[dict[str, Any]]:
    """The pooled datasets of the territory, one per schema that has files,
    with each commune's contribution.

    :param commune: an INSEE code: only the schemas this commune publishes
        for, with its own contributions only (optional)
    :type commune: string

    :returns: each with ``schema``, ``dataset`` (``name``, ``title``; None
        until built), ``rows`` (rows of the conforming files),
        ``contributions`` (resource, dataset, commune, ``status``,
        ``status_label``, ``rows``), ``communes_published`` (INSEE codes) and
        ``communes_missing`` (``insee``, ``name``: communes of the territory
        without a conforming file)
    :rtype: list of dictionaries
    """
    tk.check_access("territoires_pooled_dataset_list", context, data_dict)
    codes = territory.communes_by_name()
    offered = list(registry.offered())
    datasets = consolidation.pooled_datasets([schema.id for schema in offered])
    pooled = (
        _pooled(schema, data_dict.get("commune"), codes, datasets.get(schema.id))
        for schema in offered
    )
    return [item for item in pooled if item is not None]


@validate(schema.territoires_pooled_dataset_consolidate)
def territoires_pooled_dataset_consolidate(context, data_dict) -> dict[str, Any]:
    """Rebuild the pooled dataset of a schema now.

    :param schema: the schema's id
    :type schema: string

    :returns: ``dataset`` (the pooled dataset, None when it could not be
        built), ``rows``, ``problem``
    :rtype: dictionary
    """
    tk.check_access("territoires_pooled_dataset_consolidate", context, data_dict)
    if registry.get(data_dict["schema"]) is None:
        raise tk.ValidationError({"schema": [tk._("This schema is not offered by the portal.")]})
    result = consolidation.consolidate(data_dict["schema"])
    model.Session.commit()
    return {"dataset": result.dataset, "rows": result.rows, "problem": result.problem}


#: Most points one answer holds.
MAX_POINTS = 5000


def _pooled_dataset(context, identifier: str) -> tuple[dict[str, Any], registry.OfferedSchema]:
    """The pooled dataset the caller may see, and its schema."""
    dataset = tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {"id": identifier},
    )
    schema_id = dataset["name"][len(consolidation.DATASET_PREFIX) :]
    offered = registry.get(schema_id) if consolidation.is_pooled(dataset["name"]) else None
    if offered is None:
        raise tk.ValidationError({"id": [tk._("This dataset is not a pooled dataset.")]})
    return dataset, offered


def _pooled_csv(dataset: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    for resource in dataset.get("resources") or []:
        if resource.get("url_type") == "upload":
            path = uploader.get_resource_uploader(resource).get_path(resource["id"])
            return resource, path if path and os.path.exists(path) else None
    return None, None


@tk.side_effect_free
@validate(schema.territoires_pooled_points_show)
def territoires_pooled_points_show(context, data_dict) -> dict[str, Any]:
    """The points of a pooled dataset: its rows that have a position (the
    columns the schema gives for it: a ``geopoint`` field, or number fields
    named for the longitude and the latitude), read from its CSV.

    :param id: the pooled dataset (name or id); the caller must be allowed
        to see it
    :type id: string
    :param commune: an INSEE code: only that commune's rows (optional)
    :type commune: string
    :param limit: most points returned (default and at most 5000)
    :type limit: int

    :returns: ``dataset`` (``id``, ``name``, ``title``), ``resource_id``
        (the pooled CSV, None before it is built), ``schema`` (``id``,
        ``title``), ``coordinates`` (the columns: ``longitude``, ``latitude``,
        ``geopoint``, ``geopoint_format``, ``label``; None when the schema
        has none: then no point), ``commune``, ``rows`` (rows considered),
        ``located`` (rows with a position), ``without_coordinates`` (rows
        whose position is missing or out of range: counted, not returned),
        ``truncated`` and ``points`` (at most ``limit``, each ``longitude``,
        ``latitude``, ``label``, ``commune_insee``, ``commune_nom``)
    :rtype: dictionary
    """
    tk.check_access("territoires_pooled_points_show", context, data_dict)
    dataset, offered = _pooled_dataset(context, data_dict["id"])
    commune = (data_dict.get("commune") or "").strip() or None
    limit = min(int(data_dict.get("limit") or MAX_POINTS), MAX_POINTS)
    coordinates = offered.coordinates
    resource, path = _pooled_csv(dataset)
    result: dict[str, Any] = {
        "dataset": {"id": dataset["id"], "name": dataset["name"], "title": dataset["title"]},
        "resource_id": resource["id"] if resource else None,
        "schema": {"id": offered.id, "title": offered.title},
        "coordinates": coordinates.as_dict() if coordinates else None,
        "commune": commune,
        "rows": 0,
        "located": 0,
        "without_coordinates": 0,
        "truncated": False,
        "points": [],
    }
    if coordinates is None or path is None:
        return result
    table = points.table_of(path, coordinates)
    if commune:
        found = [point for point in table.points if point.commune_insee == commune]
        result["rows"] = table.rows.get(commune, 0)
        result["without_coordinates"] = table.without.get(commune, 0)
    else:
        found = table.points
        result["rows"] = sum(table.rows.values())
        result["without_coordinates"] = sum(table.without.values())
    result["located"] = len(found)
    result["truncated"] = len(found) > limit
    result["points"] = [asdict(point) for point in found[:limit]]
    return result

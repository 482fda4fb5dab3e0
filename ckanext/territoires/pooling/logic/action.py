"""Actions of the pooled data: schemas, validation reports, pooled datasets."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from ckanext.territoires import territory
from ckanext.territoires.pooling import consolidation, jobs, messages, registry, store
from ckanext.territoires.pooling.logic import schema

__all__ = [
    "territoires_pooled_dataset_consolidate",
    "territoires_pooled_dataset_list",
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
        resource declares none), ``status`` (``none``, ``pending``, ``valid``,
        ``invalid``, ``error``), ``status_label``, ``conforming``,
        ``row_count``, ``error_count``, ``message``, ``checked`` and
        ``report``: each error with ``row``, ``column``, ``cell``, ``what``
        and ``fix``, in the page's language
    :rtype: dictionary
    """
    tk.check_access("territoires_resource_validation_show", context, data_dict)
    resource = _resource(data_dict["id"])
    stored = store.get(resource.id)
    declared = resource.extras.get(jobs.SCHEMA_FIELD)
    offered = registry.get(stored["schema_id"] if stored else declared)
    status = stored["status"] if stored else "none"
    columns = {
        column["name"]: column for column in (offered.descriptor["fields"] if offered else [])
    }
    return {
        "resource_id": resource.id,
        "schema": offered.as_dict() if offered else None,
        "status": status,
        "status_label": messages.status_label(stored["status"] if stored else None),
        "conforming": status == store.VALID,
        "row_count": stored["row_count"] if stored else None,
        "error_count": stored["error_count"] if stored else 0,
        "message": stored["message"] if stored else None,
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


def _pooled(offered: registry.OfferedSchema, commune: str | None, territory_codes):
    found = consolidation.contributions(offered.id)
    dataset = model.Package.get(consolidation.dataset_name(offered.id))
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
    pooled = (_pooled(offered, data_dict.get("commune"), codes) for offered in registry.offered())
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

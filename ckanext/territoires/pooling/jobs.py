"""Background work: validating a resource, then consolidating its schema.

Both run in CKAN's job worker (``ckan jobs worker``, started by ``make
run``), or at once when ``ckanext.territoires.pooling.synchronous`` is on.
"""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territoires.harvesters.messages import HarvestProblem, translate
from ckanext.territoires.translations import N_

from . import config, consolidation, registry, source, store, validation

log = logging.getLogger(__name__)

#: The resource field naming the schema the file follows (an offered schema's id).
SCHEMA_FIELD = "territoires_schema"


def _run(function, *args: Any, title: str) -> None:
    if config.synchronous():
        function(*args)
    else:
        tk.enqueue_job(function, list(args), title=title, rq_kwargs={"timeout": 1800})


def resource_changed(resource: dict[str, Any]) -> None:
    """After a resource is created or updated: validate it when it declares
    a schema; forget its result (and consolidate again) when it no longer does.
    Its data table is xloader's (tables.py)."""
    if not resource.get("id"):
        return
    schema_id = resource.get(SCHEMA_FIELD)
    previous = store.get(resource["id"])
    if not schema_id:
        # (a row without schema is a data table's refused link: tables.py)
        if previous is not None and previous["schema_id"]:
            store.delete(resource["id"])
            model.Session.commit()
            request_consolidation(previous["schema_id"])
        return
    store.save(resource["id"], resource["package_id"], schema_id, store.PENDING)
    model.Session.commit()
    _run(validate_resource, resource["id"], title=f"territoires: validate {resource['id']}")
    if previous is not None and previous["schema_id"] != schema_id:
        request_consolidation(previous["schema_id"])


def resources_removed(resource_ids: list[str]) -> None:
    """After resources or their dataset are deleted: forget their results
    and pool their schemas again without them."""
    schemas = set()
    for resource_id in resource_ids:
        previous = store.get(resource_id)
        if previous is not None:
            store.delete(resource_id)
            if previous["schema_id"]:
                schemas.add(previous["schema_id"])
    if schemas:
        model.Session.commit()
    for schema_id in sorted(schemas):
        request_consolidation(schema_id)


def dataset_updated(pkg_dict: dict[str, Any]) -> None:
    """After a dataset is updated: the pooled datasets of its conforming
    files' schemas are built again, so that a dataset made private leaves
    them (private data is never pooled: the pooled datasets are public) and
    one made public again joins them at once."""
    if not pkg_dict.get("id") or consolidation.is_pooled(pkg_dict.get("name") or ""):
        return
    schemas = {
        result["schema_id"]
        for result in store.of_package(pkg_dict["id"])
        if result["status"] == store.VALID and result["schema_id"]
    }
    for schema_id in sorted(schemas):
        request_consolidation(schema_id)


def resource_ids_of(package_id: str | None) -> list[str]:
    """Ids of the resources of a dataset (deleted with it or not)."""
    package = model.Package.get(package_id) if package_id else None
    if package is None:
        return []
    return [
        resource_id
        for (resource_id,) in model.Session.query(model.Resource.id).filter(
            model.Resource.package_id == package.id
        )
    ]


def request_consolidation(schema_id: str) -> None:
    _run(consolidate_schema, schema_id, title=f"territoires: consolidate {schema_id}")


def validate_resource(resource_id: str) -> dict[str, Any] | None:
    """Validate the resource's file against its declared schema, store the
    result, then consolidate the schema. Returns the stored result."""
    try:
        resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource_id})
    except tk.ObjectNotFound:
        store.delete(resource_id)
        model.Session.commit()
        return None
    schema_id = resource.get(SCHEMA_FIELD)
    if not schema_id:
        store.delete(resource_id)
        model.Session.commit()
        return None
    _validate(resource, schema_id)
    model.Session.commit()
    request_consolidation(schema_id)
    return store.get(resource_id)


def _validate(resource: dict[str, Any], schema_id: str) -> None:
    keys = (resource["id"], resource["package_id"], schema_id)
    schema = registry.get(schema_id)
    if schema is None:
        message = translate(N_("The schema %(schema)s is not offered by this portal.")) % {
            "schema": schema_id
        }
        store.save(*keys, store.ERROR, message=message)
        return
    try:
        with source.local_copy(resource) as path:
            outcome = validation.validate_file(path, schema.descriptor, config.max_errors())
    except HarvestProblem as problem:
        store.save(*keys, store.ERROR, message=problem.render())
        return
    except Exception as error:  # any unreadable file is reported, not raised
        log.warning("Validation of %s failed: %s", resource["id"], error)
        message = translate(N_("The file could not be read: %(error)s")) % {
            "error": str(error)[:300]
        }
        store.save(*keys, store.ERROR, message=message)
        return
    store.save(
        *keys,
        store.VALID if outcome.valid else store.INVALID,
        row_count=outcome.row_count,
        errors=outcome.errors,
        error_count=outcome.error_count,
    )
    if not outcome.valid:
        from . import tables  # (tables reads this module's SCHEMA_FIELD)

        model.Session.commit()
        tables.reload_guessed(resource["id"])


def consolidate_schema(schema_id: str) -> None:
    """Rebuild the pooled dataset of ``schema_id``."""
    result = consolidation.consolidate(schema_id)
    if result.problem:
        log.warning("Pooled dataset of %s not built: %s", schema_id, result.problem)
    model.Session.commit()

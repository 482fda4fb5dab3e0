"""Actions of the harvesters of ckanext-territoires."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate
from ckanext.harvest.model import HarvestSource

from ckanext.territoires.harvesters import preview, stale
from ckanext.territoires.harvesters.logic import schema

__all__ = ["harvest_jobs_run", "territoires_harvest_close_stale", "territoires_harvest_preview"]


def _request_locale() -> str | None:
    try:
        return str(tk.h.lang())
    except Exception:  # no request (CLI, worker)
        return None


@tk.side_effect_free
@validate(schema.territoires_harvest_preview)
def territoires_harvest_preview(context, data_dict) -> dict[str, Any]:
    """Dry run of a harvest source: what a harvest would create, update,
    restore, withdraw or archive, and the coverage it would give the first
    records. Writes nothing.

    :param id: the harvest source's id or name
    :type id: string
    :param limit: how many records to describe in detail (default 10)
    :type limit: int

    :returns: ``source``, ``complete`` (the whole listing was read),
        ``error``, ``empty``, ``listed``, ``counts`` (create, update,
        unchanged, restore, unknown, errors), ``items`` (identifier, title,
        action, coverage, coverage_origin, coverage_whole, coverage_steps
        (each rule applied: ``rule``, ``label``, ``codes``, ``note``),
        problems, organization),
        ``item_errors``, ``withdrawn``, ``archive``, ``withdraw``
    :rtype: dictionary
    """
    tk.check_access("territoires_harvest_preview", context, data_dict)
    source = HarvestSource.get(data_dict["id"])
    if source is None:
        source_dict = tk.get_action("harvest_source_show")(context, {"id": data_dict["id"]})
        source = HarvestSource.get(source_dict["id"])
    if source is None:
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    try:
        return preview.preview_source(source, data_dict.get("limit", 10), _request_locale())
    except preview.PreviewError as error:
        raise tk.ValidationError({"id": [str(error)]}) from error


@validate(schema.territoires_harvest_close_stale)
def territoires_harvest_close_stale(context, data_dict) -> list[str]:
    """Close the harvest jobs left "Running" without progress (dead worker).

    :param minutes: minutes without progress after which a job is stale
        (default ``ckanext.territoires.harvest.stale_minutes``)
    :type minutes: int

    :returns: the ids of the jobs closed
    :rtype: list of strings
    """
    tk.check_access("territoires_harvest_close_stale", context, data_dict)
    return stale.close_stale_jobs(data_dict.get("minutes"))


@tk.chained_action
def harvest_jobs_run(up_func, context, data_dict):
    """ckanext-harvest's ``harvest_jobs_run``, after closing stale jobs.

    :param source_id: as ckanext-harvest's (optional)
    :type source_id: string
    """
    tk.check_access("harvest_jobs_run", context, data_dict)
    stale.close_stale_jobs()
    return up_func(context, data_dict)

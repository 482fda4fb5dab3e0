"""Actions of the harvesters of ckanext-territoires."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.lib import plugins as lib_plugins
from ckan.logic import validate
from ckanext.harvest.model import HarvestSource
from ckanext.harvest.utils import DATASET_TYPE_NAME

from ckanext.territoires.harvesters import preview, source_config, source_form, stale, warnings
from ckanext.territoires.harvesters.logic import schema
from ckanext.territoires.harvesters.messages import request_locale

__all__ = [
    "harvest_abort_failed_jobs",
    "harvest_job_report",
    "harvest_job_show",
    "harvest_jobs_run",
    "package_create",
    "package_update",
    "territoires_harvest_close_stale",
    "territoires_harvest_preview",
]


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
        action, coverage, coverage_origin, coverage_origin_label,
        coverage_whole, coverage_steps (each rule applied: ``rule``,
        ``label``, ``codes``, ``note``), problems, organization,
        organization_title),
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
        return preview.preview_source(source, data_dict.get("limit", 10), request_locale())
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


@tk.side_effect_free
@tk.chained_action
def harvest_job_show(up_func, context, data_dict):
    """ckanext-harvest's ``harvest_job_show``; ``stats`` also counts the
    records harvested with warnings (``warnings``: coverage or mapping
    problems, which are not errors).

    :param id: the job's id
    :type id: string
    """
    tk.check_access("harvest_job_show", context, data_dict)
    job = up_func(context, data_dict)
    if isinstance(job, dict) and isinstance(job.get("stats"), dict):
        job["stats"]["warnings"] = len(warnings.of_job(job["id"]))
    return job


@tk.side_effect_free
@tk.chained_action
def harvest_job_report(up_func, context, data_dict):
    """ckanext-harvest's ``harvest_job_report``, with ``warnings``: by
    harvest object id, its ``guid``, its ``warnings`` and whether they were
    written by an earlier job and last (``carried``).

    :param id: the job's id
    :type id: string
    """
    tk.check_access("harvest_job_report", context, data_dict)
    report = up_func(context, data_dict)
    report["warnings"] = warnings.of_job(data_dict.get("id") or "")
    return report


#: Stands for a refused URL while the other fields are validated (ckanext-
#: harvest's own URL check fails on a malformed one).
STAND_IN_URL = "http://refused.invalid/"


def _other_errors(context, data_dict, action: str, package) -> dict[str, Any]:
    """ckanext-harvest's validation of the fields of a source other than its
    (refused) URL, without saving anything."""
    plugin = lib_plugins.lookup_package_plugin(DATASET_TYPE_NAME)
    if action == "package_create":
        source_schema = plugin.create_package_schema()
    else:
        source_schema = plugin.update_package_schema()
    _data, errors = lib_plugins.plugin_validate(
        plugin,
        dict(context, package=package),
        dict(data_dict, url=STAND_IN_URL),
        source_schema,
        action,
    )
    errors.pop("url", None)
    return errors


def _refuse_sysadmin_options(context, data_dict) -> None:
    """``publish_for_communes`` lets a source publish in other organisations:
    only a sysadmin may set it."""
    raw = data_dict.get("config") or ""
    if source_config.PUBLISH_FOR_COMMUNES not in str(raw):
        return
    if authz.is_sysadmin(context.get("user")):
        return
    raise tk.ValidationError(
        {
            "config": [
                tk._('Only a sysadmin may set the option "%(key)s".')
                % {"key": source_config.PUBLISH_FOR_COMMUNES}
            ]
        }
    )


def _save_source(up_func, context, data_dict, action: str, package=None):
    """Check a harvest source as a harvest would before ``up_func`` saves it;
    every error at once, on its field, in the page's language."""
    tk.check_access(action, context, data_dict)
    _refuse_sysadmin_options(context, data_dict)
    stored = HarvestSource.get(package.id) if package is not None else None
    found = source_form.problems(data_dict, stored.type if stored is not None else None)
    if found:  # every error at once: the URL's, and those of the other fields
        errors = {**_other_errors(context, data_dict, action, package), **found}
        raise tk.ValidationError(source_form.translate_errors(errors))
    try:
        return up_func(context, data_dict)
    except tk.ValidationError as error:
        if isinstance(error.error_dict, dict):
            raise tk.ValidationError(source_form.translate_errors(error.error_dict)) from error
        raise


@tk.chained_action
def package_create(up_func, context, data_dict):
    """CKAN's ``package_create``; a harvest source of a territoires kind is
    first checked as its harvester will check it (a URL it would refuse is a
    validation error on ``url``, with the reason).

    :param type: as CKAN's (``harvest`` for a harvest source); the other
        parameters too
    :type type: string
    """
    if data_dict.get("type") != DATASET_TYPE_NAME:
        return up_func(context, data_dict)
    return _save_source(up_func, context, data_dict, "package_create")


@tk.chained_action
def package_update(up_func, context, data_dict):
    """CKAN's ``package_update``; a harvest source of a territoires kind is
    first checked as its harvester will check it (see ``package_create``).

    :param id: as CKAN's; the other parameters too
    :type id: string
    """
    package = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if package is None or package.type != DATASET_TYPE_NAME:
        return up_func(context, data_dict)
    return _save_source(up_func, context, data_dict, "package_update", package)


@tk.chained_action
def harvest_abort_failed_jobs(up_func, context, data_dict):
    """ckanext-harvest's ``harvest_abort_failed_jobs``, which checked no
    access at all: sysadmins only, as ``harvest_jobs_run``.

    :param: as ckanext-harvest's
    """
    tk.check_access("harvest_jobs_run", context, data_dict)
    return up_func(context, data_dict)

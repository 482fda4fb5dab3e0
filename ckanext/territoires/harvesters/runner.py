"""Run a harvest job now, in this process (CLI, demo, tests).

What ckanext-harvest's gather and fetch consumers do with a job from the
Redis queues, done synchronously: create the job, gather, then fetch and
import each object, then let ``harvest_jobs_run`` close the job. Used by
``ckan territoires harvest run`` (with a progress bar) and by ``ckan
territoires demo``; production harvests go through the queues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.logic import HarvestJobExists
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

Progress = Callable[[Iterable[str]], Iterable[str]]


class RunError(RuntimeError):
    pass


def _site_context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": user["name"], "ignore_auth": True}


def run_source(source_id_or_name: str, progress: Progress | None = None) -> dict:
    """Harvest a source now; returns the finished job (as harvest_job_show)."""
    context = _site_context()
    source_dict = tk.get_action("harvest_source_show")(context, {"id": source_id_or_name})
    source = HarvestSource.get(source_dict["id"])
    harvester = queue.get_harvester(source.type)
    if harvester is None:
        raise RunError(f"No harvester plugin of type {source.type} is enabled.")
    try:
        job_dict = tk.get_action("harvest_job_create")(
            dict(context), {"source_id": source.id, "run": False}
        )
    except HarvestJobExists:
        raise RunError(
            f"The source {source_dict['name']} already has a new or running job; "
            "wait for it, or close it with `ckan harvester job-abort`."
        ) from None
    source_id, job_id = source.id, job_dict["id"]
    job = HarvestJob.get(job_id)
    job.status = "Running"
    job.save()
    object_ids = queue.gather_stage(harvester, job)
    object_ids = object_ids if isinstance(object_ids, list) else []
    for object_id in progress(object_ids) if progress else object_ids:
        harvest_object = HarvestObject.get(object_id)
        if harvest_object is not None:
            queue.fetch_and_import_stages(harvester, harvest_object)
    model.Session.remove()
    tk.get_action("harvest_jobs_run")(_site_context(), {"source_id": source_id})
    return tk.get_action("harvest_job_show")(_site_context(), {"id": job_id})

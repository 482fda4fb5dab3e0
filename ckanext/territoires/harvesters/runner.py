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

from .messages import N_, HarvestProblem

Progress = Callable[[Iterable[str]], Iterable[str]]


class RunError(HarvestProblem):
    """A harvest that cannot start; the message says why, in any language."""


class JobUnderWay(RunError):
    """The source already has a job waiting or running (the consumers' to finish)."""


def site_context() -> dict:
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"model": model, "session": model.Session, "user": user["name"], "ignore_auth": True}


def run_source(source_id_or_name: str, progress: Progress | None = None) -> dict:
    """Harvest a source now; returns the finished job (as harvest_job_show)."""
    context = site_context()
    source_dict = tk.get_action("harvest_source_show")(context, {"id": source_id_or_name})
    source = HarvestSource.get(source_dict["id"])
    harvester = queue.get_harvester(source.type)
    if harvester is None:
        raise RunError(N_("No harvester plugin of type %(type)s is enabled."), type=source.type)
    try:
        job_dict = tk.get_action("harvest_job_create")(
            dict(context), {"source_id": source.id, "run": False}
        )
    except HarvestJobExists:
        raise JobUnderWay(
            N_(
                "The source %(source)s already has a harvest waiting or running: wait for it "
                "to finish (the gather and fetch consumers of `make run` run it), or stop it "
                "with the Stop button of the source's admin page (or `ckan harvester "
                "job-abort %(source)s`)."
            ),
            source=source_dict["name"],
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
    tk.get_action("harvest_jobs_run")(site_context(), {"source_id": source_id})
    return tk.get_action("harvest_job_show")(site_context(), {"id": job_id})

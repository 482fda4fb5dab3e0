"""The harvest scheduler: ckanext-harvest's ``ckan harvester run``, in rounds.

Each round calls ``harvest_jobs_run`` (chained by this plugin so that dead
jobs are closed first, see :mod:`.stale`), which creates and queues a job
for every active source whose frequency is due, marks finished the running
jobs whose records are all done, and queues again what Redis lost. The jobs
themselves are run by ckanext-harvest's gather and fetch consumers.
``ckan territoires harvest scheduler`` runs a round every few seconds (one
of the processes of ``make run``), or once with ``--once`` (for a cron).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.model import HarvestJob, HarvestSource

from .runner import site_context

OPEN = ("New", "Running")


@dataclass
class Round:
    """What a round did: the jobs it started and those it found finished
    (``harvest_job_show`` dictionaries, with the ``source_title``)."""

    started: list[dict[str, Any]] = field(default_factory=list)
    finished: list[dict[str, Any]] = field(default_factory=list)


def _open_jobs() -> set[str]:
    return {
        job_id
        for (job_id,) in model.Session.query(HarvestJob.id).filter(HarvestJob.status.in_(OPEN))
    }


def _job(job_id: str) -> dict[str, Any]:
    job = tk.get_action("harvest_job_show")(site_context(), {"id": job_id})
    source = HarvestSource.get(job["source_id"])
    job["source_title"] = source.title if source is not None else job["source_id"]
    return job


def run_round() -> Round:
    """One round (see the module doc)."""
    try:
        before = _open_jobs()
        tk.get_action("harvest_jobs_run")(site_context(), {})
        model.Session.remove()  # read what the consumers committed meanwhile, afresh
        after = _open_jobs()
        done = (
            model.Session.query(HarvestJob.id)
            .filter(HarvestJob.id.in_(before), HarvestJob.status == "Finished")
            .all()
            if before
            else []
        )
        return Round(
            started=[_job(job_id) for job_id in sorted(after - before)],
            finished=[_job(job_id) for (job_id,) in done],
        )
    finally:
        model.Session.remove()

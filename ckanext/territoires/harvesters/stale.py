"""Harvest jobs stuck in "Running" after their worker died.

ckanext-harvest marks a job finished only when all its objects are done;
when a gather or fetch worker is killed, its objects never finish and the
job stays "Running" for ever, which also blocks new jobs of the source. A
running job without any progress (gathering, fetching, importing) for
``ckanext.territoires.harvest.stale_minutes`` is closed here: its
unfinished objects are marked in error with the reason, the job gets a
gather error saying why, and it is finished. The next harvest of the
source picks up what that job did not do (unfinished records were not
imported, so they are compared again).

A worker still working for a closed job (blocked in a download, say) is
told to stop: :class:`StopCheck` answers True once its job is "Finished",
and the gather loop, the HTTP client between reads, and the fetch and
import stages ask it.

Called before ckanext-harvest's own ``harvest_jobs_run`` (so ``ckan
harvester run`` in cron takes care of it) and by ``ckan territoires
harvest close-stale``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import sqlalchemy as sa
from ckan import model
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
)

from . import config, provenance
from .messages import N_, Message

log = logging.getLogger(__name__)
FINAL_STATES = ("COMPLETE", "ERROR")


def job_closed(job_id: str | None) -> bool:
    """True when the job was finished (closed as stale) while a worker still
    works for it: read from the database now, not from the worker's session."""
    if not job_id:
        return False
    status = model.Session.execute(
        sa.text("SELECT status FROM harvest_job WHERE id = :id"), {"id": job_id}
    ).scalar()
    return status == "Finished"


class StopCheck:
    """``check()`` is True once the job was closed; it asks the database at
    most every ``every`` seconds (it is called between reads)."""

    def __init__(self, job_id: str | None, every: float = 5.0):
        self.job_id = job_id
        self.every = every
        self.next_check = 0.0
        self.stopped = False

    def __call__(self) -> bool:
        if self.stopped:
            return True
        now = time.monotonic()
        if now >= self.next_check:
            self.next_check = now + self.every
            self.stopped = job_closed(self.job_id)
        return self.stopped


def last_progress(job: HarvestJob) -> dt.datetime:
    """The latest moment the job did anything."""
    latest = (
        model.Session.query(
            sa.func.max(
                sa.func.greatest(
                    HarvestObject.gathered,
                    HarvestObject.fetch_started,
                    HarvestObject.fetch_finished,
                    HarvestObject.import_started,
                    HarvestObject.import_finished,
                )
            )
        )
        .filter(HarvestObject.harvest_job_id == job.id)
        .scalar()
    )
    moments = [
        moment
        for moment in (job.created, job.gather_started, job.gather_finished, latest)
        if moment is not None
    ]
    return max(moments)


def stale_jobs(minutes: int | None = None, now: dt.datetime | None = None) -> list[HarvestJob]:
    minutes = config.stale_minutes() if minutes is None else minutes
    now = now or dt.datetime.utcnow()
    limit = dt.timedelta(minutes=minutes)
    running = model.Session.query(HarvestJob).filter(HarvestJob.status == "Running").all()
    return [job for job in running if now - last_progress(job) > limit]


def _imported(obj: HarvestObject) -> bool:
    """The object's dataset was written by this very import (a worker killed
    between the dataset's commit and the object's): its provenance says when
    it was harvested, after the import started."""
    if obj.state != "IMPORT" or not obj.package_id or obj.import_started is None:
        return False
    package = model.Package.get(obj.package_id)
    if package is None or package.state != "active":
        return False
    harvested = provenance.parse_moment(package.extras.get(provenance.HARVESTED))
    started = obj.import_started.replace(tzinfo=dt.timezone.utc)
    return harvested is not None and harvested >= started - dt.timedelta(seconds=1)


def close(job: HarvestJob, minutes: int, now: dt.datetime | None = None) -> int:
    """Close one stale job; returns how many objects were left unfinished.

    An object whose dataset was completely written (its worker was killed
    just after) is COMPLETE; the others are in ERROR: every object ends in
    a final state."""
    now = now or dt.datetime.utcnow()
    since = last_progress(job)
    unfinished = (
        model.Session.query(HarvestObject)
        .filter(HarvestObject.harvest_job_id == job.id, ~HarvestObject.state.in_(FINAL_STATES))
        .all()
    )
    reason = Message(
        N_(
            "Not processed: the harvest job was closed because it made no progress "
            "for %(minutes)s minutes (its worker was probably stopped)."
        ),
        minutes=minutes,
    ).render()
    left = 0
    for obj in unfinished:
        if _imported(obj):
            # killed after its dataset was written: the import is done
            obj.state = "COMPLETE"
            obj.import_finished = obj.import_finished or now
            continue
        left += 1
        obj.state = "ERROR"
        obj.report_status = "errored"
        model.Session.add(HarvestObjectError(message=reason, object=obj, stage="Fetch"))
    model.Session.add(
        HarvestGatherError(
            job=job,
            message=Message(
                N_(
                    "Job closed by the stale job check: no progress since %(since)s UTC, %(count)s "
                    "items left unprocessed. The next harvest will take them up."
                ),
                since=since.strftime("%Y-%m-%d %H:%M"),
                count=left,
            ).render(),
        )
    )
    if job.gather_finished is None:
        job.gather_finished = now
    job.status = "Finished"
    job.finished = now
    model.Session.commit()
    log.warning("Closed stale harvest job %s (%s unfinished objects)", job.id, left)
    return left


def close_stale_jobs(minutes: int | None = None, now: dt.datetime | None = None) -> list[str]:
    """Close every stale job; returns their ids."""
    minutes = config.stale_minutes() if minutes is None else minutes
    closed = []
    for job in stale_jobs(minutes, now):
        close(job, minutes, now)
        closed.append(job.id)
    return closed

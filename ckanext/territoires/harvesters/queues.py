"""Harvest records put back on the fetch queue only when really lost.

ckanext-harvest's ``harvest_jobs_run`` (each round of the scheduler, or
``ckan harvester run``) ends with ``resubmit_objects``: every record still
``WAITING`` in the database and absent from the Redis fetch list is queued
again. It reads the database first and the list afterwards, and does not
look at the records a fetch consumer has taken from the list but not yet
marked ``FETCH`` (Redis keeps them under ``<fetch routing key>:<id>`` while
they are processed). A record taken by a consumer in between is queued a
second time: it is fetched and imported twice, and when the second copy
arrives after its job was closed, ckanext-harvest marks the record, already
imported, "errored" (a job of 21 records reported 20 added, 1 error). The
more fetch consumers share the queue, the more often it happens.

:func:`resubmit_lost_objects` takes its place (:func:`install`): it reads
Redis first (the list and the records being processed), then the database,
and queues again only the ``WAITING`` records that are in neither and were
gathered more than :data:`LOST_AFTER` ago, so that a record between
``BLPOP`` and its in-flight key is never taken for lost. A record really
lost (Redis restarted, a consumer killed before taking it in hand) is still
queued again, one round after that delay.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.logic.action import update as harvest_update
from ckanext.harvest.model import HarvestObject

log = logging.getLogger(__name__)

#: A WAITING record neither queued nor in hand for this long is lost.
LOST_AFTER = dt.timedelta(seconds=60)


def _queued_and_in_hand(redis, routing_key: str) -> set[str]:
    ids = set()
    for message in redis.lrange(routing_key, 0, -1):
        try:
            ids.add(json.loads(message)["harvest_object_id"])
        except (ValueError, KeyError, TypeError):
            continue
    prefix = routing_key + ":"
    for key in redis.scan_iter(match=prefix + "*"):
        key = key.decode() if isinstance(key, bytes) else key
        ids.add(key[len(prefix) :])
    return ids


def lost_objects(now: dt.datetime | None = None) -> list[str]:
    """Ids of the WAITING records that no queue holds and no consumer has
    in hand, gathered more than :data:`LOST_AFTER` ago."""
    redis = queue.get_connection()
    known = _queued_and_in_hand(redis, queue.get_fetch_routing_key())  # Redis first
    cutoff = (now or dt.datetime.utcnow()) - LOST_AFTER
    waiting = model.Session.query(HarvestObject.id).filter(
        HarvestObject.state == "WAITING", HarvestObject.gathered < cutoff
    )
    return [object_id for (object_id,) in waiting if object_id not in known]


def resubmit_lost_objects() -> None:
    """ckanext-harvest's ``resubmit_objects``, without the duplicates (module doc)."""
    if (tk.config.get("ckan.harvest.mq.type") or queue.MQ_TYPE) != "redis":
        return
    lost = lost_objects()
    if not lost:
        return
    publisher = queue.get_fetch_publisher()
    try:
        for object_id in lost:
            log.info("Harvest record %s was lost from the fetch queue: queued again", object_id)
            publisher.send({"harvest_object_id": object_id})
    finally:
        publisher.close()


def install() -> None:
    """Make ``harvest_jobs_run`` call :func:`resubmit_lost_objects`."""
    harvest_update.resubmit_objects = resubmit_lost_objects

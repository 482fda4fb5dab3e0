"""Records put back on the fetch queue by ``harvest_jobs_run`` (each round of
the scheduler): only the lost ones, never one a fetch consumer has in hand
(``queues.py``)."""

from __future__ import annotations

import datetime as dt
import json

import ckan.tests.helpers as helpers
from ckan import model
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source

pytestmark = harvest_marks()


def queued_ids(redis) -> list[str]:
    key = queue.get_fetch_routing_key()
    return [json.loads(message)["harvest_object_id"] for message in redis.lrange(key, 0, -1)]


def waiting_records(count: int, gathered: dt.datetime) -> list[str]:
    source = create_source("http://127.0.0.1:1/catalogue.ttl", "territoires_dcat")
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    ids = []
    for number in range(count):
        record = HarvestObject(
            guid=f"record-{number}", job=HarvestJob.get(job["id"]), state="WAITING"
        )
        record.gathered = gathered
        record.save()
        ids.append(record.id)
    return ids


def test_a_record_a_consumer_has_in_hand_is_not_queued_again():
    queue.purge_queues()
    redis = queue.get_connection()
    long_ago = dt.datetime.utcnow() - dt.timedelta(hours=1)
    in_hand, queued, lost = waiting_records(3, long_ago)
    key = queue.get_fetch_routing_key()
    # what a fetch consumer does when it takes a record (BLPOP, then its
    # in-flight key) before the record is marked FETCH in the database
    redis.set(f"{key}:{in_hand}", str(dt.datetime.now()))
    redis.rpush(key, json.dumps({"harvest_object_id": queued}))
    helpers.call_action("harvest_jobs_run")
    assert sorted(queued_ids(redis)) == sorted([queued, lost])  # the lost one, once
    helpers.call_action("harvest_jobs_run")
    assert queued_ids(redis).count(lost) == 1
    queue.purge_queues()


def test_a_record_just_gathered_is_left_to_the_consumers():
    """Between BLPOP and the in-flight key a record is nowhere in Redis: a
    record gathered a moment ago is not taken for lost."""
    queue.purge_queues()
    redis = queue.get_connection()
    [just_now] = waiting_records(1, dt.datetime.utcnow())
    helpers.call_action("harvest_jobs_run")
    assert queued_ids(redis) == []
    model.Session.query(HarvestObject).filter_by(id=just_now).update(
        {"gathered": dt.datetime.utcnow() - dt.timedelta(minutes=5)}
    )
    model.Session.commit()
    helpers.call_action("harvest_jobs_run")
    assert queued_ids(redis) == [just_now]
    queue.purge_queues()

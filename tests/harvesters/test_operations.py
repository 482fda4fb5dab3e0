"""Running harvests: synchronously (``ckan territoires harvest run``), through
the Redis queues end to end, ``ckan harvester run-test``, on schedule.
(Preview: test_preview.py; stale jobs: test_stale.py.)"""

from __future__ import annotations

import datetime as dt
import json

import ckan.tests.helpers as helpers
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestSource

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, harvested

pytestmark = harvest_marks()


def test_run_cli_harvests_with_a_summary(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    result = harvest_cli.invoke(ckan_command, ["territoires", "harvest", "run", source["name"]])
    assert result.exit_code == 0, result.output
    assert "Finished; added: 5" in result.stdout
    assert len(harvested(source["id"])) == 5


def test_ckan_harvester_run_test_end_to_end(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    result = harvest_cli.invoke(ckan_command, ["harvester", "run-test", source["name"]])
    assert result.exit_code == 0, result.output
    assert len(harvested(source["id"])) == 5
    job = helpers.call_action("harvest_job_list", source_id=source["id"])[0]
    assert job["status"] == "Finished" and job["stats"]["added"] == 5


def test_through_the_redis_queues(remote):
    """What the gather and fetch consumers do, message by message."""
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    gather, fetch = queue.get_gather_consumer(), queue.get_fetch_consumer()
    gather.queue_purge()
    fetch.queue_purge()
    job = helpers.call_action("harvest_job_create", source_id=source["id"])  # run: queued
    method, _channel, body = gather.basic_get("ignored")
    assert json.loads(body) == {"harvest_job_id": job["id"]}
    queue.gather_callback(gather, method, None, body)
    fetched = 0
    while True:
        method, _channel, body = fetch.basic_get("ignored")
        if body is None:
            break
        queue.fetch_callback(fetch, method, None, body)
        fetched += 1
    assert fetched == 5
    helpers.call_action("harvest_jobs_run", source_id=source["id"])
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "Finished"
    assert len(harvested(source["id"])) == 5


def test_a_scheduled_source_is_run_by_harvester_run(remote):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"}, frequency="DAILY")
    HarvestSource.get(source["id"]).next_run = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    helpers.call_action("harvest_jobs_run")
    jobs = helpers.call_action("harvest_job_list", source_id=source["id"])
    assert len(jobs) == 1 and jobs[0]["status"] == "Running"  # sent to the gather queue
    assert HarvestSource.get(source["id"]).next_run > dt.datetime.utcnow()

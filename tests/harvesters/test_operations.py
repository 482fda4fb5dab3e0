"""Operations: preview (CLI and API), synchronous run, stale jobs, the
Redis queues end to end, ``ckan harvester run-test``, scheduling."""

from __future__ import annotations

import datetime as dt
import json

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.fake_apis import FakeCkan, recorded_ckan_datasets
from tests.harvesters.helpers import create_source, harvested, run

pytestmark = harvest_marks()


@pytest.fixture
def remote(server):
    fake = FakeCkan(recorded_ckan_datasets())
    return fake, fake.mount(server)


def counts():
    return (
        model.Session.query(HarvestJob).count(),
        model.Session.query(HarvestObject).count(),
        model.Session.query(model.Package).filter_by(type="dataset").count(),
    )


def test_preview_api_describes_and_writes_nothing(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Bron", "grace_days": 0})
    before = counts()
    preview = helpers.call_action("territoires_harvest_preview", id=source["name"], limit=2)
    assert counts() == before
    assert preview["complete"] and preview["listed"] == 5
    assert preview["counts"]["create"] == 5
    assert len(preview["items"]) == 2
    item = preview["items"][0]
    assert item["action"] == "create" and item["title"]
    assert item["coverage"] == [{"insee": "69029", "name": "Bron"}]
    assert item["coverage_origin"] == "pinned"

    run(source)
    fake.datasets.pop(0)
    fake.datasets[0]["metadata_modified"] = "2035-01-01T00:00:00"
    fake.datasets[0]["title"] = "Changed"
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"], limit=10)
    assert preview["archive"] == 1 and preview["withdraw"] == 0
    actions = {item["identifier"]: item["action"] for item in preview["items"]}
    assert actions[fake.datasets[0]["id"]] == "update"
    assert sorted(actions.values()).count("unchanged") == 3
    assert len(harvested(source["id"], public_only=True)) == 5  # still nothing written


def test_preview_is_for_the_source_editors(remote):
    organization = factories.Organization()
    source = create_source(
        remote[1], "territoires_ckan", {"pin": "*"}, owner_org=organization["id"]
    )
    editor = factories.User()
    helpers.call_action(
        "organization_member_create", id=organization["id"], username=editor["name"], role="editor"
    )
    assert (
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": editor["name"], "ignore_auth": False},
            id=source["id"],
            limit=1,
        )["listed"]
        == 5
    )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": factories.User()["name"], "ignore_auth": False},
            id=source["id"],
        )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_harvest_preview",
            context={"user": "", "ignore_auth": False},
            id=source["id"],
        )


def test_preview_of_a_failing_source_says_nothing_would_change(server):
    from tests.harvesters.server import Answer

    url = server.add("/catalog", Answer(500, b"down"))
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    preview = helpers.call_action("territoires_harvest_preview", id=source["id"])
    assert not preview["complete"] and "HTTP 500" in preview["error"]


def test_preview_cli_in_french_and_json(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "Bron"})
    result = harvest_cli.invoke(
        ckan_command,
        ["territoires", "harvest", "preview", source["name"], "--limit", "1", "--locale", "fr"],
    )
    assert result.exit_code == 0, result.output
    assert "Jeux de données listés : 5" in result.stdout
    assert "[créer]" in result.stdout and "Bron (69029)" in result.stdout
    english = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "preview", source["name"], "--locale", "en"]
    )
    assert "Datasets listed: 5" in english.stdout
    as_json = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "preview", source["name"], "--json"]
    )
    assert json.loads(as_json.stdout)["counts"]["create"] == 5
    missing = harvest_cli.invoke(ckan_command, ["territoires", "harvest", "preview", "nope"])
    assert missing.exit_code == 1 and "No harvest source" in missing.stderr


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


def test_close_stale_cli(remote, harvest_cli):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    long_ago = dt.datetime.utcnow() - dt.timedelta(days=1)
    model.Session.query(HarvestJob).filter_by(id=job["id"]).update(
        {"status": "Running", "created": long_ago}
    )
    model.Session.commit()
    fresh = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "close-stale", "--minutes", "2000"]
    )
    assert "stale jobs closed: 0" in fresh.stdout
    result = harvest_cli.invoke(ckan_command, ["territoires", "harvest", "close-stale"])
    assert result.exit_code == 0 and "stale jobs closed: 1" in result.stdout
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "Finished"


def test_close_stale_action_is_for_sysadmins():
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_harvest_close_stale",
            context={"user": factories.User()["name"], "ignore_auth": False},
        )
    assert (
        helpers.call_action(
            "territoires_harvest_close_stale",
            context={"user": factories.Sysadmin()["name"], "ignore_auth": False},
        )
        == []
    )


def test_a_scheduled_source_is_run_by_harvester_run(remote):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"}, frequency="DAILY")
    HarvestSource.get(source["id"]).next_run = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()
    helpers.call_action("harvest_jobs_run")
    jobs = helpers.call_action("harvest_job_list", source_id=source["id"])
    assert len(jobs) == 1 and jobs[0]["status"] == "Running"  # sent to the gather queue
    assert HarvestSource.get(source["id"]).next_run > dt.datetime.utcnow()

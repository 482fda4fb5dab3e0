"""Harvest jobs left running by a dead worker (``stale.py``): closed by the
CLI and the action."""

from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckanext.harvest.model import HarvestJob

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source

pytestmark = harvest_marks()


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


def test_a_job_closed_as_stale_stops_its_worker(remote):
    """Its worker, still alive, asks before each stage and between reads:
    once the job is closed it fetches and imports nothing more."""
    from ckanext.harvest.model import HarvestObject

    from ckanext.territoires.harvesters import stale

    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    model.Session.query(HarvestJob).filter_by(id=job["id"]).update({"status": "Running"})
    obj = HarvestObject(
        guid="x", job=model.Session.get(HarvestJob, job["id"]), harvest_source_id=source["id"]
    )
    obj.content = '{"title": "Jeu"}'
    obj.save()
    check = stale.StopCheck(job["id"], every=0)
    assert not check() and not stale.job_closed(job["id"])

    stale.close(model.Session.get(HarvestJob, job["id"]), minutes=1)
    assert check() and stale.job_closed(job["id"])
    harvester = _harvester("territoires_ckan_harvester")
    assert harvester.fetch_stage(obj) is False
    assert harvester.import_stage(obj) is False
    assert obj.package_id is None


def _harvester(name):
    import ckan.plugins as p

    return p.get_plugin(name)


def test_a_killed_import_ends_in_a_final_state(remote):
    """A worker killed after the dataset's commit but before the object's:
    closing the job marks that object COMPLETE (its dataset is whole), and
    an object killed before its dataset was written ERROR."""
    from ckanext.harvest.model import HarvestObject

    from ckanext.territoires.harvesters import provenance, stale

    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=False)
    harvest_job = model.Session.get(HarvestJob, job["id"])
    harvest_job.status = "Running"
    started = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    dataset = factories.Dataset(
        territoires_harvest_source_id=source["id"],
        territoires_harvested=provenance.isoformat(started.replace(tzinfo=dt.timezone.utc)),
    )
    done = HarvestObject(guid="done", job=harvest_job, harvest_source_id=source["id"])
    done.state, done.import_started, done.package_id = "IMPORT", started, dataset["id"]
    cut = HarvestObject(guid="cut", job=harvest_job, harvest_source_id=source["id"])
    cut.state, cut.import_started = "IMPORT", started
    done.save()
    cut.save()

    assert stale.close(harvest_job, minutes=1) == 1
    model.Session.expire_all()
    assert model.Session.get(HarvestObject, done.id).state == "COMPLETE"
    assert model.Session.get(HarvestObject, cut.id).state == "ERROR"

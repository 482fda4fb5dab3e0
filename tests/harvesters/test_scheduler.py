"""The harvest scheduler (``ckan territoires harvest scheduler``, one of the
processes of ``make run``): starts the sources whose frequency is due and
closes the jobs the consumers finished."""

from __future__ import annotations

import datetime as dt

import ckan.tests.helpers as helpers
import pytest
from ckan import model
from ckan.cli.cli import ckan as ckan_command
from ckanext.harvest import queue
from ckanext.harvest.model import HarvestSource

from ckanext.territoires.harvesters.scheduler import run_round
from tests.harvesters.conftest import cli_runner, harvest_marks
from tests.harvesters.helpers import create_source, harvested, run_queued_jobs

pytestmark = harvest_marks()


@pytest.fixture(autouse=True)
def empty_queues():
    queue.purge_queues()
    yield
    queue.purge_queues()


def due(source: dict) -> None:
    HarvestSource.get(source["id"]).next_run = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    model.Session.commit()


def test_a_round_starts_the_due_sources_then_closes_their_jobs(remote):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"}, frequency="DAILY")
    manual = create_source(remote[1], "territoires_ckan", {"pin": "Bron"}, name="manual")
    due(source)
    first = run_round()
    assert [job["source_id"] for job in first.started] == [source["id"]]
    assert first.started[0]["source_title"] == source["title"] and first.finished == []
    assert helpers.call_action("harvest_job_list", source_id=manual["id"]) == []
    assert HarvestSource.get(source["id"]).next_run > dt.datetime.utcnow()

    assert run_queued_jobs() == 5  # the consumers' part
    second = run_round()
    assert second.started == []
    [job] = second.finished
    assert job["status"] == "Finished" and job["stats"]["added"] == 5
    assert len(harvested(source["id"])) == 5
    assert run_round().finished == []  # reported once


def test_a_job_started_from_the_page_is_closed_by_the_next_round(remote):
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    job = helpers.call_action("harvest_job_create", source_id=source["id"], run=True)
    run_queued_jobs()
    assert helpers.call_action("harvest_job_show", id=job["id"])["status"] == "Running"
    assert [finished["id"] for finished in run_round().finished] == [job["id"]]


@pytest.mark.parametrize(
    ("locale", "started", "finished"),
    [
        ("en", "Harvest started: Test source.", "Harvest finished: Test source: job "),
        (
            "fr",
            "Moissonnage lancé : Test source.",
            "Moissonnage terminé : Test source : moissonnage ",
        ),
    ],
)
def test_the_command_says_what_it_did_in_the_portal_language(
    remote, ckan_config, tmp_path, locale, started, finished
):
    cli = cli_runner(ckan_config, tmp_path, **{"ckan.locale_default": locale})
    source = create_source(remote[1], "territoires_ckan", {"pin": "*"}, frequency="DAILY")
    due(source)
    result = cli.invoke(ckan_command, ["territoires", "harvest", "scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert started in result.stdout
    run_queued_jobs()
    result = cli.invoke(ckan_command, ["territoires", "harvest", "scheduler", "--once"])
    assert finished in result.stdout, result.stdout
    assert ("ajoutés : 5" if locale == "fr" else "added: 5") in result.stdout

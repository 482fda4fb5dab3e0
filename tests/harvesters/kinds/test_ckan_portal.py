"""CKAN source kind: recorded real CKAN/DKAN datasets behind a local API."""

from __future__ import annotations

import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.fake_apis import FakeCkan, recorded_ckan_datasets
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show

pytestmark = harvest_marks()


def test_first_harvest_creates_one_dataset_per_remote_dataset(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Villeurbanne"})
    job = run(source)
    assert job["status"] == "Finished", gather_errors(job)
    assert job["stats"]["added"] == 5
    datasets = harvested(source["id"])
    assert set(datasets) == {d["id"] for d in fake.datasets}
    french = show(datasets["04be6288-696d-4331-850d-a144871a7e3a"].id)
    assert french["title"].startswith("Antennes régionales de la Région Hauts-de-France")
    assert french["territoires_coverage"] == ["69266"]
    assert french["territoires_source_url"].endswith(
        "/dataset/antennes-regionales-de-la-region-hauts-de-france-au-01102019-0"
    )
    assert french["territoires_harvest_status"] == "current"
    assert french["territoires_harvest_source_id"] == source["id"]
    assert french["resources"]


def test_the_licence_is_recognised_in_the_register(remote, app):
    """The DKAN record names the Licence Ouverte 1.0 by Etalab's page of 2011."""
    _fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Villeurbanne"})
    run(source)
    french = show(harvested(source["id"])["04be6288-696d-4331-850d-a144871a7e3a"].id)
    assert french["license_id"] == "fr-lo"
    page = app.get(f"/fr/dataset/{french['name']}").body
    assert "Licence Ouverte 1.0" in page


def test_unchanged_rerun_reads_no_dataset_and_changes_nothing(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    run(source)
    before = {k: p.metadata_modified for k, p in harvested(source["id"]).items()}
    shows = fake.shows
    job = run(source)
    assert job["stats"]["not modified"] == 5 and job["stats"]["added"] == 0
    assert fake.shows == shows  # incremental: nothing read again
    assert {k: p.metadata_modified for k, p in harvested(source["id"]).items()} == before


def test_a_modified_remote_dataset_is_updated(remote):
    fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "Bron"})
    run(source)
    fake.datasets[0]["title"] = "Nouveau titre"
    fake.datasets[0]["metadata_modified"] = "2030-01-01T00:00:00"
    job = run(source)
    assert job["stats"]["updated"] == 1 and job["stats"]["not modified"] == 4
    assert harvested(source["id"])[fake.datasets[0]["id"]].title == "Nouveau titre"


def test_organisation_filter(remote, server):
    fake, url = remote
    fake.datasets[1]["organization"] = {"name": "ville-de-bron", "title": "Ville de Bron"}
    source = create_source(url, "territoires_ckan", {"organizations": ["ville-de-bron"]})
    job = run(source)
    assert job["stats"]["added"] == 1
    dataset = show(harvested(source["id"])[fake.datasets[1]["id"]].id)
    # the publisher is a commune: coverage from the publisher
    assert dataset["territoires_coverage"] == ["69029"]


def test_portal_ignoring_fl_sends_whole_datasets(server):
    fake = FakeCkan(recorded_ckan_datasets(), honour_fl=False)
    source = create_source(fake.mount(server), "territoires_ckan", {"pin": "*"})
    job = run(source)
    assert job["stats"]["added"] == 5 and fake.shows == 0


def test_unknown_option_is_refused():
    with pytest.raises(Exception) as error:
        create_source("http://127.0.0.1:9/", "territoires_ckan", {"organisations": ["x"]})
    assert "organisations" in str(error.value)

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


def test_dates_languages_frequency_temporal_and_creators_of_the_records(remote):
    """What each recorded portal carries: scheming DCAT fields (the health
    record), ckanext-dcat's legacy extras, ckanext-spatial's ISO extras,
    CKAN's own record dates."""
    _fake, url = remote
    source = create_source(url, "territoires_ckan", {"pin": "*"})
    run(source)
    datasets = {key: show(package.id) for key, package in harvested(source["id"]).items()}
    by_title = {dataset["title"]: dataset for dataset in datasets.values()}
    health = next(d for d in datasets.values() if d.get("provenance"))
    assert health["issued"].startswith("2024-01-01") and health["modified"].startswith("2024-12-31")
    assert health["language"] == ["en", "nl", "fr"]
    assert health["frequency"].endswith("/frequency/DAILY")
    assert health["temporal_coverage"] == [{"start": "2020-03-01", "end": "2024-12-31"}]
    assert health["provenance"] == "This example dataset is partly sourced from TEHDAS2"
    assert health["conforms_to"] == ["http://www.wikidata.org/entity/Q19597236"]
    assert health["creator"][0]["name"] == "Contact Point"
    legacy = next(
        d for d in datasets.values() if "EPSG/0/32636" in " ".join(d.get("conforms_to") or [])
    )
    # ckanext-dcat's dcat_issued / dcat_modified extras, not the record dates
    assert legacy["issued"] == "2012-05-10" and legacy["modified"].startswith("2012-05-10T21:04")
    assert legacy["language"] == ["en", "es", "ca"]
    assert legacy["frequency"].endswith("/frequency/NEVER")  # ISO notPlanned
    assert legacy["temporal_coverage"] == [{"start": "1982", "end": "1986"}]
    creators = [d["creator"] for d in datasets.values() if d.get("creator")]
    assert [{"name": "John Doe", "email": "johndoe@example.com"}] in creators
    # DKAN: ckanext-spatial's ISO dates (HTML-escaped JSON), its graphic
    # preview; its own dates ("mar, 10/12/2019 - 09:23") read day first
    dkan = by_title[next(t for t in by_title if t.startswith("Antennes régionales"))]
    assert dkan["modified"] == "2019-10-01"  # the ISO record's revision
    assert dkan["issued"] == "2019-12-10T09:23"  # no ISO publication: DKAN's own date
    assert dkan["language"] == ["fr"]
    assert dkan["frequency"].endswith("/frequency/IRREG")  # asNeeded
    assert dkan["thumbnail"].startswith("https://geocatalogue.hautsdefrance.fr/")
    assert {r["issued"] for r in dkan["resources"]} == {"2019-12-19T03:00"}

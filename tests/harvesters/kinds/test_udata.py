"""udata / data.gouv.fr source kind: API 1 pages behind a local API."""

from __future__ import annotations

import json

import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show
from tests.harvesters.server import Request, fixture_json, json_answer

pytestmark = harvest_marks()


def mount(server, pages=None):
    pages = pages or {
        "1": fixture_json("udata", "datasets-page-1.json"),
        "2": fixture_json("udata", "datasets-page-2.json"),
    }

    def datasets(request: Request):
        page = json.loads(
            json.dumps(pages[request.arg("page", "1")]).replace(
                "https://www.data.gouv.fr/api/1/datasets/", server.url("/api/1/datasets/")
            )
        )
        return json_answer(page)

    server.add("/api/1/datasets/", datasets)
    return server.url("/")


def test_datasets_are_harvested_with_their_zones(server, lyon):
    source = create_source(mount(server), "territoires_udata")
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    # the archived one is not harvested
    assert set(datasets) == {
        "5f3c2a1b9e8d7c6b5a4f3e21",
        "60a1b2c3d4e5f60718293a4b",
        "61b2c3d4e5f6071829304a5c",
    }
    villeurbanne = show(datasets["5f3c2a1b9e8d7c6b5a4f3e21"].id)
    assert villeurbanne["territoires_coverage"] == ["69266"]
    assert [g["name"] for g in villeurbanne["groups"]] == ["villeurbanne-69266"]
    assert (
        villeurbanne["territoires_source_url"]
        == "https://www.data.gouv.fr/fr/datasets/bureaux-de-vote-de-villeurbanne/"
    )
    assert len(show(datasets["61b2c3d4e5f6071829304a5c"].id)["territoires_coverage"]) == 58
    assert run(source)["stats"]["not modified"] == 3


def test_by_organisation_and_by_territory(server):
    url = mount(server)
    source = create_source(
        url,
        "territoires_udata",
        {"organization": "ville-de-bron", "zones": ["Bron", "Villeurbanne"]},
    )
    run(source)
    asked = [
        (r.arg("organization"), r.arg("geozone"))
        for r in server.requests
        if r.arg("page", "1") == "1"
    ]
    assert asked == [("ville-de-bron", "fr:commune:69029"), ("ville-de-bron", "fr:commune:69266")]
    # the same datasets in both listings: harvested once each
    assert len(harvested(source["id"])) == 3


def test_an_unknown_zone_is_refused_in_the_configuration():
    with pytest.raises(Exception) as error:
        create_source("http://127.0.0.1:9/", "territoires_udata", {"zones": ["Zzyzx"]})
    assert "zones" in str(error.value)


def test_next_page_loop_is_stopped(server):
    page = fixture_json("udata", "datasets-page-1.json")
    page["next_page"] = "https://www.data.gouv.fr/api/1/datasets/?page=1&page_size=2"
    source = create_source(mount(server, {"1": page}), "territoires_udata", {"pin": "*"})
    job = run(source)
    assert any("loops" in message for message in gather_errors(job))
    assert harvested(source["id"]) == {}


def test_dates_temporal_coverage_and_extent_of_the_records(server):
    page = fixture_json("udata", "datasets-page-1.json")
    page["data"][0]["temporal_coverage"] = {"start": "2020-01-01", "end": "2024-12-31"}
    page["data"][0]["spatial"]["geom"] = {
        "type": "MultiPolygon",
        "coordinates": [[[[4.85, 45.75], [4.9, 45.75], [4.9, 45.79], [4.85, 45.75]]]],
    }
    pages = {"1": page, "2": fixture_json("udata", "datasets-page-2.json")}
    source = create_source(mount(server, pages), "territoires_udata")
    run(source)
    dataset = show(harvested(source["id"])["5f3c2a1b9e8d7c6b5a4f3e21"].id)
    # udata's own DCAT export: created_at is dct:issued, last_modified dct:modified
    assert dataset["issued"].startswith("2021-03-02T10:11:12")
    assert dataset["modified"].startswith("2025-10-02T08:00:00")
    assert dataset["frequency"].endswith("/frequency/ANNUAL")
    assert dataset["temporal_coverage"] == [{"start": "2020-01-01", "end": "2024-12-31"}]
    assert json.loads(dataset["spatial_coverage"][0]["geom"])["type"] == "MultiPolygon"
    assert all(resource["modified"] for resource in dataset["resources"])

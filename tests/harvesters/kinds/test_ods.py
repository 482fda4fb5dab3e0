"""OpenDataSoft source kind: recorded Explore API v2.1 records behind a local API."""

from __future__ import annotations

import copy
import json

import pytest

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import (
    create_source,
    gather_errors,
    harvested,
    object_errors,
    run,
    show,
)
from tests.harvesters.server import Request, fixture_json, json_answer

pytestmark = harvest_marks()


def recorded_records():
    return fixture_json("ods", "explore-v2.1--catalog-datasets.example.json")["results"]


class FakeOds:
    def __init__(self, records, total=None):
        self.records = copy.deepcopy(records)
        self.total = total
        self.exports = 0

    def mount(self, server) -> str:
        server.add("/api/explore/v2.1/catalog/datasets", self.datasets)
        server.add("/api/explore/v2.1/catalog/exports/json", self.export)
        return server.url("/")

    def datasets(self, request: Request):
        limit, offset = int(request.arg("limit", "10")), int(request.arg("offset", "0"))
        ordered = sorted(self.records, key=lambda r: r["dataset_id"])
        return json_answer(
            {"total_count": self.total or len(ordered), "results": ordered[offset : offset + limit]}
        )

    def export(self, request: Request):
        self.exports += 1
        return json_answer(self.records)


def test_recorded_records_are_harvested_with_exports_and_attachments(server):
    fake = FakeOds(recorded_records())
    source = create_source(fake.mount(server), "territoires_ods", {"pin": "*", "page_size": 1})
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert set(datasets) == {"da_6kvv9v", "da_5m8ykr"}
    world = show(datasets["da_6kvv9v"].id)
    assert world["title"] == "World Administrative Boundaries - Countries and Territories"
    assert (
        "<p>" not in world["notes"] and "level 0 world administrative boundaries" in world["notes"]
    )
    assert {r["format"] for r in world["resources"]} == {"CSV", "JSON", "GeoJSON"}
    geonames = show(datasets["da_5m8ykr"].id)
    assert any(r["url"].endswith("/attachments/cities1000_zip") for r in geonames["resources"])
    assert world["territoires_source_url"].endswith(
        "/explore/dataset/world-administrative-boundaries-countries-and-territories/"
    )
    assert server.hits("/api/explore/v2.1/catalog/datasets") == 2  # paged by one
    assert run(source)["stats"]["not modified"] == 2


def test_territory_fields_give_the_coverage_and_world_is_reported(server):
    records = recorded_records()
    records[1]["metas"]["default"]["geographic_reference"] = ["fr_40_69266"]
    records[1]["metas"]["default"]["territory"] = ["Villeurbanne"]
    fake = FakeOds(records)
    source = create_source(fake.mount(server), "territoires_ods")
    job = run(source)
    datasets = harvested(source["id"])
    assert show(datasets["da_5m8ykr"].id)["territoires_coverage"] == ["69266"]
    assert show(datasets["da_6kvv9v"].id)["territoires_coverage"] == []
    assert any(
        '"world" is not a known French place' in message
        for message in object_errors(job)["da_6kvv9v"]
    )


def test_catalogue_beyond_the_offset_limit_is_read_from_the_export(server):
    fake = FakeOds(recorded_records(), total=12000)
    source = create_source(fake.mount(server), "territoires_ods", {"pin": "*"})
    job = run(source)
    assert gather_errors(job) == [] and len(harvested(source["id"])) == 2
    assert fake.exports == 1


def test_where_option_is_sent(server):
    fake = FakeOds(recorded_records())
    source = create_source(
        fake.mount(server), "territoires_ods", {"pin": "*", "where": 'publisher="Ville de Bron"'}
    )
    run(source)
    request = next(r for r in server.requests if r.path.endswith("/catalog/datasets"))
    assert request.arg("where") == 'publisher="Ville de Bron"'


def test_dates_language_frequency_and_temporal_coverage_of_the_records(server):
    records = recorded_records()
    records[0]["metas"]["dcat"] = {
        "created": "2019-05-01",
        "issued": "2019-05-15",
        "accrualperiodicity": "http://purl.org/cld/freq/annual",
        "temporal_coverage_start": "2019-01-01",
        "temporal_coverage_end": "2021-12-31",
        "creator": "WFP GeoNode",
    }
    source = create_source(FakeOds(records).mount(server), "territoires_ods", {"pin": "*"})
    run(source)
    datasets = harvested(source["id"])
    world = show(datasets["da_6kvv9v"].id)
    assert world["modified"].startswith("2021-06-23T14:59:57")  # metas.default.modified
    assert world["language"] == ["en"]
    assert world["issued"] == "2019-05-15" and world["created"] == "2019-05-01"
    assert world["frequency"].endswith("/frequency/ANNUAL")
    assert world["temporal_coverage"] == [{"start": "2019-01-01", "end": "2021-12-31"}]
    assert world["creator"] == [{"name": "WFP GeoNode"}]
    # the exports are the data as last processed
    exports = [r for r in world["resources"] if "/exports/" in r["url"]]
    assert exports and all(r["modified"].startswith("2019-05-15T07:49:01") for r in exports)
    geonames = show(datasets["da_5m8ykr"].id)  # the record as published: no DCAT template
    assert geonames["language"] == ["en"] and geonames["modified"]


V1_RECORDS = (
    "test-a",
    "test-b",
    "test-c",
    "inspire",
    "empty",
    "with-attachments",
    "test-shp-limit",
)


class FakeOdsV1:
    """A portal of the older API only: its v2.1 listing answers 404."""

    def __init__(self):
        self.records = [fixture_json("ods", f"{name}.json") for name in V1_RECORDS]
        self.records += fixture_json("ods", "no-data.json")["datasets"]

    def mount(self, server, prefix: str = "") -> str:
        server.add(prefix + "/api/datasets/1.0/search/", self.search)
        return server.url(prefix + "/")

    def search(self, request: Request):
        rows, start = int(request.arg("rows", "10")), int(request.arg("start", "0"))
        ordered = sorted(self.records, key=lambda r: r["datasetid"])
        return json_answer({"nhits": len(ordered), "datasets": ordered[start : start + rows]})


def test_a_portal_of_api_v1_is_read_field_by_field(server):
    fake = FakeOdsV1()
    source = create_source(fake.mount(server), "territoires_ods", {"pin": "*", "page_size": 3})
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert set(V1_RECORDS) <= set(datasets)
    assert len(datasets) == len(fake.records)
    root = server.url("/").rstrip("/")

    test_a = show(datasets["test-a"].id)
    assert test_a["title"] == "test-a"
    assert test_a["notes"] == "test-a-description"  # HTML removed
    assert sorted(tag["name"] for tag in test_a["tags"]) == ["keyword1", "keyword2"]
    assert test_a["license_id"] in ("lov1", "lov2", "fr-lo")  # "Licence Ouverte (Etalab)"
    assert test_a["modified"].startswith("2015-04-09T10:28:45")
    assert test_a["language"] == ["en"]
    assert {r["format"] for r in test_a["resources"]} == {"CSV", "JSON"}
    assert f"{root}/explore/dataset/test-a/download/?format=csv" in [
        r["url"] for r in test_a["resources"]
    ]
    assert test_a["territoires_source_url"] == f"{root}/explore/dataset/test-a/"

    # a geographic dataset: its GeoJSON export; its files and alternative export
    test_b = show(datasets["test-b"].id)
    urls = {r["url"]: r for r in test_b["resources"]}
    assert f"{root}/explore/dataset/test-b/download/?format=geojson" in urls
    attachment = urls[f"{root}/api/datasets/1.0/test-b/attachments/documentation_pdf/"]
    assert attachment["name"] == "Documentation" and attachment["format"] == "PDF"
    gtfs = urls[f"{root}/api/datasets/1.0/test-b/alternative_exports/gtfs_zip/"]
    assert gtfs["name"] == "gtfs.zip" and gtfs["description"] == "GTFS 15/01"
    assert gtfs["format"] == "ZIP"
    # one theme, never split at its commas
    assert test_b["theme"] == ["Spatial planning, Town planning, Buildings, Equipment, Housing"]

    # no records: no export, only the files
    with_files = show(datasets["with-attachments"].id)
    assert not any("download/?format=" in r["url"] for r in with_files["resources"])
    assert len(with_files["resources"]) == 2
    assert all("download/?format=" not in r["url"] for r in show(datasets["empty"].id)["resources"])

    # the INSPIRE interop metas: contact and bounding box
    inspire = show(datasets["inspire"].id)
    assert inspire["contact"][0]["email"] == "tnt@acme.com"
    assert inspire["contact"][0]["name"] == "ACME"
    (box,) = inspire["spatial_coverage"]
    assert json.loads(box["bbox"])["coordinates"][0][0] == [0.1568, 46.4944]

    assert server.hits("/api/explore/v2.1/catalog/datasets") == 1  # 404, then v1
    assert run(source)["stats"]["not modified"] == len(fake.records)


def test_the_api_option_reads_v1_at_once(server):
    source = create_source(FakeOdsV1().mount(server), "territoires_ods", {"api": "v1"})
    run(source)
    assert server.hits("/api/explore/v2.1/catalog/datasets") == 0
    assert "test-a" in harvested(source["id"])

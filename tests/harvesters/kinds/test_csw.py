"""CSW source kind: recorded GeoNetwork ISO 19139 pages behind a local endpoint."""

from __future__ import annotations

from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import (
    create_source,
    gather_errors,
    harvested,
    object_errors,
    run,
    show,
)
from tests.harvesters.server import Answer, Request, fixture_bytes

pytestmark = harvest_marks()

PAGES = {
    "1": "geonetwork-iso19139-page-1.xml",
    "3": "geonetwork-iso19139-page-3.xml",
    "5": "geonetwork-iso19139-page-5.xml",
}


def mount(server, pages=PAGES):
    def csw(request: Request):
        assert request.arg("request") == "GetRecords"
        assert request.arg("outputSchema") == "http://www.isotc211.org/2005/gmd"
        name = pages.get(request.arg("startPosition"))
        if name is None:
            return Answer(400, b"<bad/>", {"Content-Type": "application/xml"})
        body = name if isinstance(name, bytes) else fixture_bytes("csw", name)
        return Answer(200, body, {"Content-Type": "application/xml"})

    server.add("/geonetwork/srv/fre/csw", csw)
    return server.url("/geonetwork/srv/fre/csw")


def test_three_pages_of_records_are_harvested(server):
    source = create_source(mount(server), "territoires_csw", {"pin": "Villeurbanne"})
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert len(datasets) == 6
    assert "fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44" in datasets
    record = show(datasets["fr-120066022-ldd-56fce164-04b2-41ae-be87-9f256f39dd44"].id)
    assert record["title"] and record["notes"] and record["resources"]
    assert record["publisher"][0]["name"].startswith("DDTM 80")
    assert record["territoires_coverage"] == ["69266"]
    assert "request=GetRecordById" in record["territoires_source_url"]
    assert run(source)["stats"]["not modified"] == 6


def test_records_outside_the_territory_are_reported_not_guessed(server):
    source = create_source(mount(server), "territoires_csw")
    job = run(source)
    errors = object_errors(job)
    datasets = harvested(source["id"])
    assert len(datasets) == 6
    for identifier, package in datasets.items():
        shown = show(package.id)
        assert shown["territoires_coverage"] == []
        messages = errors[identifier]
        if identifier.startswith("fr-120066022-jdd-"):
            # the Pas-de-Calais (INSEE URI of département 62): a place that exists, outside the Métropole de Lyon: said so
            assert any("outside the territory" in message for message in messages)
            assert not any("No coverage found" in message for message in messages)
        else:
            # local plans of the Somme whose only extent has west > east: reported, not used, and not kept as the extent
            assert any("not a valid bounding box" in message for message in messages)
            assert any("No coverage found" in message for message in messages)
            assert not shown.get("spatial_coverage")


def test_exception_report_stops_the_harvest(server):
    report = (
        b'<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows" '
        b'version="1.2.0"><ows:Exception exceptionCode="NoApplicableCode"><ows:ExceptionText>'
        b"Search failed</ows:ExceptionText></ows:Exception></ows:ExceptionReport>"
    )
    source = create_source(mount(server, {"1": report}), "territoires_csw", {"pin": "*"})
    job = run(source)
    assert any("Search failed" in message for message in gather_errors(job))


def test_next_record_loop_is_stopped(server):
    looping = fixture_bytes("csw", "geonetwork-iso19139-page-3.xml").replace(
        b'nextRecord="5"', b'nextRecord="1"'
    )
    source = create_source(
        mount(server, {"1": PAGES["1"], "3": looping}), "territoires_csw", {"pin": "*"}
    )
    job = run(source)
    assert any("loops" in message for message in gather_errors(job))
    assert harvested(source["id"]) == {}

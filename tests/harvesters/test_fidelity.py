"""Every recorded real catalogue harvested into one portal: the portal's
DCAT-AP 3 export of them all validates against the SEMIC shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from tests.dcat.conftest import SHAPES, violations
from tests.harvesters import test_real_catalogues
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.helpers import create_source, gather_errors, harvested, run
from tests.harvesters.kinds import test_csw, test_dcat, test_ods, test_udata
from tests.harvesters.server import Answer, fixture_bytes

pytestmark = harvest_marks()

DCAT_FIXTURES = Path(__file__).parent / "fixtures" / "dcat"
TYPES = {
    ".xml": "application/rdf+xml",
    ".rdf": "application/rdf+xml",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
}
#: Paged catalogues are served at /catalog.jsonld?page=N (their links);
#: the partial collection holds the paged one's datasets.
PAGED = {"paged-collection-1.jsonld", "paged-collection-2.jsonld"}
#: ckanext-dcat's DCAT-AP 3 example is not valid Turtle (an undeclared
#: prefix): its harvest is an error (test_real_catalogues).
SKIPPED = PAGED | {
    "partial-collection-1.jsonld",
    "partial-collection-2.jsonld",
    "ckanext-dcat--dataset.ttl",
    "pod-v1.1-catalog-context.jsonld",  # a JSON-LD context, no catalogue
}


def local(server, body: bytes) -> bytes:
    for base in ("http://data.test.org", "https://data.test.org"):
        body = body.replace(base.encode(), server.url("").rstrip("/").encode())
    return body


def harvest_everything(server, remote) -> dict[str, dict]:
    """Harvest every recorded catalogue of tests/harvesters/fixtures; the
    sources by name."""
    sources = {}
    for path in sorted(DCAT_FIXTURES.iterdir()):
        if path.suffix not in TYPES or path.name in SKIPPED:
            continue
        body = local(server, fixture_bytes("dcat", path.name))
        url = server.add(
            f"/dcat/{path.name}", Answer(200, body, {"Content-Type": TYPES[path.suffix]})
        )
        sources[path.name] = create_source(url, "territoires_dcat", {"pin": "*"})
    pages = {
        page: local(server, fixture_bytes("dcat", f"paged-collection-{page}.jsonld"))
        for page in ("1", "2")
    }
    paged = server.add(
        "/catalog.jsonld",
        lambda request: Answer(
            200, pages[request.arg("page", "1")], {"Content-Type": TYPES[".jsonld"]}
        ),
    )
    sources["paged"] = create_source(paged, "territoires_dcat", {"pin": "*"})
    sources["evian"] = create_source(
        server.add(
            "/evian.json",
            Answer(200, test_real_catalogues.evian(server), {"Content-Type": TYPES[".jsonld"]}),
        ),
        "territoires_dcat",
        {"pin": "*"},
    )
    for page in ("1", "3", "5"):
        for output in ("dcat", "geodcatap"):
            name = f"geonetwork-{output}-page-{page}.xml"
            sources[name] = create_source(
                server.add(
                    f"/geo2france/{name}",
                    Answer(
                        200, test_dcat.geo2france_catalogue(name), {"Content-Type": "text/turtle"}
                    ),
                ),
                "territoires_dcat",
                {"pin": "*"},
            )
    sources["ckanext-dcat"] = create_source(
        test_real_catalogues.ckan_examples().mount(server, "/examples"),
        "territoires_ckan",
        {"pin": "*"},
    )
    sources["csw"] = create_source(test_csw.mount(server), "territoires_csw", {"pin": "*"})
    sources["ckan"] = create_source(remote[1], "territoires_ckan", {"pin": "*"})
    sources["ods"] = create_source(
        test_ods.FakeOds(test_ods.recorded_records()).mount(server), "territoires_ods", {"pin": "*"}
    )
    sources["ods-v1"] = create_source(
        test_ods.FakeOdsV1().mount(server, "/ods-v1"), "territoires_ods", {"pin": "*", "api": "v1"}
    )
    sources["udata"] = create_source(
        test_udata.mount(server), "territoires_udata", {"pin": "*", "grace_days": 8}
    )
    for name, source in sources.items():
        job = run(source)
        assert gather_errors(job) == [], name
    return sources


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES, format="turtle")


def test_the_export_of_every_harvested_real_catalogue_is_valid(app, server, remote, shapes):
    sources = harvest_everything(server, remote)
    count = sum(len(harvested(source["id"])) for source in sources.values())
    assert count >= 50
    response = app.get("/catalog.ttl")
    assert response.status_code == 200, response.body[-3000:]
    graph = Graph().parse(data=response.body, format="turtle")
    found = violations(graph, shapes)
    assert found == [], "\n\n".join(found[:10])


def assert_every_carried_field_kept(result: dict) -> None:
    for row in result["fields"]:
        assert row["kept"] == row["carried"], row


def test_fidelity_of_the_iso_records_every_carried_field_is_kept(server, harvest_cli):
    from ckan.cli.cli import ckan as ckan_command

    from ckanext.territoires.harvesters.fidelity import report

    source = create_source(test_csw.mount(server), "territoires_csw", {"pin": "*"})
    run(source)
    result = report(source["id"])
    assert result["records"] == 6
    fields = {row["field"]: row for row in result["fields"]}
    for field in (
        "title",
        "description",
        "keywords",
        "themes",
        "licence",
        "access_rights",
        "publisher",
        "contact",
        "issued",
        "modified",
        "language",
        "conforms_to",
        "landing_page",
        "distributions",
        "distribution_formats",
    ):
        assert fields[field]["carried"] == 6, field
    assert fields["created"]["carried"] == 5  # one record gives no creation date
    # their boxes have west > east: reported as warnings, carried by none
    assert fields["spatial_extent"]["carried"] == 0
    assert fields["lineage"]["carried"] == 6
    # page 3's records name their owner: the rights holder
    assert fields["rights_holder"]["carried"] >= 1
    assert_every_carried_field_kept(result)
    printed = harvest_cli.invoke(
        ckan_command, ["territoires", "harvest", "fidelity", source["name"]]
    )
    assert printed.exit_code == 0, printed.output
    assert "licence: carried by 6, kept by 6" in printed.stdout


@pytest.mark.parametrize("fixture", ["geonetwork.xml", "udata.xml", "catalog.xml"])
def test_fidelity_of_dcat_catalogues_every_carried_field_is_kept(server, fixture):
    from ckanext.territoires.harvesters.fidelity import report

    body = local(server, fixture_bytes("dcat", fixture))
    url = server.add("/catalog", Answer(200, body, {"Content-Type": TYPES[".xml"]}))
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    run(source)
    result = report(source["id"])
    assert result["records"] >= 1
    assert_every_carried_field_kept(result)

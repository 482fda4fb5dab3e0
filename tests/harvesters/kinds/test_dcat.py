"""DCAT source kind: recorded real catalogues in RDF/XML, Turtle, JSON-LD."""

from __future__ import annotations

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
from tests.harvesters.server import Answer, Request, fixture_bytes

pytestmark = harvest_marks()

RDF_XML = "application/rdf+xml"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"


def serve(server, path: str, fixture: str, content_type: str, base: str = "http://data.test.org"):
    """Serve a fixture, its example.org-like base rewritten to the local server."""
    body = fixture_bytes("dcat", fixture).replace(base.encode(), server.url("").encode())
    return server.add(path, Answer(200, body, {"Content-Type": content_type}))


@pytest.mark.parametrize(
    "fixture, content_type, count",
    [
        ("catalog.xml", RDF_XML, 4),
        ("ckanext-dcat--catalog.rdf", RDF_XML, 2),
        ("udata.xml", RDF_XML, 2),
        ("geonetwork.xml", RDF_XML, 1),
        ("bnodes.xml", RDF_XML, 3),
        ("flat.jsonld", JSON_LD, 3),
        ("nested.jsonld", JSON_LD, 1),
        ("ckanext-dcat--dataset_afs.ttl", TURTLE, 1),
        ("ckanext-dcat--dataset_deri.ttl", TURTLE, 1),
    ],
)
def test_recorded_catalogue_is_harvested_then_unchanged(server, fixture, content_type, count):
    url = serve(server, "/catalog", fixture, content_type)
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    job = run(source)
    assert gather_errors(job) == []
    datasets = harvested(source["id"])
    assert len(datasets) == count
    for package in datasets.values():
        shown = show(package.id)
        assert shown["title"] and len(shown["territoires_coverage"]) == 58
    again = run(source)
    assert again["stats"]["not modified"] == count
    assert again["stats"]["added"] == again["stats"]["updated"] == 0
    assert set(harvested(source["id"])) == set(datasets)


def test_unresolvable_coverage_is_reported_per_dataset_never_guessed(server):
    url = serve(server, "/catalog", "catalog.xml", RDF_XML)
    source = create_source(url, "territoires_dcat")
    job = run(source)
    errors = object_errors(job)
    datasets = harvested(source["id"])
    assert datasets
    for identifier, package in datasets.items():
        assert show(package.id)["territoires_coverage"] == []
        assert any("No coverage found" in message for message in errors[identifier])
    assert any(
        '"http://wuEurope.com/" is not a known French place' in message
        for messages in errors.values()
        for message in messages
    )


@pytest.mark.parametrize(
    "first, second",
    [
        ("paged-collection-1.jsonld", "paged-collection-2.jsonld"),
        ("partial-collection-1.jsonld", "partial-collection-2.jsonld"),
    ],
)
def test_hydra_paging(server, first, second):
    url = serve(server, "/catalog.jsonld", first, JSON_LD)
    server.routes["/catalog.jsonld"] = lambda request: Answer(
        200,
        fixture_bytes("dcat", second if request.arg("page") == "2" else first).replace(
            b"http://data.test.org", server.url("").encode()
        ),
        {"Content-Type": JSON_LD},
    )
    source = create_source(url, "territoires_dcat", {"pin": "Bron"})
    job = run(source)
    assert gather_errors(job) == []
    assert len(harvested(source["id"])) == 4
    assert server.hits("/catalog.jsonld") == 2


def test_paging_loop_is_stopped_and_changes_nothing(server):
    def pages(request: Request) -> Answer:
        # page 2 says its next page is page 1: a loop
        fixture = "paged-collection-1.jsonld"
        body = fixture_bytes("dcat", fixture)
        if request.arg("page") == "2":
            body = body.replace(
                b'page=2"}], "http://www.w3.org/ns/hydra/core#totalItems',
                b'page=1"}], "http://www.w3.org/ns/hydra/core#totalItems',
            )
        return Answer(
            200,
            body.replace(b"http://data.test.org", server.url("").encode()),
            {"Content-Type": JSON_LD},
        )

    url = server.add("/catalog.jsonld", pages)
    source = create_source(url + "?page=1", "territoires_dcat", {"pin": "Bron"})
    job = run(source)
    assert any("loops" in message for message in gather_errors(job))
    assert harvested(source["id"]) == {}


def test_endless_paging_is_stopped_at_max_pages(server):
    def pages(request: Request) -> Answer:
        page = int(request.arg("page", "1"))
        body = (
            fixture_bytes("dcat", "paged-collection-1.jsonld")
            .replace(b"catalog.jsonld?page=2", b"catalog.jsonld?page=%d" % (page + 1))
            .replace(b"http://data.test.org", server.url("").encode())
        )
        return Answer(200, body, {"Content-Type": JSON_LD})

    url = server.add("/catalog.jsonld", pages)
    source = create_source(url, "territoires_dcat", {"pin": "Bron", "max_pages": 3})
    job = run(source)
    assert any("more than 3 pages" in message for message in gather_errors(job))
    assert harvested(source["id"]) == {}
    assert server.hits("/catalog.jsonld") == 3


def geo2france_catalogue(fixture: str) -> bytes:
    """The records of a recorded CSW page of Géo2France's GeoNetwork
    (outputSchema DCAT or GeoDCAT-AP) as one Turtle catalogue."""
    import re

    from rdflib import Graph

    graph = Graph()
    text = fixture_bytes("csw", fixture).decode("utf-8")
    for rdf in re.findall(r"<rdf:RDF\b.*?</rdf:RDF>", text, re.S):
        graph.parse(data=rdf, format="xml")
    return graph.serialize(format="turtle").encode("utf-8")


GEO2FRANCE = ["geonetwork-dcat-page-1.xml", "geonetwork-geodcatap-page-1.xml"]


@pytest.mark.ckan_config("ckanext.territoires.scope", "region:32")
@pytest.mark.parametrize("fixture", GEO2FRANCE)
def test_a_record_over_its_region_gets_the_regions_communes(server, fixture):
    """Géo2France's records only give the Hauts-de-France's bounding box."""
    url = server.add(
        "/catalog", Answer(200, geo2france_catalogue(fixture), {"Content-Type": TURTLE})
    )
    source = create_source(url, "territoires_dcat")
    job = run(source)
    datasets = harvested(source["id"])
    assert datasets
    for identifier, package in datasets.items():
        shown = show(package.id)
        assert len(shown["territoires_coverage"]) == 3782, identifier  # the whole région
        assert not any(
            "No coverage" in message for message in object_errors(job).get(identifier, [])
        )


@pytest.mark.ckan_config("ckanext.territoires.scope", "departement:59")
def test_a_record_over_the_region_covers_all_of_a_portal_inside_it(server):
    url = server.add(
        "/catalog", Answer(200, geo2france_catalogue(GEO2FRANCE[1]), {"Content-Type": TURTLE})
    )
    source = create_source(url, "territoires_dcat")
    run(source)
    for package in harvested(source["id"]).values():
        assert len(show(package.id)["territoires_coverage"]) == 647  # all of the Nord


def test_a_record_over_another_region_is_outside_the_territory(server):
    url = server.add(
        "/catalog", Answer(200, geo2france_catalogue(GEO2FRANCE[0]), {"Content-Type": TURTLE})
    )
    source = create_source(url, "territoires_dcat")
    job = run(source)
    errors = object_errors(job)
    for identifier, package in harvested(source["id"]).items():
        assert show(package.id)["territoires_coverage"] == []
        assert any("outside the territory" in message for message in errors[identifier])


def test_geodcat_records_keep_their_dates_language_and_catalogue_page(server):
    """Géo2France's GeoDCAT-AP records: the source's dates (not the
    harvest's), the language, the page of the record (not a service)."""
    url = server.add(
        "/catalog", Answer(200, geo2france_catalogue(GEO2FRANCE[1]), {"Content-Type": TURTLE})
    )
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    run(source)
    datasets = {
        show(package.id)["title"]: show(package.id) for package in harvested(source["id"]).values()
    }
    insee = datasets[
        "INSEE - Part des ménages présents depuis 5 ans ou plus dans leur logement actuel (2010)"
    ]
    assert insee["issued"].startswith("2020-09-22")
    assert insee["language"]
    bud = next(value for title, value in datasets.items() if title.startswith("Zonage du bassin"))
    assert bud["issued"].startswith("2020-05-28")
    for dataset in datasets.values():
        page = dataset["territoires_source_url"]
        assert "SERVICE=" not in page.upper() and "GetCapabilities" not in page, page
        services = [r for r in dataset["resources"] if r.get("format") in ("WMS", "WFS")]
        for resource in services:
            assert resource.get("access_services") or resource["url"], resource


# --- lineage, thumbnail, rights holders, creators, HVD categories, keywords -----

GOV_DE_ADDITIONS = (
    b"<dct:rightsHolder><foaf:Organization><foaf:name>Hansestadt Rostock</foaf:name>"
    b"</foaf:Organization></dct:rightsHolder>"
    b'<foaf:depiction rdf:resource="https://geo.sv.rostock.de/vorschau.png"/>'
    b"<dcat:keyword>Kataster / Vermessung (ALKIS\xc2\xae)</dcat:keyword>"
    b"</dcat:Dataset>\n</rdf:RDF>"
)


def test_lineage_thumbnail_parties_hvd_category_and_original_keywords(server, app):
    from ckanext.dcat.profiles import DCAT, DCATAP, DCT
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import FOAF

    body = fixture_bytes("dcat", "ckanext-dcat--dataset_gov_de.rdf")
    assert b"</dcat:Dataset>\n</rdf:RDF>" in body
    body = body.replace(b"</dcat:Dataset>\n</rdf:RDF>", GOV_DE_ADDITIONS)
    url = server.add("/de", Answer(200, body, {"Content-Type": RDF_XML}))
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    run(source)
    (package,) = harvested(source["id"]).values()
    dataset = show(package.id)
    assert dataset["hvd_category"] == ["http://data.europa.eu/bna/c_e1da4e07"]
    assert dataset["creator"] == [
        {
            "name": "Hanse- und Universitätsstadt Rostock – Kataster-, Vermessungs- und "
            "Liegenschaftsamt",
            "email": "geodienste@rostock.de",
        }
    ]
    assert dataset["rights_holder"] == [{"name": "Hansestadt Rostock"}]
    assert dataset["thumbnail"] == "https://geo.sv.rostock.de/vorschau.png"
    # the keyword is a tag without its forbidden characters, and kept as written
    assert "Kataster Vermessung ALKIS" in {tag["name"] for tag in dataset["tags"]}
    assert dataset["original_keywords"] == ["Kataster / Vermessung (ALKIS®)"]

    graph = Graph().parse(data=app.get(f"/dataset/{package.id}.ttl").body, format="turtle")
    ref = URIRef(f"http://test.ckan.net/dataset/{package.id}")
    assert (ref, DCATAP.hvdCategory, URIRef("http://data.europa.eu/bna/c_e1da4e07")) in graph
    assert (ref, FOAF.depiction, URIRef("https://geo.sv.rostock.de/vorschau.png")) in graph
    assert graph.value(graph.value(ref, DCT.rightsHolder), FOAF.name) == Literal(
        "Hansestadt Rostock"
    )
    keywords = {str(keyword) for keyword in graph.objects(ref, DCAT.keyword)}
    assert "Kataster / Vermessung (ALKIS®)" in keywords
    assert "Kataster Vermessung ALKIS" not in keywords
    assert "ökonomie" in keywords


def test_lineage_as_a_label_or_a_description(server):
    url = serve(server, "/catalog", "catalog.xml", RDF_XML)
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    run(source)
    lineage = {
        show(package.id)["title"]: show(package.id).get("provenance")
        for package in harvested(source["id"]).values()
    }
    assert lineage["Dataset 1"] == "Description de la provenance des données du dataset 1"
    assert lineage["Dataset 3"] == "Description de la provenance des données du dataset 3"

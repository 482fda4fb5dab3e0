"""The recorded real catalogues no other test reads (DCAT-US / Project Open
Data, HealthDCAT-AP, JSON-LD @graph, Géo2France's GeoNetwork pages 3 and 5,
ckanext-dcat's full CKAN records): harvested, then compared field by field
with the source, read independently (rdflib for RDF, the JSON for CKAN)."""

from __future__ import annotations

import json

import pytest
from ckanext.dcat.profiles import DCAT, DCATAP, DCT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ckanext.territoires.tags import clean_tag
from tests.harvesters.conftest import harvest_marks
from tests.harvesters.fake_apis import FakeCkan
from tests.harvesters.helpers import create_source, gather_errors, harvested, run, show
from tests.harvesters.kinds.test_dcat import geo2france_catalogue
from tests.harvesters.server import Answer, fixture_bytes, fixture_json

pytestmark = harvest_marks()

TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
POD_CONTEXT = b"https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"

#: Recorded DCAT catalogues read by no other test, and their formats.
DCAT_FILES = {
    "ckanext-dcat--catalog_pod.jsonld": "json-ld",
    "ckanext-dcat--catalog_with_at_graph.jsonld": "json-ld",
    "ckanext-dcat--dataset_health.ttl": "turtle",
    "ckanext-dcat--dataset_health_multilingual.ttl": "turtle",
    "ckanext-dcat--dataset_health_no_blank.ttl": "turtle",
}
GEO2FRANCE_PAGES = [
    "geonetwork-dcat-page-3.xml",
    "geonetwork-dcat-page-5.xml",
    "geonetwork-geodcatap-page-3.xml",
    "geonetwork-geodcatap-page-5.xml",
]
#: ckanext-dcat's full CKAN records, as a CKAN portal's API serves them.
CKAN_FILES = [
    "ckanext-dcat--ckan_full_dataset_dcat_ap.json",
    "ckanext-dcat--ckan_full_dataset_dcat_ap_legacy.json",
    "ckanext-dcat--ckan_full_dataset_dcat_ap_vocabularies.json",
    "ckanext-dcat--ckan_full_dataset_dcat_us_vocabularies.json",
    "ckanext-dcat--ckan_dataset_multilingual.json",
    "ckanext-dcat--ckan_dcat_ap_dataset_series.json",
]


def evian(server) -> bytes:
    """Évian-les-Bains' data.json, its remote context served locally."""
    context = server.add(
        "/pod-context.jsonld",
        Answer(
            200,
            fixture_bytes("dcat", "pod-v1.1-catalog-context.jsonld"),
            {"Content-Type": JSON_LD},
        ),
    )
    return fixture_bytes("dcat", "evian.json").replace(POD_CONTEXT, context.encode())


def served(server, name: str) -> tuple[str, bytes, str]:
    """(URL, body, rdflib format) of a recorded catalogue served locally."""
    if name == "evian.json":
        body, fmt = evian(server), "json-ld"
    elif name in GEO2FRANCE_PAGES:
        body, fmt = geo2france_catalogue(name), "turtle"
    else:
        body, fmt = fixture_bytes("dcat", name), DCAT_FILES[name]
    content_type = TURTLE if fmt == "turtle" else JSON_LD
    url = server.add(f"/real/{name}", Answer(200, body, {"Content-Type": content_type}))
    return url, body, fmt


def test_a_catalogue_that_is_not_valid_turtle_is_reported(server):
    """ckanext-dcat's full DCAT-AP 3 example uses a prefix it never
    declares (``healthdcatap:``): the harvest says so, and changes nothing."""
    body = fixture_bytes("dcat", "ckanext-dcat--dataset.ttl")
    url = server.add("/real/dataset.ttl", Answer(200, body, {"Content-Type": TURTLE}))
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    (error,) = gather_errors(run(source))
    assert "is not valid turtle" in error and "healthdcatap" in error
    assert harvested(source["id"]) == {}


def source_datasets(graph: Graph):
    """``(identifier, node)`` of each dataset of a source graph, identified as
    the DCAT kind does (dct:identifier, else the URI)."""
    for node in graph.subjects(RDF.type, DCAT.Dataset):
        identifier = graph.value(node, DCT.identifier)
        if identifier is None and isinstance(node, URIRef):
            identifier = node
        if identifier is not None:
            yield str(identifier), node


def assert_like_the_source(graph: Graph, node, dataset: dict) -> None:
    """The fields of one harvested dataset, against its node in the source."""
    titles = {str(title) for title in graph.objects(node, DCT.title)}
    assert dataset["title"] in titles
    tags = {tag["name"].lower() for tag in dataset["tags"]}
    originals = set(dataset.get("original_keywords") or [])
    for keyword in graph.objects(node, DCAT.keyword):
        tag = clean_tag(str(keyword))
        if tag:  # one or two letters make no tag: nothing to keep it as
            assert tag.lower() in tags, keyword
        if tag != str(keyword).strip():
            assert str(keyword).strip() in originals, keyword
    for predicate, field in ((DCT.issued, "issued"), (DCT.modified, "modified")):
        value = graph.value(node, predicate)
        if value is not None:
            assert dataset[field][:10] == str(value)[:10], field
    landing = graph.value(node, DCAT.landingPage)
    if isinstance(landing, URIRef) and "SERVICE=" not in str(landing).upper():
        assert str(landing) in (dataset.get("url"), dataset.get("territoires_source_url"))
    with_url = [
        distribution
        for distribution in graph.objects(node, DCAT.distribution)
        if graph.value(distribution, DCAT.accessURL) or graph.value(distribution, DCAT.downloadURL)
    ]
    assert len(dataset["resources"]) == len(with_url)
    hvd = {str(value) for value in graph.objects(node, DCATAP.hvdCategory)}
    assert set(dataset.get("hvd_category") or []) == hvd
    for predicate, field in (
        (DCT.provenance, "provenance"),
        (DCT.creator, "creator"),
        (DCT.rightsHolder, "rights_holder"),
        (DCT.accrualPeriodicity, "frequency"),
        (DCT.language, "language"),
        (DCT.temporal, "temporal_coverage"),
        (DCT.accessRights, "access_rights"),
    ):
        if graph.value(node, predicate) is not None:
            assert dataset.get(field), field


@pytest.mark.parametrize("name", [*DCAT_FILES, "evian.json", *GEO2FRANCE_PAGES])
def test_each_dataset_is_kept_field_by_field(server, name):
    url, body, fmt = served(server, name)
    source = create_source(url, "territoires_dcat", {"pin": "*"})
    job = run(source)
    assert gather_errors(job) == []
    kept = harvested(source["id"])
    graph = Graph().parse(data=body, format=fmt, publicID=url)
    expected = dict(source_datasets(graph))
    assert expected and set(kept) == set(expected)
    for identifier, node in expected.items():
        assert_like_the_source(graph, node, show(kept[identifier].id))


def ckan_record(name: str) -> dict:
    """One of ckanext-dcat's CKAN records, as a portal's API serves it."""
    record = fixture_json("ckan", name)
    record = record[0] if isinstance(record, list) else record
    record.setdefault("id", f"ckanext-dcat-example-{name}")  # examples written without
    record["name"] = record.get("name") or name.removesuffix(".json")
    record.setdefault("metadata_modified", "2024-01-01T10:00:00")
    return record


def ckan_examples() -> FakeCkan:
    """A CKAN portal serving every record of :data:`CKAN_FILES`."""
    return FakeCkan([ckan_record(name) for name in CKAN_FILES])


@pytest.mark.parametrize("name", CKAN_FILES)
def test_each_ckan_record_is_kept_field_by_field(server, name):
    record = ckan_record(name)
    fake = FakeCkan([record])
    source = create_source(fake.mount(server), "territoires_ckan", {"pin": "*"})
    job = run(source)
    assert gather_errors(job) == []
    (package,) = harvested(source["id"]).values()
    dataset = show(package.id)
    title = record.get("title") or (record.get("title_translated") or {}).get("en")
    assert dataset["title"] == title
    assert len(dataset["resources"]) == len([r for r in record["resources"] if r.get("url")])
    assert {tag["name"] for tag in dataset["tags"]} == {
        clean_tag(tag["name"]) for tag in record.get("tags") or []
    }
    extras = {extra["key"]: extra["value"] for extra in record.get("extras") or []}
    for field in ("issued", "modified"):
        value = record.get(field) or extras.get(field)
        if value:
            assert dataset[field][:10] == str(value)[:10], field
    for field in ("provenance", "access_rights", "frequency", "language", "temporal_coverage"):
        if record.get(field) or extras.get(field):
            assert dataset.get(field), field
    if record.get("creator") or extras.get("creator_name"):
        assert dataset.get("creator")
    hvd = record.get("hvd_category") or extras.get("hvd_category")
    if hvd:
        expected = hvd if isinstance(hvd, list) else json.loads(hvd)
        assert dataset["hvd_category"] == expected

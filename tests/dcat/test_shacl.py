"""Exported graphs of real harvested data validate against the DCAT-AP 3 SHACL shapes."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from ckanext.dcat.profiles import DCAT, DCT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import REAL_CATALOGUES, import_catalogue, provenance_fields, violations

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def harvested_datasets() -> list[dict]:
    """The real catalogues, imported as the harvester would: provenance,
    a commune organisation, coverage."""
    bron = factories.Organization(
        title="Ville de Bron", extras=[{"key": "insee", "value": "69029"}]
    )
    created = []
    for name in REAL_CATALOGUES:
        for dataset in import_catalogue(
            name,
            owner_org=bron["id"],
            territoires_coverage=["Bron", "Vénissieux"],
            **provenance_fields(
                territoires_source_url=f"https://source.example.org/{name}",
                territoires_source_uri=f"https://source.example.org/id/{name}",
                territoires_source_identifier=f"id-{name}",
                territoires_harvest_source="Source example",
                territoires_harvested="2026-11-20T08:00:00Z",
            ),
        ):
            created.append(dataset)
    return created


def rich_dataset() -> dict:
    """A dataset made on the portal with every field of the schema filled."""
    return factories.Dataset(
        title="Toilettes publiques",
        notes="Emplacement des toilettes publiques. " * 10,
        territoires_coverage=["*"],
        tag_string="toilettes,propreté",
        theme=["SOCI", "Régions et villes"],
        frequency="annual",
        license_id="odc-odbl",
        contact=[{"name": "Service données", "email": "donnees@example.org"}],
        publisher=[
            {
                "name": "Métropole de Lyon",
                "uri": "https://www.grandlyon.com/",
                "type": "http://purl.org/adms/publishertype/LocalAuthority",
            }
        ],
        temporal_coverage=[{"start": "2020-01-01", "end": "2024-12-31"}],
        spatial_coverage=[
            {
                "text": "Centre",
                "bbox": "POLYGON ((4.8 45.7, 4.9 45.7, 4.9 45.8, 4.8 45.8, 4.8 45.7))",
            }
        ],
        resources=[
            {
                "url": "https://example.org/toilettes.geojson",
                "format": "GeoJSON",
                "name": "Toilettes",
            },
            {"url": "", "format": "XLS", "name": "Tableau"},
        ],
    )


def test_catalogue_of_real_harvested_data_has_no_violation(app, shapes):
    datasets = harvested_datasets()
    assert len(datasets) == 5
    body = app.get("/catalog.ttl").body
    graph = Graph().parse(data=body, format="turtle")
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 5
    assert violations(graph, shapes) == []


@pytest.mark.parametrize(
    "extension, rdf_format", [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")]
)
def test_each_dataset_endpoint_has_no_violation(app, shapes, extension, rdf_format):
    for dataset in [*harvested_datasets(), rich_dataset()]:
        body = app.get(f"/dataset/{dataset['id']}.{extension}").body
        assert violations(body, shapes, rdf_format) == [], dataset["title"]


def test_portal_dataset_with_every_field_has_no_violation(app, shapes):
    dataset = rich_dataset()
    graph = Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    ref = URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")
    places = list(graph.objects(ref, DCT.spatial))
    assert len([p for p in places if isinstance(p, URIRef)]) == 59  # + the bbox of "Centre"
    assert violations(graph, shapes) == []


def test_the_validation_can_fail(app, shapes):
    """Control: the same export without its dataset titles is refused."""
    rich_dataset()
    graph = Graph().parse(data=app.get("/catalog.ttl").body, format="turtle")
    graph.remove((None, DCT.title, None))
    found = violations(graph, shapes)
    assert found and any("title" in item for item in found)

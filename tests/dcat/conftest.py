"""Fixtures and helpers of the DCAT tests: exported graphs, SHACL shapes, real
catalogues imported as datasets."""

from __future__ import annotations

from pathlib import Path

import ckan.tests.helpers as helpers
import pytest
from ckanext.dcat.processors import RDFParser
from pyshacl import validate
from rdflib import Graph, URIRef

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SHAPES = HERE / "shacl" / "dcat-ap_3_shacl_shapes.ttl"

#: Real catalogues (tests/dcat/fixtures/SOURCE.md) and their rdflib formats.
REAL_CATALOGUES = {
    "udata.xml": "xml",
    "geonetwork.xml": "xml",
    "ckanext-dcat--dataset_gob_es.ttl": "turtle",
    "ckanext-dcat--dataset_gov_de.rdf": "xml",
}

INSEE = "http://id.insee.fr/geo/"
EU = "http://publications.europa.eu/resource/authority/"
FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}


def graph_of(app, url, headers=None, **params) -> Graph:
    response = app.get(url, query_string=params, headers=headers or {})
    assert response.status_code == 200, response.body[:500]
    return Graph().parse(data=response.body, format=FORMATS[url.rsplit(".", 1)[-1]])


def dataset_ref(graph: Graph, dataset: dict) -> URIRef:
    return URIRef(f"http://test.ckan.net/dataset/{dataset['id']}")


@pytest.fixture(scope="session")
def shapes():
    return Graph().parse(SHAPES, format="turtle")


def violations(data: str | Graph, shapes: Graph, data_format: str = "turtle") -> list[str]:
    """SHACL results of a graph against the DCAT-AP 3 shapes (empty: valid)."""
    graph = data if isinstance(data, Graph) else Graph().parse(data=data, format=data_format)
    conforms, _results, text = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    return [block.strip() for block in text.split("Constraint Violation")[1:]]


def parse_catalogue(name: str) -> list[dict]:
    """Dataset dicts of a real catalogue, parsed with the configured profiles."""
    parser = RDFParser()
    parser.parse((FIXTURES / name).read_bytes(), _format=REAL_CATALOGUES[name])
    return list(parser.datasets())


def import_catalogue(name: str, **fields) -> list[dict]:
    """Create the datasets of a real catalogue (as a harvest would), with ``fields``."""
    created = []
    for index, dataset in enumerate(parse_catalogue(name)):
        extras = fields.get("extras") or []
        dataset.update({key: value for key, value in fields.items() if key != "extras"})
        dataset["extras"] = [
            e for e in dataset.get("extras", []) if e["key"] not in {x["key"] for x in extras}
        ] + extras
        dataset["name"] = (
            f"{Path(name).stem.replace('.', '-').replace('_', '-').lower()[:60]}-{index}"
        )
        created.append(helpers.call_action("package_create", **dataset))
    return created


def provenance_fields(**values) -> dict:
    """Provenance fields as the harvesters write them: schema fields when the
    dataset schema has them (harvesters merged), extras otherwise."""
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    names = {field["field_name"] for field in schema["dataset_fields"]}
    fields = {key: value for key, value in values.items() if key in names}
    extras = [{"key": key, "value": value} for key, value in values.items() if key not in names]
    if extras:
        fields["extras"] = extras
    return fields


def field(dataset: dict, key: str):
    """A field of a dataset dict, at its root or in its extras."""
    if key in dataset:
        return dataset[key]
    return {extra["key"]: extra["value"] for extra in dataset.get("extras") or []}.get(key)

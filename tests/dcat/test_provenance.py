"""Provenance of harvested datasets in the export: catalogue records, labels."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from ckanext.dcat.profiles import ADMS, DCAT, DCT, FOAF
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import dataset_ref, graph_of, provenance_fields

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_provenance_of_a_harvested_dataset(app):
    dataset = factories.Dataset(
        **provenance_fields(
            territoires_source_url="https://data.example.org/dataset/parcs",
            territoires_source_identifier="parcs-2024",
            territoires_harvest_source="Ville de Bron (CKAN)",
            territoires_harvested="2026-11-20T08:00:00Z",
        )
    )
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    ref = dataset_ref(graph, dataset)
    identifiers = [graph.value(node, SKOS.notation) for node in graph.objects(ref, ADMS.identifier)]
    assert identifiers == [Literal("parcs-2024")]
    record = graph.value(predicate=FOAF.primaryTopic, object=ref)
    assert (record, RDF.type, DCAT.CatalogRecord) in graph
    assert graph.value(record, DCT.modified) is not None
    origin = graph.value(record, DCT.source)
    assert graph.value(origin, FOAF.primaryTopic) == URIRef(
        "https://data.example.org/dataset/parcs"
    )
    assert str(graph.value(origin, DCT.identifier)) == "parcs-2024"
    assert str(graph.value(origin, DCT.modified)).startswith("2026-11-20T08:00:00")
    statement = graph.value(ref, DCT.provenance)
    assert set(graph.objects(statement, RDFS.label)) == {
        Literal("Moissonné depuis « Ville de Bron (CKAN) » le 2026-11-20", lang="fr"),
        Literal('Harvested from "Ville de Bron (CKAN)" on 2026-11-20', lang="en"),
    }
    # the origin is not one more dataset for the harvesters reading this
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 1


def test_provenance_label_without_a_harvest_date(app):
    dataset = factories.Dataset(
        **provenance_fields(
            territoires_source_url="https://data.example.org/dataset/parcs",
            territoires_harvest_source="Ville de Bron (CKAN)",
        )
    )
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    statement = graph.value(dataset_ref(graph, dataset), DCT.provenance)
    assert set(graph.objects(statement, RDFS.label)) == {
        Literal("Moissonné depuis « Ville de Bron (CKAN) »", lang="fr"),
        Literal('Harvested from "Ville de Bron (CKAN)"', lang="en"),
    }


def test_dataset_without_provenance_has_no_record(app):
    dataset = factories.Dataset()
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    assert not list(graph.subjects(RDF.type, DCAT.CatalogRecord))
    assert not list(graph.objects(dataset_ref(graph, dataset), ADMS.identifier))

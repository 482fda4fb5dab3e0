"""Places in the export: the INSEE IRIs of the covered communes and of the EPCI."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from ckanext.dcat.profiles import DCT
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import INSEE, dataset_ref, graph_of

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_spatial_lists_insee_iris_of_the_covered_communes(app):
    dataset = factories.Dataset(territoires_coverage=["Bron", "Écully"])
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    ref = dataset_ref(graph, dataset)
    assert set(graph.objects(ref, DCT.spatial)) == {
        URIRef(INSEE + "commune/69029"),
        URIRef(INSEE + "commune/69081"),
    }
    bron = URIRef(INSEE + "commune/69029")
    assert (bron, RDF.type, DCT.Location) in graph
    assert graph.value(bron, SKOS.prefLabel) == Literal("Bron", lang="fr")
    assert graph.value(bron, DCT.identifier) == Literal("69029")


def test_whole_territory_adds_the_epci(app):
    dataset = factories.Dataset(territoires_coverage=["*"])
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    places = set(graph.objects(dataset_ref(graph, dataset), DCT.spatial))
    assert len(places) == 59
    epci = URIRef(INSEE + "intercommunalite/200046977")
    assert epci in places
    assert str(graph.value(epci, SKOS.prefLabel)) == "Métropole de Lyon"

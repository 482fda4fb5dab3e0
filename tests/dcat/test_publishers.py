"""Publishers in the export: commune organisations with their SIREN, the catalogue's."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from ckanext.dcat.profiles import DCT, FOAF
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import dataset_ref, graph_of

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_commune_organisation_publishes_with_its_siren(app):
    bron = factories.Organization(
        title="Ville de Bron", extras=[{"key": "insee", "value": "69029"}]
    )
    dataset = factories.Dataset(owner_org=bron["id"])
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    publisher = graph.value(dataset_ref(graph, dataset), DCT.publisher)
    assert str(publisher) == f"http://test.ckan.net/organization/{bron['id']}"
    assert str(graph.value(publisher, FOAF.name)) == "Ville de Bron"
    assert str(graph.value(publisher, DCT.identifier)) == "216900290"  # SIREN of Bron
    local_authority = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    assert graph.value(publisher, DCT.type) == local_authority
    assert (local_authority, RDF.type, SKOS.Concept) in graph
    # labelled in every language of the catalogue
    assert set(graph.objects(local_authority, SKOS.prefLabel)) == {
        Literal("Local authority", lang="en"),
        Literal("Collectivité locale", lang="fr"),
    }


def test_explicit_publisher_wins_over_the_commune(app):
    bron = factories.Organization(extras=[{"key": "insee", "value": "69029"}])
    dataset = factories.Dataset(
        owner_org=bron["id"],
        publisher=[{"uri": "https://www.sytral.fr/", "name": "Sytral Mobilités"}],
    )
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    publishers = list(graph.objects(dataset_ref(graph, dataset), DCT.publisher))
    assert publishers == [URIRef("https://www.sytral.fr/")]
    assert graph.value(publishers[0], DCT.identifier) is None


def test_other_organisation_keeps_ckanext_dcat_publisher(app):
    organisation = factories.Organization(title="Syndicat des eaux")
    dataset = factories.Dataset(owner_org=organisation["id"])
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    publisher = graph.value(dataset_ref(graph, dataset), DCT.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Syndicat des eaux"
    assert graph.value(publisher, DCT.identifier) is None


@pytest.mark.ckan_config("ckanext.territoires.dcat.publisher_name", "Grand Lyon Data")
@pytest.mark.ckan_config("ckanext.territoires.dcat.publisher_uri", "https://data.grandlyon.com/")
def test_catalogue_publisher_from_the_configuration(app):
    graph = graph_of(app, "/catalog.ttl")
    publisher = graph.value(URIRef("http://test.ckan.net"), DCT.publisher)
    assert publisher == URIRef("https://data.grandlyon.com/")
    assert str(graph.value(publisher, FOAF.name)) == "Grand Lyon Data"

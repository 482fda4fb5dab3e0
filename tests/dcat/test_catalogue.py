"""The DCAT catalogue of one commune and of the intercommunality."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckanext.dcat.profiles import DCAT, DCT
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import violations

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]
FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}
HYDRA = "http://www.w3.org/ns/hydra/core#"


def catalogue(app, path, headers=None, **params) -> Graph:
    response = app.get(path, query_string=params, headers=headers or {}, follow_redirects=False)
    assert response.status_code == 200, response.body[:300]
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "ttl"
    return Graph().parse(data=response.body, format=FORMATS[extension])


def titles(graph: Graph) -> set[str]:
    return {str(graph.value(d, DCT.title)) for d in graph.subjects(RDF.type, DCAT.Dataset)}


@pytest.fixture
def datasets():
    bron = factories.Organization(extras=[{"key": "insee", "value": "69029"}])
    member = factories.UserWithToken()
    helpers.call_action(
        "organization_member_create", id=bron["id"], username=member["name"], role="editor"
    )
    factories.Dataset(title="Arbres de Bron", territoires_coverage=["Bron"])
    factories.Dataset(title="Publié par Bron", owner_org=bron["id"])
    factories.Dataset(title="Parcs d'Écully", territoires_coverage=["Écully"])
    factories.Dataset(title="Toute la métropole", territoires_coverage=["*"])
    factories.Dataset(
        title="Secret de Bron", owner_org=bron["id"], private=True, territoires_coverage=["Bron"]
    )
    factories.Dataset(title="Brouillon de Bron", territoires_coverage=["Bron"], state="draft")
    return {"member": member, "sysadmin": factories.SysadminWithToken()}


def test_commune_catalogue_lists_its_public_datasets(app, datasets):
    graph = catalogue(app, "/catalog/bron-69029.ttl")
    assert titles(graph) == {"Arbres de Bron", "Publié par Bron", "Toute la métropole"}
    iri = URIRef("http://test.ckan.net/catalog/bron-69029")
    assert (iri, RDF.type, DCAT.Catalog) in graph
    assert "Bron" in str(graph.value(iri, DCT.title))
    assert set(graph.objects(iri, DCT.spatial)) == {URIRef("http://id.insee.fr/geo/commune/69029")}
    assert graph.value(iri, DCT.publisher) is not None


@pytest.mark.parametrize("who", ["member", "sysadmin"])
def test_private_datasets_never_appear_whoever_asks(app, datasets, who):
    headers = {"Authorization": datasets[who]["token"]}
    graph = catalogue(app, "/catalog/bron-69029.ttl", headers=headers)
    assert "Secret de Bron" not in titles(graph)
    assert "Brouillon de Bron" not in titles(graph)
    result = helpers.call_action(
        "territoires_catalog_show",
        context={"user": datasets[who]["name"], "ignore_auth": False},
        id="69029",
    )
    assert "Secret de Bron" not in result and "Arbres de Bron" in result


def test_insee_codes_sirens_and_formats(app, datasets):
    assert titles(catalogue(app, "/catalog/69029.rdf")) == titles(
        catalogue(app, "/catalog/bron-69029.jsonld")
    )
    epci = catalogue(app, "/catalog/200046977.jsonld")
    assert titles(epci) == {
        "Arbres de Bron",
        "Publié par Bron",
        "Parcs d'Écully",
        "Toute la métropole",
    }
    iri = URIRef("http://test.ckan.net/catalog/metropole-de-lyon-200046977")
    assert set(epci.objects(iri, DCT.spatial)) == {
        URIRef("http://id.insee.fr/geo/intercommunalite/200046977")
    }
    # a former code answers with the current commune
    factories.Dataset(title="Oullins", territoires_coverage=["69149"])
    assert titles(catalogue(app, "/catalog/69152.ttl")) == {"Oullins", "Toute la métropole"}
    # without an extension: Turtle, through a redirect
    response = app.get("/catalog/bron-69029", follow_redirects=False)
    assert response.status_code in (301, 308)
    assert response.headers["Location"].endswith("/catalog/bron-69029.ttl")


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_commune_catalogue_is_paged(app, datasets):
    first = catalogue(app, "/catalog/bron-69029.ttl")
    page = URIRef("http://test.ckan.net/catalog/bron-69029.ttl?page=1")
    assert (
        str(first.value(page, URIRef(HYDRA + "next")))
        == "http://test.ckan.net/catalog/bron-69029.ttl?page=2"
    )
    assert int(first.value(page, URIRef(HYDRA + "totalItems"))) == 3
    second = catalogue(app, "/catalog/bron-69029.ttl", page=2)
    assert len(titles(first)) == 2 and len(titles(second)) == 1
    assert titles(first) | titles(second) == {
        "Arbres de Bron",
        "Publié par Bron",
        "Toute la métropole",
    }


def test_bad_input_is_refused_clearly(app, datasets):
    assert app.get("/catalog/paris-75056.ttl").status_code == 404
    assert app.get("/catalog/bron-69029.pdf").status_code == 400
    assert app.get("/catalog/bron-69029.ttl", query_string={"page": 0}).status_code == 400
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("territoires_catalog_show", id="bron-69029", format="pdf")
    assert "format" in error.value.error_dict


def test_commune_catalogue_validates_against_dcat_ap_3(app, datasets, shapes):
    assert violations(catalogue(app, "/catalog/bron-69029.ttl"), shapes) == []
    assert violations(catalogue(app, "/catalog/200046977.ttl"), shapes) == []

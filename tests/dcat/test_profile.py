"""The territoires_dcat_ap profile through ckanext-dcat's endpoints: EU
vocabularies, catalogue, paging, what data.gouv.fr reads."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckanext.dcat.profiles import DCAT, DCT, FOAF
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from tests.conftest import TERRITORY_PLUGINS
from tests.dcat.conftest import EU, INSEE, dataset_ref, graph_of

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_themes_frequency_licence_and_formats_use_the_eu_vocabularies(app):
    dataset = factories.Dataset(
        theme=["ENVI", "Régions et villes", "http://inspire.ec.europa.eu/theme/tn", "vélos"],
        frequency="mensuelle",
        license_id="cc-by",
        resources=[
            {"url": "https://example.org/parcs.csv", "format": "CSV"},
            {"url": "https://example.org/notice.pdf", "format": "PDF"},
        ],
    )
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    ref = dataset_ref(graph, dataset)
    themes = set(graph.objects(ref, DCAT.theme))
    assert themes == {
        URIRef(EU + "data-theme/ENVI"),
        URIRef(EU + "data-theme/REGI"),
        URIRef("http://inspire.ec.europa.eu/theme/tn"),
    }
    assert all((theme, RDF.type, SKOS.Concept) in graph for theme in themes)
    # EU themes are labelled in every language of the catalogue
    assert set(graph.objects(URIRef(EU + "data-theme/REGI"), SKOS.prefLabel)) == {
        Literal("Regions and cities", lang="en"),
        Literal("Régions et villes", lang="fr"),
    }
    assert Literal("vélos") in set(graph.objects(ref, DCAT.keyword))
    assert graph.value(ref, DCT.accrualPeriodicity) == URIRef(EU + "frequency/MONTHLY")
    formats = {}
    for distribution in graph.objects(ref, DCAT.distribution):
        formats[str(graph.value(distribution, DCT["format"]))] = distribution
        # the licence's URI in the register (licences.json)
        assert (
            str(graph.value(distribution, DCT.license))
            == "https://creativecommons.org/licenses/by/4.0/"
        )
    assert set(formats) == {EU + "file-type/CSV", EU + "file-type/PDF"}
    assert graph.value(formats[EU + "file-type/CSV"], DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )


def test_frequency_is_normalised_and_bad_values_refused():
    dataset = factories.Dataset(frequency="http://purl.org/cld/freq/annual")
    assert dataset["frequency"] == EU + "frequency/ANNUAL"
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("package_patch", id=dataset["id"], frequency="sometimes")
    assert "frequency" in error.value.error_dict
    assert "MONTHLY" in error.value.error_dict["frequency"][0]
    assert (
        helpers.call_action("package_show", id=dataset["id"])["frequency"]
        == EU + "frequency/ANNUAL"
    )


def test_catalogue_publisher_spatial_and_theme_taxonomy(app):
    factories.Dataset()
    graph = graph_of(app, "/catalog.ttl")
    catalogue = URIRef("http://test.ckan.net")
    publisher = graph.value(catalogue, DCT.publisher)
    assert str(publisher) == "http://test.ckan.net/intercommunalite/metropole-de-lyon-200046977"
    assert str(graph.value(publisher, FOAF.name)) == "Métropole de Lyon"
    assert str(graph.value(publisher, DCT.identifier)) == "200046977"
    assert URIRef(INSEE + "intercommunalite/200046977") in set(
        graph.objects(catalogue, DCT.spatial)
    )
    assert graph.value(catalogue, DCAT.themeTaxonomy) == URIRef(EU + "data-theme")
    assert set(graph.objects(URIRef(EU + "data-theme"), DCT.title)) == {
        Literal("Data theme", lang="en"),
        Literal("Thème des données", lang="fr"),
    }
    assert graph.value(catalogue, DCT.language) == URIRef(EU + "language/ENG")


@pytest.mark.parametrize("extension", ["ttl", "rdf", "jsonld"])
@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 2)
def test_catalogue_is_paged_in_every_format(app, extension):
    names = {factories.Dataset(territoires_coverage=["Bron"])["name"] for _ in range(3)}
    seen = set()
    for page in (1, 2):
        graph = graph_of(app, f"/catalog.{extension}", page=page)
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == (2 if page == 1 else 1)
        seen.update(str(graph.value(d, DCT.title)) for d in datasets)
        assert all(
            URIRef(INSEE + "commune/69029") in set(graph.objects(d, DCT.spatial)) for d in datasets
        )
    assert len(seen) == len(names)
    hydra = URIRef("http://www.w3.org/ns/hydra/core#totalItems")
    assert {int(o) for o in graph.objects(None, hydra)} == {3}


def test_private_and_draft_datasets_stay_out_of_the_export(app):
    organisation = factories.Organization()
    sysadmin = factories.SysadminWithToken()
    public = factories.Dataset(owner_org=organisation["id"], title="Public")
    private = factories.Dataset(owner_org=organisation["id"], private=True, title="Secret")
    graph = graph_of(app, "/catalog.ttl", headers={"Authorization": sysadmin["token"]})
    titles = {str(o) for o in graph.objects(None, DCT.title)}
    assert "Public" in titles and "Secret" not in titles
    response = app.get(f"/dataset/{private['id']}.ttl")
    assert response.status_code in (403, 404)
    assert public["id"]


def test_a_harvested_iri_with_spaces_does_not_break_the_catalogue(app):
    factories.Dataset(
        title="Broken",
        extras=[
            {"key": "uri", "value": "https://geo.example.org/srv/a b https://geo.example.org/c"}
        ],
    )
    factories.Dataset(title="Fine")
    graph = graph_of(app, "/catalog.ttl")
    assert {"Broken", "Fine"} <= {str(o) for o in graph.objects(None, DCT.title)}
    assert URIRef("https://geo.example.org/srv/a%20b%20https://geo.example.org/c") in set(
        graph.subjects(RDF.type, DCAT.Dataset)
    )


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", 1)
def test_what_data_gouv_fr_dcat_harvester_reads(app):
    """data.gouv.fr's documented DCAT mapping (doc.data.gouv.fr, "Moissonnage
    DCAT"): a dcat:Catalog with Hydra paging; per dcat:Dataset dct:title,
    dct:description, dcat:keyword, dct:identifier (remote id), dcat:landingPage
    or an IRI, dct:issued/modified, dct:temporal with start and end,
    dct:accrualPeriodicity (EU frequencies), licence on the distributions,
    geometries (literals) on the dct:spatial nodes."""
    factories.Dataset()  # older: on page 2
    factories.Dataset(
        title="Stationnement PMR",
        notes="Places réservées.",
        tag_string="stationnement",
        license_id="odc-odbl",
        frequency="weekly",
        territoires_coverage=["Bron"],
        temporal_coverage=[{"start": "2022-01-01", "end": "2022-12-31"}],
        spatial_coverage=[{"bbox": "POLYGON ((4.9 45.7, 5.0 45.7, 5.0 45.8, 4.9 45.8, 4.9 45.7))"}],
        resources=[{"url": "https://example.org/pmr.csv", "format": "CSV", "name": "Places"}],
    )
    graph = graph_of(app, "/catalog.rdf")
    assert len(list(graph.subjects(RDF.type, DCAT.Catalog))) == 1
    hydra = "http://www.w3.org/ns/hydra/core#"
    paging = graph.value(predicate=RDF.type, object=URIRef(hydra + "PagedCollection"))
    assert str(graph.value(paging, URIRef(hydra + "next"))).endswith("/catalog.rdf?page=2")
    ref = next(iter(graph.subjects(RDF.type, DCAT.Dataset)))
    assert str(graph.value(ref, DCT.title)) == "Stationnement PMR"
    assert str(graph.value(ref, DCT.description)) == "Places réservées."
    assert str(graph.value(ref, DCAT.keyword)) == "stationnement"
    assert isinstance(graph.value(ref, DCT.identifier), Literal)
    for predicate in (DCT.issued, DCT.modified):
        assert graph.value(ref, predicate).datatype is not None
    period = graph.value(ref, DCT.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2022-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2022-12-31"
    assert graph.value(ref, DCT.accrualPeriodicity) == URIRef(EU + "frequency/WEEKLY")
    distribution = graph.value(ref, DCAT.distribution)
    assert str(graph.value(distribution, DCT.title)) == "Places"
    assert graph.value(distribution, DCAT.accessURL) == URIRef("https://example.org/pmr.csv")
    assert str(graph.value(distribution, DCT.license)) == (
        "https://opendatacommons.org/licenses/odbl/1-0/"
    )
    geometries = [
        o
        for place in graph.objects(ref, DCT.spatial)
        for o in graph.objects(place)
        if isinstance(o, Literal) and str(o).startswith("POLYGON")
    ]
    assert geometries and str(geometries[0].datatype).endswith("wktLiteral")


def test_an_unlisted_licence_and_the_source_dates_are_exported_valid(app, shapes):
    """A harvested dataset whose licence the register does not list, with
    its access rights, its source's dates and a service endpoint."""
    from rdflib import BNode
    from rdflib.namespace import RDFS

    from tests.dcat.conftest import provenance_fields, violations

    dataset = factories.Dataset(
        license_id="Licence de la DDTM 80",
        access_rights="Pas de restriction d'accès public selon INSPIRE",
        issued="2017-10-07",
        created="2003-06-02",
        conforms_to=["http://www.opengis.net/def/crs/EPSG/0/2154"],
        resources=[
            {"url": "https://example.org/plu.zip", "format": "ZIP"},
            {
                "url": "https://example.org/wxs?SERVICE=WMS&REQUEST=GetCapabilities",
                "format": "WMS",
                "access_services": [
                    {
                        "title": "Service WMS",
                        "endpoint_url": ["https://example.org/wxs?SERVICE=WMS"],
                        "conforms_to": ["http://www.opengeospatial.org/standards/wms"],
                    }
                ],
            },
        ],
        **provenance_fields(territoires_harvested="2026-11-20T08:00:00Z"),
    )
    body = app.get(f"/dataset/{dataset['id']}.ttl").body
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    ref = dataset_ref(graph, dataset)
    assert str(graph.value(ref, DCT.issued)).startswith("2017-10-07")
    assert str(graph.value(ref, DCT.created)).startswith("2003-06-02")
    # the source gave no modification date: the harvest's is not stated as one
    assert graph.value(ref, DCT.modified) is None
    for distribution in graph.objects(ref, DCAT.distribution):
        licence = graph.value(distribution, DCT.license)
        assert isinstance(licence, BNode)
        assert (licence, RDF.type, DCT.LicenseDocument) in graph
        assert graph.value(licence, RDFS.label) == Literal("Licence de la DDTM 80")
    rights = graph.value(ref, DCT.accessRights)
    assert (rights, RDF.type, DCT.RightsStatement) in graph
    assert violations(body, shapes) == []


def test_the_catalogue_is_named_after_the_territory(app):
    """CKAN's default title (test.ini: "CKAN") is not the catalogue's name:
    the territory's is, in every language."""
    graph = graph_of(app, "/catalog.ttl")
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert set(graph.objects(catalogue, DCT.title)) == {
        Literal("Données ouvertes de la Métropole de Lyon", lang="fr"),
        Literal("Open data of the Métropole de Lyon", lang="en"),
    }


@pytest.mark.ckan_config("ckan.site_title", "Grand Lyon Data")
def test_the_catalogue_keeps_the_configured_title(app):
    graph = graph_of(app, "/catalog.ttl")
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert [str(title) for title in graph.objects(catalogue, DCT.title)] == ["Grand Lyon Data"]


def test_a_publisher_name_is_never_invented_from_its_iri(app):
    iri = "https://sig.oreme.org/geonetwork/srv/resources/organizations/UMR%20HSM"
    dataset = factories.Dataset(publisher=[{"uri": iri}])
    graph = graph_of(app, f"/dataset/{dataset['id']}.ttl")
    names = {str(name) for name in graph.objects(URIRef(iri), FOAF.name)}
    assert "UMR HSM" not in names

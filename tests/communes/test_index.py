"""Index fields of the territory: covered communes, publisher, whole
intercommunalities, themes; theme labels in facets."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]

ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"


def found(fq):
    return sorted(d["name"] for d in helpers.call_action("package_search", fq=fq)["results"])


def test_fields_and_filters():
    commune_org = factories.Organization(extras=[{"key": "insee", "value": "69081"}])
    epci_org = factories.Organization(extras=[{"key": "siren", "value": "200046977"}])
    factories.Dataset(
        name="local",
        owner_org=commune_org["id"],
        territoires_coverage=["Bron"],
        theme=[ENVI, "Mobilité douce"],
    )
    factories.Dataset(name="whole", owner_org=epci_org["id"], territoires_coverage=["*"])
    assert found("territoires_covered:69029") == ["local", "whole"]
    assert found("territoires_covered:69081") == ["whole"]  # published by Écully, about Bron
    assert found("territoires_publisher:69081") == ["local"]
    assert found("territoires_publisher:200046977") == ["whole"]
    assert found("territoires_whole:200046977") == ["whole"]
    assert found('territoires_themes:"Mobilité douce"') == ["local"]
    assert found('territoires_themes:"%s"' % ENVI) == ["local"]


def test_theme_facet_shows_labels():
    factories.Dataset(theme=[ENVI, "Mobilité douce"])
    facets = helpers.call_action("package_search", **{"facet.field": ["territoires_themes"]})[
        "search_facets"
    ]["territoires_themes"]["items"]
    assert sorted(item["display_name"] for item in facets) == ["Environment", "Mobilité douce"]


def test_changing_the_organisation_extra_needs_a_reindex_only():
    organisation = factories.Organization()
    dataset = factories.Dataset(owner_org=organisation["id"], territoires_coverage=["Bron"])
    assert found("territoires_publisher:69029") == []
    helpers.call_action(
        "organization_patch", id=organisation["id"], extras=[{"key": "insee", "value": "69029"}]
    )
    helpers.call_action("package_patch", id=dataset["id"], notes="touched")
    assert found("territoires_publisher:69029") == [dataset["name"]]

"""CKAN's dataset pages with the territory: the coverage field in the forms
(stored, memberships, errors), covered communes on the page, commune
facets on /dataset, the DCAT export with the schema."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def test_dataset_facets_show_commune_names(app):
    factories.Dataset(title="Arbres", territoires_coverage=["Écully", "Bron"])
    page = app.get("/dataset/")
    assert "Écully" in page.body and "territoires_communes=69081" in page.body
    filtered = app.get("/dataset/", query_string={"territoires_communes": "69029"})
    assert "Arbres" in filtered.body


def test_dataset_form_offers_the_communes_and_the_whole_territory(app):
    sysadmin = factories.SysadminWithToken()
    page = app.get("/dataset/new", headers={"Authorization": sysadmin["token"]})
    assert 'name="territoires_coverage"' in page.body
    assert 'value="*"' in page.body and "Écully (69081)" in page.body


def test_dataset_page_lists_covered_communes(app):
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    page = app.get(f"/dataset/{dataset['name']}")
    assert "Bron" in page.body and "/commune/69029" in page.body


def test_dataset_forms_store_the_coverage_and_memberships(app):
    import ckan.tests.helpers as helpers

    sysadmin = factories.SysadminWithToken()
    headers = {"Authorization": sysadmin["token"]}
    app.post(
        "/dataset/new",
        headers=headers,
        data={
            "name": "arbres",
            "title": "Arbres",
            "notes": "Arbres d'alignement",
            "territoires_coverage": ["69081", "69029"],
            "save": "continue",
        },
    )
    assert helpers.call_action("package_show", id="arbres")["territoires_coverage"] == [
        "69029",
        "69081",
    ]

    dataset = factories.Dataset(territoires_coverage=["Bron"])
    app.post(
        f"/dataset/edit/{dataset['name']}",
        headers=headers,
        data={
            "name": dataset["name"],
            "title": "Bancs",
            "notes": "Bancs publics",
            "territoires_coverage": ["*"],
            "save": "",
        },
    )
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert len(shown["territoires_coverage"]) == 58 and len(shown["groups"]) == 59


def test_dataset_form_shows_the_coverage_error(app):
    sysadmin = factories.SysadminWithToken()
    response = app.post(
        "/dataset/new",
        headers={"Authorization": sysadmin["token"]},
        data={
            "name": "bancs",
            "title": "Bancs",
            "notes": "x",
            "territoires_coverage": ["Paris"],
            "save": "continue",
        },
    )
    assert "outside the territory" in response.body


@pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "euro_dcat_ap_2 euro_dcat_ap_scheming")
def test_dcat_export_works_with_the_schema(app):
    dataset = factories.Dataset(
        title="Arbres",
        territoires_coverage=["Bron"],
        spatial_coverage=[{"uri": "http://id.insee.fr/geo/commune/69029"}],
    )
    turtle = app.get(f"/dataset/{dataset['name']}.ttl").body
    assert "dcat:Dataset" in turtle and "Arbres" in turtle
    assert "http://id.insee.fr/geo/commune/69029" in turtle

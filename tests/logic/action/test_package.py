"""territoires_package_search: the datasets of a place, its relations,
filters and facets, and its figures from one search or two;
territoires_package_publish: a dataset and its file in one step."""

from __future__ import annotations

import io

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model
from werkzeug.datastructures import FileStorage

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    # app: url_for needs the group-type routes of these plugins
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "app"),
]


def anonymous():
    return {"user": "", "ignore_auth": False}


def names(result):
    return sorted(dataset["name"] for dataset in result["results"])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "eau"},
        {"relation": "covering"},
        {"filters": {"tags": ["eau"]}},
        {"start": 1, "rows": 1},
        {"sort": "title_string asc"},
    ],
)
def test_figures_are_the_same_with_one_or_two_searches(places, params):
    shown = helpers.call_action("territoires_commune_show", context=anonymous(), id="69081")[
        "figures"
    ]
    searched = helpers.call_action(
        "territoires_package_search",
        context=anonymous(),
        id="69081",
        include_figures=True,
        **params,
    )
    assert searched["figures"] == shown


def test_package_search_relations_filters_and_facets(places):
    def search(**params):
        return helpers.call_action("territoires_package_search", context=anonymous(), **params)

    assert names(search(id="ecully-69081")) == ["arbres-metropole", "eau-ouest", "ecully-bancs"]
    assert names(search(id="69081", relation="published")) == ["ecully-bancs"]
    assert names(search(id="69081", relation="covering")) == ["eau-ouest", "ecully-bancs"]
    assert names(search(id="69081", relation="territory")) == ["arbres-metropole"]
    assert names(search(id="69081", filters={"res_format": "JSON"})) == ["ecully-bancs"]
    assert names(search(id="69081", filters='{"tags": ["eau"]}')) == ["eau-ouest"]  # JSON in a GET
    assert names(search(id="69081", fq="res_format:JSON")) == ["ecully-bancs"]
    result = search(id="69081", **{"facet.field": ["res_format"], "facet.limit": 1})
    assert result["facets"] == {"res_format": {"CSV": 3}}
    merged = search(
        id="69081", include_figures=True, **{"facet.field": ["res_format"], "facet.limit": 1}
    )
    assert merged["facets"] == {"res_format": {"CSV": 3}}
    assert list(merged["search_facets"]) == ["res_format"]
    assert names(search(id="200046977")) == ["arbres-metropole"]  # an intercommunality by SIREN
    assert names(search(id="metropole-de-lyon-200046977", relation="published")) == [
        "arbres-metropole"
    ]


def test_package_search_bad_input(places):
    for params, field in (
        ({"id": "69081", "relation": "nope"}, "relation"),
        ({"id": "200046977", "relation": "covering"}, "relation"),
        ({"id": "69081", "filters": '{"bad field": ["x"]}'}, "filters"),
        ({"id": "69081", "filters": "[1, 2]"}, "filters"),
        ({"id": "69081", "rows": -1}, "rows"),
        ({"id": ""}, "id"),
    ):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_package_search", **params)
        assert field in error.value.error_dict, params
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("territoires_package_search", id="75056")


def test_filter_values_cannot_inject_syntax(places):
    result = helpers.call_action(
        "territoires_package_search",
        context=anonymous(),
        id="69081",
        filters={"tags": ['eau" OR capacity:"private']},
    )
    assert result["count"] == 0


# --- territoires_package_publish ------------------------------------------------------


@pytest.fixture
def publisher(lyon):
    organisation = factories.Organization(name="commune-ecully", insee="69081")
    user = factories.User()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=user["name"], role="editor"
    )
    return {"user": user, "organization": organisation}


def publish(publisher, **fields):
    data = {
        "title": "Bancs publics",
        "notes": "Les bancs de la commune.",
        "owner_org": publisher["organization"]["id"],
        "private": "False",
        **fields,
    }
    return helpers.call_action(
        "territoires_package_publish",
        context={"user": publisher["user"]["name"], "ignore_auth": False},
        **data,
    )


def csv_file(name="bancs.csv", size=None):
    content = b"id;rue\n1;Grande rue\n" if size is None else b"x" * size
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="text/csv")


def test_publish_with_a_link(publisher):
    dataset = publish(
        publisher,
        territoires_coverage=["69081"],
        resources=[{"url": "https://example.org/bancs.csv"}],
    )
    assert dataset["name"] == "bancs-publics" and dataset["state"] == "active"
    assert dataset["private"] is False
    (resource,) = dataset["resources"]
    assert resource["url"] == "https://example.org/bancs.csv" and resource["format"] == "CSV"
    commune = helpers.call_action("territoires_commune_show", id="69081")
    assert commune["figures"]["published"] == 1


def test_publish_with_a_file(publisher, app):
    dataset = publish(publisher, resources=[{"upload": csv_file(), "url": ""}])
    (resource,) = dataset["resources"]
    assert resource["url_type"] == "upload" and resource["name"] == "bancs.csv"
    assert resource["url"].endswith("/download/bancs.csv")
    assert resource["format"] == "CSV"
    response = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert response.status_code == 200 and b"Grande rue" in response.data


def test_a_file_wins_over_a_link_typed_beside_it(publisher):
    dataset = publish(
        publisher, resources=[{"upload": csv_file(), "url": "https://example.org/x.csv"}]
    )
    assert dataset["resources"][0]["url_type"] == "upload"


def test_the_name_is_made_from_the_title_and_kept_free(publisher):
    first = publish(publisher, resources=[{"url": "https://example.org/a.csv"}])
    second = publish(publisher, resources=[{"url": "https://example.org/b.csv"}])
    assert (first["name"], second["name"]) == ("bancs-publics", "bancs-publics-2")
    named = publish(publisher, name="mes-bancs", resources=[{"url": "https://example.org/c"}])
    assert named["name"] == "mes-bancs"
    short = publish(publisher, title="Ô", resources=[{"url": "https://example.org/d"}])
    assert short["name"] == "o-jeu-de-donnees"  # CKAN's names have 2 characters at least


def test_a_wrong_name_given_is_reported_on_its_field(publisher):
    with pytest.raises(tk.ValidationError) as raised:
        publish(publisher, name="Pas une URL", resources=[{"url": "https://example.org/a"}])
    assert list(raised.value.error_dict) == ["name"]


def test_every_error_at_once_and_nothing_kept(publisher):
    with pytest.raises(tk.ValidationError) as raised:
        publish(publisher, title="", notes="", private="", resources=[{"url": ""}])
    errors = raised.value.error_dict
    assert set(errors) == {"title", "notes", "private", "resources"}  # not "name": from the title
    assert errors["title"] == ["Missing value"]
    assert errors["resources"] == [{"url": ["Add a file or a link to the data."]}]
    assert model.Session.query(model.Package).count() == 0


def test_visibility_is_never_a_default(publisher):
    with pytest.raises(tk.ValidationError) as raised:
        publish(publisher, private=None, resources=[{"url": "https://example.org/a.csv"}])
    assert list(raised.value.error_dict) == ["private"]
    private = publish(publisher, private="True", resources=[{"url": "https://example.org/a"}])
    assert private["private"] is True


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_a_file_too_large_keeps_nothing(publisher):
    with pytest.raises(tk.ValidationError) as raised:
        publish(publisher, resources=[{"upload": csv_file(size=2 * 1024 * 1024)}])
    assert "upload" in raised.value.error_dict["resources"][0]
    assert model.Session.query(model.Package).count() == 0


def test_package_create_is_unchanged(publisher):
    dataset = helpers.call_action(
        "package_create", name="sans-titre", notes="x", owner_org=publisher["organization"]["id"]
    )
    assert dataset["title"] == "sans-titre" and dataset["private"] is False

"""territoires_package_search: the datasets of a place, its relations,
filters and facets, and its figures from one search or two."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

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

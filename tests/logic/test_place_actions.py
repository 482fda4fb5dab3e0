"""Actions of the place pages: territoires_commune_show's figures,
territoires_intercommunality_show, territoires_package_search,
territoires_commune_list's sort and filters, territoires_territory_show."""

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


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


def names(result):
    return sorted(dataset["name"] for dataset in result["results"])


def test_commune_figures(places):
    figures = helpers.call_action("territoires_commune_show", context=anonymous(), id="69081")[
        "figures"
    ]
    assert (
        figures["datasets"],
        figures["published"],
        figures["covering"],
        figures["territory"],
    ) == (3, 1, 3, 1)
    assert figures["relations"] == {"published": 1, "covering": 2, "territory": 1}
    assert figures["resources"] == 4
    assert [t["label"] for t in figures["themes"]] == [
        "Environment",
        "Government and public sector",
        "Transport",
    ]
    assert [p["name"] for p in figures["producers"]] == ["metropole", "syndicat", "ville-d-ecully"]
    assert figures["last_modified"] == figures["latest"][0]["metadata_modified"]
    assert [d["name"] for d in figures["latest"]] == [
        "arbres-metropole",
        "eau-ouest",
        "ecully-bancs",
    ]
    member = helpers.call_action(
        "territoires_commune_show", context=as_user(places.member), id="69081"
    )
    assert member["figures"]["datasets"] == 4 and member["figures"]["latest"][0]["private"] is True


def test_show_without_figures_and_relations(places):
    commune = helpers.call_action("territoires_commune_show", id="69081", include_figures=False)
    assert "figures" not in commune and commune["relations"] == [
        "published",
        "covering",
        "territory",
    ]
    assert commune["intercommunality"]["name"] == "metropole-de-lyon-200046977"


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


def test_intercommunality_show(places):
    epci = helpers.call_action(
        "territoires_intercommunality_show", context=anonymous(), id="200046977"
    )
    assert epci["name"] == "metropole-de-lyon-200046977" and len(epci["members"]) == 58
    assert len(epci["communes"]) == 58 and epci["relations"] == ["published", "territory"]
    assert (
        epci["figures"]["datasets"],
        epci["figures"]["published"],
        epci["figures"]["territory"],
    ) == (1, 1, 1)
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("territoires_intercommunality_show", id="200067106")


def test_commune_list_sort_limit_and_epci(places):
    def titles(**params):
        return [
            c["title"]
            for c in helpers.call_action("territoires_commune_list", context=anonymous(), **params)
        ]

    assert titles(sort="datasets", limit=2) == ["Bron", "Écully"]
    assert titles(sort="population", limit=2) == ["Lyon", "Villeurbanne"]
    assert len(titles(epci="200046977")) == 58 and titles(epci="200067106") == []
    assert titles(q="69130") == ["Écully"] and titles(q="st fons") == ["Saint-Fons"]
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("territoires_commune_list", sort="size")
    assert "sort" in error.value.error_dict


def test_territory_show(places):
    territory = helpers.call_action("territoires_territory_show", context=anonymous(), limit=3)
    assert territory["label"] == "Métropole de Lyon" and territory["communes"] == 58
    assert territory["datasets"] == 4
    assert [c["title"] for c in territory["most_active"]] == ["Bron", "Écully", "Lyon"]
    recent = territory["recently_updated"]
    assert [(r["commune"]["title"], r["dataset"]["name"]) for r in recent] == [
        ("Bron", "bron-parcs"),
        ("Écully", "eau-ouest"),
    ]
    assert [i["name"] for i in territory["intercommunalities"]] == ["metropole-de-lyon-200046977"]
    member = helpers.call_action("territoires_territory_show", context=as_user(places.member))
    assert (
        member["datasets"] == 5
        and member["recently_updated"][0]["dataset"]["name"] == "projet-secret"
    )

"""territoires_commune_list and territoires_commune_show: identity, counts
with the caller's permissions, key figures, sort and filters."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
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
    return {"user": user["name"] if user else "", "ignore_auth": False}


@pytest.mark.usefixtures("lyon")
class TestCommunes:
    def test_list_has_the_58_communes_with_identity(self):
        communes = helpers.call_action("territoires_commune_list", context=as_user(None))
        assert len(communes) == 58
        ecully = next(c for c in communes if c["insee"] == "69081")
        assert ecully["name"] == "ecully-69081" and ecully["title"] == "Écully"
        assert ecully["postal_codes"] == ["69130"] and ecully["departement"]["code"] == "69"
        assert ecully["epci"]["siren"] == "200046977" and ecully["status"] == "current"
        assert ecully["package_count"] == 0

    def test_show_by_name_code_and_old_code(self):
        by_code = helpers.call_action("territoires_commune_show", id="69149")
        assert by_code["name"] == "oullins-pierre-benite-69149"
        assert helpers.call_action("territoires_commune_show", id="69152")["id"] == by_code["id"]
        assert (
            helpers.call_action("territoires_commune_show", id="oullins-pierre-benite-69149")["id"]
            == by_code["id"]
        )
        assert "69152" in by_code["old_codes"] or any(
            d["insee"] == "69152" for d in by_code["communes_deleguees"]
        )
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("territoires_commune_show", id="75056")

    def test_counts_follow_the_callers_permissions(self):
        organisation = factories.Organization()
        member = factories.User()
        helpers.call_action(
            "organization_member_create",
            id=organisation["id"],
            username=member["name"],
            role="member",
        )
        sysadmin = factories.Sysadmin()
        factories.Dataset(owner_org=organisation["id"], territoires_coverage=["Écully"])
        factories.Dataset(
            owner_org=organisation["id"], private=True, territoires_coverage=["69081"]
        )

        def count(user):
            return helpers.call_action(
                "territoires_commune_show", context=as_user(user), id="69081"
            )["package_count"]

        assert (count(None), count(member), count(sysadmin)) == (1, 2, 2)
        listed = helpers.call_action("territoires_commune_list", context=as_user(None), q="ecu")
        assert [(c["insee"], c["package_count"]) for c in listed] == [("69081", 1)]


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

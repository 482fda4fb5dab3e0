"""territoires_resolve: place values -> current communes, within a scope."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def as_user(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


class TestResolve:
    def test_name_in_the_territory(self):
        result = helpers.call_action("territoires_resolve", context=as_user(None), q="ecully")
        assert result == [
            {"insee": "69081", "name": "Écully", "type": "commune", "matched_as": "name"}
        ]

    def test_old_code_and_arrondissement_give_the_current_commune(self):
        assert helpers.call_action("territoires_resolve", q="69152")[0]["insee"] == "69149"
        assert helpers.call_action("territoires_resolve", q="Lyon 3e")[0] == {
            "insee": "69123",
            "name": "Lyon",
            "type": "commune",
            "matched_as": "arrondissement",
        }

    def test_epci_gives_its_58_communes(self):
        result = helpers.call_action("territoires_resolve", q="200046977")
        assert len(result) == 58 and {r["matched_as"] for r in result} == {"epci_siren"}

    def test_homonym_is_unique_in_scope_but_ambiguous_in_france(self):
        assert (
            helpers.call_action("territoires_resolve", q="Sainte-Colombe", scope="departement:69")[
                0
            ]["insee"]
            == "69189"
        )
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_resolve", q="Sainte-Colombe", scope="all")
        message = error.value.error_dict["q"][0]
        assert "ambiguous" in message and "69 Rhône" in message and "05 Hautes-Alpes" in message

    def test_a_code_both_insee_and_postal_is_refused_with_both_readings(self):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_resolve", q="69003")
        message = error.value.error_dict["q"][0]
        assert "Albigny-sur-Saône (69 Rhône, INSEE 69003)" in message
        assert "postal code 69003 of Lyon (69 Rhône)" in message
        assert helpers.call_action("territoires_resolve", q="insee:69003")[0]["insee"] == "69003"
        assert helpers.call_action("territoires_resolve", q="cp:69003")[0]["insee"] == "69123"

    @pytest.mark.ckan_config("ckan.locale_default", "fr")
    def test_the_refusal_in_french(self, app):
        response = app.get(
            "/api/3/action/territoires_resolve", query_string={"q": "69003"}, status=409
        )
        message = response.json["error"]["q"][0]
        assert "code postal 69003 de Lyon (69 Rhône)" in message
        assert "« insee:69003 »" in message

    def test_outside_the_scope_unknown_and_empty_are_refused(self):
        for q, expected in (("Paris", "outside"), ("Zzyzx", "no commune"), ("", "Missing value")):
            with pytest.raises(tk.ValidationError) as error:
                helpers.call_action("territoires_resolve", q=q)
            assert expected in error.value.error_dict["q"][0]

    def test_bad_scope_is_refused_on_the_scope_field(self):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_resolve", q="Lyon", scope="epci:1")
        assert "SIREN" in error.value.error_dict["scope"][0]

    def test_public_get_through_the_api(self, app):
        response = app.get("/api/action/territoires_resolve", query_string={"q": "Saint-Fons"})
        assert response.json["result"][0]["insee"] == "69199"

"""territoires_commune_organization_create: the data team creates the
organisation that publishes for a commune, linked by its INSEE code."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon", "app"),
]


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


def test_creates_the_organisation_linked_to_the_commune():
    sysadmin = factories.Sysadmin()
    organisation = helpers.call_action(
        "territoires_commune_organization_create", context=as_user(sysadmin), id="69081"
    )
    assert organisation["name"] == "commune-ecully-69081"
    assert organisation["title"] == "Commune d'Écully"
    assert organisation["insee"] == "69081"
    # its creator administers it, as with organization_create
    members = helpers.call_action("member_list", id=organisation["id"], object_type="user")
    assert (sysadmin["id"], "user", "Admin") in [tuple(m) for m in members]
    commune = helpers.call_action("territoires_commune_show", id="ecully-69081")
    assert commune["organization"]["name"] == "commune-ecully-69081"
    assert commune["organization"]["url"] == "/organization/commune-ecully-69081"


def test_title_and_name_may_be_given():
    organisation = helpers.call_action(
        "territoires_commune_organization_create",
        context=as_user(factories.Sysadmin()),
        id="bron-69029",
        title="Ville de Bron",
        name="ville-de-bron",
    )
    assert (organisation["title"], organisation["name"]) == ("Ville de Bron", "ville-de-bron")
    assert organisation["insee"] == "69029"


def test_a_commune_has_one_organisation():
    factories.Organization(title="Ville d'Écully", insee="69081")
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(
            "territoires_commune_organization_create",
            context=as_user(factories.Sysadmin()),
            id="69081",
        )
    assert raised.value.error_dict == {
        "id": ["Écully already has its organisation: Ville d'Écully."]
    }


def test_unknown_commune_and_other_users():
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action(
            "territoires_commune_organization_create",
            context=as_user(factories.Sysadmin()),
            id="75056",
        )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "territoires_commune_organization_create",
            context=as_user(factories.User()),
            id="69081",
        )

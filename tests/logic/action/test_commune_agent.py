"""The agents of a commune: added, listed and removed by the data team; an
agent publishes for the commune and edits its presentation."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import authz

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon", "app"),
]


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def ecully_org():
    return factories.Organization(name="commune-ecully", title="Commune d'Écully", insee="69081")


@pytest.fixture
def org_admin(ecully_org):
    user = factories.User()
    helpers.call_action(
        "organization_member_create", id=ecully_org["id"], username=user["name"], role="admin"
    )
    return user


def test_an_agent_publishes_for_the_commune_and_edits_its_presentation(ecully_org, org_admin):
    agent = factories.User(fullname="Camille Martin", email="camille@ecully.example")
    added = helpers.call_action(
        "territoires_commune_agent_add",
        context=as_user(org_admin),
        id="69081",
        username="camille@ecully.example",  # by email address too
    )
    assert added["user"]["name"] == agent["name"]
    assert added["commune"]["name"] == "ecully-69081" and added["commune"]["insee"] == "69081"
    assert added["organization"]["name"] == "commune-ecully"
    assert (added["capacity"], added["organization_capacity"]) == ("editor", "editor")
    assert authz.has_user_permission_for_group_or_org(
        ecully_org["id"], agent["name"], "create_dataset"
    )
    # publishes for the commune: "published by the commune"
    dataset = helpers.call_action(
        "package_create",
        context=as_user(agent),
        name="bancs-ecully",
        title="Bancs",
        notes="Les bancs",
        owner_org=ecully_org["id"],
    )
    commune = helpers.call_action("territoires_commune_show", id="69081")
    assert commune["figures"]["published"] == 1
    assert commune["figures"]["latest"][0]["name"] == dataset["name"]
    # edits the commune's presentation
    helpers.call_action("group_patch", context=as_user(agent), id="ecully-69081", description="Hi")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("group_patch", context=as_user(agent), id="bron-69029", description="x")


def test_list_both_ways(ecully_org):
    sysadmin = factories.Sysadmin()
    first, second = factories.User(name="bob"), factories.User(name="alice")
    for user in (first, second):
        helpers.call_action(
            "territoires_commune_agent_add",
            context=as_user(sysadmin),
            id="69081",
            username=user["id"],
        )
    agents = helpers.call_action(
        "territoires_commune_agent_list", context=as_user(sysadmin), id="ecully-69081"
    )
    assert [agent["user"]["name"] for agent in agents] == ["alice", "bob"]
    assert "email" not in agents[0]["user"]
    mine = helpers.call_action(
        "territoires_commune_agent_list", context=as_user(first), user=first["name"]
    )
    assert [item["commune"]["name"] for item in mine] == ["ecully-69081"]
    assert mine[0]["organization"]["id"] == ecully_org["id"]
    assert (
        helpers.call_action(
            "territoires_commune_agent_list", context=as_user(sysadmin), user=sysadmin["name"]
        )
        == []
    )
    with pytest.raises(tk.ValidationError):
        helpers.call_action("territoires_commune_agent_list", context=as_user(sysadmin))


def test_an_officer_without_the_organisation_is_listed_as_such(ecully_org):
    officer = factories.User()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=officer["name"], role="editor"
    )
    (agent,) = helpers.call_action("territoires_commune_agent_list", id="69081")
    assert agent["user"]["name"] == officer["name"]
    assert (agent["capacity"], agent["organization_capacity"]) == ("editor", None)


def test_higher_roles_are_kept(ecully_org, org_admin):
    helpers.call_action("territoires_commune_agent_add", id="69081", username=org_admin["name"])
    (agent,) = helpers.call_action("territoires_commune_agent_list", id="69081")
    assert (agent["capacity"], agent["organization_capacity"]) == ("editor", "admin")


def test_remove_an_agent(ecully_org):
    agent = factories.User()
    helpers.call_action("territoires_commune_agent_add", id="69081", username=agent["name"])
    helpers.call_action("territoires_commune_agent_remove", id="69081", username=agent["name"])
    assert helpers.call_action("territoires_commune_agent_list", id="69081") == []
    assert not authz.has_user_permission_for_group_or_org(
        ecully_org["id"], agent["name"], "create_dataset"
    )
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("territoires_commune_agent_remove", id="69081", username=agent["name"])
    assert list(raised.value.error_dict) == ["username"]
    # added again
    helpers.call_action("territoires_commune_agent_add", id="69081", username=agent["name"])
    assert len(helpers.call_action("territoires_commune_agent_list", id="69081")) == 1


def test_errors_name_their_field():
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(
            "territoires_commune_agent_add", id="69081", username=factories.User()["name"]
        )
    assert raised.value.error_dict == {"id": ["Écully has no organisation yet: create it first."]}
    factories.Organization(insee="69081")
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("territoires_commune_agent_add", id="69081", username="nobody")
    assert raised.value.error_dict == {"username": ["No user is known as nobody."]}
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("territoires_commune_agent_add", id="69081")
    assert list(raised.value.error_dict) == ["username"]
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("territoires_commune_agent_add", id="75056", username="x")

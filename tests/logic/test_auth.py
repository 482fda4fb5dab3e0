"""Auth functions: one per action; officers edit their own commune's
presentation, nothing else."""

from __future__ import annotations

import ckan.logic as logic
import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.logic import action as actions
from ckanext.territoires.logic import auth
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    # app, first: url_for (territoires_commune_show, and the fixtures' actions)
    # needs the routes of an app made with these plugins, not those of the
    # app another test module made last
    pytest.mark.usefixtures("with_plugins", "app", "clean_db", "clean_index", "lyon"),
]


@pytest.fixture
def officer():
    user = factories.User()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=user["name"], role="editor"
    )
    return user


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


def test_officer_edits_the_presentation_of_their_commune(officer):
    helpers.call_action(
        "group_patch",
        context=as_user(officer),
        id="ecully-69081",
        description="Bienvenue à **Écully**",
        website="https://www.ville-ecully.fr",
        contact_email="mairie@ville-ecully.fr",
    )
    commune = helpers.call_action("territoires_commune_show", id="69081")
    assert commune["presentation"]["description"] == "Bienvenue à **Écully**"
    assert commune["presentation"]["website"] == "https://www.ville-ecully.fr"
    # identity kept although the patch did not send it
    assert commune["insee"] == "69081" and commune["postal_codes"] == ["69130"]
    assert commune["title"] == "Écully" and commune["name"] == "ecully-69081"


def test_officer_cannot_edit_another_commune(officer):
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "group_patch", context=as_user(officer), id="bron-69029", description="x"
        )


def test_identity_fields_are_refused_and_nothing_is_stored(officer):
    for field, value in (
        ("insee", "69029"),
        ("population", "1"),
        ("title", "Ecully-Ville"),
        ("name", "ecully"),
    ):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action(
                "group_patch",
                context=as_user(officer),
                id="ecully-69081",
                description="changed",
                **{field: value},
            )
        assert "ckan territoires load" in error.value.error_dict[field][0]
    group = model.Group.get("ecully-69081")
    assert group.extras["insee"] == "69081" and group.description in ("", None)


def test_bad_presentation_values_are_refused(officer):
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action(
            "group_patch",
            context=as_user(officer),
            id="ecully-69081",
            website="not a url",
            contact_email="nobody",
        )
    assert set(error.value.error_dict) >= {"website", "contact_email"}


def test_users_cannot_create_or_delete_territorial_groups(officer):
    user = factories.User()
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("group_create", context=as_user(user), name="x-69999", type="commune")
    admin = factories.User()
    helpers.call_action(
        "group_member_create", id="bron-69029", username=admin["name"], role="admin"
    )
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("group_delete", context=as_user(admin), id="bron-69029")


def test_reads_are_public():
    for action in ("territoires_resolve", "territoires_commune_list", "territoires_commune_show"):
        assert logic.check_access(action, {"user": ""}, {}) is True


def test_every_action_has_its_same_named_auth_function():
    for name in actions.__all__:
        if getattr(getattr(actions, name), "chained_action", False):
            continue  # CKAN's own action, with CKAN's auth function
        assert callable(getattr(auth, name, None)), name
        assert logic.get_action(name) is not None


def test_the_quality_of_a_commune_is_public():
    assert logic.check_access("territoires_quality_commune_show", {"user": ""}, {}) is True


# --- the commune's organisation and agents --------------------------------------------


@pytest.fixture
def ecully_org():
    return factories.Organization(name="commune-ecully", insee="69081")


def test_only_sysadmins_create_a_communes_organisation(ecully_org):
    admin = factories.User()
    helpers.call_action(
        "organization_member_create", id=ecully_org["id"], username=admin["name"], role="admin"
    )
    with pytest.raises(tk.NotAuthorized):
        logic.check_access(
            "territoires_commune_organization_create", as_user(admin), {"id": "bron-69029"}
        )
    sysadmin = factories.Sysadmin()
    assert logic.check_access(
        "territoires_commune_organization_create", as_user(sysadmin), {"id": "bron-69029"}
    )


@pytest.mark.parametrize(
    "action",
    [
        "territoires_commune_agent_add",
        "territoires_commune_agent_remove",
        "territoires_commune_agent_list",
    ],
)
def test_agents_are_managed_by_sysadmins_and_admins_of_the_communes_organisation(
    ecully_org, officer, action
):
    admin, editor, stranger = factories.User(), factories.User(), factories.User()
    for user, role in ((admin, "admin"), (editor, "editor")):
        helpers.call_action(
            "organization_member_create", id=ecully_org["id"], username=user["name"], role=role
        )
    assert logic.check_access(action, as_user(admin), {"id": "69081"})
    assert logic.check_access(action, as_user(factories.Sysadmin()), {"id": "69081"})
    for user in (editor, stranger, officer):
        with pytest.raises(tk.NotAuthorized):
            logic.check_access(action, as_user(user), {"id": "ecully-69081"})
    # an admin of the organisation of Écully manages nothing at Bron
    with pytest.raises(tk.NotAuthorized):
        logic.check_access(action, as_user(admin), {"id": "bron-69029"})


def test_a_user_lists_their_own_communes_only(officer):
    assert logic.check_access(
        "territoires_commune_agent_list", as_user(officer), {"user": officer["name"]}
    )
    with pytest.raises(tk.NotAuthorized):
        logic.check_access(
            "territoires_commune_agent_list", as_user(factories.User()), {"user": officer["name"]}
        )
    with pytest.raises(tk.NotAuthorized):
        logic.check_access(
            "territoires_commune_agent_list", {"user": ""}, {"user": officer["name"]}
        )


def test_publishing_needs_the_right_to_create_the_dataset(ecully_org):
    editor, stranger = factories.User(), factories.User()
    helpers.call_action(
        "organization_member_create", id=ecully_org["id"], username=editor["name"], role="editor"
    )
    data = {"owner_org": ecully_org["id"]}
    assert logic.check_access("territoires_package_publish", as_user(editor), data)
    for context in ({"user": ""}, as_user(stranger)):
        with pytest.raises(tk.NotAuthorized):
            logic.check_access("territoires_package_publish", context, data)

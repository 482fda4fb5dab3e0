"""Automatic memberships: coverage and publishing commune -> commune groups."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.communes import membership
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


def group_names(dataset_id):
    return sorted(g["name"] for g in helpers.call_action("package_show", id=dataset_id)["groups"])


def search(fq, user=None):
    context = {"user": user["name"] if user else "", "ignore_auth": False}
    result = helpers.call_action("package_search", context=context, fq=fq, include_private=True)
    return sorted(d["name"] for d in result["results"])


def test_coverage_gives_memberships_on_create_and_update():
    dataset = factories.Dataset(territoires_coverage=["Écully", "69029"])
    assert group_names(dataset["id"]) == ["bron-69029", "ecully-69081"]
    assert search("groups:ecully-69081") == [dataset["name"]]
    assert search("territoires_communes:69029") == [dataset["name"]]

    helpers.call_action("package_patch", id=dataset["id"], territoires_coverage=["Villeurbanne"])
    assert group_names(dataset["id"]) == ["villeurbanne-69266"]
    assert search("groups:ecully-69081") == []


def test_whole_territory_gives_every_commune_and_the_metropole():
    dataset = factories.Dataset(territoires_coverage=["*"])
    names = group_names(dataset["id"])
    assert len(names) == 59 and "metropole-de-lyon-200046977" in names
    assert search("territoires_epci:200046977") == [dataset["name"]]


def test_publishing_commune_organisation():
    organisation = factories.Organization(extras=[{"key": "insee", "value": "69081"}])
    dataset = factories.Dataset(owner_org=organisation["id"])
    assert group_names(dataset["id"]) == ["ecully-69081"]


def test_manual_memberships_are_kept():
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    helpers.call_action(
        "member_create",
        id="ecully-69081",
        object=dataset["id"],
        object_type="package",
        capacity="public",
    )
    helpers.call_action("package_patch", id=dataset["id"], territoires_coverage=["Villeurbanne"])
    assert group_names(dataset["id"]) == ["ecully-69081", "villeurbanne-69266"]


def test_private_dataset_in_commune_stays_private():
    organisation = factories.Organization()
    member = factories.User()
    helpers.call_action(
        "organization_member_create", id=organisation["id"], username=member["name"], role="member"
    )
    dataset = factories.Dataset(
        owner_org=organisation["id"], private=True, territoires_coverage=["Bron"]
    )
    assert search("groups:bron-69029") == []
    assert search("groups:bron-69029", member) == [dataset["name"]]
    assert search("groups:bron-69029", factories.Sysadmin()) == [dataset["name"]]


def test_deleted_dataset_leaves_the_commune():
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    helpers.call_action("package_delete", id=dataset["id"])
    assert search("groups:bron-69029") == []


def test_sync_recomputes_what_the_hooks_missed():
    dataset = factories.Dataset(territoires_coverage=["Bron"])
    member = model.Session.query(model.Member).filter_by(table_id=dataset["id"]).one()
    member.state = "deleted"
    model.repo.commit()
    changes = membership.Changes()
    for package_id in membership.all_package_ids():
        membership.sync_package(model.Package.get(package_id), changes)
    model.repo.commit()
    assert changes.added == [(dataset["name"], "bron-69029")]
    assert group_names(dataset["id"]) == ["bron-69029"]


def test_harvest_path_creates_and_updates_memberships():
    # Harvesters call package_create / package_update as the site user, ignoring auth.
    site_user = helpers.call_action("get_site_user")
    context = {"user": site_user["name"], "ignore_auth": True}
    dataset = helpers.call_action(
        "package_create",
        context=dict(context),
        name="moissonne",
        notes="Harvested",
        territoires_coverage="fr:commune:69029",
    )
    assert group_names(dataset["id"]) == ["bron-69029"]
    dataset["territoires_coverage"] = ["http://id.insee.fr/geo/commune/69081"]
    helpers.call_action("package_update", context=dict(context), **dataset)
    assert group_names(dataset["id"]) == ["ecully-69081"]

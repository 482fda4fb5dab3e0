"""Organisations linked to their place: the datasets of an organisation
linked (or unlinked) afterwards are re-joined and re-indexed at once."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.communes import organizations
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon", "app"),
]


def found(fq):
    result = helpers.call_action("package_search", fq=fq, include_private=True)
    return sorted(d["name"] for d in result["results"])


def group_names(dataset_id):
    return sorted(g["name"] for g in helpers.call_action("package_show", id=dataset_id)["groups"])


def test_linking_an_organisation_counts_its_datasets_at_once():
    organisation = factories.Organization(name="mairie")
    dataset = factories.Dataset(owner_org=organisation["id"], territoires_coverage=["Écully"])
    private = factories.Dataset(owner_org=organisation["id"], private=True)
    assert group_names(dataset["id"]) == ["ecully-69081"]

    helpers.call_action("organization_patch", id=organisation["id"], insee="Bron")
    assert found("territoires_publisher:69029") == sorted([dataset["name"], private["name"]])
    assert group_names(dataset["id"]) == ["bron-69029", "ecully-69081"]
    assert helpers.call_action("territoires_commune_show", id="69029")["figures"]["published"] == 2

    helpers.call_action("organization_patch", id=organisation["id"], insee="")
    assert found("territoires_publisher:69029") == []
    assert group_names(dataset["id"]) == ["ecully-69081"]


def test_the_intercommunality_counts_its_organisations_datasets():
    organisation = factories.Organization()
    factories.Dataset(owner_org=organisation["id"])
    helpers.call_action("organization_patch", id=organisation["id"], siren="200046977")
    epci = helpers.call_action("territoires_intercommunality_show", id="200046977")
    assert epci["figures"]["published"] == 1
    assert epci["organization"]["id"] == organisation["id"]


def test_an_edit_that_keeps_the_code_reindexes_nothing():
    organisation = factories.Organization(insee="69081")
    factories.Dataset(owner_org=organisation["id"])
    group = model.Group.get(organisation["id"])
    assert organizations.resync_organization(group) == 0


def test_commune_organisation_title():
    assert organizations.organization_title("Bron") == "Commune de Bron"
    assert organizations.organization_title("Écully") == "Commune d'Écully"
    assert organizations.organization_title("Irigny") == "Commune d'Irigny"
    assert organizations.organization_title("Hauteville") == "Commune d'Hauteville"

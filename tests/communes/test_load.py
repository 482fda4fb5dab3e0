"""``load_territory``: commune and intercommunality groups from the referential."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.communes import groups, load
from ckanext.territoires.referential import get_referential, parse_scope
from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def commune_groups():
    return groups.commune_groups_by_insee()


def test_lyon_gives_58_communes_and_the_metropole(lyon):
    assert (lyon.created, lyon.updated, lyon.archived) == (59, 0, 0)
    communes = commune_groups()
    assert len(communes) == 58
    ecully = communes["69081"]
    assert (ecully.name, ecully.title, ecully.type) == ("ecully-69081", "Écully", "commune")
    assert ecully.extras["postal_codes"] == "69130"
    assert ecully.extras["epci"] == "200046977"
    metropole = model.Group.get("metropole-de-lyon-200046977")
    assert metropole.type == "intercommunalite" and len(metropole.extras["members"].split()) == 58
    shown = helpers.call_action("group_show", id="ecully-69081")
    assert shown["insee"] == "69081" and shown["departement_name"] == "Rhône"


def test_load_is_idempotent(lyon):
    again = load.load_territory(parse_scope("epci:200046977"), get_referential())
    assert (again.created, again.updated, again.archived, again.unchanged) == (0, 0, 0, 59)


def test_merged_commune_is_archived_with_its_successor_and_keeps_its_datasets(lyon):
    # Pierre-Bénite (69152) as an earlier load made it, before its 2024 merger.
    pierre_benite = model.Group(name="pierre-benite-69152", title="Pierre-Bénite", type="commune")
    model.Session.add(pierre_benite)
    pierre_benite.extras["insee"] = "69152"
    pierre_benite.extras["status"] = "current"
    model.repo.commit()
    dataset = factories.Dataset(groups=[{"name": "pierre-benite-69152"}])

    report = load.load_territory(parse_scope("epci:200046977"), get_referential())

    assert report.archived == 1
    archived = model.Group.get("pierre-benite-69152")
    assert archived.state == "active" and archived.extras["status"] == "archived"
    assert archived.extras["successor"] == "69149"
    assert archived.extras["successor_name"] == "Oullins-Pierre-Bénite"
    assert [g["name"] for g in helpers.call_action("package_show", id=dataset["id"])["groups"]] == [
        "pierre-benite-69152"
    ]


def test_commune_leaving_the_scope_is_archived_then_restored():
    ref = get_referential()
    load.load_territory(parse_scope("epci:200046977 commune:01004"), ref)
    report = load.load_territory(parse_scope("epci:200046977"), ref)
    assert report.archived == 1
    group = commune_groups()["01004"]
    assert group.extras["status"] == "archived" and group.extras["successor"] == ""
    back = load.load_territory(parse_scope("epci:200046977 commune:01004"), ref)
    assert back.updated == 1 and commune_groups()["01004"].extras["status"] == "current"


def test_a_taken_name_stops_the_load_and_changes_nothing():
    factories.Group(name="ecully-69081")
    report = load.load_territory(parse_scope("epci:200046977"), get_referential())
    assert report.errors and "ecully-69081" in report.errors[0]
    assert commune_groups() == {}

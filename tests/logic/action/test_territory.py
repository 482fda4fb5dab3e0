"""territoires_territory_show: the territory as the home page puts it forward."""

from __future__ import annotations

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


def test_key_figures_themes_and_latest_count_what_the_caller_may_see(places):
    territory = helpers.call_action("territoires_territory_show", context=anonymous(), latest=2)
    assert territory["datasets"] == 4  # the private dataset is never counted for anonymous
    assert [p["label"] for p in territory["producers"]] == [
        "Syndicat des eaux",
        "Métropole de Lyon (org)",
        "Ville d'Écully",
    ]
    assert territory["resources"] == 4
    assert [(t["label"], t["count"]) for t in territory["themes"]] == [
        ("Environment", 2),
        ("Government and public sector", 1),
        ("Transport", 1),
    ]
    assert [d["name"] for d in territory["latest"]] == ["bron-parcs", "arbres-metropole"]
    member = helpers.call_action(
        "territoires_territory_show", context=as_user(places.member), latest=1
    )
    assert member["resources"] == 5 and len(member["producers"]) == 4
    assert ("Health", 1) in [(t["label"], t["count"]) for t in member["themes"]]
    assert member["latest"][0]["name"] == "projet-secret" and member["latest"][0]["private"]

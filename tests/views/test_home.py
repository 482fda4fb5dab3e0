"""The communes block of the home page and its options."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def most_active(body: str) -> list[str]:
    block = body[body.find("Most active communes") :]
    block = block[: block.find("</ol>")]
    return re.findall(r'<li><a href="/commune/[^"]+">([^<]+)</a>', block)


def recently_updated(body: str) -> list[str]:
    block = body[body.find("Recently updated communes") :]
    block = block[: block.find("</ul>")]
    return re.findall(r'<a href="/commune/[^"]+"><strong>([^<]+)</strong></a>', block)


def test_block_in_place_of_the_featured_row(app, places):
    body = app.get("/").body
    assert "The communes of Métropole de Lyon" in body
    assert (
        '<form class="territoires-home-search" method="get" action="/communes" role="search">'
        in body
    )
    assert most_active(body)[:2] == ["Bron", "Écully"]  # 3 datasets each
    assert len(most_active(body)) == 6
    # latest datasets first, those covering the whole territory left out
    assert recently_updated(body) == ["Bron", "Écully"]
    assert "See all 58 communes" in body
    assert 'href="/intercommunalite/metropole-de-lyon-200046977"' in body
    assert body.index("The communes of Métropole de Lyon") > body.index("module-promotion")


def test_empty_portal_lists_the_most_populous_communes(app, lyon):
    body = app.get("/").body
    assert most_active(body)[:3] == ["Lyon", "Villeurbanne", "Vénissieux"]
    assert "No commune dataset yet." in body


def test_private_datasets_count_for_those_who_may_see_them(app, places):
    import ckan.tests.helpers as helpers

    helpers.call_action("package_patch", id=places.private["id"], notes="updated last")
    assert "Projet secret" not in app.get("/").body
    member_body = app.get("/", headers=auth(places.member)).body
    assert most_active(member_body)[0] == "Écully"  # 4 datasets for the member
    assert "Projet secret" in member_body


@pytest.mark.ckan_config("ckanext.territoires.home.communes_count", 2)
def test_count_option(app, places):
    assert len(most_active(app.get("/").body)) == 2


@pytest.mark.ckan_config("ckanext.territoires.home.position", "top")
def test_top_position_keeps_the_featured_row(app, lyon):
    body = app.get("/").body
    assert body.index('class="main territoires-home"') < body.index("module-promotion")
    assert "module-feeds" in body


@pytest.mark.ckan_config("ckanext.territoires.home.position", "bottom")
def test_bottom_position(app, lyon):
    body = app.get("/").body
    assert body.index('class="main territoires-home"') > body.index("module-feeds")


@pytest.mark.ckan_config("ckanext.territoires.home.communes_block", False)
def test_block_can_be_turned_off(app, lyon):
    assert "territoires-home" not in app.get("/").body

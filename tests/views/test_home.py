"""The communes block of the home page and its options."""

from __future__ import annotations

import html
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


def test_the_territory_s_identity_in_place_of_ckan_s_placeholders(app, places):
    body = app.get("/fr/").body
    assert '<h1 class="page-heading">Données ouvertes de la Métropole de Lyon</h1>' in body
    assert "Les données ouvertes de la Métropole de Lyon et de ses 58 communes." in body
    assert "<title>Bienvenue - Données ouvertes de la Métropole de Lyon</title>" in body
    assert 'src="/territoires/logo.svg"' in body
    assert 'rel="shortcut icon" href="/territoires/favicon.svg"' in body
    for placeholder in (
        "Bienvenue sur CKAN",
        "Welcome to CKAN",
        "placeholder-420x220",
        "ckan-logo",
        "ckan-footer-logo",
        "od_80x15_blue",
        "ckan.ico",
        "Ceci est une section sélectionnée",
    ):
        assert placeholder not in body, placeholder


def test_search_box_key_figures_themes_and_latest_datasets(app, places):
    body = app.get("/").body
    assert 'action="/dataset/" role="search"' in body and 'id="territoires-portal-q"' in body
    figures = re.findall(r"<dt>(?:<a [^>]+>)?([^<]+)(?:</a>)?</dt>\s*<dd>([^<]+)</dd>", body)
    assert figures == [
        ("Datasets", "4"),
        ("Communes", "58"),
        ("Producers", "3"),
        ("Resources", "4"),
    ]
    themes = body[body.find('id="territoires-portal-themes-heading"') :]
    assert re.findall(r'territoires_themes=[^"]+">([^<]+)</a>', themes)[:3] == [
        "Environment",
        "Government and public sector",
        "Transport",
    ]
    assert "2 datasets" in themes
    latest = body[body.find('id="territoires-portal-latest-heading"') :]
    assert latest.index("Parcs de Bron") < latest.index("Arbres de la Métropole")
    assert "See all 4 datasets" in latest


def test_private_datasets_are_counted_for_those_who_may_see_them_only(app, places):
    assert "Projet secret" not in app.get("/").body
    member_body = app.get("/", headers=auth(places.member)).body
    assert "<dd>5</dd>" in member_body and "Projet secret" in member_body
    assert ">Health</a>" in member_body


def test_main_menu_has_communes_and_no_groups(app, places):
    body = app.get("/fr/").body
    menu = body[body.find('id="main-navigation-toggle"') :]
    menu = menu[: menu.find("</ul>")]
    assert re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu) == [
        ("/fr/dataset/", "Jeux de données"),
        ("/fr/communes", "Communes"),
        ("/fr/organization/", "Organisations"),
        ("/fr/about", "À propos"),
    ]


def test_the_empty_groups_page_goes_to_the_communes(app, places):
    response = app.get("/group/", follow_redirects=False)
    assert response.status_code == 302 and response.location.endswith("/communes")


def test_plain_groups_keep_their_page(app, places):
    import ckan.tests.factories as factories

    factories.Group(name="mobilite", title="Mobilité")
    body = app.get("/group/").body
    assert "Mobilité" in body


def test_about_page_presents_the_portal(app, lyon):
    body = app.get("/fr/about").body
    assert "À propos de Données ouvertes de la Métropole de Lyon" in body
    assert "Ce que vous trouverez ici" in body
    assert "CKAN is the world" not in body and "leader mondial" not in body


@pytest.mark.ckan_config("ckan.site_about", "Le portail **du Grand Lyon**.")
@pytest.mark.ckan_config("ckan.site_title", "Grand Lyon Data")
def test_configured_about_and_title(app, lyon):
    body = app.get("/fr/about").body
    assert "<strong>du Grand Lyon</strong>" in body
    assert "Grand Lyon Data" in app.get("/fr/").body


def test_footer_names_no_ckan_placeholder(app, lyon):
    body = app.get("/fr/").body
    footer = body[body.find('<footer class="site-footer">') :]
    assert "Propulsé par" in footer and "ckanext-territoires" in footer
    assert "Association CKAN" not in footer and "API CKAN" not in footer


def test_the_intercommunality_of_an_epci_portal_is_linked(app, lyon):
    assert "The datasets of Métropole de Lyon" in html.unescape(app.get("/").body)


@pytest.mark.ckan_config("ckanext.territoires.scope", "departement:64")
def test_a_large_territory_summarises_its_intercommunalities(app):
    from ckanext.territoires import territory
    from ckanext.territoires.communes import load
    from ckanext.territoires.referential import get_referential

    assert not load.load_territory(territory.configured_scope(), get_referential()).errors
    body = html.unescape(app.get("/").body)
    assert "The datasets of" not in body
    assert "The territory has 10 intercommunalities" in body

"""The commune page (/commune/<slug>): identity, presentation, key figures,
themes, latest updates, producers, datasets by relation, facets, feeds,
officers."""

from __future__ import annotations

import html
import re

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from ckanext.territoires.communes import load
from ckanext.territoires.referential import get_referential, parse_scope
from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

ECULLY = "/commune/ecully-69081"


def dataset_names(body: str) -> list[str]:
    """Datasets listed in the page's dataset list, in order."""
    listed = body[body.find('id="territoires-datasets-heading"') :]
    return re.findall(r'class="dataset-heading">.*?href="/dataset/([^"]+)"', listed, re.S)


def figure(body: str, label: str) -> str:
    match = re.search(r"<dt>%s</dt>\s*<dd>(.*?)</dd>" % re.escape(label), body, re.S)
    assert match, label
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_population_with_its_definition_year_and_source(app, places):
    body = app.get(ECULLY).body
    assert re.search(
        r'<dt><abbr title="INSEE&#39;s legal population: [^"]*1 January 2023.">'
        r"Municipal population 2023 \(Insee\)</abbr></dt><dd>17,944</dd>",
        body,
    )
    assert '<abbr title="Municipal population 2023 (Insee)">17,944 inhabitants</abbr>' in body


def test_identity_block_and_breadcrumb(app, places):
    body = app.get(ECULLY).body
    assert '<h1 class="territoires-title">Écully</h1>' in body
    for text in (
        "69081",
        "69130",
        "17,944",
        "Métropole de Lyon",
        "Rhône (69)",
        "Auvergne-Rhône-Alpes",
    ):
        assert text in body, text
    breadcrumb = body[
        body.find('class="breadcrumb"') : body.find("</ol>", body.find('class="breadcrumb"'))
    ]
    assert (
        breadcrumb.index("Auvergne-Rhône-Alpes")
        < breadcrumb.index("Rhône")
        < breadcrumb.index("Métropole de Lyon")
        < breadcrumb.index("Écully")
    )
    assert 'href="/intercommunalite/metropole-de-lyon-200046977"' in breadcrumb


def test_key_figures_count_what_the_visitor_may_see(app, places):
    body = app.get(ECULLY).body
    assert figure(body, "Datasets published by the commune") == "1"
    assert figure(body, "Datasets covering the commune") == "3"  # published, shared, whole
    assert figure(body, "Resources") == "4"
    assert re.search(r"<dt>Last update</dt>\s*<dd><time datetime=", body)
    member_body = app.get(ECULLY, headers=auth(places.member)).body
    assert figure(member_body, "Datasets covering the commune") == "4"
    assert figure(member_body, "Resources") == "5"


def test_datasets_split_by_relation(app, places):
    assert sorted(dataset_names(app.get(ECULLY).body)) == [
        "arbres-metropole",
        "eau-ouest",
        "ecully-bancs",
    ]
    assert dataset_names(app.get(ECULLY, query_string={"relation": "published"}).body) == [
        "ecully-bancs"
    ]
    assert sorted(dataset_names(app.get(ECULLY, query_string={"relation": "covering"}).body)) == [
        "eau-ouest",
        "ecully-bancs",
    ]
    assert dataset_names(app.get(ECULLY, query_string={"relation": "territory"}).body) == [
        "arbres-metropole"
    ]
    body = app.get(ECULLY, query_string={"relation": "published"}).body
    assert re.search(
        r'class="nav-link active" aria-current="true" href="[^"]*relation=published', body
    )
    for label, count in (
        ("All", 3),
        ("Published by the commune", 1),
        ("Covering the commune", 2),
        ("Covering the whole territory", 1),
    ):
        assert re.search(
            r">%s <span class=\"territoires-count\">\(%d\)</span>" % (label, count), body
        ), label


def test_unknown_relation_is_ignored(app, places):
    assert len(dataset_names(app.get(ECULLY, query_string={"relation": "nope"}).body)) == 3


def test_search_facets_sort_and_paging_stay_in_the_commune(app, places):
    body = app.get(ECULLY, query_string={"q": "eau"}).body
    assert dataset_names(body) == ["eau-ouest"]
    assert '1 dataset found for "eau"' in html.unescape(body)
    body = app.get(ECULLY, query_string={"tags": "eau"}).body
    assert dataset_names(body) == ["eau-ouest"]
    assert "Remove filter eau" in body
    themed = app.get(
        ECULLY,
        query_string={
            "territoires_themes": "http://publications.europa.eu/resource/authority/data-theme/ENVI"
        },
    ).body
    assert sorted(dataset_names(themed)) == ["arbres-metropole", "eau-ouest"]
    body = app.get(ECULLY, query_string={"sort": "title_string asc"}).body
    assert dataset_names(body) == ["arbres-metropole", "ecully-bancs", "eau-ouest"]
    # facet links point back to the commune page and keep the current filters
    assert 'href="/commune/ecully-69081?sort=title_string+asc&amp;res_format=CSV"' in body


@pytest.mark.ckan_config("ckan.datasets_per_page", 2)
def test_paging(app, places):
    first = app.get(ECULLY, query_string={"sort": "title_string asc"}).body
    second = app.get(ECULLY, query_string={"sort": "title_string asc", "page": 2}).body
    assert dataset_names(first) == ["arbres-metropole", "ecully-bancs"]
    assert dataset_names(second) == ["eau-ouest"]
    assert "/commune/ecully-69081?sort=title_string+asc&amp;page=2" in first


def test_themes_chart_latest_updates_and_producers(app, places):
    body = app.get(ECULLY).body
    start = body.find('<svg class="territoires-chart"')
    chart = body[start : body.find("</svg>", start)]
    assert 'role="img"' in chart
    assert "Environment 2; Government and public sector 1; Transport 1" in chart
    assert chart.count("<rect") == 3
    widths = [float(w) for w in re.findall(r'<rect[^>]* width="([\d.]+)"', chart)]
    assert widths[0] == 2 * widths[1] == 2 * widths[2]
    latest = body[body.find('id="territoires-latest-heading"') :]
    assert (
        latest.find("Arbres de la Métropole")
        < latest.find("Réseau d&#39;eau de l&#39;ouest")
        < latest.find("Bancs publics d&#39;Écully")
    )
    producers = body[body.find('id="territoires-producers-heading"') :]
    producers = producers[: producers.find("</section>")]
    assert "Ville d&#39;Écully" in producers and "Syndicat des eaux" in producers
    assert 'href="/organization/ville-d-ecully"' in producers


def test_feeds_and_catalogue_links(app, places):
    body = app.get(ECULLY).body
    assert 'href="/feeds/group/ecully-69081.atom"' in body
    assert 'href="/catalog/ecully-69081.ttl"' in body
    feed = app.get("/feeds/group/ecully-69081.atom").body
    assert "Bancs publics" in feed and "Projet secret" not in feed
    catalogue = app.get("/catalog/ecully-69081.ttl").body
    assert "Bancs publics" in catalogue and "Parcs de Bron" not in catalogue
    assert "Projet secret" not in catalogue


def test_presentation_is_rendered_from_markdown(app, places):
    helpers.call_action(
        "group_patch",
        id="ecully-69081",
        description="Bienvenue à **Écully**",
        website="https://www.ville-ecully.fr",
        contact_email="mairie@ville-ecully.fr",
    )
    body = app.get(ECULLY).body
    assert "Bienvenue à <strong>Écully</strong>" in body
    assert 'href="https://www.ville-ecully.fr"' in body and "mailto:mairie@ville-ecully.fr" in body


def test_officer_edits_their_commune_from_the_page(app, places):
    page = app.get(ECULLY, headers=auth(places.officer)).body
    assert 'href="/commune/edit/ecully-69081"' in page
    assert "Edit the presentation, logo and contacts" in page
    app.post(
        "/commune/edit/ecully-69081",
        headers=auth(places.officer),
        data={"description": "Texte des élus", "save": ""},
    )
    assert "Texte des élus" in app.get(ECULLY).body
    # not on another commune's page, not for visitors
    assert (
        "/commune/edit/bron-69029"
        not in app.get("/commune/bron-69029", headers=auth(places.officer)).body
    )
    assert "/commune/edit/" not in app.get(ECULLY).body
    assert "Edit the presentation" not in app.get(ECULLY).body
    denied = app.post(
        "/commune/edit/bron-69029",
        headers=auth(places.officer),
        data={"description": "Piratage", "save": ""},
        expect_errors=True,
    )
    assert denied.status_code == 403
    assert "Piratage" not in app.get("/commune/bron-69029").body


def test_officer_cannot_change_the_identity_through_the_form(app, places):
    response = app.post(
        "/commune/edit/ecully-69081",
        headers=auth(places.officer),
        data={"description": "x", "insee": "69029", "save": ""},
    )
    assert "ckan territoires load" in response.body
    assert model.Group.get("ecully-69081").extras["insee"] == "69081"


def test_member_of_another_group_role_is_not_an_officer(app, places):
    reader = factories.UserWithToken()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=reader["name"], role="member"
    )
    assert "/commune/edit/ecully-69081" not in app.get(ECULLY, headers=auth(reader)).body
    assert (
        app.get("/commune/edit/ecully-69081", headers=auth(reader), expect_errors=True).status_code
        == 403
    )


def test_unknown_commune_is_a_404_and_codes_redirect(app, places):
    assert app.get("/commune/nowhere-99999", expect_errors=True).status_code == 404
    response = app.get("/commune/69081", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(ECULLY)
    group_id = model.Group.get("ecully-69081").id
    response = app.get(
        f"/commune/{group_id}", query_string={"relation": "published"}, follow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(ECULLY + "?relation=published")


def test_merged_commune_page_shows_its_successor(app, lyon):
    # Pierre-Bénite (69152) merged into Oullins-Pierre-Bénite (69149): load a
    # scope that still holds it as a commune group, then archive it.
    ref = get_referential()
    group = model.Group(
        name="pierre-benite-69152",
        title="Pierre-Bénite",
        type="commune",
        is_organization=False,
        approval_status="approved",
    )
    model.Session.add(group)
    group.extras["insee"] = "69152"
    model.repo.commit()
    report = load.load_territory(parse_scope("epci:200046977"), ref)
    assert report.archived == 1
    body = app.get("/commune/pierre-benite-69152").body
    assert "This commune no longer exists: it was replaced by" in body
    assert 'href="/commune/69149"' in body and "Oullins-Pierre-Bénite" in body

"""/communes: every commune with its counts, filter by name or postal code, sort."""

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


def rows(body: str) -> list[tuple[str, str]]:
    """(commune name, dataset count) of each row of the communes table."""
    found = re.findall(
        r'<th scope="row"><a href="/commune/[^"]+">([^<]+)</a></th>.*?'
        r'<td class="text-end">[^<]*</td>\s*<td class="text-end">([^<]+)</td>',
        body,
        re.S,
    )
    return [(html.unescape(name), count) for name, count in found]


def test_every_commune_with_its_counts(app, places):
    body = app.get("/communes").body
    listed = rows(body)
    assert len(listed) == 58
    assert dict(listed)["Écully"] == "3" and dict(listed)["Bron"] == "3"
    assert dict(listed)["Villeurbanne"] == "1"  # the whole-territory dataset
    assert "58 communes" in body and "Communes of Métropole de Lyon" in body
    # the private dataset counts for its organisation's member only
    assert dict(rows(app.get("/communes", headers=auth(places.member)).body))["Écully"] == "4"


def test_filter_by_name_postal_code_and_insee_code(app, lyon):
    assert [
        name for name, _ in rows(app.get("/communes", query_string={"q": "saint fons"}).body)
    ] == ["Saint-Fons"]
    assert [name for name, _ in rows(app.get("/communes", query_string={"q": "ecu"}).body)] == [
        "Écully"
    ]
    assert [name for name, _ in rows(app.get("/communes", query_string={"q": "69130"}).body)] == [
        "Écully"
    ]
    # postal code 69250, and La Tour-de-Salvagny whose INSEE code is 69250
    by_code = [name for name, _ in rows(app.get("/communes", query_string={"q": "69250"}).body)]
    assert by_code == [
        "Albigny-sur-Saône",
        "Curis-au-Mont-d'Or",
        "Fleurieu-sur-Saône",
        "La Tour-de-Salvagny",
        "Montanay",
        "Neuville-sur-Saône",
        "Poleymieux-au-Mont-d'Or",
    ]
    # 69003: Albigny-sur-Saône's INSEE code, and the postal code of Lyon 3e
    assert [name for name, _ in rows(app.get("/communes", query_string={"q": "69003"}).body)] == [
        "Albigny-sur-Saône",
        "Lyon",
    ]
    empty = app.get("/communes", query_string={"q": "Marseille"}).body
    assert rows(empty) == [] and "No commune matches your search." in empty


def test_sort_by_population_and_datasets(app, places):
    by_population = [
        name for name, _ in rows(app.get("/communes", query_string={"sort": "population"}).body)
    ]
    assert by_population[:3] == ["Lyon", "Villeurbanne", "Vénissieux"]
    by_datasets = rows(app.get("/communes", query_string={"sort": "datasets"}).body)
    assert [name for name, _ in by_datasets[:2]] == ["Bron", "Écully"]  # 3 each, then by name
    assert 'aria-sort="descending"' in app.get("/communes", query_string={"sort": "datasets"}).body
    # an unknown sort falls back to names
    assert (
        rows(app.get("/communes", query_string={"sort": "nope"}).body)[0][0] == "Albigny-sur-Saône"
    )


def test_plain_get_form_and_partial_results(app, lyon):
    body = app.get("/communes", query_string={"q": "bron"}).body
    form = body[
        body.find('<form id="territoires-communes-filter"') : body.find(
            "</form>", body.find('<form id="territoires-communes-filter"')
        )
    ]
    assert 'method="get"' in form and 'action="/communes"' in form
    assert 'name="q" value="bron"' in form and '<label for="territoires-communes-q"' in form
    assert '<option value="datasets"' in form and 'type="submit"' in form
    partial = app.get("/communes", query_string={"q": "bron", "partial": "results"}).body
    assert "<html" not in partial and rows(partial) == [("Bron", "0")]


def test_commune_type_index_redirects_here(app, lyon):
    response = app.get("/commune/", query_string={"q": "bron"}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/communes?q=bron")


def test_the_examples_under_the_search_box_are_the_territory_s_own(app, lyon):
    body = html.unescape(app.get("/communes").body)
    assert "For example: Villeurbanne, Vénissieux or 69" in body


@pytest.mark.ckan_config("ckanext.territoires.scope", "epci:200067106")
def test_another_territory_shows_its_own_communes_as_examples(app):
    body = html.unescape(app.get("/communes").body)
    assert "For example: Anglet, Biarritz or 64" in body
    assert "Écully" not in body


@pytest.mark.ckan_config("ckanext.territoires.pages.communes_per_page", "25")
def test_a_long_list_is_paged_and_the_filter_kept(app, lyon):
    first = app.get("/communes").body
    assert len(rows(first)) == 25
    assert "58 communes" in first and "(communes 1 to 25)" in first
    assert 'href="/communes?page=2"' in first
    last = app.get("/communes", query_string={"page": 3}).body
    assert len(rows(last)) == 8 and "(communes 51 to 58)" in last
    seen = rows(first) + rows(app.get("/communes", query_string={"page": 2}).body) + rows(last)
    assert len({name for name, _ in seen}) == 58  # every commune once
    # the filter and the sort stay on the other pages
    by_code = app.get("/communes", query_string={"q": "69", "sort": "population"}).body
    assert "58 communes match" in by_code
    assert 'href="/communes?q=69&amp;sort=population&amp;page=2"' in by_code


def test_the_population_column_says_which_population(app, places):
    body = app.get("/fr/communes").body
    heading = re.search(r'<abbr title="([^"]+)">([^<]+)</abbr></th>', body)
    assert heading is not None
    assert html.unescape(heading.group(2)) == "Population municipale 2023 (Insee)"
    assert "recensées au 1er janvier 2023" in html.unescape(heading.group(1))

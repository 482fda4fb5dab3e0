"""The intercommunality page: members, own datasets, territory-wide ones."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth
from tests.views.test_commune import dataset_names, figure

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

METROPOLE = "/intercommunalite/metropole-de-lyon-200046977"


def test_members_figures_and_datasets(app, places):
    body = app.get(METROPOLE).body
    assert '<h1 class="territoires-title">Métropole de Lyon</h1>' in body
    members = body[body.find('class="territoires-members-list') :]
    members = members[: members.find("</ul>")]
    assert len(re.findall(r'<li><a href="/commune/', members)) == 58
    assert re.search(
        r'href="/commune/ecully-69081">Écully</a> <span class="territoires-count">\(3\)', members
    )
    assert "200046977" in body and "58 member communes" in body
    assert figure(body, "Datasets published by the intercommunality") == "1"
    assert figure(body, "Datasets covering the whole territory") == "1"
    # its own datasets and the territory-wide ones; not those of single communes
    assert dataset_names(body) == ["arbres-metropole"]
    assert dataset_names(app.get(METROPOLE, query_string={"relation": "territory"}).body) == [
        "arbres-metropole"
    ]


def test_population_is_the_municipal_population_of_its_communes(app, places):
    body = app.get(METROPOLE).body
    # The same figure as the commune pages: their populations municipales summed.
    assert "Municipal population 2023 (Insee)</abbr></dt><dd>1,436,354</dd>" in body
    assert "1,449,118" not in body  # upstream's populationTotale


def test_own_datasets_that_cover_only_some_communes(app, places):
    import ckan.tests.factories as factories

    factories.Dataset(
        name="metropole-velo",
        owner_org=places.metropole_org["id"],
        territoires_coverage=["Bron", "Écully"],
    )
    body = app.get(METROPOLE).body
    assert sorted(dataset_names(body)) == ["arbres-metropole", "metropole-velo"]
    published = app.get(METROPOLE, query_string={"relation": "published"}).body
    assert sorted(dataset_names(published)) == ["arbres-metropole", "metropole-velo"]
    assert figure(body, "Datasets published by the intercommunality") == "2"


def test_by_siren_and_unknown(app, places):
    response = app.get("/intercommunalite/200046977", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(METROPOLE)
    assert app.get("/intercommunalite/nowhere", expect_errors=True).status_code == 404


def test_member_counts_follow_permissions(app, places):
    body = app.get(METROPOLE, headers=auth(places.member)).body
    assert re.search(
        r'href="/commune/ecully-69081">Écully</a> <span class="territoires-count">\(4\)', body
    )

"""Place pages behind CKAN's group routes: INSEE codes redirect to the
current commune, pages and 404, officers' edit form, private datasets
not counted."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon"),
]


@pytest.mark.parametrize(
    "code, target",
    [
        ("69081", "/commune/ecully-69081"),
        ("69152", "/commune/oullins-pierre-benite-69149"),  # old code of a merged commune
        ("69383", "/commune/lyon-69123"),  # arrondissement
    ],
)
def test_insee_codes_redirect_to_the_current_commune(app, code, target):
    response = app.get(f"/commune/{code}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(target)


def test_commune_page_and_unknown_code(app):
    page = app.get("/commune/ecully-69081")
    assert "Écully" in page.body
    assert app.get("/commune/75056", follow_redirects=False).status_code == 404


def test_intercommunality_page(app):
    assert "Métropole de Lyon" in app.get("/intercommunalite/metropole-de-lyon-200046977").body


def test_officer_edit_page_shows_the_presentation_only(app):
    import ckan.tests.helpers as helpers

    officer = factories.UserWithToken()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=officer["name"], role="editor"
    )
    page = app.get("/commune/edit/ecully-69081", headers={"Authorization": officer["token"]})
    assert 'name="description"' in page.body and 'name="website"' in page.body
    assert 'name="insee"' not in page.body
    other = app.get(
        "/commune/edit/bron-69029", headers={"Authorization": officer["token"]}, expect_errors=True
    )
    assert other.status_code == 403


def test_officer_saves_the_presentation_through_the_form(app):
    import ckan.tests.helpers as helpers

    officer = factories.UserWithToken()
    helpers.call_action(
        "group_member_create", id="ecully-69081", username=officer["name"], role="editor"
    )
    app.post(
        "/commune/edit/ecully-69081",
        headers={"Authorization": officer["token"]},
        data={"description": "La ville", "website": "https://www.ville-ecully.fr", "save": ""},
    )
    commune = helpers.call_action("territoires_commune_show", id="69081")
    assert commune["presentation"]["description"] == "La ville"
    assert commune["insee"] == "69081" and commune["name"] == "ecully-69081"


def test_private_dataset_is_not_counted_on_commune_pages(app):
    import ckan.tests.helpers as helpers

    organisation = factories.Organization()
    factories.Dataset(owner_org=organisation["id"], private=True, territoires_coverage=["Bron"])
    listed = helpers.call_action(
        "group_list",
        context={"user": "", "ignore_auth": False},
        type="commune",
        all_fields=True,
        q="bron",
    )
    assert [(g["name"], g["package_count"]) for g in listed] == [("bron-69029", 0)]
    index = app.get("/commune/").body  # redirected to /communes
    bron_row = index[index.find('<th scope="row"><a href="/commune/bron-69029"') :]
    assert bron_row[: bron_row.find("</tr>")].rstrip().endswith('<td class="text-end">0</td>')
    assert 'aria-label="Bron: 0 datasets"' in index  # the map counts what the visitor sees
    page = app.get("/commune/bron-69029").body
    assert "No datasets found" in page
    facets = helpers.call_action(
        "package_search",
        context={"user": "", "ignore_auth": False},
        **{"facet.field": ["territoires_communes"]},
    )["facets"]
    assert facets["territoires_communes"] == {}

"""Private datasets never show on the territory pages for those who may not
see them; user- or harvest-supplied text is escaped."""

from __future__ import annotations

import re

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import auth
from tests.views.test_commune import figure

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

PAGES = [
    "/commune/ecully-69081",
    "/commune/ecully-69081?relation=covering",
    "/intercommunalite/metropole-de-lyon-200046977",
    "/communes",
    "/",
]


@pytest.mark.parametrize("url", PAGES)
def test_private_dataset_is_invisible_to_visitors_and_other_users(app, places, url):
    stranger = factories.UserWithToken()
    for user in (None, stranger, places.officer):
        body = app.get(url, headers=auth(user)).body
        assert "Projet secret" not in body and "projet-secret" not in body
        assert "Organisation secrète" not in body and "secret-org" not in body
        assert "Health" not in body and "XLS" not in body  # its theme and format


def test_private_dataset_changes_no_count_or_facet(app, places):
    visitor = app.get("/commune/ecully-69081").body
    member = app.get("/commune/ecully-69081", headers=auth(places.member)).body
    sysadmin = app.get("/commune/ecully-69081", headers=auth(places.sysadmin)).body
    assert figure(visitor, "Resources") == "4" and figure(member, "Resources") == "5"
    assert figure(sysadmin, "Datasets covering the commune") == "4"
    assert re.search(r'>All <span class="territoires-count">\(3\)', visitor)
    assert re.search(r'>All <span class="territoires-count">\(4\)', member)
    assert "Projet secret" in member and "Health" in member
    assert 'title="Health"' not in visitor


def test_api_follows_the_callers_permissions(app, places):
    def count(user, action, **params):
        response = app.get(f"/api/action/{action}", query_string=params, headers=auth(user))
        return response.json["result"]

    assert count(None, "territoires_package_search", id="69081")["count"] == 3
    assert count(places.member, "territoires_package_search", id="69081")["count"] == 4
    shown = count(None, "territoires_commune_show", id="69081")["figures"]
    assert shown["datasets"] == 3 and "projet-secret" not in str(shown)
    assert count(places.member, "territoires_commune_show", id="69081")["figures"]["datasets"] == 4
    communes = count(None, "territoires_commune_list", q="ecully")
    assert communes[0]["package_count"] == 3
    territory = count(None, "territoires_territory_show")
    assert "projet-secret" not in str(territory)
    assert (
        app.get("/feeds/group/ecully-69081.atom", headers=auth(places.member)).body.count(
            "Projet secret"
        )
        == 0
    )  # feeds list public datasets only


XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def assert_escaped(body: str) -> None:
    assert "<script>alert" not in body
    assert "<img src=x onerror" not in body and '<img src="x" onerror' not in body
    assert "javascript:alert" not in body


def test_user_and_harvested_text_is_escaped(app, lyon):
    organisation = factories.Organization(
        name="xss-org", title="Org " + XSS, extras=[{"key": "insee", "value": "69081"}]
    )
    factories.Dataset(
        name="xss-dataset",
        title="Title " + XSS,
        notes="Notes " + XSS,
        owner_org=organisation["id"],
        tags=[{"name": "tag-xss"}],
        territoires_coverage=["Écully"],
        theme=["Theme " + XSS],
        resources=[{"url": "http://example.org/x.csv", "format": "CSV"}],
    )
    helpers.call_action(
        "group_patch",
        id="ecully-69081",
        description="Presentation " + XSS + " [clic](javascript:alert(2)) <iframe src=//evil>",
        contact_name="Contact " + XSS,
    )
    for url in (
        "/commune/ecully-69081",
        "/commune/ecully-69081?q=" + XSS,
        "/commune/ecully-69081?tags=" + XSS,
        "/communes?q=" + XSS,
        "/intercommunalite/metropole-de-lyon-200046977",
        "/",
    ):
        body = app.get(url).body
        assert_escaped(body)
        assert "<iframe" not in body
    body = app.get("/commune/ecully-69081").body
    assert "Title &lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in body  # shown, escaped
    assert "Theme &lt;script&gt;" in body  # in the chart
    assert "Org &lt;script&gt;" in body  # producers


def test_website_must_be_http(app, lyon):
    import ckan.plugins.toolkit as tk

    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("group_patch", id="ecully-69081", website="javascript:alert(1)")
    assert "website" in error.value.error_dict

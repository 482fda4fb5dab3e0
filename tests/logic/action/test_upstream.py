"""CKAN's and ckanext-dcat's surfaces the plugin overrides (issue #16, 5):
the site catalogue's paging links are encoded; tag and format
autocomplete list only what the caller may see."""

from __future__ import annotations

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "1"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def test_site_catalogue_with_a_space_in_q_answers_with_encoded_links(app):
    factories.Dataset(title="Arbres a", notes="a b")
    factories.Dataset(title="Arbres b", notes="a b")
    response = app.get("/catalog.ttl", query_string={"q": "a b"})
    assert response.status_code == 200
    assert "q=a+b&page=2" in response.body or "q=a%20b&page=2" in response.body


@pytest.fixture
def private_dataset():
    owner = factories.Organization()
    member = factories.User()
    helpers.call_action(
        "organization_member_create", id=owner["id"], username=member["name"], role="member"
    )
    factories.Dataset(
        owner_org=owner["id"],
        private=True,
        tags=[{"name": "secretissime"}],
        resources=[{"url": "https://x.example/a", "format": "FORMATSECRET"}],
    )
    factories.Dataset(
        tags=[{"name": "secretpublic"}],
        resources=[{"url": "https://x.example/b", "format": "FORMATPUBLIC"}],
    )
    return member


@pytest.mark.parametrize("user", ["", "outsider"])
def test_autocomplete_hides_private_datasets(app, private_dataset, user):
    headers = {}
    if user:
        headers = {"Authorization": factories.APIToken(user=factories.User()["name"])["token"]}
    tags = app.get("/api/2/util/tag/autocomplete?incomplete=secret", headers=headers).json
    formats = app.get(
        "/api/2/util/resource/format_autocomplete?incomplete=format", headers=headers
    ).json
    tags_text, formats_text = str(tags), str(formats)
    assert "secretpublic" in tags_text and "secretissime" not in tags_text
    assert "formatpublic" in formats_text.lower() and "formatsecret" not in formats_text.lower()


def test_autocomplete_shows_private_datasets_to_members(private_dataset):
    context = {"user": private_dataset["name"], "ignore_auth": False}
    assert "secretissime" in helpers.call_action(
        "tag_autocomplete", context=context, query="secret"
    )
    assert "formatsecret" in helpers.call_action("format_autocomplete", context=context, q="format")

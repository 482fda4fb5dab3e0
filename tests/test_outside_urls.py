"""Outside URLs: refused at import (validator), never an ``href`` at render
(issue #16, 1), on the dataset page and the commune page."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from ckan import model

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

HOSTILE = ["javascript:alert(1)", " JaVaScript:alert(1)", "data:text/html,x", "vbscript:x"]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "field",
    [
        {"territoires_source_url": None},
        {"publisher": [{"name": "Ville", "url": None}]},
        {"creator": [{"name": "Service", "url": None}]},
        {"contact": [{"name": "SIG", "url": None}]},
    ],
    ids=["source_url", "publisher", "creator", "contact"],
)
def test_api_refuses_hostile_urls(value, field):
    organization = factories.Organization()
    name, given = next(iter(field.items()))
    given = value if given is None else [{**given[0], "url": value}]
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action(
            "package_create",
            name="jeu-hostile",
            notes="Jeu",
            owner_org=organization["id"],
            **{name: given},
        )
    assert name in raised.value.error_dict


def test_api_keeps_http_urls():
    organization = factories.Organization()
    dataset = helpers.call_action(
        "package_create",
        name="jeu-sain",
        notes="Jeu",
        owner_org=organization["id"],
        publisher=[{"name": "Ville", "url": "https://ville.example/"}],
    )
    assert dataset["publisher"][0]["url"] == "https://ville.example/"


def _store_raw(dataset_id: str, key: str, value: str) -> None:
    """As a value stored before the check existed (no validation)."""
    package = model.Package.get(dataset_id)
    package.extras = {**package.extras, key: value}
    model.Session.commit()


@pytest.mark.parametrize("value", [*HOSTILE, "&#106;avascript:alert(1)"])
def test_stored_hostile_source_url_is_not_a_link(app, value):
    dataset = factories.Dataset(
        territoires_harvest_source_id="source-x", territoires_harvest_source="Catalogue X"
    )
    _store_raw(dataset["id"], "territoires_source_url", value)
    _store_raw(dataset["id"], "publisher", '[{"name": "Ville", "url": "%s"}]' % value.strip())
    body = app.get(f"/dataset/{dataset['name']}").body
    assert "Page at the source" in body
    for scheme in ("javascript", "data:", "vbscript", "&#106;"):
        assert f'href="{scheme}' not in body.lower().replace(" ", "")
    assert 'href="javascript' not in body.lower()


def test_stored_http_source_url_is_a_link(app):
    dataset = factories.Dataset(
        territoires_harvest_source_id="source-x",
        territoires_harvest_source="Catalogue X",
        territoires_source_url="https://source.example/jeu",
    )
    body = app.get(f"/dataset/{dataset['name']}").body
    assert 'href="https://source.example/jeu"' in body

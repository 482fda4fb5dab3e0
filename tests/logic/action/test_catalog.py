"""territoires_catalog_show: the action's input and its places (the
catalogues themselves are tested in tests/dcat/test_catalogue.py)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "lyon", "app"),
]


def test_a_commune_or_the_intercommunality_by_name_code_or_siren():
    for place in ("bron-69029", "69029", "200046977"):
        assert "dcat:Catalog" in helpers.call_action("territoires_catalog_show", id=place)


def test_unknown_place_and_bad_input_are_refused():
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("territoires_catalog_show", id="75056")
    for params, field in (
        ({"id": ""}, "id"),
        ({"id": "69029", "format": "pdf"}, "format"),
        ({"id": "69029", "page": 0}, "page"),
    ):
        with pytest.raises(tk.ValidationError) as error:
            helpers.call_action("territoires_catalog_show", **params)
        assert field in error.value.error_dict, params

"""territoires_intercommunality_show: identity, members, figures."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest

from tests.conftest import TERRITORY_PLUGINS
from tests.views.conftest import places

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", TERRITORY_PLUGINS),
    # app: url_for needs the group-type routes of these plugins
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "app"),
]


def anonymous():
    return {"user": "", "ignore_auth": False}


def test_intercommunality_show(places):
    epci = helpers.call_action(
        "territoires_intercommunality_show", context=anonymous(), id="200046977"
    )
    assert epci["name"] == "metropole-de-lyon-200046977" and len(epci["members"]) == 58
    assert len(epci["communes"]) == 58 and epci["relations"] == ["published", "territory"]
    assert (
        epci["figures"]["datasets"],
        epci["figures"]["published"],
        epci["figures"]["territory"],
    ) == (1, 1, 1)
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("territoires_intercommunality_show", id="200067106")

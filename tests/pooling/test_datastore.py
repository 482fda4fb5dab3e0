"""Validated and pooled files in CKAN's DataStore, with a table preview."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import psycopg2
import pytest
from ckan import model
from ckan.tests import factories, helpers

from tests.pooling.conftest import OPTIONS, publish_car_parks

ROOT = Path(__file__).resolve().parents[2]


def _bootstrap():
    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "config" / "bootstrap.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _datastore_options() -> dict[str, str]:
    """The DataStore of the test database (``config/bootstrap.py datastore``,
    run by ``make test-db``)."""
    bootstrap = _bootstrap()
    url = os.environ.get("CKAN_SQLALCHEMY_URL") or ""
    name = url.rsplit("/", 1)[-1] or "ckan_territoires_test"
    return {
        "ckan.datastore.write_url": bootstrap.datastore_url(name),
        "ckan.datastore.read_url": bootstrap.datastore_url(name, True),
    }


def _reachable(options: dict[str, str]) -> bool:
    try:
        psycopg2.connect(options["ckan.datastore.read_url"]).close()
    except psycopg2.Error:
        return False
    return True


DATASTORE = _datastore_options()
pytestmark = [
    pytest.mark.skipif(
        not _reachable(DATASTORE),
        reason="no DataStore database: run `config/bootstrap.py datastore <test database>`",
    ),
    *[
        pytest.mark.ckan_config(key, value)
        for key, value in {
            **OPTIONS,
            **DATASTORE,
            "ckan.plugins": OPTIONS["ckan.plugins"] + " datastore datatables_view",
            "ckan.views.default_views": "datatables_view",
        }.items()
    ],
    pytest.mark.usefixtures(
        "with_plugins", "clean_db", "clean_index", "clean_validations", "lyon", "storage"
    ),
]


def test_a_validated_file_is_searchable_with_a_table_preview():
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"])
    assert helpers.call_action("resource_show", id=resource["id"])["datastore_active"] is True
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    assert found["total"] == 2
    assert found["records"][0]["nom"] == "REPUBLIQUE"
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [view["view_type"] for view in views] == ["datatables_view"]


def test_the_pooled_csv_is_in_the_datastore():
    territory = factories.Organization(siren="200046977")
    commune = factories.Organization(insee="69081")
    dataset = factories.Dataset(owner_org=commune["id"])
    publish_car_parks(dataset["id"])
    pooled = helpers.call_action("package_show", id="donnees-mutualisees-stationnement")
    assert pooled["owner_org"] == territory["id"]
    found = helpers.call_action(
        "datastore_search",
        resource_id=pooled["resources"][0]["id"],
        filters={"commune_insee": "69081"},
    )
    assert found["total"] == 2
    assert found["records"][0]["commune_nom"] == "Écully"
    assert model.Package.get("donnees-mutualisees-stationnement") is not None

"""Validated and pooled files in CKAN's DataStore, with a table preview."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import ckan.plugins.toolkit as tk
import psycopg2
import pytest
from ckan import model
from ckan.tests import factories, helpers

from tests.pooling.conftest import OPTIONS, publish_car_parks, upload

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


def test_any_csv_file_is_loaded_into_a_table_with_its_status_in_french(app):
    """A CSV without a declared schema is a data table too: loaded in the
    background, searchable, previewed, its status on the resource page."""
    dataset = factories.Dataset()
    data = "commune;equipement;places\nÉcully;Gymnase;120\nBron;Piscine;300\n".encode()
    resource = upload(dataset["id"], data, "equipements.csv", format="CSV")
    assert helpers.call_action("resource_show", id=resource["id"])["datastore_active"] is True
    found = helpers.call_action("datastore_search", resource_id=resource["id"])
    assert found["total"] == 2
    assert {record["equipement"] for record in found["records"]} == {"Gymnase", "Piscine"}
    views = helpers.call_action("resource_view_list", id=resource["id"])
    assert [view["view_type"] for view in views] == ["datatables_view"]
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["data_table"] is True and status["schema"] is None
    assert status["status"] == "table" and status["row_count"] == 2
    body = app.get(f"/fr/dataset/{dataset['name']}/resource/{resource['id']}").body
    assert "Tableau de données : 2 lignes" in body
    assert "Non conforme" not in body


def test_a_file_that_is_no_table_says_so_and_stays_published(app):
    dataset = factories.Dataset()
    resource = upload(dataset["id"], b"\x00\x01\x02 pas un tableur", "liste.xlsx", format="XLSX")
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["data_table"] is True
    assert status["status"] == "error" and status["message"]
    body = app.get(f"/fr/dataset/{dataset['name']}/resource/{resource['id']}").body
    assert (
        "Le tableau n&#39;a pas pu être chargé" in body
        or "Le tableau n'a pas pu être chargé" in body
    )
    assert helpers.call_action("resource_show", id=resource["id"])["state"] == "active"


def test_a_pdf_is_not_loaded():
    dataset = factories.Dataset()
    resource = upload(dataset["id"], b"%PDF-1.4 ...", "rapport.pdf", format="PDF")
    assert not helpers.call_action("resource_show", id=resource["id"]).get("datastore_active")
    status = helpers.call_action("territoires_resource_validation_show", id=resource["id"])
    assert status["status"] == "none" and status["data_table"] is False

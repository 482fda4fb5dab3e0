"""Validation of resources against the Table Schema they declare."""

from __future__ import annotations

import json

import pytest
from ckan.tests import factories, helpers

from tests.harvesters.server import Answer
from tests.pooling.conftest import car_parks, pooling_marks, publish_car_parks, upload

pytestmark = pooling_marks()


def show(resource_id, **context):
    return helpers.call_action(
        "territoires_resource_validation_show", context=context, id=resource_id
    )


def test_the_offered_schemas_include_the_shipped_ones():
    ids = {item["id"] for item in helpers.call_action("territoires_pooling_schema_list")}
    assert {"stationnement", "irve-statique", "scdl-deliberations", "scdl-catalogue"} <= ids


@pytest.mark.ckan_config("ckanext.territoires.pooling.schemas", "")
def test_a_schema_added_by_file_is_offered(ckan_config, tmp_path, monkeypatch):
    path = tmp_path / "toilettes.json"
    path.write_text(
        json.dumps({"name": "toilettes", "title": "Toilettes", "fields": [{"name": "id"}]})
    )
    monkeypatch.setitem(ckan_config, "ckanext.territoires.pooling.schemas", str(path))
    schemas = {item["id"]: item for item in helpers.call_action("territoires_pooling_schema_list")}
    assert schemas["toilettes"]["title"] == "Toilettes"
    assert schemas["toilettes"]["source"] == str(path)


def test_a_conforming_upload_is_valid(storage):
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"])
    result = show(resource["id"])
    assert result["status"] == "valid"
    assert result["conforming"] is True
    assert result["row_count"] == 2
    assert result["schema"]["title"] == "Lieux de stationnement"
    assert result["report"] == []


def test_a_non_conforming_upload_is_published_with_its_report(storage):
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"], "parkings-invalide.csv")
    result = show(resource["id"])
    assert result["status"] == "invalid"
    assert result["conforming"] is False
    assert result["error_count"] == 2
    by_column = {item["column"]: item for item in result["report"]}
    assert by_column["id"]["row"] == 2
    assert by_column["id"]["cell"] == "P-001"
    assert "format" in by_column["id"]["fix"]
    assert "gratuit" in by_column["tarif_pmr"]["fix"]
    # still published
    assert helpers.call_action("resource_show", id=resource["id"])["state"] == "active"


def test_the_report_is_in_french_on_the_resource_page(storage, app):
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"], "parkings-invalide.csv")
    page = app.get(f"/fr/dataset/{dataset['name']}/resource/{resource['id']}").body
    assert "Non conforme au schéma" in page
    assert "Comment corriger" in page
    assert "Utilisez une des valeurs autorisées" in page
    assert "Not conforming" not in page


def test_a_linked_file_is_read_through_the_guarded_client(server):
    server.add(
        "/parkings.csv", Answer(200, car_parks("parkings-valide.csv"), {"Content-Type": "text/csv"})
    )
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create",
        package_id=dataset["id"],
        url=server.url("/parkings.csv"),
        format="CSV",
        territoires_schema="stationnement",
    )
    assert show(resource["id"])["status"] == "valid"


def test_a_link_to_a_private_address_is_refused(server, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.territoires.harvest.allowed_hosts", "")
    server.add("/parkings.csv", Answer(200, car_parks("parkings-valide.csv")))
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create",
        package_id=dataset["id"],
        url=server.url("/parkings.csv"),
        territoires_schema="stationnement",
    )
    result = show(resource["id"])
    assert result["status"] == "error"
    assert result["message"]
    assert server.hits("/parkings.csv") == 0


def test_an_unreadable_file_is_reported_not_raised(storage):
    dataset = factories.Dataset()
    resource = upload(
        dataset["id"],
        b"\x00\x01\x02 not a table",
        "parkings.xlsx",
        territoires_schema="stationnement",
    )
    assert show(resource["id"])["status"] in ("error", "invalid")


def test_a_resource_without_schema_has_no_validation():
    dataset = factories.Dataset()
    resource = helpers.call_action(
        "resource_create", package_id=dataset["id"], url="http://example.org/x.csv"
    )
    assert show(resource["id"])["status"] == "none"
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action("territoires_resource_validation_run", id=resource["id"])


def test_removing_the_schema_forgets_the_result(storage):
    dataset = factories.Dataset()
    resource = publish_car_parks(dataset["id"])
    helpers.call_action("resource_patch", id=resource["id"], territoires_schema="")
    assert show(resource["id"])["status"] == "none"


def test_only_editors_run_a_validation_again(storage, editor_dataset):
    user, dataset = editor_dataset
    resource = publish_car_parks(dataset["id"], user=user)
    result = helpers.call_action(
        "territoires_resource_validation_run", context={"user": user["name"]}, id=resource["id"]
    )
    assert result["status"] == "valid"
    stranger = factories.User()
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_auth(
            "territoires_resource_validation_run",
            context={"user": stranger["name"], "model": helpers.model},
            id=resource["id"],
        )
    assert helpers.call_auth(
        "territoires_resource_validation_show",
        context={"user": "", "model": helpers.model},
        id=resource["id"],
    )


def test_a_missing_resource_is_not_found():
    with pytest.raises(helpers.logic.NotFound):
        show("no-such-resource")


def test_the_resource_form_offers_the_schemas(app):
    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset()
    page = app.get(
        f"/fr/dataset/{dataset['name']}/resource/new",
        headers={"Authorization": factories.APIToken(user=sysadmin["name"])["token"]},
    ).body
    assert 'name="territoires_schema"' in page
    assert "Lieux de stationnement" in page
    assert "Schéma partagé du fichier" in page


def test_a_dataset_created_with_its_resources_is_validated(server):
    """As harvesters and API clients create them: package_create with resources."""
    server.add(
        "/parkings.csv",
        Answer(200, car_parks("parkings-invalide.csv"), {"Content-Type": "text/csv"}),
    )
    dataset = factories.Dataset(
        resources=[{"url": server.url("/parkings.csv"), "territoires_schema": "stationnement"}]
    )
    assert show(dataset["resources"][0]["id"])["status"] == "invalid"

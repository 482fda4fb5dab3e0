"""One pooled dataset per schema for the territory, kept up to date."""

from __future__ import annotations

import csv
import io

import pytest
from ckan.lib import uploader
from ckan.tests import factories, helpers
from werkzeug.datastructures import FileStorage

from tests.pooling.conftest import car_parks, pooling_marks, publish_car_parks, upload

pytestmark = [*pooling_marks(), pytest.mark.usefixtures("lyon", "storage")]

DATASET = "donnees-mutualisees-stationnement"


def publish(insee: str, filename: str) -> dict:
    organisation = factories.Organization(insee=insee)
    dataset = factories.Dataset(owner_org=organisation["id"])
    return publish_car_parks(dataset["id"], filename)


def pooled_rows() -> list[dict[str, str]]:
    dataset = helpers.call_action("package_show", id=DATASET)
    resource = dataset["resources"][0]
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    with open(path, encoding="utf-8") as file:
        return list(csv.DictReader(io.StringIO(file.read())))


@pytest.fixture
def territory_org():
    return factories.Organization(siren="200046977", title="Métropole de Lyon")


def test_the_conforming_files_of_the_communes_are_pooled(territory_org):
    publish("69081", "parkings-valide.csv")  # Écully
    publish("69029", "parkings-valide.csv")  # Bron
    invalid = publish("69266", "parkings-invalide.csv")  # Villeurbanne
    dataset = helpers.call_action("package_show", id=DATASET)
    assert dataset["owner_org"] == territory_org["id"]
    assert dataset["title"] == "Lieux de stationnement"
    assert dataset["resources"][0]["format"] == "CSV"
    rows = pooled_rows()
    assert len(rows) == 4
    assert {row["commune_insee"] for row in rows} == {"69081", "69029"}
    assert {row["commune_nom"] for row in rows} == {"Écully", "Bron"}
    assert all(row["jeu_de_donnees_source"].startswith("http") for row in rows)
    assert rows[0]["nom"] == "REPUBLIQUE"
    # the invalid file is reported, not merged
    assert "Villeurbanne" in dataset["notes"] or invalid["name"] in dataset["notes"]


def test_a_file_corrected_joins_the_pooled_dataset(territory_org):
    resource = publish("69081", "parkings-invalide.csv")
    assert pooled_rows() == []
    helpers.call_action(
        "resource_patch",
        id=resource["id"],
        upload=FileStorage(io.BytesIO(car_parks("parkings-valide.csv")), filename="parkings.csv"),
    )
    assert len(pooled_rows()) == 2


def test_the_contributions_of_each_commune_are_listed(territory_org, app):
    publish("69081", "parkings-valide.csv")
    publish("69266", "parkings-invalide.csv")
    pooled = helpers.call_action("territoires_pooled_dataset_list")
    (item,) = [p for p in pooled if p["schema"]["id"] == "stationnement"]
    assert item["dataset"]["name"] == DATASET
    assert item["rows"] == 2
    assert item["communes_published"] == ["69081"]
    statuses = {c["commune_insee"]: c["status"] for c in item["contributions"]}
    assert statuses == {"69081": "valid", "69266": "invalid"}
    assert len(item["communes_missing"]) == 58 - 1
    mine = helpers.call_action("territoires_pooled_dataset_list", commune="69266")
    assert [c["commune_insee"] for c in mine[0]["contributions"]] == ["69266"]
    assert helpers.call_action("territoires_pooled_dataset_list", commune="69029") == []

    commune_page = app.get("/fr/commune/villeurbanne-69266").body
    assert "Vos données dans les jeux mutualisés" in commune_page
    assert "Non conforme au schéma" in commune_page
    epci_page = app.get("/fr/intercommunalite/metropole-de-lyon-200046977").body
    assert "Jeux de données mutualisés" in epci_page
    assert "1 commune a publié un fichier conforme" in epci_page


def test_without_the_territory_organisation_nothing_is_built():
    publish("69081", "parkings-valide.csv")
    assert helpers.call_action("package_search", q=f"name:{DATASET}")["count"] == 0
    sysadmin = factories.Sysadmin()
    result = helpers.call_action(
        "territoires_pooled_dataset_consolidate",
        context={"user": sysadmin["name"]},
        schema="stationnement",
    )
    assert result["dataset"] is None
    assert result["problem"]


def test_only_sysadmins_consolidate_and_schemas_are_checked(territory_org):
    user = factories.User()
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_auth(
            "territoires_pooled_dataset_consolidate",
            context={"user": user["name"], "model": helpers.model},
            schema="stationnement",
        )
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action("territoires_pooled_dataset_consolidate", schema="nope")


def test_a_deleted_file_or_dataset_leaves_the_pooled_dataset(territory_org):
    kept = publish("69081", "parkings-valide.csv")
    removed = publish("69029", "parkings-valide.csv")
    assert len(pooled_rows()) == 4
    helpers.call_action("resource_delete", id=removed["id"])
    assert {row["commune_insee"] for row in pooled_rows()} == {"69081"}
    helpers.call_action("package_delete", id=kept["package_id"])
    assert pooled_rows() == []
    assert helpers.call_action("territoires_pooled_dataset_list")[0]["contributions"] == []


def test_the_pooled_dataset_says_what_it_is(territory_org, app):
    """Its licence is its files' when they share one, its coverage the
    communes that contributed, its schema named by its address and shown
    by its title (no bare address on the page)."""
    organisation = factories.Organization(insee="69081")
    dataset = factories.Dataset(owner_org=organisation["id"], license_id="lov2")
    publish_car_parks(dataset["id"], "parkings-valide.csv")
    pooled = helpers.call_action("package_show", id=DATASET)
    assert pooled["license_id"] == "lov2"
    assert pooled["territoires_coverage"] == ["69081"]
    assert pooled["frequency"].endswith("/UPDATE_CONT")
    (schema_url,) = pooled["conforms_to"]
    assert schema_url.startswith("https://") and "schema-stationnement" in schema_url
    body = app.get(f"/fr/dataset/{DATASET}").body
    assert "Schéma partagé « Lieux de stationnement »" in body
    assert f">{schema_url}<" not in body
    # files under different licences: the pooled dataset claims none
    other = factories.Dataset(
        owner_org=factories.Organization(insee="69029")["id"], license_id="odc-odbl"
    )
    publish_car_parks(other["id"], "parkings-valide.csv")
    assert helpers.call_action("package_show", id=DATASET)["license_id"] in ("", "notspecified")

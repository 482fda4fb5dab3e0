"""Maps of point data: the coordinate columns of each schema, the points of
a pooled dataset (action), and their maps on the pooled dataset's page and
the commune page."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from ckan.tests import factories, helpers

from ckanext.territoires.geography import get_outlines
from ckanext.territoires.pooling import points, registry, samples
from tests.pooling.conftest import pooling_marks, upload

DATASET = "donnees-mutualisees-stationnement"
BRON, VILLEURBANNE, VENISSIEUX = "69029", "69266", "69259"


# -- which columns hold the coordinates ----------------------------------------------


@pytest.mark.parametrize(
    ("schema_id", "expected"),
    [
        (
            "stationnement",
            {"longitude": "Xlong", "latitude": "Ylat", "geopoint": None, "label": "nom"},
        ),
        (
            "irve-statique",
            {
                "longitude": None,
                "latitude": None,
                "geopoint": "coordonneesXY",
                "label": "nom_station",
            },
        ),
        (
            "scdl-equipements",
            {
                "longitude": "EQUIP_LONG",
                "latitude": "EQUIP_LAT",
                "geopoint": None,
                "label": "EQUIP_NOM",
            },
        ),
    ],
)
def test_the_coordinate_columns_are_read_from_the_table_schema(schema_id, expected):
    found = registry.get(schema_id).coordinates.as_dict()
    assert {key: found[key] for key in expected} == expected
    assert registry.get(schema_id).as_dict()["coordinates"]["label"] == expected["label"]


def test_schemas_without_coordinates_have_none():
    assert registry.get("scdl-deliberations").coordinates is None
    assert registry.get("scdl-budget").coordinates is None
    # ambiguous (two longitudes) or incomplete: no guess
    two = {"fields": [{"name": n, "type": "number"} for n in ("lon", "longitude", "lat")]}
    assert points.coordinates_of(two) is None
    assert points.coordinates_of({"fields": [{"name": "lat", "type": "number"}]}) is None


def test_names_titles_and_geopoint_formats():
    by_title = {
        "fields": [
            {"name": "x_l93", "type": "number"},
            {"name": "c1", "type": "number", "title": "Longitude WGS 84"},
            {"name": "c2", "type": "number", "title": "Latitude WGS 84"},
            {"name": "consolidated_longitude", "type": "string"},
            {"name": "libelle", "type": "string"},
        ]
    }
    found = points.coordinates_of(by_title)
    assert (found.longitude, found.latitude, found.label) == ("c1", "c2", "libelle")
    default = points.coordinates_of({"fields": [{"name": "geo", "type": "geopoint"}]})
    assert default.position({"geo": "4.85, 45.75"}) == (4.85, 45.75)
    as_object = points.Coordinates(geopoint="geo", geopoint_format="object")
    assert as_object.position({"geo": json.dumps({"lon": 4.8, "lat": 45.7})}) == (4.8, 45.7)
    as_array = points.Coordinates(geopoint="geo", geopoint_format="array")
    assert as_array.position({"geo": "[4.8,45.7]"}) == (4.8, 45.7)
    pair = points.Coordinates(longitude="x", latitude="y")
    assert pair.position({"x": "4,85", "y": "45,75"}) == (4.85, 45.75)  # decimal comma
    for x, y in [("", "45.7"), ("abc", "45.7"), ("200", "45"), ("4.8", "-95"), ("0", "0")]:
        assert pair.position({"x": x, "y": y}) is None, (x, y)
    assert as_array.position({"geo": "[4.8]"}) is None
    assert as_array.position({"geo": "not json"}) is None


def test_a_table_counts_the_rows_without_a_position_per_commune():
    coordinates = points.Coordinates(longitude="x", latitude="y", label="nom")
    table = points.read_table(
        [
            {"x": "4.9", "y": "45.7", "nom": "A", "commune_insee": BRON, "commune_nom": "Bron"},
            {"x": "", "y": "45.7", "nom": "B", "commune_insee": BRON, "commune_nom": "Bron"},
            {"x": "4.8", "y": "95", "nom": "C", "commune_insee": "69266", "commune_nom": "V"},
        ],
        coordinates,
    )
    assert [point.label for point in table.points] == ["A"]
    assert table.rows == {BRON: 2, "69266": 1}
    assert table.without == {BRON: 1, "69266": 1}


def test_a_pooled_file_is_read_again_when_it_changes(tmp_path):
    coordinates = points.Coordinates(longitude="x", latitude="y", label="nom")
    path = tmp_path / "pooled.csv"
    path.write_text("x,y,nom,commune_insee,commune_nom\n4.9,45.7,A,69029,Bron\n")
    assert [p.label for p in points.table_of(str(path), coordinates).points] == ["A"]
    assert points.table_of(str(path), coordinates) is points.table_of(str(path), coordinates)
    path.write_text(
        "x,y,nom,commune_insee,commune_nom\n4.9,45.7,A,69029,Bron\n4.8,45.8,B,69266,V\n"
    )
    assert [p.label for p in points.table_of(str(path), coordinates).points] == ["A", "B"]


# -- the points of a pooled dataset, through CKAN ------------------------------------


def car_park_file(insee: str, count: int, blank: int = 0, far: int = 0) -> bytes:
    """``count`` car parks inside the commune; the last ``blank`` at 0, 0
    (conforming, but no position) and ``far`` ones in Brittany."""
    lon, lat = get_outlines().centroid(insee)
    rows = list(samples.car_park_rows(insee, count, lon=lon - 0.002, lat=lat - 0.002))
    for row in rows[len(rows) - blank :] if blank else []:
        row["Xlong"], row["Ylat"] = 0, 0
    for row in rows[:far]:
        row["Xlong"], row["Ylat"] = -3.0, 48.0
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, registry.get("stationnement").field_names, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def publish(insee: str, data: bytes, **dataset_fields) -> dict:
    organisation = factories.Organization(insee=insee)
    dataset = factories.Dataset(owner_org=organisation["id"], **dataset_fields)
    return upload(dataset["id"], data, "parkings.csv", territoires_schema="stationnement")


@pytest.fixture
def pooled():
    factories.Organization(siren="200046977", title="Métropole de Lyon")
    publish(BRON, car_park_file(BRON, 4, blank=1))
    publish(VILLEURBANNE, car_park_file(VILLEURBANNE, 3))
    return helpers.call_action("package_show", id=DATASET)


@pytest.mark.usefixtures("lyon", "storage")
class TestPooledPoints:
    pytestmark = pooling_marks()

    def test_the_points_of_the_pooled_dataset(self, pooled):
        found = helpers.call_action("territoires_pooled_points_show", id=DATASET)
        assert found["dataset"]["name"] == DATASET
        assert found["resource_id"] == pooled["resources"][0]["id"]
        assert found["coordinates"]["longitude"] == "Xlong"
        assert (found["rows"], found["located"], found["without_coordinates"]) == (7, 6, 1)
        assert found["truncated"] is False
        first = found["points"][0]
        assert first["label"].startswith("Parking ")
        assert {p["commune_nom"] for p in found["points"]} == {"Bron", "Villeurbanne"}
        assert all(
            4.7 < p["longitude"] < 5.1 and 45.6 < p["latitude"] < 45.9 for p in found["points"]
        )

        bron = helpers.call_action("territoires_pooled_points_show", id=DATASET, commune=BRON)
        assert (bron["rows"], bron["located"], bron["without_coordinates"]) == (4, 3, 1)
        assert {p["commune_insee"] for p in bron["points"]} == {BRON}

        two = helpers.call_action("territoires_pooled_points_show", id=DATASET, limit=2)
        assert len(two["points"]) == 2 and two["truncated"] and two["located"] == 6
        nobody = helpers.call_action("territoires_pooled_points_show", id=DATASET, commune="69003")
        assert (nobody["rows"], nobody["points"]) == (0, [])

    def test_bad_requests_name_the_field(self, pooled):
        other = factories.Dataset()
        with pytest.raises(helpers.logic.ValidationError) as error:
            helpers.call_action("territoires_pooled_points_show", id=other["id"])
        assert "id" in error.value.error_dict
        with pytest.raises(helpers.logic.ValidationError) as error:
            helpers.call_action("territoires_pooled_points_show", id=DATASET, limit="many")
        assert "limit" in error.value.error_dict
        with pytest.raises(helpers.logic.NotFound):
            helpers.call_action("territoires_pooled_points_show", id="nope")
        with pytest.raises(helpers.logic.ValidationError) as error:
            helpers.call_action("territoires_map_show", kind="points", id=DATASET, commune="99999")
        assert "commune" in error.value.error_dict

    def test_the_map_of_the_points(self, pooled):
        drawn = helpers.call_action("territoires_map_show", kind="points", id=DATASET)
        data = drawn["point_data"]
        assert (data["drawn"], data["without_coordinates"], data["outside"]) == (6, 1, 0)
        assert len(drawn["points"]) == 6 and len(drawn["shapes"]) == 58
        assert all(
            0 <= p["x"] <= drawn["width"] and 0 <= p["y"] <= drawn["height"]
            for p in drawn["points"]
        )
        assert (
            "(Bron)" in drawn["points"][0]["title"]
            or "(Villeurbanne)" in drawn["points"][0]["title"]
        )
        one = helpers.call_action(
            "territoires_map_show", kind="points", id=DATASET, commune=VILLEURBANNE
        )
        assert [s["code"] for s in one["shapes"]] == [VILLEURBANNE]
        assert len(one["points"]) == 3 and "(" not in one["points"][0]["title"]
        assert "outline of the commune (Villeurbanne)" in one["description"]

    def test_points_far_away_are_counted_not_drawn(self):
        factories.Organization(siren="200046977", title="Métropole de Lyon")
        publish(BRON, car_park_file(BRON, 3, far=1))
        drawn = helpers.call_action("territoires_map_show", kind="points", id=DATASET)
        assert (drawn["point_data"]["drawn"], drawn["point_data"]["outside"]) == (2, 1)

    def test_the_pooled_dataset_page_shows_the_map(self, pooled, app):
        body = app.get(f"/fr/dataset/{DATASET}").body
        assert body.count("<circle ") == 6
        assert "6 points dessinés" in body
        assert "1 ligne sans coordonnées (absentes ou hors limites), non dessinée" in body
        assert "Liste des points" in body and "Voir les données en tableau" in body
        assert re.search(r"<circle [^>]*><title>Parking [^<]+ \(Bron\)</title></circle>", body)
        assert "Carte des points de « Lieux de stationnement »" in body
        english = app.get(f"/en/dataset/{DATASET}").body
        assert "6 points drawn" in english
        # another dataset's page has no such map
        other = factories.Dataset()
        assert "<circle " not in app.get(f"/fr/dataset/{other['name']}").body

    def test_the_commune_page_shows_its_points(self, pooled, app):
        body = app.get("/fr/commune/bron-69029").body
        assert "Vos données dans les jeux mutualisés" in body
        assert body.count("<circle ") == 3
        assert "3 points dessinés." in body
        assert "1 ligne sans coordonnées" in body
        assert "sur le contour de la commune (Bron)" in body
        assert "points drawn" not in body and "without coordinates" not in body
        villeurbanne = app.get("/fr/commune/villeurbanne-69266").body
        assert villeurbanne.count("<circle ") == 3
        assert "ligne sans coordonnées" not in villeurbanne

    def test_a_commune_whose_file_does_not_conform_has_no_empty_map(self, pooled, app):
        """Its rows are not pooled: an empty map saying "0 points drawn" would
        only puzzle its officer; the list says why (not conforming)."""
        publish(VENISSIEUX, samples.car_parks(VENISSIEUX, invalid=True))
        body = app.get("/fr/commune/venissieux-69259").body
        assert "Vos données dans les jeux mutualisés" in body
        assert "Non conforme au schéma" in body
        assert "Carte des points" not in body and "0 point dessiné" not in body

    def test_a_schema_without_coordinates_has_no_map(self, app):
        factories.Organization(siren="200046977", title="Métropole de Lyon")
        organisation = factories.Organization(insee=BRON)
        dataset = factories.Dataset(owner_org=organisation["id"])
        upload(
            dataset["id"],
            samples.deliberations("Bron", BRON),
            "deliberations.csv",
            territoires_schema="scdl-deliberations",
        )
        found = helpers.call_action(
            "territoires_pooled_points_show", id="donnees-mutualisees-scdl-deliberations"
        )
        assert found["coordinates"] is None and found["points"] == []
        body = app.get("/fr/dataset/donnees-mutualisees-scdl-deliberations").body
        assert "<circle " not in body and "points dessinés" not in body

    def test_a_private_source_never_shows(self, pooled, app):
        secret = publish(VENISSIEUX, car_park_file(VENISSIEUX, 2), private=True, title="Secret")
        found = helpers.call_action("territoires_pooled_points_show", id=DATASET)
        assert VENISSIEUX not in {p["commune_insee"] for p in found["points"]}
        assert found["rows"] == 7
        assert helpers.call_action("territoires_pooled_dataset_list", commune=VENISSIEUX) == []
        page = app.get("/fr/commune/venissieux-69259").body
        assert "<circle " not in page and "Secret" not in page
        # a public file made private leaves the pooled data
        bron = helpers.call_action("territoires_pooled_points_show", id=DATASET, commune=BRON)
        assert bron["located"] == 3
        (item,) = helpers.call_action("territoires_pooled_dataset_list", commune=BRON)
        bron_dataset = item["contributions"][0]["package_name"]
        helpers.call_action("package_patch", id=bron_dataset, private=True)
        found = helpers.call_action("territoires_pooled_points_show", id=DATASET)
        assert {p["commune_insee"] for p in found["points"]} == {VILLEURBANNE}
        assert secret["package_id"] != bron_dataset
        # made public again, it joins the pooled data at once
        helpers.call_action("package_patch", id=bron_dataset, private=False)
        found = helpers.call_action("territoires_pooled_points_show", id=DATASET)
        assert {p["commune_insee"] for p in found["points"]} == {VILLEURBANNE, BRON}

    def test_a_private_pooled_dataset_is_seen_by_its_members_only(self, pooled, app):
        helpers.call_action("package_patch", id=DATASET, private=True)
        stranger = factories.User()
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action(
                "territoires_pooled_points_show",
                context={"user": stranger["name"], "ignore_auth": False},
                id=DATASET,
            )
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action(
                "territoires_map_show",
                context={"user": "", "ignore_auth": False},
                kind="points",
                id=DATASET,
            )
        page = app.get("/fr/commune/bron-69029").body
        assert "<circle " not in page
        assert app.get(f"/fr/dataset/{DATASET}", status=404)
        sysadmin = factories.Sysadmin()
        seen = helpers.call_action(
            "territoires_pooled_points_show",
            context={"user": sysadmin["name"], "ignore_auth": False},
            id=DATASET,
        )
        assert seen["located"] == 6

    @pytest.mark.ckan_config("ckanext.territoires.pooling.map_points", "2")
    def test_the_pages_draw_at_most_the_configured_points(self, pooled, app):
        body = app.get(f"/fr/dataset/{DATASET}").body
        assert body.count("<circle ") == 2
        assert "Seuls les 2 premiers points sur 6 sont dessinés." in body
        assert "Et 4 autres : voir le tableau." in body  # listed: the 2 drawn
        drawn = helpers.call_action("territoires_map_show", kind="points", id=DATASET, limit=3)
        assert len(drawn["points"]) == 3 and drawn["point_data"]["truncated"]

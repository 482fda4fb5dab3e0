"""Coverage of harvested records from their geometries, places and names.

Extents are the real ones of recorded catalogues: Géo2France's GeoNetwork
(a box over the Hauts-de-France région, WKT and GeoJSON), the GéoIDE local
plans of the Somme (west > east), OREME's observatory in the Gard, a
Hauts-de-France DKAN portal's ckanext-spatial extras.
"""

from __future__ import annotations

import pytest

from ckanext.territoires.harvesters import territorialise as t
from ckanext.territoires.harvesters.territorialise import PlaceHints, territorialise
from ckanext.territoires.referential import parse_scope

# Géo2France (geonetwork-dcat-page-1.xml): the région's box as WKT.
GEO2FRANCE_WKT = (
    "Polygon((1.32898744824151 48.79422289313, 1.32898744824151 51.0829997967797, "
    "4.30533171628197 51.0829997967797, 4.30533171628197 48.79422289313, "
    "1.32898744824151 48.79422289313))"
)
# Géo2France (geonetwork-geodcatap-page-1.xml): as a GeoJSON dcat:bbox.
GEO2FRANCE_GEOJSON = (
    '{"type":"Polygon","coordinates":[[[1.365,51.09],[4.086,51.09],[4.086,48.827],'
    "[1.365,48.827],[1.365,51.09]]]}"
)
# GéoIDE (geoide-iso19139-single-dataset.xml): west and east swapped.
SOMME_SWAPPED = {
    "westBoundLongitude": "3.28133559",
    "eastBoundLongitude": "1.31279111",
    "southBoundLatitude": "49.38547516",
    "northBoundLatitude": "50.48188019",
}
# The same box, the right way round: the Somme and a little around it.
SOMME_BOX = dict(SOMME_SWAPPED, westBoundLongitude="1.31279111", eastBoundLongitude="3.28133559")
# OREME (dcat/geonetwork.xml): Carnoulès, in the Gard.
OREME = (
    "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> Polygon((3.98197778 44.05310833, "
    "3.98197778 44.11806389, 4.00346389 44.11806389, 4.00346389 44.05310833, "
    "3.98197778 44.05310833))"
)
# DKAN of the Hauts-de-France (ckan/dkan-french-w-license.json): ckanext-spatial extras.
DKAN_EXTRAS = {
    "bbox-east-long": "4.65820313",
    "bbox-north-lat": "51.16423318",
    "bbox-south-lat": "48.80546301",
    "bbox-west-long": "1.18652344",
}
METROPOLE_DE_LYON_BOX = "4.6923,45.5571,5.0604,45.9392"

HAUTS_DE_FRANCE = parse_scope("region:32")
NORD = parse_scope("departement:59")
SOMME = parse_scope("departement:80")
LYON = parse_scope("epci:200046977")


def rendered(coverage) -> list[str]:
    return [problem.render("en") for problem in coverage.problems]


@pytest.mark.parametrize("extent", [GEO2FRANCE_WKT, GEO2FRANCE_GEOJSON])
def test_a_box_over_a_region_gives_its_communes_in_a_portal_covering_it(extent):
    scope = parse_scope("region:32 region:11")  # Hauts-de-France and Île-de-France
    coverage = territorialise(PlaceHints(extents=[extent]), scope=scope)
    assert coverage.origin == t.GEOMETRY
    # the box is the région's: none of the Île-de-France communes it grazes
    assert coverage.codes == sorted(HAUTS_DE_FRANCE.communes)
    assert not coverage.whole
    assert "région Hauts-de-France" in coverage.steps[0].note.render("en")


@pytest.mark.parametrize("extent", [GEO2FRANCE_WKT, GEO2FRANCE_GEOJSON, DKAN_EXTRAS])
def test_a_box_over_a_region_is_the_whole_territory_of_a_portal_inside_it(extent):
    for scope in (HAUTS_DE_FRANCE, NORD):
        coverage = territorialise(PlaceHints(extents=[extent]), scope=scope)
        assert coverage.whole and coverage.codes == sorted(scope.communes)
        assert coverage.problems == []


def test_a_geometry_wholly_outside_is_outside_the_territory_not_missing():
    coverage = territorialise(PlaceHints(extents=[GEO2FRANCE_WKT]), scope=LYON)
    assert coverage.codes == [] and coverage.origin == t.OUTSIDE
    messages = rendered(coverage)
    assert any("outside the territory" in message for message in messages)
    assert not any("No coverage found" in message for message in messages)


def test_names_outside_the_geometry_are_ignored():
    # OREME's observatory is in the Gard; "Montpellier" in the title must
    # not put it in Montpellier.
    montpellier = parse_scope("epci:243400017")
    hints = PlaceHints(
        extents=[OREME],
        title="Suivi hydrologique du site de Carnoulès - OSU OREME Montpellier",
        publishers=["UMR HydroSciences Montpellier (HSM)"],
    )
    coverage = territorialise(hints, scope=montpellier)
    assert coverage.codes == [] and coverage.origin == t.OUTSIDE
    gard = territorialise(hints, scope=parse_scope("departement:30"))
    assert gard.origin == t.GEOMETRY and len(gard.codes) == 1


def test_a_local_plan_with_a_coarse_box_covers_its_commune():
    hints = PlaceHints(
        extents=[SOMME_BOX],
        title="Plan local d'urbanisme de la commune de Combles",
        publishers=["DDTM 80 (Direction Départementale des Territoires et de la Mer de la Somme)"],
    )
    coverage = territorialise(hints, scope=SOMME)
    assert coverage.codes == ["80204"] and coverage.origin == t.NARROWED
    assert [step.rule for step in coverage.steps] == [t.GEOMETRY, t.NARROWED]
    assert len(coverage.steps[0].codes) > 500


def test_a_former_commune_named_leads_to_the_commune_nouvelle():
    hints = PlaceHints(
        extents=[METROPOLE_DE_LYON_BOX], title="Plan de stationnement de Pierre-Bénite"
    )
    coverage = territorialise(hints, scope=LYON)
    assert coverage.codes == ["69149"]  # Oullins-Pierre-Bénite


def test_the_publisher_narrows_a_coverage_by_larger_places():
    hints = PlaceHints(spatial=["Auvergne-Rhône-Alpes"], publishers=["Mairie de Bron"])
    coverage = territorialise(hints, scope=LYON)
    assert coverage.codes == ["69029"] and coverage.origin == t.NARROWED
    assert coverage.publisher_commune == "69029"


def test_common_words_are_not_commune_names():
    # Bus is a commune of the Pas-de-Calais; "bus" here is not it.
    hints = PlaceHints(extents=[GEO2FRANCE_WKT], title="Lignes de bus régionales")
    coverage = territorialise(hints, scope=HAUTS_DE_FRANCE)
    assert coverage.whole
    capitals = territorialise(
        PlaceHints(extents=[GEO2FRANCE_WKT], title="LIGNES DE BUS"), scope=HAUTS_DE_FRANCE
    )
    assert capitals.whole


def test_a_commune_named_outside_the_geometry_is_ignored_and_said_so():
    hints = PlaceHints(extents=[METROPOLE_DE_LYON_BOX], title="Marchés de Cartigny")
    coverage = territorialise(hints, scope=parse_scope("epci:200046977 departement:80"))
    assert "80177" not in coverage.codes
    assert any(
        step.rule == t.NARROWED and step.note and "Cartigny" in step.note.render("en")
        for step in coverage.steps
    )


@pytest.mark.parametrize(
    "extent, reason",
    [
        (SOMME_SWAPPED, "not a valid bounding box"),
        (
            {
                "westBoundLongitude": 1,
                "eastBoundLongitude": 2,
                "southBoundLatitude": 95,
                "northBoundLatitude": 96,
            },
            "out of range",
        ),
        ("0,0,0.5,0.5", "far outside France"),
        ("wrong wkt", "not a readable geometry"),
        (
            '{"type":"Polygon","coordinates":[[[4, 45], [4, NaN], [4, 46], [4, 45]]]}',
            "not a readable geometry",
        ),
    ],
)
def test_an_extent_that_cannot_be_used_is_reported_and_names_are_a_last_resort(extent, reason):
    hints = PlaceHints(extents=[extent], title="Plan local d'urbanisme de la commune de Combles")
    coverage = territorialise(hints, scope=SOMME)
    messages = rendered(coverage)
    assert any(reason in message for message in messages), messages
    assert coverage.codes == ["80204"] and coverage.origin == t.TITLE
    assert any("taken from the names in the title" in message for message in messages)


def test_country_codes_cover_the_whole_territory_quietly():
    hints = PlaceHints(spatial=["FXX", "GUF", "MTQ", "MYT", "REU", "GLP"])
    coverage = territorialise(hints, scope=LYON)
    assert coverage.whole and coverage.origin == t.METADATA
    assert coverage.problems == []
    for value in ("FRA", "France", "http://publications.europa.eu/resource/authority/country/FRA"):
        assert territorialise(PlaceHints(spatial=[value]), scope=LYON).whole


def test_an_overseas_code_alone_is_outside_a_metropolitan_territory():
    coverage = territorialise(PlaceHints(spatial=["GUF"]), scope=LYON)
    assert coverage.origin == t.OUTSIDE
    assert any("Guyane" in message for message in rendered(coverage))


@pytest.mark.parametrize(
    "value", ["Rhône", "département du Rhône", "departement:69", "http://id.insee.fr/geo/region/84"]
)
def test_departements_and_regions_are_places(value):
    coverage = territorialise(PlaceHints(spatial=[value]), scope=LYON)
    assert coverage.whole and coverage.problems == []


def test_a_point_covers_the_commune_it_is_in():
    coverage = territorialise(PlaceHints(extents=["POINT(4.9167 45.7275)"]), scope=LYON)
    assert coverage.codes == ["69029"]  # Bron


def test_several_extents_add_up():
    bron, ecully = "POINT(4.9167 45.7275)", "POINT(4.7770 45.7745)"
    coverage = territorialise(PlaceHints(extents=[bron, ecully]), scope=LYON)
    assert coverage.codes == ["69029", "69081"]


def test_explicit_communes_win_over_geometry():
    hints = PlaceHints(
        spatial=["http://id.insee.fr/geo/commune/69081"], extents=[METROPOLE_DE_LYON_BOX]
    )
    coverage = territorialise(hints, scope=LYON)
    assert coverage.codes == ["69081"] and coverage.origin == t.METADATA


def test_a_name_found_only_outside_leaves_room_for_the_publisher():
    # "Sainte-Foy" is four communes, none in the Métropole de Lyon (whose is
    # Sainte-Foy-lès-Lyon): reported; the publisher still places the record.
    hints = PlaceHints(spatial=["Sainte-Foy"], publishers=["Ville de Bron"])
    coverage = territorialise(hints, scope=LYON)
    assert coverage.codes == ["69029"] and coverage.origin == t.PUBLISHER
    assert any("Sainte-Foy" in message for message in rendered(coverage))
    alone = territorialise(PlaceHints(spatial=["Sainte-Foy"]), scope=LYON)
    assert alone.origin == t.OUTSIDE
    assert not any("No coverage found" in message for message in rendered(alone))


def test_a_code_outside_is_authoritative():
    hints = PlaceHints(spatial=["http://id.insee.fr/geo/departement/62"], title="Parcs de Lyon")
    coverage = territorialise(hints, scope=LYON)
    assert coverage.codes == [] and coverage.origin == t.OUTSIDE

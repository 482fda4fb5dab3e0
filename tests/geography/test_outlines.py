"""The shipped outlines: per-département loading, unions, intersections."""

from __future__ import annotations

import shapely

from ckanext.territoires.geography.outlines import SHIPPED_DIR, Outlines
from ckanext.territoires.referential import parse_scope


def fresh() -> Outlines:
    return Outlines(SHIPPED_DIR)


def test_nothing_is_loaded_until_asked_and_then_one_departement():
    outlines = fresh()
    assert outlines.loaded_departements == ()
    lyon = outlines.commune("69123")
    assert lyon is not None and lyon.is_valid
    assert outlines.loaded_departements == ("69",)


def test_a_lyon_portal_loads_the_rhone_only():
    outlines = fresh()
    index = outlines.scope_index(parse_scope("epci:200046977"))
    assert len(index.codes) == 58 and index.without_outline == ()
    assert outlines.loaded_departements == ("69",)


def test_every_current_commune_has_an_outline_or_is_listed_missing():
    outlines = fresh()
    manifest_counts = sum(entry["communes"] for entry in outlines.manifest["departements"].values())
    assert manifest_counts + len(outlines.missing) == len(outlines.ref.communes)
    # the collectivités d'outre-mer and a few communes re-established since 2018
    assert "98735" in outlines.missing
    assert "15031" in outlines.missing  # Celles, out of Neussargues en Pinatelle again
    # a commune nouvelle whose code changed after 2018 (12076 -> 12218) has one
    assert "12218" not in outlines.missing
    assert 90 <= len(outlines.missing) <= 110


def test_a_commune_without_outline_answers_none_never_fails():
    outlines = fresh()
    assert outlines.commune("98735") is None
    assert outlines.centroid("98735") is None
    assert outlines.bbox("commune", "98735") is None
    assert outlines.commune("not a code") is None


def test_any_insee_code_leads_to_the_current_commune_outline():
    outlines = fresh()
    # Pierre-Bénite (69152) merged into Oullins-Pierre-Bénite (69149) in 2024:
    # the commune nouvelle's outline is the union of both.
    merged = outlines.commune("69149")
    assert outlines.commune("69152") is merged
    assert outlines.commune("69383") is outlines.commune("69123")  # Lyon 3e -> Lyon
    # 2018 outlines: Oullins (~4.4 km²) plus Pierre-Bénite (~4.3 km²)
    assert merged.geom_type == "Polygon"
    assert 4.2 < merged.centroid.x < 4.9


def test_centroid_lies_inside_the_commune():
    outlines = fresh()
    lon, lat = outlines.centroid("69081")  # Écully
    assert outlines.commune("69081").contains(shapely.Point(lon, lat))


def test_areas_are_unions_of_their_communes():
    outlines = fresh()
    metropole = outlines.epci("200046977")
    assert metropole.geom_type == "Polygon"
    lyon = outlines.commune("69123")
    assert metropole.contains(lyon.representative_point())
    members = outlines.communes(outlines.members("epci", "200046977")).values()
    assert abs(metropole.area - sum(member.area for member in members)) < 1e-9
    rhone = outlines.departement("69")
    assert rhone.covers(metropole.buffer(-0.001))


def test_bounding_boxes_of_areas_come_from_the_manifest_without_loading():
    outlines = fresh()
    west, south, east, north = outlines.bbox("region", "84")
    assert (west, south, east, north) == outlines.area_boxes("region")["84"]
    assert 2.0 < west < 2.2 and 7.1 < east < 7.3 and 44.0 < south < 44.2 and 46.7 < north < 46.9
    assert outlines.loaded_departements == ()
    assert outlines.bbox("epci", "200046977")[0] < 4.8


def test_intersections_give_both_shares():
    outlines = fresh()
    index = outlines.scope_index(parse_scope("epci:200046977"))
    box = shapely.box(*outlines.commune("69081").bounds)  # Écully's bounding box
    shares = {share.insee: share for share in index.intersecting(box).shares()}
    assert shares["69081"].commune > 0.99
    assert 0.3 < shares["69081"].geometry < 1
    assert all(0 <= share.commune <= 1 and 0 <= share.geometry <= 1 for share in shares.values())
    outside = index.intersecting(shapely.box(-1, 47, -0.5, 47.5))
    assert len(outside) == 0


def test_a_point_lies_in_one_commune():
    outlines = fresh()
    index = outlines.scope_index(parse_scope("epci:200046977"))
    lon, lat = outlines.centroid("69029")  # Bron
    overlaps = index.intersecting(shapely.Point(lon, lat))
    assert overlaps.where(overlaps.geometry >= 0.5) == ["69029"]


def test_overview_has_every_departement_and_region_with_an_outline():
    outlines = fresh()
    departements = outlines.overview("departement")
    assert "69" in departements and "2A" in departements and "974" in departements
    assert len(outlines.overview("region")) == 18


def test_attribution_is_ign_admin_express_cog_2018():
    assert fresh().attribution == "IGN — ADMIN EXPRESS COG 2018"


def test_bounds_of_a_set_of_communes_without_touching_geometries():
    outlines = fresh()
    members = outlines.members("epci", "200046977")
    assert outlines.bounds(members) == outlines.bbox("epci", "200046977")
    assert outlines.bounds(["98735"]) is None  # no outline
    assert outlines.bounds([]) is None

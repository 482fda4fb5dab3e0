"""The coverage rule: snapping to a place's box, shares, whole territory, outside."""

from __future__ import annotations

import shapely

from ckanext.territoires.geography.coverage import covered_communes, snap
from ckanext.territoires.geography.extents import Extent, read_extent
from ckanext.territoires.geography.outlines import SHIPPED_DIR, Outlines
from ckanext.territoires.referential import parse_scope

OUTLINES = Outlines(SHIPPED_DIR)
LYON = parse_scope("epci:200046977")


def box_of(kind: str, code: str, grow: float = 0.0) -> Extent:
    west, south, east, north = OUTLINES.bbox(kind, code)
    return read_extent(f"{west - grow},{south - grow},{east + grow},{north + grow}")


def test_a_communes_box_stands_for_that_commune():
    coverage = covered_communes([box_of("commune", "69081")], LYON, OUTLINES)  # Écully
    assert coverage.codes == ["69081"]
    assert coverage.snaps[0].kind == "commune"


def test_a_box_that_is_no_places_box_covers_by_area():
    lyon = OUTLINES.commune("69123")
    extent = Extent(lyon.buffer(0.002), "Lyon and a little more")
    coverage = covered_communes([extent], LYON, OUTLINES)
    assert coverage.codes == ["69123"]
    # a neighbour holds a name when a tenth of it is inside; a far commune never
    for code, share in coverage.met.items():
        assert coverage.holds(code) == (code == "69123" or share >= 0.1)
    assert not coverage.holds("69091")  # Givors


def test_the_whole_territory_and_outside():
    whole = covered_communes([box_of("departement", "69", grow=0.1)], LYON, OUTLINES)
    assert whole.whole and whole.codes == sorted(LYON.communes)
    outside = covered_communes([box_of("departement", "13")], LYON, OUTLINES)
    assert outside.outside and outside.codes == []


def test_a_region_box_snaps_to_the_region():
    index = OUTLINES.scope_index(LYON)
    place = snap(box_of("region", "32"), index, OUTLINES)
    assert (place.kind, place.code) == ("region", "32")
    assert snap(Extent(shapely.Point(4.8, 45.7), "point"), index, OUTLINES) is None

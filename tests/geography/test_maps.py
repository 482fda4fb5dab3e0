"""The SVG map renderer: projection, paths, rectangles, shading, cache."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
import shapely

from ckanext.territoires.geography import maps
from ckanext.territoires.geography.outlines import SHIPPED_DIR, Outlines

LYON_METROPOLE = "200046977"
PATH_DATA = re.compile(r"^(M-?\d+ -?\d+l(-?\d+[ -]?)+z)+$")


@pytest.fixture(scope="module")
def outlines() -> Outlines:
    return Outlines(SHIPPED_DIR)


@pytest.fixture(scope="module")
def metropole(outlines):
    codes = tuple(outlines.ref.members("epci", LYON_METROPOLE))
    return codes, maps.make_base(outlines.communes(codes), codes)


def svg_of(base: maps.Base, boxes=()) -> ET.Element:
    """A minimal SVG of a base, as a template would write it, parsed."""
    proj = base.projection
    paths = "".join(
        f'<a href="/commune/{code}" aria-label="{code}"><path d="{d}"/></a>'
        for code, d in base.paths.items()
    )
    rects = "".join(
        '<rect x="{x}" y="{y}" width="{width}" height="{height}"/>'.format(**box) for box in boxes
    )
    text = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{proj.view_box}">{paths}{rects}</svg>'
    return ET.fromstring(text)


def test_the_projection_keeps_shapes_true_at_the_map_latitude():
    # a square of 1 degree of latitude by 1/cos(45°) degrees of longitude at 45°N
    proj = maps.projection((4.0, 44.5, 4.0 + 1 / 0.70710678, 45.5), margin=0)
    assert proj.width == proj.height == maps.SIZE
    assert proj.point(4.0, 45.5) == (0, 0)  # north-west corner: top left
    assert proj.point(4.0 + 1 / 0.70710678, 44.5) == (1000, 1000)


def test_the_larger_side_fits_the_view_box():
    proj = maps.projection((4.7, 45.6, 5.1, 45.95))
    assert max(proj.width, proj.height) == maps.SIZE
    assert proj.view_box == f"0 0 {proj.width} {proj.height}"


def test_paths_are_small_integer_relative_and_valid(metropole):
    codes, base = metropole
    assert set(base.paths) == set(codes) and base.missing == ()
    for d in base.paths.values():
        assert PATH_DATA.match(d), d[:80]
    # the 58 communes of the Métropole in about 7 kB of path data
    assert sum(len(d) for d in base.paths.values()) < 12_000
    root = svg_of(base)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == base.projection.view_box
    links = root.findall("{http://www.w3.org/2000/svg}a")
    assert len(links) == len(codes)
    assert {link.get("aria-label") for link in links} == set(codes)


def test_paths_stay_in_the_view_box(metropole):
    _codes, base = metropole
    proj = base.projection
    for d in base.paths.values():
        for ring in d.split("z")[:-1]:
            start, moves = ring[1:].split("l")
            x, y = (int(v) for v in start.split())
            steps = [int(v) for v in re.findall(r"-?\d+", moves)]
            for dx, dy in zip(steps[::2], steps[1::2], strict=True):
                x, y = x + dx, y + dy
                assert -2 <= x <= proj.width + 2 and -2 <= y <= proj.height + 2


def test_a_commune_without_outline_has_no_shape_and_is_listed(outlines):
    missing = next(iter(outlines.missing))
    codes = ("69266", missing)
    base = maps.make_base(outlines.communes(codes), codes)
    assert list(base.paths) == ["69266"]
    assert base.missing == (missing,)


def test_nothing_to_draw_is_not_an_error():
    base = maps.make_base({}, ("98735",))
    assert base.paths == {} and base.missing == ("98735",)
    assert maps.path(None, base.projection) == ""
    assert maps.path(shapely.Polygon(), base.projection) == ""


def test_a_bounding_box_is_a_rectangle_of_the_frame(metropole):
    _codes, base = metropole
    proj = base.projection
    rect = maps.rectangle((4.8, 45.7, 4.9, 45.8), proj)
    x0, y0 = proj.point(4.8, 45.8)
    x1, y1 = proj.point(4.9, 45.7)
    assert rect == {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
    root = svg_of(base, [rect])
    assert len(root.findall("{http://www.w3.org/2000/svg}rect")) == 1


def test_a_label_point_lies_inside_its_commune(metropole, outlines):
    _codes, base = metropole
    x, y = base.points["69266"]
    assert 0 <= x <= base.projection.width and 0 <= y <= base.projection.height
    assert maps.label_point(outlines.commune("69266"), base.projection) == (x, y)


def test_shades_group_counts_in_at_most_four_classes_plus_none():
    legend = maps.shades([0, 1, 2, 3, 5, 8, 13, 50, 0, 1])
    assert legend[0] == maps.Shade(0, 0, 0)
    assert 2 <= len(legend) <= 5
    # contiguous, increasing
    for before, after in itertools.pairwise(legend[1:]):
        assert after.low == before.high + 1
    assert legend[1].low == 1 and legend[-1].high == 50
    assert maps.shade_of(0, legend) == 0
    assert maps.shade_of(50, legend) == legend[-1].index
    assert maps.shade_of(1, legend) == 1


def test_few_distinct_counts_get_one_class_each():
    legend = maps.shades([0, 3, 3, 7])
    assert [(s.low, s.high) for s in legend] == [(0, 0), (1, 3), (4, 7)]
    assert maps.shades([0, 0]) == [maps.Shade(0, 0, 0)]


def test_a_far_box_is_cut_near_the_map():
    around = (4.7, 45.6, 5.1, 45.9)
    assert maps.limit_box((-5.0, 41.0, 10.0, 51.0), around) == pytest.approx((4.3, 45.3, 5.5, 46.2))


def test_bases_are_cached_per_set_of_places(outlines):
    codes = tuple(outlines.ref.members("epci", LYON_METROPOLE))
    first = maps.base_paths(outlines, "commune", codes)
    assert maps.base_paths(outlines, "commune", codes) is first


def test_intercommunality_outlines_as_places(outlines):
    base = maps.base_paths(outlines, "epci", (LYON_METROPOLE,))
    assert PATH_DATA.match(base.paths[LYON_METROPOLE])

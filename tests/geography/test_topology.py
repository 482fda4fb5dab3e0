"""Shared arcs: two squares side by side keep one border between them."""

from __future__ import annotations

import shapely

from ckanext.territoires.geography import topology

LEFT = [[(0, 0), (10, 0), (10, 10), (0, 10)]]
RIGHT = [[(10, 0), (20, 0), (20, 10), (10, 10)]]


def test_quantise_drops_repeats_and_the_closing_point():
    rings = topology.quantise([[(0.00001, 0), (0.00002, 0), (1, 0), (1, 1), (0, 0)]], 10_000)
    assert rings == [[(0, 0), (10_000, 0), (10_000, 10_000)]]


def test_quantise_drops_degenerate_rings():
    assert topology.quantise([[(0, 0), (0.00001, 0), (0, 0)]], 10_000) == []


def test_a_shared_border_is_one_arc_used_both_ways():
    topo = topology.build({"left": [LEFT], "right": [RIGHT]})
    left, right = topo.objects["left"][0][0], topo.objects["right"][0][0]
    shared = set(left) & {~ref for ref in right}
    assert len(shared) == 1  # the same arc, walked in opposite directions
    assert len(topo.arcs) == 3  # the border and each square's other three sides


def test_decoding_gives_back_the_polygons():
    topo = topology.build({"left": [LEFT], "right": [RIGHT]})
    arcs = topology.decode_arcs(topology.encode_arcs(topo.arcs), 1)
    left = topology.geometry(topo.objects["left"], arcs)
    right = topology.geometry(topo.objects["right"], arcs)
    assert left.equals(shapely.box(0, 0, 10, 10))
    assert right.equals(shapely.box(10, 0, 20, 10))
    assert shapely.coverage_union_all([left, right]).equals(shapely.box(0, 0, 20, 10))


def test_an_enclave_shares_its_whole_ring_with_the_hole_around_it():
    outer = [[(0, 0), (30, 0), (30, 30), (0, 30)], [(10, 10), (10, 20), (20, 20), (20, 10)]]
    inner = [[(10, 10), (20, 10), (20, 20), (10, 20)]]
    topo = topology.build({"outer": [outer], "inner": [inner]})
    hole, enclave = topo.objects["outer"][0][1], topo.objects["inner"][0][0]
    assert len(hole) == len(enclave) == 1
    assert hole[0] in (enclave[0], ~enclave[0])


def test_simplify_keeps_the_ends_and_shared_borders_identical():
    wiggly = [(0, 0), (5, 1), (10, 0), (10, 10), (0, 10)]
    topo = topology.build({"a": [[wiggly]], "b": [[[(10, 0), (20, 0), (20, 10), (10, 10)]]]})
    arcs = topology.simplify(topo.arcs, 2)
    points = {point for arc in arcs for point in arc}
    assert (5, 1) not in points  # within the tolerance: thinned
    decoded = topology.decode_arcs(topology.encode_arcs(arcs), 1)
    a = topology.geometry(topo.objects["a"], decoded)
    b = topology.geometry(topo.objects["b"], decoded)
    assert a.is_valid and b.is_valid and not a.overlaps(b)


def test_crossing_arcs_are_found():
    assert topology.crossing_arcs([[(0, 0), (10, 10)], [(0, 10), (10, 0)]]) == {0, 1}
    assert topology.crossing_arcs([[(0, 0), (10, 10)], [(10, 10), (20, 0)]]) == set()

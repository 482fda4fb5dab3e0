"""Shared borders stored once: outlines as arcs on an integer grid.

Neighbouring communes share their borders. Stored as plain polygons each
border would be written twice, and simplifying each polygon on its own
would open gaps and overlaps between neighbours (and holes in the union of
an intercommunality). As in TopoJSON, rings are cut into **arcs** where
they meet other rings; each arc is stored once, simplified once, and a
polygon is a list of rings, each a list of arc references (``i`` for arc
``i`` forwards, ``~i`` = ``-i - 1`` for arc ``i`` backwards).

Coordinates are quantised to a grid of ``1 / scale`` degrees (integers),
and an arc is written as its first point followed by the differences
between consecutive points (small integers: compact JSON that gzip packs
well).

Everything here is pure computation on lists of integer points (no file,
no referential): :func:`build` makes the arcs, :func:`simplify` thins them,
:func:`encode_arcs`/:func:`decode_arcs` write and read them, :func:`rings`
puts a polygon back together.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

Point = tuple[int, int]
#: A polygon: rings of points, the exterior first (not closed: the last
#: point is not the first one repeated).
Rings = list[list[Point]]


def quantise(rings: Iterable[Sequence[Sequence[float]]], scale: float) -> Rings:
    """Rings of (lon, lat) floats as open rings of grid points.

    Repeated consecutive points (after rounding) and the closing point are
    dropped; rings left with fewer than 3 points are dropped.
    """
    result: Rings = []
    for ring in rings:
        points: list[Point] = []
        for coordinate in ring:
            point = (round(coordinate[0] * scale), round(coordinate[1] * scale))
            if not points or points[-1] != point:
                points.append(point)
        while len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) >= 3:
            result.append(points)
    return result


@dataclass
class Topology:
    """Arcs (lists of points, open or closed) and the objects made of them.

    ``objects`` maps a key to polygons, each a list of rings, each a list of
    arc references.
    """

    arcs: list[list[Point]] = field(default_factory=list)
    objects: dict[str, list[list[list[int]]]] = field(default_factory=dict)


def _junctions(polygons: Iterable[Rings]) -> set[Point]:
    """Points where rings meet or part: the ends of the arcs.

    A point whose neighbours along one ring differ from its neighbours along
    another (in either direction) is a junction, and so is a point a ring
    passes twice.
    """
    neighbours: dict[Point, tuple[Point, Point]] = {}
    junctions: set[Point] = set()
    for rings in polygons:
        for ring in rings:
            seen_here: set[Point] = set()
            count = len(ring)
            for index, point in enumerate(ring):
                if point in seen_here:
                    junctions.add(point)
                seen_here.add(point)
                pair = (ring[index - 1], ring[(index + 1) % count])
                known = neighbours.get(point)
                if known is None:
                    neighbours[point] = pair
                elif known != pair and known != (pair[1], pair[0]):
                    junctions.add(point)
    return junctions


class _ArcIndex:
    """Distinct arcs, found again forwards or backwards."""

    def __init__(self) -> None:
        self.arcs: list[list[Point]] = []
        self._index: dict[tuple[Point, ...], int] = {}

    def reference(self, points: list[Point]) -> int:
        key = tuple(points)
        found = self._index.get(key)
        if found is not None:
            return found
        found = self._index.get(key[::-1])
        if found is not None:
            return ~found
        self._index[key] = len(self.arcs)
        self.arcs.append(points)
        return len(self.arcs) - 1


def _closed_arc(ring: list[Point]) -> list[Point]:
    """A ring without junction as one closed arc starting at its smallest
    point, so that the two rings around an enclave find the same arc."""
    start = ring.index(min(ring))
    rotated = ring[start:] + ring[:start]
    return [*rotated, rotated[0]]


def _cut(ring: list[Point], junctions: set[Point]) -> list[list[Point]]:
    """The arcs of one ring, each from a junction to the next."""
    cuts = [index for index, point in enumerate(ring) if point in junctions]
    if not cuts:
        return [_closed_arc(ring)]
    rotated = ring[cuts[0] :] + ring[: cuts[0]]
    offsets = [index - cuts[0] for index in cuts] + [len(ring)]
    closed = [*rotated, rotated[0]]
    return [closed[start : end + 1] for start, end in itertools.pairwise(offsets)]


def build(objects: dict[str, list[Rings]]) -> Topology:
    """The topology of ``objects`` (key -> polygons, each a list of rings)."""
    junctions = _junctions(rings for polygons in objects.values() for rings in polygons)
    index = _ArcIndex()
    topology = Topology()
    for key, polygons in objects.items():
        topology.objects[key] = [
            [[index.reference(arc) for arc in _cut(ring, junctions)] for ring in rings]
            for rings in polygons
        ]
    topology.arcs = index.arcs
    return topology


def simplify(arcs: list[list[Point]], tolerance: float, rounds: int = 10) -> list[list[Point]]:
    """Douglas-Peucker on each arc (ends kept; ``tolerance`` in grid units).

    Arcs thinned on their own may cross their neighbours (two communes
    would then overlap): such arcs are put back as they were, until no
    arc crosses another. A closed arc keeps at least four points, so that
    a small island stays a ring.
    """
    keep: set[int] = set()
    thinned = _thin(arcs, tolerance, keep)
    for _ in range(rounds):
        crossing = crossing_arcs(thinned) - keep
        if not crossing:
            break
        keep |= crossing
        for number in crossing:
            thinned[number] = list(arcs[number])
    return thinned


def _lines(arcs: Sequence[Sequence[Point]]) -> np.ndarray:
    coordinates = np.asarray([point for arc in arcs for point in arc], dtype=float)
    indices = np.repeat(np.arange(len(arcs)), [len(arc) for arc in arcs])
    return shapely.linestrings(coordinates, indices=indices)


def _thin(arcs: list[list[Point]], tolerance: float, keep: set[int]) -> list[list[Point]]:
    thinned = shapely.simplify(_lines(arcs), tolerance, preserve_topology=False)
    result = []
    for number, (arc, line) in enumerate(zip(arcs, thinned, strict=True)):
        points = [(int(x), int(y)) for x, y in shapely.get_coordinates(line)]
        closed = arc[0] == arc[-1]
        if number in keep or (closed and len(points) < 4) or len(points) < 2:
            points = list(arc)
        result.append(points)
    return result


def crossing_arcs(arcs: Sequence[Sequence[Point]]) -> set[int]:
    """Arcs that meet another arc (or themselves) elsewhere than at their ends."""
    lines = _lines(arcs)
    found = {int(number) for number in np.flatnonzero(~shapely.is_simple(lines))}
    left, right = shapely.STRtree(lines).query(lines, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    meetings = shapely.intersection(lines[left], lines[right])
    for first, second, meeting in zip(left, right, meetings, strict=True):
        ends = {arcs[first][0], arcs[first][-1]} & {arcs[second][0], arcs[second][-1]}
        if meeting.geom_type not in ("Point", "MultiPoint") or any(
            (round(x), round(y)) not in ends for x, y in shapely.get_coordinates(meeting)
        ):
            found.update((int(first), int(second)))
    return found


def encode_arcs(arcs: list[list[Point]]) -> list[list[int]]:
    """Each arc as ``[x0, y0, dx1, dy1, ...]`` (differences after the first)."""
    encoded = []
    for arc in arcs:
        flat = [arc[0][0], arc[0][1]]
        for (x0, y0), (x1, y1) in itertools.pairwise(arc):
            flat += [x1 - x0, y1 - y0]
        encoded.append(flat)
    return encoded


def decode_arcs(encoded: list[list[int]], scale: float) -> list[np.ndarray]:
    """Arcs as (n, 2) arrays of degrees."""
    arcs = []
    for flat in encoded:
        values = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
        arcs.append(np.cumsum(values, axis=0) / scale)
    return arcs


def ring_points(references: list[int], arcs: Sequence[np.ndarray]) -> np.ndarray:
    """The closed ring (n, 2) made of arc ``references``."""
    parts: list[np.ndarray] = []
    for reference in references:
        arc = arcs[reference] if reference >= 0 else arcs[~reference][::-1]
        parts.append(arc if not parts else arc[1:])
    return np.concatenate(parts)


def rings(polygon: list[list[int]], arcs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The rings of one polygon (exterior first) as closed point arrays."""
    return [ring_points(references, arcs) for references in polygon]


def geometry(polygons: list[list[list[int]]], arcs: Sequence[np.ndarray]):
    """A shapely (Multi)Polygon from arc references; None when empty."""
    parts = []
    for polygon in polygons:
        points = rings(polygon, arcs)
        if len(points[0]) >= 4:
            parts.append(
                shapely.Polygon(points[0], [ring for ring in points[1:] if len(ring) >= 4])
            )
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)

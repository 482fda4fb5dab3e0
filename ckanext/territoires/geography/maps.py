"""Maps drawn on the server: shapely outlines -> the description of an SVG.

Pure functions, no CKAN: the action ``territoires_map_show`` gives them the
places, their links and their counts, and a template snippet writes the
SVG (``territoires/snippets/map.html``). Nothing here needs a tile server,
the internet or a script.

- **Projection**: equirectangular, longitudes scaled by the cosine of the
  latitude of the map's centre (true shapes at the scale of a région), on a
  ``viewBox`` whose larger side is :data:`SIZE` units; north up.
- **Small SVG**: every outline is simplified at the map's scale (a fraction
  of a unit, below a pixel as shown) and written with integer coordinates,
  relative moves (``M x y l dx dy ... z``).
- **Cost**: projecting and simplifying is the expensive part; the paths of
  a set of communes in a frame are cached (:func:`base_paths`), so a page
  only picks its paths and classes.

Communes without an outline have no shape: :class:`Drawing` lists them in
``missing`` (the page lists them under the map).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

Box = tuple[float, float, float, float]

#: Larger side of the ``viewBox``, in units (coordinates are integers).
SIZE = 1000
#: Blank around the drawn places, as a share of the larger side.
MARGIN = 0.02
#: Simplification tolerance, in ``viewBox`` units (about half a pixel as shown).
TOLERANCE = 0.8
#: At most this many shading classes besides "no dataset".
CLASSES = 4


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude -> ``viewBox`` units (see the module doc)."""

    west: float
    north: float
    scale_x: float
    scale_y: float
    width: int
    height: int

    def xy(self, coordinates: np.ndarray) -> np.ndarray:
        """Project an (n, 2) array of (longitude, latitude)."""
        projected = np.empty_like(coordinates, dtype=float)
        projected[:, 0] = (coordinates[:, 0] - self.west) * self.scale_x
        projected[:, 1] = (self.north - coordinates[:, 1]) * self.scale_y
        return projected

    def point(self, longitude: float, latitude: float) -> tuple[int, int]:
        x, y = self.xy(np.array([[longitude, latitude]], dtype=float))[0]
        return round(float(x)), round(float(y))

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def projection(box: Box, size: int = SIZE, margin: float = MARGIN) -> Projection:
    """The projection fitting ``box`` (west, south, east, north) in a
    ``viewBox`` whose larger side is ``size``."""
    west, south, east, north = (float(value) for value in box)
    factor = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * factor, 1e-6)
    span_y = max(north - south, 1e-6)
    inner = size * (1 - 2 * margin)
    unit = inner / max(span_x, span_y)  # viewBox units per degree of latitude
    width = max(round(span_x * unit + 2 * size * margin), 1)
    height = max(round(span_y * unit + 2 * size * margin), 1)
    pad_x = (width - span_x * unit) / 2 / (unit * factor)
    pad_y = (height - span_y * unit) / 2 / unit
    return Projection(west - pad_x, north + pad_y, unit * factor, unit, width, height)


def _rings(geometry: Any) -> Iterable[np.ndarray]:
    for part in shapely.get_parts(geometry):
        if isinstance(part, shapely.GeometryCollection | shapely.MultiPolygon):
            yield from _rings(part)
        elif isinstance(part, shapely.Polygon) and not part.is_empty:
            yield np.asarray(part.exterior.coords)
            for interior in part.interiors:
                yield np.asarray(interior.coords)


def _ring_path(coordinates: np.ndarray) -> str:
    points = np.rint(coordinates[:-1]).astype(np.int64)
    if len(points) < 3:
        return ""
    steps = np.diff(points, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    if len(steps) < 2:
        return ""
    moves = " ".join(map(str, steps.ravel().tolist())).replace(" -", "-")
    return f"M{points[0][0]} {points[0][1]}l{moves}z"


def path(geometry: Any, proj: Projection, tolerance: float = TOLERANCE) -> str:
    """The SVG path data of a (multi)polygon, simplified at the map's scale;
    "" for None, an empty geometry or one that vanishes at this scale."""
    if geometry is None or geometry.is_empty:
        return ""
    projected = shapely.transform(geometry, proj.xy)
    simplified = shapely.simplify(projected, tolerance, preserve_topology=True)
    return "".join(_ring_path(ring) for ring in _rings(simplified))


def rectangle(box: Box, proj: Projection) -> dict[str, int]:
    """A bounding box as an SVG ``rect`` (``x``, ``y``, ``width``, ``height``),
    at least one unit wide and high."""
    west, south, east, north = box
    x0, y0 = proj.point(west, north)
    x1, y1 = proj.point(east, south)
    return {"x": x0, "y": y0, "width": max(x1 - x0, 1), "height": max(y1 - y0, 1)}


def label_point(geometry: Any, proj: Projection) -> tuple[int, int] | None:
    """Where to write a place's name: a point inside it."""
    if geometry is None or geometry.is_empty:
        return None
    point = shapely.point_on_surface(geometry)
    return proj.point(float(point.x), float(point.y))


def dots(
    positions: Sequence[tuple[float, float]], titles: Sequence[str], proj: Projection
) -> tuple[list[dict[str, Any]], int]:
    """Points (longitude, latitude) as circles of the map (``x``, ``y``,
    ``title``), projected at once; the number outside the frame (not drawn)."""
    if not positions:
        return [], 0
    projected = np.rint(proj.xy(np.asarray(positions, dtype=float))).astype(np.int64)
    inside = (
        (projected[:, 0] >= 0)
        & (projected[:, 0] <= proj.width)
        & (projected[:, 1] >= 0)
        & (projected[:, 1] <= proj.height)
    )
    drawn = [
        {"x": int(x), "y": int(y), "title": title}
        for (x, y), title, keep in zip(projected.tolist(), titles, inside.tolist(), strict=True)
        if keep
    ]
    return drawn, len(positions) - len(drawn)


def _bounds(geometry: Any) -> Box:
    west, south, east, north = (float(value) for value in shapely.bounds(geometry))
    return (west, south, east, north)


def union_box(boxes: Iterable[Box | None]) -> Box | None:
    known = [box for box in boxes if box is not None]
    if not known:
        return None
    stacked = np.array(known, dtype=float)
    return (
        float(stacked[:, 0].min()),
        float(stacked[:, 1].min()),
        float(stacked[:, 2].max()),
        float(stacked[:, 3].max()),
    )


def limit_box(box: Box, around: Box, factor: float = 1.0) -> Box:
    """``box`` cut to ``around`` widened by ``factor`` times its size on each
    side (a dataset's box of all France on a commune's map)."""
    west, south, east, north = around
    dx, dy = (east - west) * factor, (north - south) * factor
    return (
        max(box[0], west - dx),
        max(box[1], south - dy),
        min(box[2], east + dx),
        min(box[3], north + dy),
    )


# -- shading ----------------------------------------------------------------


@dataclass(frozen=True)
class Shade:
    """One class of the legend: counts from ``low`` to ``high`` (inclusive)."""

    index: int
    low: int
    high: int


def shades(counts: Iterable[int], classes: int = CLASSES) -> list[Shade]:
    """The legend's classes for these counts: class 0 is "none", then up to
    ``classes`` classes of positive counts, by quantiles (few distinct
    counts: one class each)."""
    positive = sorted({int(count) for count in counts if count and count > 0})
    result = [Shade(0, 0, 0)]
    if not positive:
        return result
    if len(positive) <= classes:
        bounds = positive
    else:
        values = np.array(sorted(int(c) for c in counts if c and c > 0))
        quantiles = np.quantile(values, [(i + 1) / classes for i in range(classes)])
        bounds = sorted({math.ceil(q) for q in quantiles})
    low = 1
    for index, high in enumerate(bounds, start=1):
        if high < low:
            continue
        result.append(Shade(index, low, high))
        low = high + 1
    return result


def shade_of(count: int, legend: Sequence[Shade]) -> int:
    for shade in legend:
        if shade.low <= count <= shade.high:
            return shade.index
    return legend[-1].index if count > 0 else 0


# -- the drawing --------------------------------------------------------------


@dataclass
class Shape:
    """One place on the map. ``href`` empty: not a link."""

    code: str
    d: str
    label: str
    href: str = ""
    count: int | None = None
    shade: int | None = None
    highlighted: bool = False


@dataclass
class Drawing:
    """What a template needs to write one SVG map."""

    width: int
    height: int
    view_box: str
    shapes: list[Shape] = field(default_factory=list)
    #: Outline drawn under the shapes (the territory), or "".
    background: str = ""
    #: Bounding boxes drawn as rectangles; ``geometries``: other extents.
    boxes: list[dict[str, int]] = field(default_factory=list)
    geometries: list[str] = field(default_factory=list)
    #: Names written on the map: ``{"x", "y", "text"}``.
    labels: list[dict[str, Any]] = field(default_factory=list)
    legend: list[Shade] = field(default_factory=list)
    #: Places of the map without an outline: ``{"code", "label", "href"}``.
    missing: list[dict[str, Any]] = field(default_factory=list)
    #: Point data drawn as small circles: ``{"x", "y", "title"}``.
    points: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def shapes(
    base: Base,
    codes: Sequence[str],
    label: Callable[[str], str],
    href: Callable[[str], str],
    count: Callable[[str], int | None] | None = None,
    highlighted: frozenset[str] = frozenset(),
) -> tuple[list[Shape], list[Shade]]:
    """The shapes of ``codes`` that have a path in ``base`` (in that order),
    named by ``label``, linked by ``href``; shaded by ``count`` when given,
    with the legend (else no legend)."""
    numbers = {code: count(code) for code in codes} if count is not None else {}
    legend = shades([n for n in numbers.values() if n is not None]) if count is not None else []
    result = []
    for code in codes:
        d = base.paths.get(code)
        if not d:
            continue
        number = numbers.get(code)
        result.append(
            Shape(
                code=code,
                d=d,
                label=label(code),
                href=href(code),
                count=number,
                shade=shade_of(number, legend) if number is not None else None,
                highlighted=code in highlighted,
            )
        )
    return result, legend


@dataclass(frozen=True)
class Base:
    """A set of places projected once: the frame and each place's path."""

    projection: Projection
    paths: Mapping[str, str]
    #: Where to write each place's name.
    points: Mapping[str, tuple[int, int]]
    missing: tuple[str, ...]
    #: Each place's bounding box (west, south, east, north), in degrees.
    boxes: Mapping[str, Box] = field(default_factory=dict)


def make_base(geometries: Mapping[str, Any], codes: Sequence[str], box: Box | None = None) -> Base:
    """Project the outlines of ``codes`` (those in ``geometries``) in the
    frame ``box`` (default: their bounds)."""
    present = [code for code in codes if geometries.get(code) is not None]
    missing = tuple(code for code in codes if geometries.get(code) is None)
    if box is None:
        box = union_box(_bounds(geometries[code]) for code in present) or (-5.0, 41.0, 10.0, 51.5)
    proj = projection(box)
    array = np.array([geometries[code] for code in present], dtype=object)
    if len(array):
        simplified = shapely.simplify(
            shapely.transform(array, proj.xy), TOLERANCE, preserve_topology=True
        )
        inside = shapely.get_coordinates(shapely.point_on_surface(array))
        bounds = shapely.bounds(array).tolist()
        spots = np.rint(proj.xy(inside)).astype(np.int64) if len(inside) else inside
    else:
        simplified, spots, bounds = array, np.empty((0, 2)), []
    paths = {
        code: "".join(_ring_path(ring) for ring in _rings(geometry))
        for code, geometry in zip(present, simplified, strict=True)
    }
    points = {code: (int(x), int(y)) for code, (x, y) in zip(present, spots, strict=True)}
    boxes = {code: (b[0], b[1], b[2], b[3]) for code, b in zip(present, bounds, strict=True)}
    return Base(proj, paths, points, missing, boxes)


@lru_cache(maxsize=256)
def base_paths(outlines: Any, kind: str, codes: tuple[str, ...], box: Box | None = None) -> Base:
    """:func:`make_base` of communes (``kind`` "commune") or of EPCI,
    départements, régions (their unions), cached by the set of places and
    the frame: the paths of an intercommunality are projected once per
    process."""
    if kind == "commune":
        geometries = outlines.communes(codes)
    else:
        geometries = {code: outlines.outline(kind, code) for code in codes}
    return make_base(geometries, codes, box)


@lru_cache(maxsize=64)
def outline_path(outlines: Any, codes: tuple[str, ...], proj: Projection) -> str:
    """The union of these communes as one path in ``proj`` (cached)."""
    from .outlines import union

    geometries = list(outlines.communes(codes).values())
    return path(union(geometries), proj) if geometries else ""

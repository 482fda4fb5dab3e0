"""Spatial extents as catalogues write them, read into checked geometries.

A dataset's extent arrives as a WKT literal (``POLYGON((...))``, with an
optional ``<CRS IRI>`` prefix as GeoSPARQL writes it), a GeoJSON geometry
(text or object, a Feature too), an ISO 19139 bounding box
(``westBoundLongitude``...), ckanext-spatial's ``bbox-west-long``... or a
``west,south,east,north`` text. :func:`read_extent` returns an
:class:`Extent` (a shapely geometry in longitude/latitude) or raises
:class:`ExtentError` with the reason, for the report:

- not a geometry at all (unreadable WKT or JSON, NaN...);
- not a valid box: west > east, south > north, a longitude beyond ±180 or
  a latitude beyond ±90 (often swapped or projected coordinates);
- far outside France: it meets no French département (with a margin of
  about 50 km), e.g. coordinates in another projection that happen to fall
  in range, or a (0, 0) placeholder.

Only longitude/latitude (WGS 84, CRS84) is read: a WKT whose CRS is
another one is refused as such.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import shape

Box = tuple[float, float, float, float]

#: Margin around the départements' boxes within which an extent is "in France".
FRANCE_MARGIN = 0.5

_CRS_PREFIX = re.compile(r"^\s*<(?P<iri>[^>]*)>\s*")
_LONLAT_CRS = ("CRS84", "4326", "OGC/1.3/CRS84")
_NUMBER_LIST = re.compile(
    r"^\s*(-?[\d.]+(?:[eE][-+]?\d+)?\s*[,; ]\s*){3}-?[\d.]+(?:[eE][-+]?\d+)?\s*$"
)
_ISO_SIDES = (
    "westBoundLongitude",
    "southBoundLatitude",
    "eastBoundLongitude",
    "northBoundLatitude",
)
_SPATIAL_SIDES = ("bbox-west-long", "bbox-south-lat", "bbox-east-long", "bbox-north-lat")
_SHORT_SIDES = ("west", "south", "east", "north")


class ExtentError(ValueError):
    """An extent that is not used, with the reason (``reason``: invalid,
    not_a_box, out_of_range, outside_france, crs)."""

    def __init__(self, value: str, reason: str, detail: str = ""):
        super().__init__(f"{value}: {reason} {detail}".strip())
        self.value = value
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Extent:
    """A usable extent: its geometry and how it was written (for reports)."""

    geometry: Any
    text: str

    @property
    def bbox(self) -> Box:
        west, south, east, north = shapely.bounds(self.geometry)
        return (float(west), float(south), float(east), float(north))

    @property
    def is_box(self) -> bool:
        west, south, east, north = self.bbox
        area = (east - west) * (north - south)
        return area > 0 and abs(float(shapely.area(self.geometry)) - area) <= 1e-9 * area


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def box_geometry(west: float, south: float, east: float, north: float, text: str) -> Any:
    """A checked rectangle (see the module doc for what is refused)."""
    values = (west, south, east, north)
    if any(not math.isfinite(value) for value in values):
        raise ExtentError(text, "invalid", "(not a number)")
    if not (
        -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90
    ):
        raise ExtentError(text, "out_of_range")
    if west > east or south > north:
        raise ExtentError(text, "not_a_box", "(west > east)" if west > east else "(south > north)")
    if (west, south) == (east, north):
        return shapely.Point(west, south)
    if west == east or south == north:  # a line: still a place
        return shapely.LineString([(west, south), (east, north)])
    return shapely.box(west, south, east, north)


def _from_sides(value: dict[str, Any], sides: tuple[str, str, str, str], text: str) -> Any | None:
    if not all(side in value for side in sides):
        return None
    try:
        numbers = [float(str(value[side]).strip().replace(",", ".")) for side in sides]
    except ValueError as error:
        raise ExtentError(text, "invalid", "(not a number)") from error
    return box_geometry(numbers[0], numbers[1], numbers[2], numbers[3], text)


def _from_geojson(value: dict[str, Any], text: str) -> Any:
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if value.get("type") == "FeatureCollection":
        parts = [_from_geojson(feature, text) for feature in value.get("features") or []]
        return shapely.union_all(parts) if parts else None
    try:
        # NaN coordinates (seen in real catalogues) are refused below, quietly here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            geometry = shape(value)
    except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as error:
        raise ExtentError(text, "invalid") from error
    return geometry


def _from_text(value: str, text: str) -> Any:
    stripped = value.strip()
    if stripped.startswith("{"):
        try:
            parsed = json.loads(stripped)
        except ValueError as error:
            raise ExtentError(text, "invalid") from error
        return _from_object(parsed, text)
    if _NUMBER_LIST.match(stripped):
        numbers = [float(part) for part in re.split(r"[,; ]+", stripped.strip(" ,;"))]
        return box_geometry(numbers[0], numbers[1], numbers[2], numbers[3], text)
    crs = _CRS_PREFIX.match(stripped)
    if crs:
        if not any(marker in crs.group("iri") for marker in _LONLAT_CRS):
            raise ExtentError(text, "crs", f"({crs.group('iri')})")
        stripped = stripped[crs.end() :]
    try:
        return shapely_wkt.loads(stripped)
    except (shapely.errors.GEOSException, ValueError) as error:
        raise ExtentError(text, "invalid") from error


def _from_object(value: dict[str, Any], text: str) -> Any:
    for sides in (_ISO_SIDES, _SPATIAL_SIDES, _SHORT_SIDES):
        geometry = _from_sides(value, sides, text)
        if geometry is not None:
            return geometry
    if "type" in value:
        return _from_geojson(value, text)
    raise ExtentError(text, "invalid")


def _check_coordinates(geometry: Any, text: str) -> None:
    coordinates = shapely.get_coordinates(geometry)
    if not len(coordinates) or not np.isfinite(coordinates).all():
        raise ExtentError(text, "invalid", "(not a number)")
    west, south, east, north = shapely.bounds(geometry)
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise ExtentError(text, "out_of_range")


def france_area(boxes: Iterable[Box]) -> Any | None:
    """Where French places are: the départements' boxes with
    :data:`FRANCE_MARGIN` around them, as one prepared geometry."""
    parts = [shapely.box(*box).buffer(FRANCE_MARGIN, join_style="mitre") for box in boxes]
    if not parts:
        return None
    area = shapely.union_all(parts)
    shapely.prepare(area)
    return area


def read_extent(value: Any, france: Any = None) -> Extent:
    """The geometry of one extent, checked (see the module doc).

    ``france``: :func:`france_area` (or the départements' boxes); an
    extent that does not meet it is refused. None: not checked.
    """
    text = _short(value)
    if isinstance(value, str):
        geometry = _from_text(value, text)
    elif isinstance(value, dict):
        geometry = _from_object(value, text)
    else:
        raise ExtentError(text, "invalid")
    if geometry is None or geometry.is_empty:
        raise ExtentError(text, "invalid")
    _check_coordinates(geometry, text)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    if france is not None and not isinstance(france, shapely.Geometry):
        france = france_area(france)
    if france is not None and not france.intersects(geometry):
        raise ExtentError(text, "outside_france")
    return Extent(geometry, text)


def read_extents(
    values: Iterable[Any], france: Any = None
) -> tuple[list[Extent], list[ExtentError]]:
    """Every extent of a record: the usable ones and the refused ones
    (``france``: as for :func:`read_extent`)."""
    if france is not None and not isinstance(france, shapely.Geometry):
        france = france_area(france)
    extents: list[Extent] = []
    errors: list[ExtentError] = []
    seen: set[str] = set()
    for value in values:
        if value is None or value == "" or value == {}:
            continue
        try:
            extent = read_extent(value, france)
        except ExtentError as error:
            errors.append(error)
            continue
        key = shapely.normalize(extent.geometry).wkb_hex
        if key not in seen:
            seen.add(key)
            extents.append(extent)
    return extents, errors

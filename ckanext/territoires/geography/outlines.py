"""The outlines of communes, EPCI, départements and régions, in memory.

:func:`get_outlines` returns the process's :class:`Outlines`: the folder
``ckan territoires geometry import`` wrote (option
``ckanext.territoires.geography.directory``) when it holds outlines, else
the ones shipped in ``geography/data/``. Nothing is read until asked: the
commune outlines are loaded one département file at a time, on first use,
and kept for the life of the process; a portal of the Métropole de Lyon
reads the Rhône only. EPCI, département and région outlines are the unions
of their communes' outlines (computed once, kept); their bounding boxes are
in the manifest and cost no loading.

Geometries are shapely objects in longitude/latitude (WGS 84). Areas and
shares are computed in degrees: fine for a share of a commune's own area
(the scale barely changes across a commune), not for square kilometres.

Current communes without an outline (overseas collectivities, a few
communes re-established after the source's edition: :attr:`Outlines.missing`)
have no geometry, no bounding box and no centroid: every function answers
None for them, and :class:`ScopeIndex` lists them apart.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ckanext.territoires.referential import Referential, Scope, get_referential

from . import topology
from .extents import france_area, read_extents
from .fileformat import AREA_KINDS, FORMAT_VERSION, MANIFEST, OVERVIEW

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
#: Geometries of a dataset remembered by :meth:`Outlines.extents_bounds`
#: up to this many characters (boxes, simple shapes: 1,024 of them, a few MB
#: at most); longer ones are read each time.
EXTENTS_REMEMBERED_LENGTH = 4096

Box = tuple[float, float, float, float]


class OutlinesError(Exception):
    """An outline folder that cannot be read."""


@dataclass(frozen=True, slots=True)
class Share:
    """How a geometry and a commune overlap.

    ``commune``: the part of the commune's area inside the geometry (0-1);
    ``geometry``: the part of the geometry inside the commune (of its area;
    for points and lines, of their number or length).
    """

    insee: str
    commune: float
    geometry: float


@dataclass(frozen=True)
class Overlaps:
    """The communes a geometry meets (arrays in the same order, by INSEE
    code): the shares as :class:`Share` describes them."""

    codes: np.ndarray
    commune: np.ndarray
    geometry: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def shares(self) -> list[Share]:
        return [
            Share(str(code), float(commune), float(part))
            for code, commune, part in zip(self.codes, self.commune, self.geometry, strict=True)
        ]

    def where(self, mask: np.ndarray) -> list[str]:
        """INSEE codes of the communes where ``mask`` holds."""
        return [str(code) for code in self.codes[mask]]


def _load_json(path: Path) -> Any:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as stream:
                return json.load(stream)
        with path.open(encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError) as error:
        raise OutlinesError(f"cannot read the outline file {path}: {error}") from error


def _bounds(geometry: Any) -> Box:
    west, south, east, north = shapely.bounds(geometry)
    return (float(west), float(south), float(east), float(north))


class Outlines:
    """Outlines of one folder (see the module doc). Thread-safe."""

    def __init__(self, directory: Path | str = SHIPPED_DIR, referential: Referential | None = None):
        self.directory = Path(directory)
        self.ref = referential or get_referential()
        manifest = _load_json(self.directory / MANIFEST)
        if manifest.get("format") != FORMAT_VERSION:
            raise OutlinesError(
                f"{self.directory / MANIFEST} has format {manifest.get('format')!r}, "
                f"this version reads {FORMAT_VERSION}: rebuild or re-import the outlines"
            )
        self.manifest: dict[str, Any] = manifest
        self.scale = float(manifest["scale"])
        #: The attribution to show with every map drawn from these outlines.
        self.attribution: str = manifest["attribution"]
        #: Current communes without an outline: INSEE code -> name.
        self.missing: dict[str, str] = dict(manifest.get("missing") or {})
        self._communes: dict[str, Any] = {}
        self._bounds: dict[str, np.ndarray] = {}  # commune -> (west, south, east, north)
        self._bounds_cache: dict[tuple[str, ...], Box | None] = {}
        self._extents_cache: dict[tuple[str, ...], Box | None] = {}
        self._loaded: set[str] = set()
        self._areas: dict[tuple[str, str], Any] = {}
        self._scopes: dict[tuple[str, ...], ScopeIndex] = {}  # by the scope's entries
        self._lock = threading.RLock()

    # -- loading ------------------------------------------------------------

    @property
    def loaded_departements(self) -> tuple[str, ...]:
        """Départements whose commune outlines are in memory."""
        return tuple(sorted(self._loaded))

    def load_departement(self, departement: str) -> None:
        """Read one département's file (once)."""
        if departement in self._loaded:
            return
        with self._lock:
            if departement in self._loaded:
                return
            entry = self.manifest["departements"].get(departement)
            if entry is not None:
                communes = self._read_communes(self.directory / entry["file"])
                self._communes.update(communes)
                codes = list(communes)
                boxes = shapely.bounds(np.array([communes[code] for code in codes], dtype=object))
                self._bounds.update(zip(codes, boxes, strict=True))
            self._loaded.add(departement)

    def _read_communes(self, path: Path) -> dict[str, Any]:
        payload = _load_json(path)
        arcs = topology.decode_arcs(payload["arcs"], self.scale)
        repair = set(payload.get("repair") or ())
        communes = {}
        for code, polygons in payload["communes"].items():
            geometry = topology.geometry(polygons, arcs)
            if geometry is not None and code in repair:
                geometry = shapely.make_valid(geometry)
            if geometry is not None:
                shapely.prepare(geometry)
                communes[code] = geometry
        return communes

    def load(self, codes: Iterable[str]) -> None:
        """Load the files of the départements of these current communes."""
        departements = {
            self.ref.communes[code].departement for code in codes if code in self.ref.communes
        }
        for departement in sorted(departements - self._loaded):
            self.load_departement(departement)

    # -- communes -----------------------------------------------------------

    def _current(self, code: str) -> str | None:
        commune = self.ref.current_commune(str(code or "").strip().upper())
        return commune.insee if commune is not None else None

    def commune(self, code: str) -> Any | None:
        """The outline of the current commune of an INSEE code (current,
        former, déléguée, arrondissement), or None."""
        insee = self._current(code)
        if insee is None:
            return None
        self.load_departement(self.ref.communes[insee].departement)
        return self._communes.get(insee)

    def communes(self, codes: Iterable[str]) -> dict[str, Any]:
        """Outlines of these current communes (those that have one)."""
        codes = list(codes)
        self.load(codes)
        return {code: self._communes[code] for code in codes if code in self._communes}

    def bounds(self, codes: Iterable[str]) -> Box | None:
        """Bounding box of the outlines of these current communes (None: none
        has one); from boxes computed on loading, no geometry is touched.
        The last sets asked are remembered (datasets of the whole territory
        all ask for the same)."""
        key = tuple(codes)
        if key in self._bounds_cache:
            return self._bounds_cache[key]
        box = self._bounds_of(key)
        if len(self._bounds_cache) >= 256:
            self._bounds_cache.clear()
        self._bounds_cache[key] = box
        return box

    def extents_bounds(self, values: Sequence[Any]) -> Box | None:
        """Bounding box of the usable extents among these geometries (GeoJSON,
        WKT, boxes: :func:`~.extents.read_extents`, checked against
        :meth:`france_area`); None when none is usable.

        Geometries given as texts are remembered with these outlines, whose
        France area they depend on (harvested datasets of one source often
        share one geometry: the index reads it once)."""
        if (
            not values
            or not all(isinstance(value, str) for value in values)
            or sum(len(value) for value in values) > EXTENTS_REMEMBERED_LENGTH
        ):
            return self._extents_bounds_of(values)
        key = tuple(values)
        if key in self._extents_cache:
            return self._extents_cache[key]
        box = self._extents_bounds_of(values)
        if len(self._extents_cache) >= 1024:
            self._extents_cache.clear()
        self._extents_cache[key] = box
        return box

    def _extents_bounds_of(self, values: Iterable[Any]) -> Box | None:
        extents, _refused = read_extents(values, self.france_area())
        if not extents:
            return None
        west, south, east, north = shapely.total_bounds([extent.geometry for extent in extents])
        return (float(west), float(south), float(east), float(north))

    def _bounds_of(self, codes: tuple[str, ...]) -> Box | None:
        self.load(codes)
        boxes = [self._bounds[code] for code in codes if code in self._bounds]
        if not boxes:
            return None
        stacked = np.array(boxes)
        west, south = stacked[:, 0].min(), stacked[:, 1].min()
        east, north = stacked[:, 2].max(), stacked[:, 3].max()
        return (float(west), float(south), float(east), float(north))

    def has_outline(self, code: str) -> bool:
        return code in self.ref.communes and code not in self.missing

    def centroid(self, code: str) -> tuple[float, float] | None:
        """A point inside the commune (longitude, latitude), or None."""
        geometry = self.commune(code)
        if geometry is None:
            return None
        point = shapely.point_on_surface(geometry)
        return (float(point.x), float(point.y))

    # -- EPCI, départements, régions --------------------------------------

    def members(self, kind: str, code: str) -> tuple[str, ...]:
        return self.ref.members(kind, code)

    def outline(self, kind: str, code: str) -> Any | None:
        """The outline of a ``commune``, ``epci``, ``departement`` or
        ``region``: the union of its communes' outlines (cached)."""
        if kind == "commune":
            return self.commune(code)
        key = (kind, code)
        if key not in self._areas:
            members = list(self.communes(self.members(kind, code)).values())
            self._areas[key] = union(members) if members else None
        return self._areas[key]

    def epci(self, siren: str) -> Any | None:
        return self.outline("epci", siren)

    def departement(self, code: str) -> Any | None:
        return self.outline("departement", code)

    def region(self, code: str) -> Any | None:
        return self.outline("region", code)

    def bbox(self, kind: str, code: str) -> Box | None:
        """(west, south, east, north) of a place; EPCI, départements and
        régions from the manifest, without loading their communes."""
        if kind in AREA_KINDS:
            box = (self.manifest.get("areas") or {}).get(kind, {}).get(code)
            return (box[0], box[1], box[2], box[3]) if box else None
        geometry = self.commune(code)
        return _bounds(geometry) if geometry is not None else None

    def area_boxes(self, kind: str) -> dict[str, Box]:
        """Bounding boxes of every EPCI, département or région."""
        boxes = (self.manifest.get("areas") or {}).get(kind, {})
        return {code: (box[0], box[1], box[2], box[3]) for code, box in boxes.items()}

    def box_table(self, kind: str) -> tuple[tuple[str, ...], np.ndarray]:
        """Codes and bounding boxes (n, 4) of every EPCI, département or
        région, as arrays (cached)."""
        key = ("boxes", kind)
        table = self._areas.get(key)
        if table is None:
            boxes = self.area_boxes(kind)
            codes = tuple(sorted(boxes))
            array = np.array([boxes[code] for code in codes], dtype=float).reshape(-1, 4)
            table = self._areas[key] = (codes, array)
        return table

    def france_boxes(self) -> list[Box]:
        """Bounding boxes of the départements: where French places are."""
        return list(self.area_boxes("departement").values())

    def france_area(self) -> Any | None:
        """The départements' boxes with a margin, prepared (cached): what
        :func:`~.extents.read_extent` checks extents against."""
        key = ("france", "")
        if key not in self._areas:
            self._areas[key] = france_area(self.france_boxes())
        return self._areas[key]

    # -- scope ----------------------------------------------------------------

    def scope_index(self, scope: Scope) -> ScopeIndex:
        """The communes of a territory, ready for intersections (cached)."""
        key = scope.values
        index = self._scopes.get(key)
        if index is None:
            with self._lock:
                index = self._scopes.get(key)
                if index is None:
                    index = ScopeIndex(sorted(scope.communes), self.communes(scope.communes))
                    self._scopes[key] = index
        return index

    # -- overview -------------------------------------------------------------

    @cached_property
    def _overview(self) -> dict[str, Any]:
        payload = _load_json(self.directory / OVERVIEW)
        arcs = topology.decode_arcs(payload["arcs"], self.scale)
        return {
            key: topology.geometry(polygons, arcs) for key, polygons in payload["objects"].items()
        }

    def overview(self, kind: str) -> dict[str, Any]:
        """Coarse outlines (about 300 m) of every ``departement`` or
        ``region``, for locator maps of France."""
        prefix = kind + ":"
        return {
            key[len(prefix) :]: geometry
            for key, geometry in self._overview.items()
            if key.startswith(prefix) and geometry is not None
        }


def union(geometries: Sequence[Any]) -> Any:
    """Union of commune outlines (they share their borders: fast)."""
    try:
        return shapely.coverage_union_all(geometries)
    except shapely.errors.GEOSException:  # a repaired outline: the general union
        return shapely.unary_union(geometries)


class ScopeIndex:
    """The communes of a territory as arrays, with a spatial index."""

    def __init__(self, codes: Sequence[str], geometries: dict[str, Any]):
        with_outline = [code for code in codes if code in geometries]
        #: Communes of the territory that have no outline.
        self.without_outline: tuple[str, ...] = tuple(
            code for code in codes if code not in geometries
        )
        self.codes: tuple[str, ...] = tuple(with_outline)
        self._codes = np.array(with_outline, dtype=object)
        self.geometries = np.array([geometries[code] for code in with_outline], dtype=object)
        self.bounds = shapely.bounds(self.geometries) if len(self.geometries) else np.empty((0, 4))
        self.areas = shapely.area(self.geometries) if len(self.geometries) else np.empty(0)
        self.tree = shapely.STRtree(self.geometries)

    @property
    def total_bounds(self) -> Box | None:
        if not self.codes:
            return None
        west, south = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        east, north = self.bounds[:, 2].max(), self.bounds[:, 3].max()
        return (float(west), float(south), float(east), float(north))

    @cached_property
    def outline(self) -> Any | None:
        """The territory's outline (union of its communes)."""
        return union(list(self.geometries)) if self.codes else None

    def intersecting(self, geometry: Any) -> Overlaps:
        """The communes of the territory the geometry meets, with the shares.

        Communes whose bounding box lies inside the geometry are wholly
        covered without computing an intersection; the others are clipped.
        """
        # A rectangle's candidates by their boxes alone: the exact test of
        # thousands of communes costs more than clipping the few on its edge.
        rectangle = _as_rectangle(geometry) is not None
        candidates = self.tree.query(geometry, predicate=None if rectangle else "intersects")
        if not len(candidates):
            return Overlaps(np.empty(0, dtype=object), np.empty(0), np.empty(0))
        candidates = np.sort(candidates)
        dimension = shapely.get_dimensions(geometry)
        if dimension == 2:
            overlap = self._overlap_areas(geometry, candidates)
            covered = overlap / self.areas[candidates]
            within = overlap / max(float(shapely.area(geometry)), 1e-18)
        elif dimension == 1:
            covered = np.zeros(len(candidates))
            pieces = shapely.intersection(self.geometries[candidates], geometry)
            within = shapely.length(pieces) / max(float(shapely.length(geometry)), 1e-18)
        else:
            covered = np.zeros(len(candidates))
            points = shapely.get_parts(geometry)
            within = np.array(
                [shapely.intersects(piece, points).sum() for piece in self.geometries[candidates]]
            ) / max(len(points), 1)
        covered, within = np.clip(covered, 0, 1), np.clip(within, 0, 1)
        met = (covered > 0) | (within > 0)
        return Overlaps(self._codes[candidates[met]], covered[met], within[met])

    def _overlap_areas(self, geometry: Any, candidates: np.ndarray) -> np.ndarray:
        """Area of each candidate commune inside a (multi)polygon."""
        bounds = self.bounds[candidates]
        box = _as_rectangle(geometry)
        if box is not None:
            inside = (
                (bounds[:, 0] >= box[0])
                & (bounds[:, 1] >= box[1])
                & (bounds[:, 2] <= box[2])
                & (bounds[:, 3] <= box[3])
            )
        else:
            shapely.prepare(geometry)
            inside = shapely.contains(geometry, shapely.box(*bounds.T))
        overlap = np.where(inside, self.areas[candidates], 0.0)
        rest = ~inside
        if rest.any():
            pieces = self.geometries[candidates[rest]]
            clipped = (
                shapely.clip_by_rect(pieces, *box)
                if box is not None
                else shapely.intersection(pieces, geometry)
            )
            overlap[rest] = shapely.area(clipped)
        return overlap


def _as_rectangle(geometry: Any) -> Box | None:
    """The bounds of a geometry that is an axis-aligned rectangle, else None."""
    if not isinstance(geometry, shapely.Polygon) or geometry.interiors:
        return None
    box = _bounds(geometry)
    envelope_area = (box[2] - box[0]) * (box[3] - box[1])
    if envelope_area <= 0 or abs(geometry.area - envelope_area) > 1e-9 * envelope_area:
        return None
    return box


# -- the process's outlines ---------------------------------------------------

_shared: dict[Path, Outlines] = {}
_loading = threading.Lock()


def outlines_directory() -> Path:
    """The imported outlines when there are some, else the shipped ones."""
    from ckanext.territoires import config  # CKAN's settings, read at call time

    configured = config.geography_directory()
    if configured and (Path(configured) / MANIFEST).is_file():
        return Path(configured)
    return SHIPPED_DIR


def get_outlines(directory: Path | None = None) -> Outlines:
    """The outlines of the process (loaded lazily, see the module doc)."""
    path = directory or outlines_directory()
    outlines = _shared.get(path)
    if outlines is None:
        with _loading:
            outlines = _shared.get(path)
            if outlines is None:
                outlines = Outlines(path)
                _shared[path] = outlines
    return outlines


def forget(directory: Path | None = None) -> None:
    """Drop the cached outlines (after an import replaced them)."""
    with _loading:
        if directory is None:
            _shared.clear()
        else:
            _shared.pop(Path(directory), None)

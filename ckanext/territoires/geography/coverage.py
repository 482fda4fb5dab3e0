"""Which communes of the territory a dataset's geometries cover: the rule.

For each usable extent (:mod:`.extents`) of a dataset:

1. **A rectangle that is the bounding box of a place** stands for that
   place: when its intersection over union with the bounding box of a
   région, a département, an EPCI or a commune of the territory reaches
   :data:`SNAP_MIN_IOU` (90 %), the best such place is taken, and its
   communes within the territory are covered. Catalogues describe a
   regional dataset by the région's box; read as a rectangle, that box
   would also cover slices of the neighbouring régions.
2. **Otherwise, by area**: a commune of the territory is covered when the
   geometry covers at least :data:`MIN_SHARE` (50 %) of its area, or when
   at least half of the geometry lies in it (a small geometry, a point,
   a line: the commune it is in).

The communes of all extents add up. Then:

- **whole territory**: every commune of the territory that has an outline
  is covered (a national box, a box a little larger or smaller than the
  territory): all its communes are, those without outline included;
- **outside the territory**: no commune of the territory is covered (the
  geometry lies elsewhere, or only grazes the territory's edge).

:meth:`GeoCoverage.holds` tells whether a commune named elsewhere (title,
publisher) lies within the geometry: covered, or at least
:data:`NAME_MIN_SHARE` (10 %) of it, or of the geometry, inside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from ckanext.territoires.referential import Scope

from .extents import Box, Extent
from .outlines import Outlines, ScopeIndex, get_outlines

MIN_SHARE = 0.5
NAME_MIN_SHARE = 0.1
SNAP_MIN_IOU = 0.9
#: Kinds of places a bounding box may stand for, largest first (ties go to the larger).
SNAP_KINDS = ("region", "departement", "epci", "commune")


@dataclass(frozen=True)
class Snap:
    """The place a rectangle stood for."""

    kind: str
    code: str
    iou: float


@dataclass
class GeoCoverage:
    """What the geometries of a dataset cover in a territory."""

    #: Covered communes of the territory, sorted INSEE codes.
    codes: list[str]
    whole: bool = False
    #: Communes met at all, with the larger of the two shares.
    met: dict[str, float] = field(default_factory=dict)
    snaps: list[Snap] = field(default_factory=list)

    @property
    def outside(self) -> bool:
        return not self.codes

    def holds(self, insee: str) -> bool:
        """Whether a commune lies within the geometries (see the module doc)."""
        return insee in self.codes or self.met.get(insee, 0.0) >= NAME_MIN_SHARE


def _iou(box: Box, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one box with each of ``boxes`` (n, 4)."""
    if not len(boxes):
        return np.empty(0)
    width = np.clip(np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0]), 0, None)
    height = np.clip(np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1]), 0, None)
    inter = width * height
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    own = (box[2] - box[0]) * (box[3] - box[1])
    return inter / np.maximum(own + areas - inter, 1e-18)


def snap(extent: Extent, index: ScopeIndex, outlines: Outlines) -> Snap | None:
    """The place whose bounding box ``extent`` is, if it is a rectangle."""
    if not extent.is_box:
        return None
    box = extent.bbox
    best: Snap | None = None
    for kind in SNAP_KINDS:
        codes, boxes = (
            (index.codes, index.bounds) if kind == "commune" else outlines.box_table(kind)
        )
        scores = _iou(box, boxes)
        if len(scores) and scores.max() >= SNAP_MIN_IOU:
            found = int(scores.argmax())
            if best is None or scores[found] > best.iou + 1e-9:
                best = Snap(kind, codes[found], float(scores[found]))
    return best


def _contains_territory(extent: Extent, index: ScopeIndex) -> bool:
    bounds = index.total_bounds
    return bounds is not None and bool(extent.geometry.contains(shapely.box(*bounds)))


def covered_communes(
    extents: Sequence[Extent], scope: Scope, outlines: Outlines | None = None
) -> GeoCoverage:
    """The communes of ``scope`` the extents cover (see the module doc)."""
    outlines = outlines or get_outlines()
    index = outlines.scope_index(scope)
    covered: set[str] = set()
    met: dict[str, float] = {}
    snaps: list[Snap] = []
    for extent in extents:
        if _contains_territory(extent, index):
            return GeoCoverage(sorted(scope.communes), True, dict.fromkeys(index.codes, 1.0))
        place = snap(extent, index, outlines)
        if place is not None:
            snaps.append(place)
            members = [code for code in outlines.members(place.kind, place.code) if code in scope]
            covered.update(members)
            met.update(dict.fromkeys(members, 1.0))
            continue
        overlaps = index.intersecting(extent.geometry)
        largest = np.maximum(overlaps.commune, overlaps.geometry)
        covered.update(overlaps.where(largest >= MIN_SHARE))
        for code, share in zip(overlaps.codes, largest, strict=True):
            met[str(code)] = max(met.get(str(code), 0.0), float(share))
    whole = bool(index.codes) and covered.issuperset(index.codes)
    codes = sorted(scope.communes) if whole else sorted(covered)
    return GeoCoverage(codes, whole, met, snaps)

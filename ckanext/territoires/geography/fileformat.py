"""Layout of the outline files, shared by the build, the import and the store.

A folder of outlines (``geography/data/`` in the package, or the one
``ckan territoires geometry import`` writes) holds:

- ``outlines.json``, the manifest::

      {"format": 1, "scale": 10000, "attribution": "IGN — ADMIN EXPRESS COG 2018",
       "source": {...}, "referential": "<version of the referential>",
       "departements": {"69": {"file": "communes-69.json.gz", "communes": 267,
                               "bbox": [w, s, e, n]}, ...},
       "areas": {"epci": {siren: bbox}, "departement": {code: bbox},
                 "region": {code: bbox}},
       "missing": {insee: name}}   # current communes without an outline

- ``communes-<département>.json.gz``, the communes of one département::

      {"format": 1, "departement": "69", "arcs": [[x0, y0, dx, dy, ...], ...],
       "communes": {insee: [[[arc, ...], ...], ...]}, "repair": [insee, ...]}

  (see :mod:`.topology` for arcs; ``repair``: outlines to make valid on
  loading);
- ``overview.json.gz``: coarser outlines of the départements and régions
  (locator maps), same layout with ``"objects": {"departement:69": ...}``;
- ``ATTRIBUTION.md``.

Coordinates are longitude/latitude (WGS 84) on a grid of ``1 / scale``
degree.
"""

from __future__ import annotations

#: Bumped when the layout changes; the store refuses other versions.
FORMAT_VERSION = 1
MANIFEST = "outlines.json"
OVERVIEW = "overview.json.gz"
ATTRIBUTION_FILE = "ATTRIBUTION.md"
#: Grid of 1/10,000 degree: about 11 m north-south, 8 m east-west in France.
SCALE = 10_000
#: Douglas-Peucker tolerance of the commune outlines, in grid units (about 60 m).
TOLERANCE = 6
#: Tolerance of the overview (locator maps of France), in grid units (about 300 m).
OVERVIEW_TOLERANCE = 30
AREA_KINDS = ("epci", "departement", "region")


def communes_file(departement: str) -> str:
    return f"communes-{departement}.json.gz"

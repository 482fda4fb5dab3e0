"""The extent of each dataset in the search index, for ``ext_bbox``.

Each dataset document gets ``territoires_extent``, ``"west,south,east,north"``
in degrees: the bounding box of its DCAT spatial coverage geometries
(``spatial_coverage``: ``geom``, ``bbox``, else ``centroid``) when it has
usable ones, else that of the outlines of the communes it covers
(``territoires_coverage``). The search backend keeps it in a column of its
own and ``ext_bbox`` filters on it (``search/``); a dataset with neither has
no extent and no ``ext_bbox`` search finds it.
"""

from __future__ import annotations

from typing import Any

from ckanext.territoires.values import as_list, validated_dict

from .extents import Box
from .outlines import get_outlines

#: The document field (the search backend's ``extent`` column reads it).
EXTENT_FIELD = "territoires_extent"


def _geometries(dataset: dict[str, Any]) -> list[Any]:
    items = [item for item in as_list(dataset.get("spatial_coverage")) if isinstance(item, dict)]
    shapes = [item[key] for item in items for key in ("geom", "bbox") if item.get(key)]
    return shapes or [item["centroid"] for item in items if item.get("centroid")]


def dataset_extent(dataset: dict[str, Any]) -> Box | None:
    """The bounding box of a dataset (see the module doc), or None."""
    outlines = get_outlines()
    box = outlines.extents_bounds(_geometries(dataset))
    if box is None:
        return outlines.bounds(
            str(code) for code in as_list(dataset.get("territoires_coverage")) if code
        )
    return box


def add_extent(pkg_dict: dict[str, Any], validated: Any = None) -> dict[str, Any]:
    """``before_dataset_index``: the dataset's extent as a document field.

    ``validated``: :func:`~ckanext.territoires.values.validated_dict` of
    ``pkg_dict`` when the caller read it already (None: read here).
    """
    dataset = validated_dict(pkg_dict) if validated is None else validated
    box = dataset_extent(dataset if isinstance(dataset, dict) else {})
    if box is not None:
        pkg_dict[EXTENT_FIELD] = ",".join("%.5f" % value for value in box)
    return pkg_dict

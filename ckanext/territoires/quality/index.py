"""The quality score in the search index: kept up to date with every
dataset change (CKAN re-indexes a dataset on each change), usable as a
facet and summed per commune without reading the datasets again.

Fields of each dataset document:

- ``territoires_quality``: the score (0-100), sortable;
- ``territoires_quality_level``: ``high``/``medium``/``low`` (facet);
- ``territoires_quality_missing``: ids of the unmet criteria (``fq``);
- ``territoires_quality_commune``: ``<INSEE>:<score>`` for each commune of
  the dataset, ``territoires_quality_commune_missing``:
  ``<INSEE>:<criterion>``; ``territoires_quality_epci``: ``<SIREN>:<score>``.
  Their facet counts give the per-commune averages in one search.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires.communes import index as communes_index
from ckanext.territoires.values import UNREADABLE, validated_dict

from . import assessment, criteria

SCORE_FIELD = "territoires_quality"
LEVEL_FIELD = "territoires_quality_level"
MISSING_FIELD = "territoires_quality_missing"
BY_COMMUNE_FIELD = "territoires_quality_commune"
MISSING_BY_COMMUNE_FIELD = "territoires_quality_commune_missing"
BY_EPCI_FIELD = "territoires_quality_epci"


def add_index_fields(pkg_dict: dict[str, Any], validated: Any = None) -> dict[str, Any]:
    """``before_dataset_index``: the quality fields (see the module doc).

    ``validated``: :func:`~ckanext.territoires.values.validated_dict` of
    ``pkg_dict`` when the caller read it already (None: read here); without
    a readable one, the document itself is assessed.
    """
    if pkg_dict.get("type", "dataset") != "dataset":
        return pkg_dict
    dataset = validated_dict(pkg_dict) if validated is None else validated
    if dataset is UNREADABLE:
        dataset = pkg_dict
    result = assessment.assess(dataset)
    pkg_dict[SCORE_FIELD] = result.score
    pkg_dict[LEVEL_FIELD] = result.level
    pkg_dict[MISSING_FIELD] = result.missing
    communes = pkg_dict.get(communes_index.COMMUNES_FIELD) or []
    pkg_dict[BY_COMMUNE_FIELD] = [f"{insee}:{result.score}" for insee in communes]
    pkg_dict[MISSING_BY_COMMUNE_FIELD] = [
        f"{insee}:{missing}" for insee in communes for missing in result.missing
    ]
    pkg_dict[BY_EPCI_FIELD] = [
        f"{siren}:{result.score}" for siren in pkg_dict.get(communes_index.EPCI_FIELD) or []
    ]
    return pkg_dict


def add_facets(facets: dict[str, Any]) -> dict[str, Any]:
    facets[LEVEL_FIELD] = tk._("Metadata quality")
    return facets


def facet_names(search_results: dict[str, Any]) -> dict[str, Any]:
    facet = (search_results.get("search_facets") or {}).get(LEVEL_FIELD) or {}
    for item in facet.get("items", []):
        item["display_name"] = assessment.level_label(item["name"])
    return search_results


LEVELS = (criteria.HIGH, criteria.MEDIUM, criteria.LOW)

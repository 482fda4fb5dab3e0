"""Quality per commune and per intercommunality, with the caller's permissions.

One ``package_search`` (the caller's context, private datasets included
where the caller may see them) returns facet counts of the
``<INSEE>:<score>`` and ``<INSEE>:<criterion>`` index fields: averages,
levels and what to improve follow without reading any dataset.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.territoires.communes import groups
from ckanext.territoires.referential import get_referential, normalize

from . import assessment, criteria
from .index import (
    BY_COMMUNE_FIELD, BY_EPCI_FIELD, LEVEL_FIELD, MISSING_BY_COMMUNE_FIELD, MISSING_FIELD,
    SCORE_FIELD,
)
from ckanext.territoires.communes.index import COMMUNES_FIELD

SORTS = ("name", "datasets", "average")
ORDERS = ("asc", "desc")


def _pairs(items: dict[str, int]) -> dict[str, dict[str, int]]:
    """{"69029:85": 2} -> {"69029": {"85": 2}}"""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for value, count in (items or {}).items():
        key, _, second = str(value).partition(":")
        if second:
            result[key][second] = result[key].get(second, 0) + count
    return result


def _summary(scores: dict[str, int], missing: dict[str, int] | None = None) -> dict[str, Any]:
    count = sum(scores.values())
    total = sum(int(score) * n for score, n in scores.items())
    levels = {level: 0 for level in (criteria.HIGH, criteria.MEDIUM, criteria.LOW)}
    for score, n in scores.items():
        levels[criteria.level_of(int(score))] += n
    return {
        "datasets": count,
        "average": round(total / count, 1) if count else None,
        "levels": levels,
        "missing": {c.id: (missing or {}).get(c.id, 0) for c in criteria.CRITERIA},
    }


def summaries(context: dict, sort: str = "name", order: str = "asc",
              insee: str | None = None) -> dict[str, Any]:
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
                      "ignore_auth": context.get("ignore_auth", False)}
    if insee:
        # One commune (its page's sidebar): a search restricted to its
        # datasets, whose plain score and criteria facets are its figures.
        result = tk.get_action("package_search")(search_context, {
            "q": "*:*", "rows": 0, "include_private": True,
            "fq": f'{COMMUNES_FIELD}:"{insee}"',
            "facet.field": [SCORE_FIELD, MISSING_FIELD, LEVEL_FIELD], "facet.limit": -1,
        })
        facets = result.get("facets") or {}
        scores = {str(score): n for score, n in (facets.get(SCORE_FIELD) or {}).items()}
        by_commune = {insee: scores} if scores else {}
        missing_by_commune = {insee: dict(facets.get(MISSING_FIELD) or {})}
        by_epci: dict[str, dict[str, int]] = {}
        facets = {SCORE_FIELD: facets.get(SCORE_FIELD)}
    else:
        result = tk.get_action("package_search")(search_context, {
            "q": "*:*", "rows": 0, "include_private": True,
            "facet.field": [BY_COMMUNE_FIELD, MISSING_BY_COMMUNE_FIELD, BY_EPCI_FIELD,
                            SCORE_FIELD, LEVEL_FIELD],
            "facet.limit": -1,
        })
        facets = result.get("facets") or {}
        by_commune = _pairs(facets.get(BY_COMMUNE_FIELD))
        missing_by_commune = _pairs(facets.get(MISSING_BY_COMMUNE_FIELD))
        by_epci = _pairs(facets.get(BY_EPCI_FIELD))
    ref = get_referential()

    communes = []
    wanted = insee
    for insee, group in groups.commune_groups_by_insee().items():
        if wanted and insee != wanted:
            continue
        if group.extras.get("status") == groups.ARCHIVED and insee not in by_commune:
            continue
        communes.append({
            "insee": insee, "name": group.title, "group": group.name,
            "url": tk.url_for("commune.read", id=group.name),
            **_summary(by_commune.get(insee, {}), missing_by_commune.get(insee)),
        })
    intercommunalities = []
    for siren, scores in sorted(by_epci.items()):
        epci = ref.epcis.get(siren)
        intercommunalities.append({"siren": siren, "name": epci.name if epci else siren,
                                   **_summary(scores)})
    overall_scores = {str(score): n for score, n in (facets.get(SCORE_FIELD) or {}).items()}
    overall = _summary(overall_scores)

    def key(row):
        name = normalize.name_key(row["name"] or "")
        if sort == "average":
            return (row["average"] is None, row["average"] or 0, name)
        if sort == "datasets":
            return (row["datasets"], name)
        return (name,)

    communes.sort(key=key, reverse=(order == "desc"))
    if sort == "average" and order == "desc":
        # communes without datasets stay last in both directions
        communes.sort(key=lambda row: row["average"] is None)
    return {
        "criteria": [{"id": c.id, "label": tk._(c.label), "weight": c.weight}
                     for c in criteria.CRITERIA],
        "levels": {level: assessment.level_label(level)
                   for level in (criteria.HIGH, criteria.MEDIUM, criteria.LOW)},
        "overall": overall,
        "intercommunalities": intercommunalities,
        "communes": communes,
        "sort": sort,
        "order": order,
    }

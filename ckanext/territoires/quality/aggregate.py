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
from ckanext.territoires.communes.index import COMMUNES_FIELD
from ckanext.territoires.referential import get_referential, normalize

from . import assessment, criteria
from .index import (
    BY_COMMUNE_FIELD,
    BY_EPCI_FIELD,
    LEVEL_FIELD,
    MISSING_BY_COMMUNE_FIELD,
    MISSING_FIELD,
    SCORE_FIELD,
)

SORTS = ("name", "datasets", "average")
ORDERS = ("asc", "desc")


def _pairs(items: dict[str, int] | None) -> dict[str, dict[str, int]]:
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
    levels = dict.fromkeys((criteria.HIGH, criteria.MEDIUM, criteria.LOW), 0)
    for score, n in scores.items():
        levels[criteria.level_of(int(score))] += n
    return {
        "datasets": count,
        "average": round(total / count, 1) if count else None,
        "levels": levels,
        "missing": {c.id: (missing or {}).get(c.id, 0) for c in criteria.CRITERIA},
    }


#: Facets of a search whose datasets :func:`place_summary` sums up.
PLACE_FACETS = (SCORE_FIELD, MISSING_FIELD)


def place_summary(facets: dict[str, Any]) -> dict[str, Any]:
    """``{"datasets", "average", "levels", "missing"}`` of the datasets of a
    search, from its :data:`PLACE_FACETS` facet counts (``result["facets"]``)."""
    scores = {str(score): n for score, n in (facets.get(SCORE_FIELD) or {}).items()}
    return _summary(scores, dict(facets.get(MISSING_FIELD) or {}))


def labels() -> dict[str, Any]:
    """The criteria and levels, with their labels in the current language."""
    return {
        "criteria": [
            {"id": c.id, "label": tk._(c.label), "weight": c.weight} for c in criteria.CRITERIA
        ],
        "levels": {
            level: assessment.level_label(level)
            for level in (criteria.HIGH, criteria.MEDIUM, criteria.LOW)
        },
    }


def _search_context(context: dict) -> dict:
    return {
        "user": context.get("user"),
        "auth_user_obj": context.get("auth_user_obj"),
        "ignore_auth": context.get("ignore_auth", False),
    }


def _commune_search(context: dict, insee: str, rows: int = 0) -> dict[str, Any]:
    """The search of one commune's datasets: its :data:`PLACE_FACETS`, and
    its ``rows`` datasets with the lowest scores. ``insee`` is a commune
    group's own code (it is written into the filter as it is)."""
    data_dict: dict[str, Any] = {
        "q": "*:*",
        "rows": rows,
        "include_private": True,
        "fq": f'{COMMUNES_FIELD}:"{insee}"',
        "facet.field": list(PLACE_FACETS),
        "facet.limit": -1,
    }
    if rows:
        data_dict["sort"] = f"{SCORE_FIELD} asc, metadata_modified desc"
        data_dict["fl"] = f"id,name,title,{SCORE_FIELD}"
    return tk.get_action("package_search")(_search_context(context), data_dict)


def _commune_row(insee: str, group: groups.CommuneGroup, summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "insee": insee,
        "name": group.title,
        "group": group.name,
        "url": tk.url_for("commune.read", id=group.name),
        **summary,
    }


def commune(context: dict, insee: str, rows: int) -> dict[str, Any] | None:
    """The quality of one commune (its group's INSEE code): ``{"criteria",
    "levels", "commune": its row, as in :func:`summaries`, "datasets": its
    rows datasets with the lowest scores}``, from one search; None when no
    commune group has this code."""
    communes_by_insee = groups.commune_groups_by_insee(codes=[insee])
    if not communes_by_insee:
        return None
    code, group = next(iter(communes_by_insee.items()))
    result = _commune_search(context, code, rows)
    return {
        **labels(),
        "commune": _commune_row(code, group, place_summary(result.get("facets") or {})),
        "datasets": result.get("results") or [],
    }


def summaries(
    context: dict, sort: str = "name", order: str = "asc", insee: str | None = None
) -> dict[str, Any]:
    if insee:
        # One commune: a search restricted to its datasets, whose plain
        # score and criteria facets are its figures. The code searched for
        # is the group's own (an unknown one searches nothing).
        communes_by_insee = groups.commune_groups_by_insee(codes=[insee])
        facets: dict[str, Any] = {}
        if communes_by_insee:
            facets = _commune_search(context, next(iter(communes_by_insee))).get("facets") or {}
        overall = place_summary(facets)
        by_insee = {insee: overall} if overall["datasets"] else {}
        by_epci: dict[str, dict[str, int]] = {}
    else:
        result = tk.get_action("package_search")(
            _search_context(context),
            {
                "q": "*:*",
                "rows": 0,
                "include_private": True,
                "facet.field": [
                    BY_COMMUNE_FIELD,
                    MISSING_BY_COMMUNE_FIELD,
                    BY_EPCI_FIELD,
                    SCORE_FIELD,
                    LEVEL_FIELD,
                ],
                "facet.limit": -1,
            },
        )
        facets = result.get("facets") or {}
        missing_by_commune = _pairs(facets.get(MISSING_BY_COMMUNE_FIELD))
        by_insee = {
            code: _summary(scores, missing_by_commune.get(code))
            for code, scores in _pairs(facets.get(BY_COMMUNE_FIELD)).items()
        }
        by_epci = _pairs(facets.get(BY_EPCI_FIELD))
        overall = place_summary({SCORE_FIELD: facets.get(SCORE_FIELD)})
        communes_by_insee = groups.commune_groups_by_insee()
    ref = get_referential()

    communes = []
    for code, group in communes_by_insee.items():
        if group.extras.get("status") == groups.ARCHIVED and code not in by_insee:
            continue
        communes.append(_commune_row(code, group, by_insee.get(code, _summary({}))))
    intercommunalities = []
    for siren, scores in sorted(by_epci.items()):
        epci = ref.epcis.get(siren)
        intercommunalities.append(
            {"siren": siren, "name": epci.name if epci else siren, **_summary(scores)}
        )

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
        **labels(),
        "overall": overall,
        "intercommunalities": intercommunalities,
        "communes": communes,
        "sort": sort,
        "order": order,
    }

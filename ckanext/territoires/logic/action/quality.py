"""Metadata quality: ``territoires_quality_show`` (a dataset),
``territoires_quality_commune_list`` (per commune and intercommunality) and
``territoires_quality_commune_show`` (one commune, its datasets to improve)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires.logic import schema
from ckanext.territoires.quality import aggregate, assessment

from . import _places

__all__ = [
    "territoires_quality_commune_list",
    "territoires_quality_commune_show",
    "territoires_quality_show",
]

#: Datasets to improve listed by ``territoires_quality_commune_show``.
DATASETS_TO_IMPROVE = 20


@tk.side_effect_free
@validate(schema.territoires_quality_show)
def territoires_quality_show(context, data_dict) -> dict[str, Any]:
    """The metadata quality of a dataset: score, level and what to improve.

    The criteria and their weights are documented in
    ``ckanext/territoires/quality/criteria.py`` and in the README.

    :param id: the dataset's name or id
    :type id: string

    :returns: ``{"id", "name", "score" (0-100), "level" (high, medium,
        low), "level_label", "links_checked_at", "criteria": [{"id",
        "label", "weight", "status" (met, unmet, unknown), "advice",
        "details"}]}``
    :rtype: dictionary
    """
    tk.check_access("territoires_quality_show", context, data_dict)
    dataset = tk.get_action("package_show")(
        {
            "user": context.get("user"),
            "auth_user_obj": context.get("auth_user_obj"),
            "ignore_auth": context.get("ignore_auth", False),
        },
        {"id": data_dict["id"]},
    )
    return assessment.as_dict(dataset, assessment.assess(dataset))


@tk.side_effect_free
@validate(schema.territoires_quality_commune_list)
def territoires_quality_commune_list(context, data_dict) -> dict[str, Any]:
    """Metadata quality per commune and per intercommunality.

    Every figure is computed from the search index with the caller's
    permissions (private datasets count only for those who may see them),
    in one search; scores are those stored when each dataset last changed.

    :param sort: ``name`` (default), ``datasets`` or ``average``
    :type sort: string
    :param order: ``asc`` (default) or ``desc``
    :type order: string
    :param insee: only this commune (INSEE code): ``communes`` holds it
        alone, from one search restricted to its datasets (optional)
    :type insee: string

    :returns: ``{"criteria", "levels", "overall", "intercommunalities",
        "communes"}``; each commune ``{"insee", "name", "group", "url",
        "datasets", "average" (None without datasets), "levels": {"high",
        "medium", "low"}, "missing": {criterion id: datasets lacking it}}``
    :rtype: dictionary
    """
    tk.check_access("territoires_quality_commune_list", context, data_dict)
    return aggregate.summaries(
        context,
        data_dict.get("sort") or "name",
        data_dict.get("order") or "asc",
        data_dict.get("insee"),
    )


@tk.side_effect_free
@validate(schema.territoires_quality_commune_show)
def territoires_quality_commune_show(context, data_dict) -> dict[str, Any]:
    """The metadata quality of one commune and its datasets to improve first.

    From one search with the caller's permissions, as
    ``territoires_quality_commune_list`` counts.

    :param id: the commune group's name or id, or an INSEE code (current,
        former, arrondissement, commune déléguée)
    :type id: string
    :param rows: how many datasets to list (default: 20, at most 1000)
    :type rows: int

    :returns: ``{"criteria", "levels"}`` as in
        ``territoires_quality_commune_list``, ``"commune"``: its row of that
        list (``{"insee", "name", "group", "url", "datasets", "average",
        "levels", "missing"}``), and ``"datasets"``: the commune's datasets
        with the lowest scores first (then the most recently updated),
        each ``{"id", "name", "title", "territoires_quality"}``
    :rtype: dictionary
    """
    tk.check_access("territoires_quality_commune_show", context, data_dict)
    group = _places.find_commune(data_dict["id"].strip())
    result = aggregate.commune(
        context, group.extras.get("insee") or "", data_dict.get("rows", DATASETS_TO_IMPROVE)
    )
    if result is None:
        raise tk.ObjectNotFound(
            tk._("No commune of the territory is known as %s") % data_dict["id"]
        )
    return result

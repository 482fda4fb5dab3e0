"""``territoires_territory_show``: the territory of the portal, as the home
page puts it forward."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires import config, territory
from ckanext.territoires.communes import figures, groups, index
from ckanext.territoires.logic import schema
from ckanext.territoires.referential import normalize

from . import _places

__all__ = ["territoires_territory_show"]

#: Datasets read to find the recently updated communes.
RECENT_WINDOW = 100


@tk.side_effect_free
@validate(schema.territoires_territory_show)
def territoires_territory_show(context, data_dict) -> dict[str, Any]:
    """The territory of the portal, as the home page puts it forward.

    :param limit: how many communes in ``most_active`` and
        ``recently_updated`` (default:
        ``ckanext.territoires.home.communes_count``)
    :type limit: int

    :param latest: how many recently updated datasets in ``latest``
        (default: ``ckanext.territoires.pages.latest_count``)
    :type latest: int

    :returns: ``label`` (the scope), ``communes`` (number of current
        communes), ``datasets`` (datasets the caller may see),
        ``producers`` (organisations publishing them: ``{"name", "label",
        "count"}``, most datasets first), ``resources`` (their number),
        ``themes`` (their themes, labelled: ``{"name", "label", "count"}``,
        most frequent first), ``latest`` (the datasets updated last:
        ``{"id", "name", "title", "metadata_modified", "private",
        "organization"}``),
        ``intercommunalities`` (``name``, ``title``, ``url``, ``siren``),
        ``most_active`` (communes with the most datasets, then the most
        populous, as items of ``territoires_commune_list``) and
        ``recently_updated`` (communes whose datasets were updated last,
        excluding datasets covering a whole intercommunality: each
        ``{"commune", "dataset", "metadata_modified"}``)
    :rtype: dictionary
    """
    tk.check_access("territoires_territory_show", context, data_dict)
    limit = data_dict.get("limit") or config.home_communes_count()
    overview = figures.overview(context, data_dict.get("latest") or config.pages_latest_count())
    counts = overview["groups"]
    communes = [
        _places.commune_dict(group, counts)
        for group in groups.commune_groups_by_insee().values()
        if group.extras.get("status") != groups.ARCHIVED
    ]
    # most datasets first; among equals (an empty portal too), the most populous
    most_active = sorted(
        communes,
        key=lambda c: (
            -c["package_count"],
            -(c["population"] or 0),
            normalize.name_key(c["title"] or ""),
        ),
    )[:limit]
    return {
        "label": territory.configured_scope().label,
        "communes": len(communes),
        "datasets": overview["datasets"],
        "producers": overview["producers"],
        "resources": overview["resources"],
        "themes": overview["themes"],
        "latest": overview["latest"],
        "intercommunalities": [
            {
                **_places.group_link(group, groups.INTERCOMMUNALITE),
                "siren": group.extras.get("siren"),
            }
            for group in groups.intercommunality_groups()
        ],
        "most_active": most_active,
        "recently_updated": _recently_updated(context, communes, limit),
    }


def _recently_updated(
    context: dict, communes: list[dict[str, Any]], limit: int
) -> list[dict[str, Any]]:
    """The communes whose datasets were updated last, from one search of
    the latest :data:`RECENT_WINDOW` datasets naming communes (datasets
    covering a whole intercommunality aside)."""
    by_code = {commune["insee"]: commune for commune in communes}
    latest = tk.get_action("package_search")(
        figures.search_context(context),
        {
            "fq": "+%s:* -%s:*" % (index.COMMUNES_FIELD, index.WHOLE_FIELD),
            "sort": "metadata_modified desc",
            "rows": RECENT_WINDOW,
            "include_private": True,
            "fl": "id,name,title,metadata_modified,%s" % index.COMMUNES_FIELD,
        },
    )
    recently_updated: list[dict[str, Any]] = []
    seen: set[str] = set()
    for dataset in latest.get("results") or []:
        for code in dataset.get(index.COMMUNES_FIELD) or []:
            if code in seen or code not in by_code:
                continue
            seen.add(code)
            recently_updated.append(
                {
                    "commune": by_code[code],
                    "dataset": {
                        "id": dataset["id"],
                        "name": dataset["name"],
                        "title": dataset.get("title") or dataset["name"],
                    },
                    "metadata_modified": dataset.get("metadata_modified"),
                }
            )
        if len(recently_updated) >= limit:
            break
    return recently_updated[:limit]

"""``territoires_territory_show``: the territory of the portal, as the home
page puts it forward."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires import config, territory
from ckanext.territoires.communes import figures, groups, index
from ckanext.territoires.communes.snapshot import commune_snapshot
from ckanext.territoires.logic import schema

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
    snapshot = commune_snapshot()
    current = [
        insee
        for insee, group in snapshot.groups.items()
        if group.extras.get("status") != groups.ARCHIVED
    ]
    url_of = _places.commune_url_builder()

    def commune(insee: str) -> dict[str, Any]:
        return _places.commune_dict(
            snapshot.groups[insee], counts, url_of, snapshot.identities[insee]
        )

    # most datasets first; among equals (an empty portal too), the most populous
    most_active = [
        commune(insee)
        for insee in sorted(
            current,
            key=lambda insee: (
                -counts.get(snapshot.groups[insee].name, 0),
                -(snapshot.identities[insee]["population"] or 0),
                snapshot.name_keys[insee],
            ),
        )[:limit]
    ]
    return {
        "label": territory.configured_scope().label,
        "communes": len(current),
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
            for group in snapshot.intercommunalities
        ],
        "most_active": most_active,
        "recently_updated": _recently_updated(context, set(current), commune, limit),
    }


def _recently_updated(
    context: dict, current: set[str], commune, limit: int
) -> list[dict[str, Any]]:
    """The communes whose datasets were updated last, from one search of
    the latest :data:`RECENT_WINDOW` datasets naming communes (datasets
    covering a whole intercommunality aside); ``commune`` gives the dict of
    a current commune (``current``: their INSEE codes)."""
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
            if code in seen or code not in current:
                continue
            seen.add(code)
            recently_updated.append(
                {
                    "commune": commune(code),
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

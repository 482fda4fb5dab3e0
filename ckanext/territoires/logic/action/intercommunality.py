"""``territoires_intercommunality_show``: an intercommunality (EPCI) of the
territory, with its key figures and member communes."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires.communes import figures, groups, organizations
from ckanext.territoires.logic import schema

from . import _places
from .commune import territoires_commune_list

__all__ = ["territoires_intercommunality_show"]


@tk.side_effect_free
@validate(schema.territoires_intercommunality_show)
def territoires_intercommunality_show(context, data_dict) -> dict[str, Any]:
    """An intercommunality (EPCI) of the territory, with its member communes.

    :param id: the intercommunality group's name or id, or its SIREN
    :type id: string
    :param include_figures: add ``figures`` (default: ``true``), as in
        ``territoires_commune_show``: ``datasets`` (published by the
        intercommunality's organisation, whose extra ``siren`` is its SIREN,
        or covering its whole territory), ``published``, ``territory``,
        ``relations``, ``resources``, ``last_modified``, ``themes``,
        ``producers``, ``latest``
    :type include_figures: bool
    :param include_communes: add ``communes``, its member communes as items
        of ``territoires_commune_list`` sorted by name (default: ``true``)
    :type include_communes: bool

    :returns: ``id``, ``name``, ``title``, ``url``, ``siren``, ``epci_type``,
        ``population``, ``members`` (INSEE codes), ``status``,
        ``presentation``, ``organization`` (the organisation that publishes
        for it, linked by its SIREN, or null), ``relations``, ``figures``,
        ``communes``
    :rtype: dictionary
    """
    tk.check_access("territoires_intercommunality_show", context, data_dict)
    group = _places.find_intercommunality(data_dict["id"].strip())
    extras = dict(group.extras)
    population = extras.get("population") or ""
    result = {
        "id": group.id,
        "name": group.name,
        "title": group.title,
        "url": tk.url_for("intercommunalite.read", id=group.name),
        "siren": extras.get("siren"),
        "epci_type": extras.get("epci_type") or "",
        "population": int(population) if population.isdigit() else None,
        "members": (extras.get("members") or "").split(),
        "status": extras.get("status") or groups.CURRENT,
        "presentation": _places.presentation(group),
        "organization": organizations.organization_link(
            organizations.organization_of(organizations.INTERCOMMUNALITY_KEY, extras.get("siren"))
        ),
    }
    place = figures.Place(groups.INTERCOMMUNALITE, group.name, result["siren"] or "")
    result["relations"] = list(place.relations)
    if data_dict.get("include_figures", True):
        result["figures"] = _places.place_figures(context, place)
    if data_dict.get("include_communes", True):
        # a fresh context: the caller's identity, no "schema" meant for another action
        result["communes"] = territoires_commune_list(
            figures.search_context(context), {"epci": result["siren"], "sort": "name"}
        )
    return result

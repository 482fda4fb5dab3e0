"""``territoires_package_search``: the datasets of a commune or
intercommunality, searched as ``package_search`` does."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires import config
from ckanext.territoires.communes import figures
from ckanext.territoires.logic import schema

from . import _places

__all__ = ["territoires_package_search"]


@tk.side_effect_free
@validate(schema.territoires_package_search)
def territoires_package_search(context, data_dict) -> dict[str, Any]:
    """Search the datasets of a commune or intercommunality, as package_search
    does, with the caller's permissions.

    :param id: the commune or intercommunality: group name or id, INSEE
        code (current, former, arrondissement, déléguée) or SIREN
    :type id: string
    :param relation: keep the datasets ``published`` by the place's
        organisation, ``covering`` the commune (but not the whole
        territory) or covering the whole ``territory`` (optional)
    :type relation: string
    :param q: free text, as package_search's ``q`` (optional)
    :type q: string
    :param filters: field -> list of values, every value required, e.g.
        ``{"tags": ["vélo"], "res_format": ["CSV"]}`` (optional; a JSON
        object in a GET)
    :type filters: dict
    :param fq: an additional filter query, as package_search's (optional)
    :type fq: string
    :param sort: as package_search's (optional)
    :type sort: string
    :param rows: datasets per page (default: ``ckan.datasets_per_page``,
        at most 1000)
    :type rows: int
    :param start: offset of the first dataset (default: 0)
    :type start: int
    :param facet.field: fields to facet on (default: organization,
        territoires_themes, tags, res_format, license_id)
    :type facet.field: list of strings
    :param facet.limit: values per facet (default: ``search.facets.default``)
    :type facet.limit: int
    :param include_figures: add ``figures``, the place's key figures as
        ``territoires_commune_show`` gives them (default: ``false``); the
        first page of an unfiltered search, latest updates first, and the
        figures then come from a single search
    :type include_figures: bool

    :returns: package_search's result (``count``, ``results``, ``facets``,
        ``search_facets``, ``sort``) restricted to the place, and
        ``figures`` when asked for
    :rtype: dictionary
    """
    tk.check_access("territoires_package_search", context, data_dict)
    place = _places.find_place(data_dict["id"])
    return figures.package_search(
        context,
        place,
        relation=data_dict.get("relation"),
        q=data_dict.get("q") or "",
        filters=data_dict.get("filters") or {},
        fq=data_dict.get("fq"),
        sort=data_dict.get("sort"),
        rows=data_dict.get("rows", tk.config.get("ckan.datasets_per_page")),
        start=data_dict.get("start", 0),
        facet_fields=data_dict.get("facet.field") or figures.PAGE_FACETS,
        facet_limit=data_dict.get("facet.limit", tk.config.get("search.facets.default")),
        latest=config.pages_latest_count(),
        with_figures=data_dict.get("include_figures", False),
        summaries=_places.SUMMARIES,
    )

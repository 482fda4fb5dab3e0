"""``territoires_package_search``: the datasets of a commune or
intercommunality, searched as ``package_search`` does; CKAN's
``package_create`` and ``package_update``, with an empty repeating field
read as none."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires import config
from ckanext.territoires.communes import figures
from ckanext.territoires.logic import schema

from . import _places

__all__ = ["package_create", "package_update", "territoires_package_search"]


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


def _repeating_fields(dataset_type: str) -> list[str]:
    """Fields of the dataset schema made of sub-fields (contact points...)."""
    if not p.plugin_loaded("scheming_datasets"):
        return []
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return [
        field["field_name"]
        for field in schema.get("dataset_fields", [])
        if "repeating_subfields" in field
    ]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def without_empty_repeating_fields(data_dict: dict[str, Any]) -> dict[str, Any]:
    """``data_dict`` with its repeating fields given as ``""`` or null as
    empty lists: none, as for any other optional field (CKAN's validation
    refuses anything but a list of dicts there, with a ``DataError``)."""
    empty = [
        name
        for name in _repeating_fields(data_dict.get("type") or "dataset")
        if name in data_dict and _empty(data_dict[name])
    ]
    return {**data_dict, **{name: [] for name in empty}} if empty else data_dict


@tk.chained_action
def package_create(up_func, context, data_dict):
    """CKAN's ``package_create`` (which checks the access); a repeating field
    (``contact``, ``publisher``, ``temporal_coverage``...) given as ``""``
    or null means none.

    :param: as CKAN's ``package_create``
    """
    return up_func(context, without_empty_repeating_fields(data_dict))


@tk.chained_action
def package_update(up_func, context, data_dict):
    """CKAN's ``package_update`` (which checks the access, and serves
    ``package_patch`` and ``package_revise``); a repeating field given as
    ``""`` or null means none.

    :param: as CKAN's ``package_update``
    """
    return up_func(context, without_empty_repeating_fields(data_dict))

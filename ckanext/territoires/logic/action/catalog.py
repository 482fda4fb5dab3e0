"""``territoires_catalog_show``: the DCAT-AP catalogue of a place."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.logic import validate

from ckanext.territoires.dcat import catalogue
from ckanext.territoires.logic import schema

__all__ = ["territoires_catalog_show"]


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(up_func, context, data_dict) -> str:
    """ckanext-dcat's site catalogue (``/catalog.<format>``), its paging
    links encoded (``?q=a b`` answered 500).

    :param: as ckanext-dcat's ``dcat_catalog_show``
    """
    return catalogue.site_catalogue(context, data_dict, "dcat_catalog_show")


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(up_func, context, data_dict) -> str:
    """ckanext-dcat's catalogue search, its paging links encoded.

    :param: as ckanext-dcat's ``dcat_catalog_search``
    """
    return catalogue.site_catalogue(context, data_dict, "dcat_catalog_search")


@tk.side_effect_free
@validate(schema.territoires_catalog_show)
def territoires_catalog_show(context, data_dict) -> str:
    """The DCAT-AP catalogue of one commune or of the intercommunality.

    Only public datasets are listed, whoever asks. The catalogue has its
    own IRI (``<site>/catalog/<group name>``), title and ``dct:spatial``,
    and Hydra paging (``ckanext.dcat.datasets_per_page`` datasets a page).

    :param id: the commune or intercommunality group's name or id, an
        INSEE code (current, former, arrondissement) or an EPCI SIREN
    :type id: string
    :param format: ``ttl`` (default), ``rdf``/``xml`` (RDF/XML), ``jsonld``
        or ``n3``
    :type format: string
    :param page: the page, from 1 (optional, default 1)
    :type page: int

    :returns: the serialized catalogue
    :rtype: string
    """
    tk.check_access("territoires_catalog_show", context, data_dict)
    place = catalogue.find_place(data_dict["id"])
    if place is None:
        raise tk.ObjectNotFound(
            tk._("No commune or intercommunality of the territory is known as %s") % data_dict["id"]
        )
    return catalogue.serialize(
        place, data_dict.get("format") or "ttl", data_dict.get("page") or 1, context
    )

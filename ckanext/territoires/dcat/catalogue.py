"""The DCAT catalogue of one place: a commune, or the intercommunality.

``/catalog/<place>.<format>`` (place: a commune or intercommunality group
name, an INSEE code, a SIREN) serves the portal's DCAT-AP catalogue
filtered to the datasets of that place (search index fields
``territoires_communes`` / ``territoires_epci``), with its own catalogue
IRI, title, spatial coverage and Hydra paging. Only public datasets are
ever listed, whoever asks: it is a catalogue for republishing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.logic import DATASETS_PER_PAGE
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri
from rdflib import URIRef

from ckanext.territoires import site
from ckanext.territoires.communes import groups, index
from ckanext.territoires.referential import get_referential

from . import places

FORMATS = ("ttl", "rdf", "xml", "jsonld", "n3")


@dataclass(frozen=True)
class PlaceCatalogue:
    group_name: str
    title: str
    place: places.Place
    fq: str

    @property
    def iri(self) -> str:
        return f"{catalog_uri().rstrip('/')}/catalog/{self.group_name}"

    def page_url(self, fmt: str, page: int) -> str:
        return f"{self.iri}.{fmt}?page={page}"


def find_place(identifier: str) -> PlaceCatalogue | None:
    """The commune or intercommunality a group name, INSEE code or SIREN names."""
    identifier = (identifier or "").strip()
    ref = get_referential()
    group = model.Group.get(identifier)
    if group is None or group.state != "active" or group.type not in groups.GROUP_TYPES:
        group = groups.find_commune_group(ref, identifier) or _epci_group(identifier)
    if group is None:
        return None
    extras = dict(group.extras)
    if group.type == groups.COMMUNE:
        insee = extras.get("insee") or ""
        place = places.Place(places.commune_iri(insee), insee, group.title, "commune")
        return PlaceCatalogue(group.name, group.title, place, f"{index.COMMUNES_FIELD}:{insee}")
    siren = extras.get("siren") or ""
    place = places.Place(places.epci_iri(siren), siren, group.title, "intercommunalite")
    return PlaceCatalogue(group.name, group.title, place, f"{index.EPCI_FIELD}:{siren}")


def _epci_group(siren: str) -> model.Group | None:
    return (
        model.Session.query(model.Group)
        .join(model.GroupExtra, model.GroupExtra.group_id == model.Group.id)
        .filter(
            model.Group.type == groups.INTERCOMMUNALITE,
            model.Group.state == "active",
            model.GroupExtra.key == "siren",
            model.GroupExtra.state == "active",
            model.GroupExtra.value == siren,
        )
        .first()
    )


class _PlaceSerializer(RDFSerializer):
    """ckanext-dcat's serializer, with the place catalogue's own IRI."""

    def __init__(self, catalogue_iri: str, **kwargs):
        super().__init__(**kwargs)
        self._catalogue_iri = catalogue_iri

    def graph_from_catalog(self, catalog_dict=None):
        catalogue_ref = URIRef(self._catalogue_iri)
        for profile_class in self._profiles:
            profile = profile_class(self.g, compatibility_mode=self.compatibility_mode)
            profile.graph_from_catalog(catalog_dict, catalogue_ref)
        return catalogue_ref


def serialize(catalogue: PlaceCatalogue, fmt: str, page: int, context: dict) -> str:
    rows = tk.config.get("ckanext.dcat.datasets_per_page") or DATASETS_PER_PAGE
    rows = int(rows)
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    result = tk.get_action("package_search")(
        search_context,
        {
            "q": "*:*",
            "fq": catalogue.fq,
            "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"],
            "rows": rows,
            "start": rows * (page - 1),
            "sort": "metadata_modified desc",
            # a catalogue for republishing: public datasets only, for everyone
            "include_private": False,
            "include_drafts": False,
        },
    )
    site_title = site.title(tk.config.get(site.TITLE), tk._)
    catalog_dict: dict[str, Any] = {
        "title": f"{site_title} — {catalogue.title}",
        "description": tk._("Open data of {place}, published on {site}").format(
            place=catalogue.title, site=site_title
        ),
        "homepage": tk.url_for(
            f"{_group_type(catalogue)}.read", id=catalogue.group_name, qualified=True
        ),
        "places": [catalogue.place],
    }
    serializer = _PlaceSerializer(catalogue.iri)
    return serializer.serialize_catalog(
        catalog_dict,
        result["results"],
        _format=fmt,
        pagination_info=_pagination(catalogue, fmt, page, rows, result["count"]),
    )


def _group_type(catalogue: PlaceCatalogue) -> str:
    return groups.COMMUNE if catalogue.place.level == "commune" else groups.INTERCOMMUNALITE


def _pagination(
    catalogue: PlaceCatalogue, fmt: str, page: int, rows: int, count: int
) -> dict[str, Any]:
    if not count:
        return {}
    last = max(1, math.ceil(count / rows))
    info = {
        "count": count,
        "items_per_page": rows,
        "current": catalogue.page_url(fmt, page),
        "first": catalogue.page_url(fmt, 1),
        "last": catalogue.page_url(fmt, last),
    }
    if page > 1:
        info["previous"] = catalogue.page_url(fmt, min(page - 1, last))
    if page < last:
        info["next"] = catalogue.page_url(fmt, page + 1)
    return info

"""Publishers: the organisations that are communes, and the catalogue's own."""

from __future__ import annotations

from typing import Any, NamedTuple

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.dcat.utils import catalog_uri

from ckanext.territoires.communes import groups
from ckanext.territoires.referential import Scope

PUBLISHER_NAME_OPTION = "ckanext.territoires.dcat.publisher_name"
PUBLISHER_URI_OPTION = "ckanext.territoires.dcat.publisher_uri"

_CACHE_ATTRIBUTE = "_territoires_commune_organisations"


class Publisher(NamedTuple):
    uri: str | None
    name: str
    identifier: str | None


def commune_organisations(cache_holder: Any = None) -> dict[str, str]:
    """Organisation id -> INSEE code, for organisations that are communes
    (organisation extra ``insee``).

    One query per export: the result is kept on ``cache_holder`` (the RDF
    graph being built, shared by the profiles of every dataset of a page).
    """
    cached = getattr(cache_holder, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    rows = (
        model.Session.query(model.GroupExtra.group_id, model.GroupExtra.value)
        .join(model.Group, model.Group.id == model.GroupExtra.group_id)
        .filter(
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
            model.GroupExtra.key == "insee",
            model.GroupExtra.state == "active",
        )
    )
    result = {group_id: (value or "").strip().upper() for group_id, value in rows if value}
    if cache_holder is not None:
        setattr(cache_holder, _CACHE_ATTRIBUTE, result)
    return result


def catalogue_publisher(scope: Scope) -> Publisher:
    """Who publishes the catalogue: configured, or the territory itself.

    By default the name is the territory's (``Métropole de Lyon``) and,
    when the territory is one EPCI, the IRI is the page of its
    intercommunality group and the identifier its SIREN.
    """
    name = tk.config.get(PUBLISHER_NAME_OPTION) or scope.label
    uri = tk.config.get(PUBLISHER_URI_OPTION) or None
    identifier = None
    epcis = [entry for entry in scope.entries if entry.kind == "epci"]
    if len(scope.entries) == 1 and epcis:
        identifier = epcis[0].code
        if uri is None:
            slug = groups.epci_group_name(epcis[0].code, epcis[0].name)
            uri = f"{catalog_uri().rstrip('/')}/{groups.INTERCOMMUNALITE}/{slug}"
    return Publisher(uri, name, identifier)

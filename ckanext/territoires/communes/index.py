"""Search index fields and facets of the territory.

Each dataset document gets ``territoires_communes`` (INSEE codes of the
commune groups it belongs to) and ``territoires_epci`` (SIRENs of their
intercommunalities): facets on ``/dataset`` and filters in ``fq``
(``fq=territoires_communes:69081``). Facet items are shown with names.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.territoires.referential import get_referential

from . import groups

COMMUNES_FIELD = "territoires_communes"
EPCI_FIELD = "territoires_epci"

# Run for every dataset indexed: a plain statement, as an ORM query costs
# four times as much to build (it counted in `search-index rebuild` rates).
_CODES_OF_GROUPS = sa.text(
    'SELECT e.key, e.value FROM group_extra e JOIN "group" g ON g.id = e.group_id'
    " WHERE g.name = ANY(:names) AND g.type = :group_type"
    " AND e.key IN ('insee', 'epci') AND e.state = 'active'"
)


def add_index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    names = [name for name in pkg_dict.get("groups") or [] if name]
    communes: set[str] = set()
    epcis: set[str] = set()
    if names:
        rows = model.Session.execute(
            _CODES_OF_GROUPS, {"names": names, "group_type": groups.COMMUNE})
        for key, value in rows:
            if value:
                (communes if key == "insee" else epcis).add(value)
    pkg_dict[COMMUNES_FIELD] = sorted(communes)
    pkg_dict[EPCI_FIELD] = sorted(epcis)
    return pkg_dict


def add_facets(facets: dict[str, Any]) -> dict[str, Any]:
    facets[COMMUNES_FIELD] = tk._("Communes")
    facets[EPCI_FIELD] = tk._("Intercommunalities")
    return facets


def facet_names(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show facet items of the territory with names, not codes."""
    ref = get_referential()
    facets = search_results.get("search_facets") or {}
    for item in (facets.get(COMMUNES_FIELD) or {}).get("items", []):
        commune = ref.current_commune(item["name"])
        if commune is not None:
            item["display_name"] = (commune.name if commune.insee == item["name"]
                                    else f"{item['name']} ({commune.name})")
    for item in (facets.get(EPCI_FIELD) or {}).get("items", []):
        epci = ref.epcis.get(item["name"])
        if epci is not None:
            item["display_name"] = epci.name
    return search_results

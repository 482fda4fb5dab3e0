"""Search index fields and facets of the territory.

Each dataset document gets:

- ``territoires_communes``: INSEE codes of the commune groups it belongs to;
- ``territoires_epci``: SIRENs of their intercommunalities;
- ``territoires_covered``: INSEE codes of its coverage field (the communes it
  is about, whoever publishes it);
- ``territoires_publisher``: the INSEE code (or SIREN) of the commune (or
  intercommunality) whose organisation publishes it: organisation extra
  ``insee`` (or ``siren``);
- ``territoires_whole``: SIRENs of the intercommunalities it covers entirely
  (the intercommunality groups it belongs to);
- ``territoires_themes``: its themes (the ``theme`` field, a list).

They are filters in ``fq`` (``fq=territoires_communes:69081``); communes,
intercommunalities and themes are facets of ``/dataset``, shown with names.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.territoires import vocabularies
from ckanext.territoires.referential import get_referential
from ckanext.territoires.values import as_list

from . import groups, membership

COMMUNES_FIELD = "territoires_communes"
EPCI_FIELD = "territoires_epci"
COVERED_FIELD = "territoires_covered"
PUBLISHER_FIELD = "territoires_publisher"
WHOLE_FIELD = "territoires_whole"
THEMES_FIELD = "territoires_themes"

# Run for every dataset indexed: a plain statement, as an ORM query costs
# four times as much to build (it counted in `search-index rebuild` rates).
# One statement for the codes of the dataset's territorial groups and those
# of its publisher (``publisher`` true), saving a round trip a dataset.
_CODES_OF_GROUPS = sa.text(
    "SELECT g.type, e.key, e.value, g.id = :owner_org AS publisher,"
    " g.name = ANY(:names) AND g.type = ANY(:group_types) AS territorial"
    ' FROM group_extra e JOIN "group" g ON g.id = e.group_id'
    " WHERE ((g.name = ANY(:names) AND g.type = ANY(:group_types)) OR g.id = :owner_org)"
    " AND e.key IN ('insee', 'epci', 'siren') AND e.state = 'active'"
)


def add_index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    names = [name for name in pkg_dict.get("groups") or [] if name]
    owner_org = pkg_dict.get("owner_org") or None
    communes: set[str] = set()
    epcis: set[str] = set()
    whole: set[str] = set()
    publisher: set[str] = set()
    if names or owner_org:
        rows = model.Session.execute(
            _CODES_OF_GROUPS,
            {"names": names, "group_types": list(groups.GROUP_TYPES), "owner_org": owner_org},
        )
        for group_type, key, value, of_publisher, territorial in rows:
            if not value:
                continue
            if of_publisher and key in ("insee", "siren") and value.strip():
                publisher.add(value.strip().upper())
            if not territorial:
                continue
            if group_type == groups.INTERCOMMUNALITE:
                if key == "siren":
                    whole.add(value)
            elif key == "insee":
                communes.add(value)
            elif key == "epci":
                epcis.add(value)
    pkg_dict[COMMUNES_FIELD] = sorted(communes)
    pkg_dict[EPCI_FIELD] = sorted(epcis)
    pkg_dict[WHOLE_FIELD] = sorted(whole)
    pkg_dict[COVERED_FIELD] = sorted(
        set(membership.coverage_codes(pkg_dict.get(membership.COVERAGE_FIELD)))
    )
    pkg_dict[PUBLISHER_FIELD] = sorted(publisher)
    pkg_dict[THEMES_FIELD] = sorted(set(_themes(pkg_dict.get("theme"))))
    return pkg_dict


def _themes(value: Any) -> list[str]:
    """The theme field as the index receives it (a list, or its JSON text);
    a plain text is one theme (free themes may hold spaces)."""
    return [str(item).strip() for item in as_list(value) if item is not None and str(item).strip()]


def add_facets(facets: dict[str, Any]) -> dict[str, Any]:
    facets[COMMUNES_FIELD] = tk._("Communes")
    facets[EPCI_FIELD] = tk._("Intercommunalities")
    facets[THEMES_FIELD] = tk._("Themes")
    return facets


def facet_names(search_results: dict[str, Any]) -> dict[str, Any]:
    """Show facet items of the territory with names, not codes."""
    ref = get_referential()
    facets = search_results.get("search_facets") or {}
    for item in (facets.get(COMMUNES_FIELD) or {}).get("items", []):
        commune = ref.current_commune(item["name"])
        if commune is not None:
            item["display_name"] = (
                commune.name
                if commune.insee == item["name"]
                else f"{item['name']} ({commune.name})"
            )
    for item in (facets.get(EPCI_FIELD) or {}).get("items", []):
        epci = ref.epcis.get(item["name"])
        if epci is not None:
            item["display_name"] = epci.name
    for item in (facets.get(THEMES_FIELD) or {}).get("items", []):
        item["display_name"] = vocabularies.theme_label(item["name"])
    return search_results

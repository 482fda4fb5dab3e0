"""Actions of ckanext-territoires, one module per object:

- :mod:`.resolve`: ``territoires_resolve`` (place values -> communes);
- :mod:`.commune`: ``territoires_commune_list``, ``territoires_commune_show``;
- :mod:`.commune_organization`: ``territoires_commune_organization_create``;
- :mod:`.commune_agent`: ``territoires_commune_agent_add``,
  ``territoires_commune_agent_remove``, ``territoires_commune_agent_list``;
- :mod:`.intercommunality`: ``territoires_intercommunality_show``;
- :mod:`.package`: ``territoires_package_search`` (the datasets of a place),
  and CKAN's ``package_create``/``package_update`` chained (empty repeating fields);
- :mod:`.organization`: CKAN's ``organization_create`` and
  ``organization_update``, chained (a place's code given as an extra);
- :mod:`.package`: ``territoires_package_search`` (the datasets of a place),
  ``territoires_package_publish`` (a dataset and its file, from the web form);
- :mod:`.territory`: ``territoires_territory_show`` (the home page's territory);
- :mod:`.map`: ``territoires_map_show`` (the SVG map of a place or a dataset);
- :mod:`.site`: ``territoires_site_show`` (the portal's title, introduction, logo);
- :mod:`.catalog`: ``territoires_catalog_show`` (a place's DCAT catalogue);
- :mod:`.quality`: ``territoires_quality_show``,
  ``territoires_quality_commune_list``, ``territoires_quality_commune_show``.

The plugin registers the names of :data:`__all__` and CKAN's actions it
chains, :data:`CHAINED` (``tk.blanket.actions(get_actions)``).
Each action validates its input with the same-named schema of
:mod:`..schema`, then checks the same-named auth function of :mod:`..auth`.
"""

from __future__ import annotations

from collections.abc import Callable

from .catalog import territoires_catalog_show
from .commune import territoires_commune_list, territoires_commune_show
from .commune_agent import (
    territoires_commune_agent_add,
    territoires_commune_agent_list,
    territoires_commune_agent_remove,
)
from .commune_organization import territoires_commune_organization_create
from .intercommunality import territoires_intercommunality_show
from .map import territoires_map_show
from .organization import organization_create, organization_update
from .package import (
    package_create,
    package_update,
    territoires_package_publish,
    territoires_package_search,
)
from .quality import (
    territoires_quality_commune_list,
    territoires_quality_commune_show,
    territoires_quality_show,
)
from .resolve import territoires_resolve
from .site import territoires_site_show
from .territory import territoires_territory_show

__all__ = [
    "organization_create",
    "organization_update",
    "territoires_catalog_show",
    "territoires_commune_agent_add",
    "territoires_commune_agent_list",
    "territoires_commune_agent_remove",
    "territoires_commune_list",
    "territoires_commune_organization_create",
    "territoires_commune_show",
    "territoires_intercommunality_show",
    "territoires_map_show",
    "territoires_package_publish",
    "territoires_package_search",
    "territoires_quality_commune_list",
    "territoires_quality_commune_show",
    "territoires_quality_show",
    "territoires_resolve",
    "territoires_site_show",
    "territoires_territory_show",
]

#: CKAN's actions the plugin chains (``tk.chained_action``); CKAN's own auth
#: functions apply to them.
CHAINED: dict[str, Callable] = {"package_create": package_create, "package_update": package_update}


def get_actions() -> dict[str, Callable]:
    """Every action the plugin registers: its own, then CKAN's it chains."""
    return {name: globals()[name] for name in __all__} | CHAINED

"""Plugin ``territoires_harvest``: options, actions and auth of the harvesters.

The harvesters themselves are plugins of their own, one per source kind
(:mod:`ckanext.territoires.harvesters.kinds`): territoires_ckan_harvester,
territoires_dcat_harvester, territoires_ods_harvester,
territoires_udata_harvester and territoires_csw_harvester.

No ITranslation here: the harvesters' messages and the French of
ckanext-harvest's screens are in the catalogue of the core plugin
``territoires`` (which this one needs anyway), and CKAN merges every
plugin's catalogue into each page's translations.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
class TerritoiresHarvestPlugin(p.SingletonPlugin):
    """Harvesting communes' catalogues: options, preview and stale jobs."""

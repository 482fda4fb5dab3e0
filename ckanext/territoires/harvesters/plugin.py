"""Plugin ``territoires_harvest``: options, actions and French of the harvest screens.

The harvesters themselves are plugins of their own, one per source kind
(:mod:`ckanext.territoires.harvesters.kinds`): territoires_ckan_harvester,
territoires_dcat_harvester, territoires_ods_harvester,
territoires_udata_harvester and territoires_csw_harvester.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.territoires.harvesters import messages


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
class TerritoiresHarvestPlugin(p.SingletonPlugin):
    """Harvesting communes' catalogues: options, preview, stale jobs, and the
    French of the harvest screens."""

    p.implements(p.ITranslation)

    def i18n_directory(self):
        return messages.compiled_directory()

    def i18n_locales(self):
        return list(messages.LOCALES)

    def i18n_domain(self):
        return messages.DOMAIN

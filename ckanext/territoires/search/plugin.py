"""Plugin ``territoires_search``: CKAN's search index in PostgreSQL, in place of Solr."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.territoires.search import backend, guard, spatial
from ckanext.territoires.search import config as search_config


@tk.blanket.config_declarations
class TerritoiresSearchPlugin(p.SingletonPlugin):
    """CKAN's search index in PostgreSQL, in place of Solr."""

    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)

    def update_config(self, config_):
        # Before CKAN's start-up check of the index, which follows.
        if search_config.backend() == search_config.POSTGRESQL:
            backend.install()

    def before_dataset_search(self, search_params):
        if backend.is_installed():
            guard.refuse_wrong_types(search_params)
            guard.refuse_invalid_text(search_params)
            guard.refuse_oversized(search_params)
            guard.refuse_unsupported_syntax(search_params)
            search_params = spatial.add_bbox_filter(search_params)
        return search_params

"""Plugins of ckanext-territoires. Only wiring here; logic lives in modules."""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.territoires.search import backend, guard

HERE = os.path.dirname(__file__)


@tk.blanket.config_declarations
class TerritoiresPlugin(p.SingletonPlugin):
    """The portal of an intercommunality: templates, translations, options."""

    p.implements(p.IConfigurer)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_public_directory(config_, "public")


@tk.blanket.config_declarations(
    os.path.join(HERE, "search", "config_declaration.yaml"))
class TerritoiresSearchPlugin(p.SingletonPlugin):
    """CKAN's search index in PostgreSQL, in place of Solr."""

    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)

    def update_config(self, config_):
        # Before CKAN's start-up check of the index, which follows.
        if backend.selected_backend() == backend.POSTGRESQL:
            backend.install()

    def before_dataset_search(self, search_params):
        if backend.is_installed():
            guard.refuse_unsupported_syntax(search_params)
        return search_params

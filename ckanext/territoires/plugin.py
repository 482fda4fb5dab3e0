"""Plugins of ckanext-territoires. Only wiring here; logic lives in modules."""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.territoires import territory, translations, views
from ckanext.territoires.communes import index, membership
from ckanext.territoires.search import backend, guard

HERE = os.path.dirname(__file__)


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class TerritoiresPlugin(p.SingletonPlugin, DefaultTranslation):
    """The portal of an intercommunality: territory, communes, templates."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.ITranslation)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_public_directory(config_, "public")
        tk.add_resource("assets", "territoires")

    def configure(self, config_):
        territory.check_configured_scope()  # an invalid scope stops start-up

    # IPackageController: automatic memberships, committed with the dataset

    def after_dataset_create(self, context, pkg_dict):
        membership.sync_package_by_id(pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict):
        membership.sync_package_by_id(pkg_dict["id"])

    def before_dataset_index(self, pkg_dict):
        return index.add_index_fields(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        return index.facet_names(search_results)

    # IFacets

    def dataset_facets(self, facets_dict, package_type):
        return index.add_facets(facets_dict)

    # ISignal: the commune and intercommunality pages behind CKAN's group routes

    def get_signal_subscriptions(self):
        return {tk.signals.register_blueprint: [views.replace_group_type_views]}

    # ITranslation: catalogues compiled into the package (see translations.py)

    def i18n_directory(self):
        return translations.directory()

    def i18n_locales(self):
        return translations.locales(self.i18n_directory())


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

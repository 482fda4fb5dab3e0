"""Plugins of ckanext-territoires. Only wiring here; logic lives in modules."""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.dcat.interfaces import IDCATURIGenerator

from ckanext.territoires import territory, translations, views
from ckanext.territoires.communes import index, membership
from ckanext.territoires.dcat import iris
from ckanext.territoires.quality import index as quality_index
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
    p.implements(IDCATURIGenerator, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.ITranslation)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        # display snippet of the provenance fields of the dataset schema
        tk.add_template_directory(config_, "harvesters/templates")
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
        # quality after the territory: it sums scores per commune
        return quality_index.add_index_fields(index.add_index_fields(pkg_dict))

    def after_dataset_search(self, search_results, search_params):
        return quality_index.facet_names(index.facet_names(search_results))

    # IFacets

    def dataset_facets(self, facets_dict, package_type):
        return quality_index.add_facets(index.add_facets(facets_dict))

    # IDCATURIGenerator

    def dataset_uri(self, dataset_dict, default_uri):
        return iris.valid_iri(default_uri)

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


def _harvest_logic(name: str):
    # Imported on use: ckanext-harvest is only needed when this plugin is on.
    import importlib
    package = "ckanext.territoires.harvesters" + (".logic" if name in ("action", "auth") else "")
    return importlib.import_module(f"{package}.{name}")


@tk.blanket.config_declarations(
    os.path.join(HERE, "harvesters", "config_declaration.yaml"))
@tk.blanket.actions(lambda: {name: getattr(_harvest_logic("action"), name)
                             for name in _harvest_logic("action").__all__})
@tk.blanket.auth_functions(lambda: {name: getattr(_harvest_logic("auth"), name)
                                    for name in _harvest_logic("auth").__all__})
class TerritoiresHarvestPlugin(p.SingletonPlugin):
    """Harvesting communes' catalogues: options, preview, stale jobs, and the
    French of the harvest screens.

    The harvesters themselves are the plugins territoires_ckan_harvester,
    territoires_dcat_harvester, territoires_ods_harvester,
    territoires_udata_harvester and territoires_csw_harvester.
    """

    p.implements(p.ITranslation)

    def i18n_directory(self):
        return _harvest_logic("messages").compiled_directory()

    def i18n_locales(self):
        return list(_harvest_logic("messages").LOCALES)

    def i18n_domain(self):
        return _harvest_logic("messages").DOMAIN

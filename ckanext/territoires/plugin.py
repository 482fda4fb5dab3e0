"""Plugin ``territoires``: the portal of an intercommunality. Only wiring here."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.dcat.interfaces import IDCATURIGenerator

from ckanext.territoires import (
    cache,
    config,
    content_version,
    errors,
    licences,
    navl,
    territory,
    translations,
    views,
)
from ckanext.territoires.communes import index, membership, organizations
from ckanext.territoires.dcat import iris
from ckanext.territoires.geography import index as geography_index
from ckanext.territoires.logic import action
from ckanext.territoires.quality import index as quality_index
from ckanext.territoires.referential import store as referential_store
from ckanext.territoires.values import validated_dict


@tk.blanket.config_declarations(config.declare)
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints(views.blueprints)
@tk.blanket.cli
class TerritoiresPlugin(p.SingletonPlugin, DefaultTranslation):
    """The portal of an intercommunality: territory, communes, templates."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(IDCATURIGenerator, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.ITranslation)
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
        tk.add_public_directory(config_, "public")
        tk.add_resource("assets", "territoires")
        licences.configure(config_)  # the French licence register, by default

    def configure(self, config_):
        referential_store.use_directory(config.referential_directory())  # a refreshed one
        territory.check_configured_scope()  # an invalid scope stops start-up
        content_version.listen()  # commits that change the catalogue renew the cache validators
        navl.install()  # CKAN's validation, the same, faster (the rebuild validates each dataset)

    # IPackageController: automatic memberships, committed with the dataset

    def after_dataset_create(self, context, pkg_dict):
        membership.sync_package_by_id(pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict):
        membership.sync_package_by_id(pkg_dict["id"])

    # IOrganizationController (IPackageController.edit shares the name): an
    # organisation linked to another place re-joins and re-indexes its datasets

    def edit(self, entity):
        organizations.organization_edited(entity)

    def before_dataset_index(self, pkg_dict):
        # the validated dict read once for the extent and the quality (the
        # rebuild's cost per dataset); quality after the territory: it sums
        # scores per commune
        validated = validated_dict(pkg_dict)
        pkg_dict = geography_index.add_extent(pkg_dict, validated)
        return quality_index.add_index_fields(index.add_index_fields(pkg_dict), validated)

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
        return {tk.signals.register_blueprint: [views.places.replace_group_type_views]}

    # IMiddleware: every error rolls the database session back (errors.py);
    # only anonymous, cookie-free answers may be cached by a proxy (cache.py)

    def make_middleware(self, app, config):
        return cache.register(errors.register(app))

    # ITranslation: catalogues compiled into the package (see translations.py)

    def i18n_directory(self):
        return translations.directory()

    def i18n_locales(self):
        return translations.locales(self.i18n_directory())

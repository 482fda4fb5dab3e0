"""Plugin ``territoires_harvest``: options, actions, auth and screens of the harvesters.

The harvesters themselves are plugins of their own, one per source kind
(:mod:`ckanext.territoires.harvesters.kinds`): territoires_ckan_harvester,
territoires_dcat_harvester, territoires_ods_harvester,
territoires_udata_harvester and territoires_csw_harvester.

The templates of ``templates/`` extend ckanext-harvest's source screens
(the "Preview" button and page, labels in place of codes, the source form);
this plugin comes after ``harvest`` in ``ckan.plugins`` and puts its
templates first itself.

No ITranslation here: the harvesters' messages and the French of
ckanext-harvest's screens are in the catalogue of the core plugin
``territoires`` (which this one needs anyway), and CKAN merges every
plugin's catalogue into each page's translations.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.territoires.harvesters import queues, screens, views


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.helpers
@tk.blanket.blueprints
class TerritoiresHarvestPlugin(p.SingletonPlugin):
    """Harvesting communes' catalogues: options, preview, stale jobs, screens."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")

    def configure(self, config_):
        screens.templates_first(config_)  # before ckanext-harvest's, which they extend
        queues.install()  # records queued again only when lost (no duplicates)

    # IMiddleware (after every blueprint): ckanext-harvest's delete and clear
    # routes, POST with the CSRF token only

    def make_middleware(self, app, config):
        if hasattr(app, "url_map"):  # the Flask application
            views.replace_harvest_views(app)
        return app

    # IFacets: the facets of the source list, titled in the page's language

    def dataset_facets(self, facets_dict, package_type):
        return screens.facet_titles(facets_dict, package_type)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return screens.facet_titles(facets_dict, package_type)

    # IPackageController: frequencies and source types shown by their labels

    def after_dataset_search(self, search_results, search_params):
        return screens.facet_labels(search_results)

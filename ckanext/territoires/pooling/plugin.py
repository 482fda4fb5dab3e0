"""Plugin ``territoires_pooling``: Table Schemas, validation of resources and
one pooled dataset per schema for the territory. Only wiring here."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.xloader.interfaces import IXloader

from ckanext.territoires.pooling import jobs, screens, tables


@tk.blanket.config_declarations
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.helpers
class TerritoiresPoolingPlugin(p.SingletonPlugin):
    """Pooled data: schemas, validation reports, pooled datasets."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IXloader, inherit=True)

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")

    def configure(self, config_):
        screens.templates_first(config_)

    # IResourceController: validate the file against its declared schema

    def after_resource_create(self, context, resource):
        jobs.resource_changed(resource)

    def after_resource_update(self, context, resource):
        jobs.resource_changed(resource)

    def before_resource_delete(self, context, resource, resources):
        context["territoires_pooling_deleted"] = [resource.get("id")]

    def after_resource_delete(self, context, resources):
        jobs.resources_removed(context.pop("territoires_pooling_deleted", []))

    # IPackageController: a dataset created with its resources (harvests, API)

    def after_dataset_create(self, context, pkg_dict):
        for resource in pkg_dict.get("resources") or []:
            if resource.get(jobs.SCHEMA_FIELD):
                jobs.resource_changed({"package_id": pkg_dict.get("id"), **resource})
        tables.submit_new(pkg_dict)

    def after_dataset_update(self, context, pkg_dict):
        jobs.dataset_updated(pkg_dict)
        # resource_create/resource_update (defer_commit) store their file
        # afterwards: xloader submits those itself
        if not context.get("defer_commit"):
            tables.submit_new(pkg_dict)

    def after_dataset_delete(self, context, pkg_dict):
        jobs.resources_removed(jobs.resource_ids_of(pkg_dict.get("id")))

    # IXloader: a linked file only when its address passes the SSRF guard

    def can_upload(self, resource_id):
        return tables.may_load(resource_id)
